//! The alternate email in a reset (SPEC C8–C9): it is the reset policy's `email` method, as
//! the account's own address is (as in Entra), so once the emailed code of the first step is
//! right it is neither offered nor accepted as the second method of a two-method reset, and a
//! user holding only the two addresses is short of methods at sign-in. Before the emailed
//! code, and for an unknown address, the endpoints answer alike.

use crate::backend_tests;
use crate::helpers::{Browser, TestApp, PASSWORD};
use crate::methods_support::*;
use crate::support::sign_in;
use serde_json::{json, Value};
use sspr_api::ResetMethod;
use sspr_server::policy::reset;

const OWNER: &str = "alt.reset@contoso.example";
const ALTERNATE_ADDRESS: &str = "another@fabrikam.example";

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

/// Starts a reset for `email` and enters the mailed code; the flow id and its view.
async fn past_the_email(app: &TestApp, email: &str) -> (Browser, String, Value) {
    let browser = app.browser();
    let id = app.start_flow(&browser, "password_reset", email).await;
    let code = loop {
        if let Some(code) = app.mailbox.next_for(email).await.code() {
            break code;
        }
    };
    let view = browser
        .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
        .await
        .expect_status(200);
    (browser, id, view.body)
}

fn prove(code: &str) -> Value {
    json!({"method": "alternate_email", "code": code})
}

backend_tests! {
    async fn the_alternate_email_is_not_offered_as_a_second_method_after_the_accounts_address(app) {
        with_alternate(&app).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        let (browser, id, view) = past_the_email(&app, OWNER).await;
        assert_eq!(view["methods_required"], 2);
        assert_eq!(view["methods_proven"], json!(["email"]));
        assert_eq!(view["methods_missing"], 1);
        assert!(view.get("method_choices").is_none(), "no second email: {view}");

        // Forced, both endpoints refuse it as a method not offered, and nothing is mailed.
        let send = browser
            .post(&format!("/api/flows/{id}/alternate-email"), json!({}))
            .await
            .expect_status(422);
        assert_eq!(send.error().code, "validation_failed");
        let forced = browser
            .post(&format!("/api/flows/{id}/prove"), prove("12345678"))
            .await
            .expect_status(422);
        assert_eq!(forced.error().code, "validation_failed");
        assert_eq!(app.mailbox.count_for(ALTERNATE_ADDRESS), 1, "only the verification code");
        let refused = browser
            .post(
                &format!("/api/flows/{id}/complete"),
                json!({"password": "another long passphrase 9", "password_confirm": "another long passphrase 9"}),
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

    async fn an_unknown_flow_and_a_flow_before_its_code_send_nothing_to_the_alternate_address(app) {
        with_alternate(&app).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        let browser = app.browser();
        let unknown = browser
            .post("/api/flows/AAAAAAAAAAAAAAAAAAAAAA/alternate-email", json!({}))
            .await
            .expect_status(404);
        assert_eq!(unknown.error().code, "flow_not_found");
        let proof = browser
            .post("/api/flows/AAAAAAAAAAAAAAAAAAAAAA/prove", prove("12345678"))
            .await
            .expect_status(404);
        assert_eq!(proof.error().code, "flow_not_found");
        let mut answers = Vec::new();
        for address in [OWNER, "nobody.alt@contoso.example"] {
            let id = app.start_flow(&browser, "password_reset", address).await;
            let early = browser.post(&format!("/api/flows/{id}/alternate-email"), json!({})).await;
            answers.push((early.status, early.error().code));
        }
        assert_eq!(answers[0], (409, "flow_wrong_state".to_owned()));
        assert_eq!(answers[0], answers[1]);
        assert_eq!(app.mailbox.count_for(ALTERNATE_ADDRESS), 1, "only the verification code");
    }
}
