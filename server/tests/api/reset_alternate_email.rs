//! The alternate email in a reset (SPEC C8–C9): it can receive the code step's code instead
//! of the account's address (`POST /api/flows/{id}/alternate-email`), with the same answer
//! whether the account has one or not, or whether the address has an account at all. It is the
//! reset policy's `email` method, as the account's own address is (as in Entra), so it is
//! never a second method of a two-method reset, and a user holding only the two addresses is
//! short of methods at sign-in.

use crate::backend_tests;
use crate::helpers::{Answer, Browser, TestApp, PASSWORD};
use crate::methods_support::*;
use crate::support::{comparable, sign_in};
use serde_json::{json, Value};
use sspr_api::ResetMethod;
use sspr_server::policy::reset;

const OWNER: &str = "alt.reset@contoso.example";
const ALTERNATE_ADDRESS: &str = "another@fabrikam.example";
/// A resend waits this long after the last send (the default cooldown, and then some).
const COOLDOWN_MS: i64 = 61_000;
const NEW_PASSWORD: &str = "another long passphrase 9";

/// Signs `OWNER` up and registers `ALTERNATE_ADDRESS` as their alternate email.
async fn with_alternate(app: &TestApp) {
    let account = app.sign_up(OWNER, PASSWORD).await;
    let pending = account
        .post(ALTERNATE, json!({"email": ALTERNATE_ADDRESS}))
        .await
        .expect_status(200);
    let id = pending.body["method_id"].as_str().expect("id").to_owned();
    let code = app.mailbox.code_for(ALTERNATE_ADDRESS).await;
    account
        .post(
            &format!("{ALTERNATE}/confirm"),
            json!({"method_id": id, "code": code}),
        )
        .await
        .expect_status(200);
}

fn prove(code: &str) -> Value {
    json!({"method": "alternate_email", "code": code})
}

/// Starts a reset for `email`: the browser, the flow id and, for an account, the code mailed
/// to its address.
async fn at_the_code_step(
    app: &TestApp,
    email: &str,
    account: bool,
) -> (Browser, String, Option<String>) {
    let browser = app.browser();
    let id = app.start_flow(&browser, "password_reset", email).await;
    let mut first = None;
    while account && first.is_none() {
        // Past the notices the account got (a method was added).
        first = app.mailbox.next_for(email).await.code();
    }
    (browser, id, first)
}

/// `POST /api/flows/{id}/alternate-email`.
async fn to_alternate(browser: &Browser, id: &str) -> Answer {
    browser
        .post(&format!("/api/flows/{id}/alternate-email"), json!({}))
        .await
}

