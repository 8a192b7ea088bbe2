//! The alternate email as a reset method (SPEC C8): once the emailed code is right, a user's
//! verified alternate address that counts for the reset policy is offered, masked; choosing it
//! mails a passcode there, the flows' own (keyed hash, single use, tries counted, a new one
//! replacing the last after the cooldown), which proves the method. Before the emailed code,
//! and for an unknown address, the endpoints answer alike.

use crate::backend_tests;
use crate::helpers::{Browser, TestApp, PASSWORD};
use crate::methods_support::*;
use crate::support::other_code;
use serde_json::{json, Value};
use sspr_api::ResetMethod;

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
    async fn a_code_mailed_to_the_alternate_address_proves_it_once_and_a_wrong_one_is_counted(app) {
        with_alternate(&app).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        let (browser, id, view) = past_the_email(&app, OWNER).await;
        assert_eq!(
            view["method_choices"],
            json!([{"kind": "alternate_email", "detail": "a•••@fabrikam.example"}])
        );
        let sent = browser
            .post(&format!("/api/flows/{id}/alternate-email"), json!({}))
            .await
            .expect_status(200);
        assert_eq!(sent.body["masked_email"], "a•••@fabrikam.example");
        assert_eq!(sent.body["code_length"], 8);
        let message = app.mailbox.next_for(ALTERNATE_ADDRESS).await;
        let code = message.code().expect("a code");
        assert!(message.data.contains("reset"), "the reset's own message");
        let stored = app.dump("passcodes").await.join("\n");
        assert!(!stored.contains(&code), "only its hash is kept");

        let wrong = browser
            .post(&format!("/api/flows/{id}/prove"), prove(&other_code(&code)))
            .await
            .expect_status(400);
        assert_eq!(wrong.error().code, "invalid_code");
        assert_eq!(wrong.error().attempts_left, Some(4));
        let malformed = browser
            .post(&format!("/api/flows/{id}/prove"), prove("12"))
            .await
            .expect_status(422);
        assert_eq!(malformed.error().code, "invalid_code");

        let proven = browser
            .post(&format!("/api/flows/{id}/prove"), prove(&code))
            .await
            .expect_status(200);
        assert_eq!(proven.body["methods_proven"], json!(["email", "alternate_email"]));
        assert!(proven.body.get("method_choices").is_none(), "nothing left to offer");
        let events = app.dump("audit_log").await.join("\n");
        assert!(events.contains("alternate_email_code_sent"));

        // Used once: proving again is refused, in this flow and in another.
        let again = browser
            .post(&format!("/api/flows/{id}/prove"), prove(&code))
            .await
            .expect_status(422);
        assert_eq!(again.error().code, "validation_failed");
        let (other, other_id, _) = past_the_email(&app, OWNER).await;
        let replayed = other
            .post(&format!("/api/flows/{other_id}/prove"), prove(&code))
            .await
            .expect_status(400);
        assert_eq!(replayed.error().code, "code_expired", "no code was sent in that flow");
    }

    async fn another_code_waits_for_the_cooldown_and_kills_the_last(app) {
        with_alternate(&app).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        let (browser, id, _) = past_the_email(&app, OWNER).await;
        let send = format!("/api/flows/{id}/alternate-email");
        browser.post(&send, json!({})).await.expect_status(200);
        let first = app.mailbox.code_for(ALTERNATE_ADDRESS).await;
        let early = browser.post(&send, json!({})).await.expect_status(429);
        assert_eq!(early.error().code, "resend_too_soon");
        app.clock.advance_ms(60_000);
        browser.post(&send, json!({})).await.expect_status(200);
        let second = app.mailbox.code_for(ALTERNATE_ADDRESS).await;
        if first != second {
            browser
                .post(&format!("/api/flows/{id}/prove"), prove(&first))
                .await
                .expect_status(400);
        }
        browser
            .post(&format!("/api/flows/{id}/prove"), prove(&second))
            .await
            .expect_status(200);
    }

    async fn five_wrong_codes_kill_the_alternate_addresss_code(app) {
        with_alternate(&app).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        let (browser, id, _) = past_the_email(&app, OWNER).await;
        browser.post(&format!("/api/flows/{id}/alternate-email"), json!({})).await.expect_status(200);
        let code = app.mailbox.code_for(ALTERNATE_ADDRESS).await;
        for _ in 0..5 {
            browser
                .post(&format!("/api/flows/{id}/prove"), prove(&other_code(&code)))
                .await
                .expect_status(400);
        }
        let dead = browser
            .post(&format!("/api/flows/{id}/prove"), prove(&code))
            .await
            .expect_status(400);
        assert_eq!(dead.error().code, "code_expired");
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