backend_tests! {
    async fn the_code_step_sends_the_code_to_the_alternate_address_instead_and_the_reset_completes(app) {
        with_alternate(&app).await;
        let (browser, id, first) = at_the_code_step(&app, OWNER, true).await;
        let first = first.expect("the account's address got a code");
        let early = to_alternate(&browser, &id).await.expect_status(429);
        assert_eq!(early.error().code, "resend_too_soon");
        app.clock.advance_ms(COOLDOWN_MS);
        let sent = to_alternate(&browser, &id).await.expect_status(200);
        assert_eq!(sent.body["state"], "code_sent");
        assert!(sent.body["resend_after_secs"].as_u64().unwrap_or(0) > 0, "{}", sent.text);
        let code = app.mailbox.code_for(ALTERNATE_ADDRESS).await;
        assert_ne!(code, first);
        // The first code died with the new one.
        let stale = browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": first}))
            .await
            .expect_status(400);
        assert_eq!(stale.error().code, "invalid_code");
        let verified = browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
            .await
            .expect_status(200);
        assert_eq!(verified.body["state"], "code_verified");
        browser
            .post(
                &format!("/api/flows/{id}/complete"),
                json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}),
            )
            .await
            .expect_status(200);
        sign_in(&app, OWNER, NEW_PASSWORD).await.1.expect_status(200);
        let audited = app.dump("audit_log").await.join("\n");
        assert!(audited.contains("alternate_email"), "the send is audited: {audited}");
    }

    async fn asking_for_the_alternate_address_answers_alike_with_or_without_one_and_without_an_account(app) {
        with_alternate(&app).await;
        let plain = "no.alternate@contoso.example";
        app.sign_up(plain, PASSWORD).await;
        let mut answers = Vec::new();
        let mut flows = Vec::new();
        for (address, account) in [(OWNER, true), (plain, true), ("nobody.alt@contoso.example", false)] {
            let (browser, id, first) = at_the_code_step(&app, address, account).await;
            flows.push((browser, id, first));
        }
        app.clock.advance_ms(COOLDOWN_MS);
        for (browser, id, _) in &flows {
            let answer = to_alternate(browser, id).await;
            let (status, headers, mut body) = comparable(&answer);
            body.as_object_mut().expect("a view").remove("masked_email");
            answers.push((status, headers, body));
        }
        assert_eq!(answers[0].0, 200);
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[1], answers[2]);
        assert_eq!(app.mailbox.settled_count_for(ALTERNATE_ADDRESS).await, 2, "the verification code and the reset's");
        assert_eq!(app.mailbox.count_for(plain), 2, "the sign-up's code and the reset's first code only");
        // With no alternate address, nothing was sent and the first code still works.
        let (browser, id, first) = &flows[1];
        let first = first.clone().expect("the account's address got a code");
        browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": first}))
            .await
            .expect_status(200);
    }

    async fn nothing_goes_to_the_alternate_address_when_the_reset_policy_does_not_count_email(app) {
        with_alternate(&app).await;
        set_reset_methods(&app, 1, &[ResetMethod::AuthenticatorApp]).await;
        let (browser, id, _) = at_the_code_step(&app, OWNER, true).await;
        app.clock.advance_ms(COOLDOWN_MS);
        to_alternate(&browser, &id).await.expect_status(200);
        assert_eq!(app.mailbox.settled_count_for(ALTERNATE_ADDRESS).await, 1, "only the verification code");
    }

    async fn only_a_reset_or_unlock_sends_to_the_alternate_address(app) {
        with_alternate(&app).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "sign_up", "someone.new@contoso.example").await;
        app.clock.advance_ms(COOLDOWN_MS);
        let refused = to_alternate(&browser, &id).await.expect_status(409);
        assert_eq!(refused.error().code, "flow_wrong_state");
        let unknown = browser
            .post("/api/flows/AAAAAAAAAAAAAAAAAAAAAA/alternate-email", json!({}))
            .await
            .expect_status(404);
        assert_eq!(unknown.error().code, "flow_not_found");
        // Past the code step, too late.
        let (browser, id, _) = past_the_email(&app, OWNER).await;
        app.clock.advance_ms(COOLDOWN_MS);
        let late = to_alternate(&browser, &id).await.expect_status(409);
        assert_eq!(late.error().code, "flow_wrong_state");
        assert_eq!(app.mailbox.settled_count_for(ALTERNATE_ADDRESS).await, 1, "only the verification code");
    }

    async fn the_alternate_email_is_not_a_second_method_after_the_accounts_address(app) {
        with_alternate(&app).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        let (browser, id, view) = past_the_email(&app, OWNER).await;
        assert_eq!(view["methods_required"], 2);
        assert_eq!(view["methods_proven"], json!(["email"]));
        assert_eq!(view["methods_missing"], 1);
        assert!(view.get("method_choices").is_none(), "no second email: {view}");
        let forced = browser
            .post(&format!("/api/flows/{id}/prove"), prove("12345678"))
            .await
            .expect_status(422);
        assert_eq!(forced.error().code, "validation_failed");
        let refused = browser
            .post(
                &format!("/api/flows/{id}/complete"),
                json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}),
            )
            .await
            .expect_status(409);
        assert_eq!(refused.error().code, "more_methods_required");
    }

    async fn a_user_with_only_the_two_addresses_is_short_of_methods_at_sign_in(app) {
        with_alternate(&app).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        {
            let mut conn = app.db.pool.acquire().await.expect("connection");
            let mut policy = reset::load(&mut conn).await.expect("policy");
            policy.require_registration = true;
            reset::save(&mut conn, &policy, app.state.now_ms()).await.expect("saved");
        }
        let (browser, answer) = sign_in(&app, OWNER, PASSWORD).await;
        assert_eq!(answer.expect_status(200).body["registration"], "register");
        let prompt = browser
            .get("/api/account/registration")
            .await
            .expect_status(200);
        assert_eq!(prompt.body["kind"], "register");
        assert_eq!(prompt.body["methods_required"], 2);
        let early = browser
            .post("/api/account/registration/finish", json!({}))
            .await
            .expect_status(409);
        assert_eq!(early.error().code, "registration_incomplete");
    }

}
