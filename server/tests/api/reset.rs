//! Self-service password reset (SPEC C3): email → code → new password → signed in.

use crate::backend_tests;
use crate::helpers::PASSWORD;
use crate::support::sign_in;
use serde_json::json;

const NEW_PASSWORD: &str = "a brand new passphrase 2026";

backend_tests! {
    async fn a_forgotten_password_is_reset_by_email_code_and_the_user_is_signed_in(app) {
        let email = "jane@contoso.example";
        let old_browser = app.sign_up(email, PASSWORD).await;
        assert_eq!(old_browser.get("/api/session").await.status, 200);

        let browser = app.browser();
        let start = browser
            .post("/api/flows", json!({"purpose": "password_reset", "email": email, "return_to": "/welcome"}))
            .await
            .expect_status(201);
        assert_eq!(start.body["state"], "code_sent");
        assert_eq!(start.body["masked_email"], "j•••@contoso.example");
        assert_eq!(start.body["code_length"], 8);
        let id = start.body["flow_id"].as_str().expect("id").to_owned();

        let code = app.mailbox.code_for(email).await;
        assert_eq!(code.len(), 8);
        browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
            .await
            .expect_status(200);
        let done = browser
            .post(
                &format!("/api/flows/{id}/complete"),
                json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}),
            )
            .await
            .expect_status(200);
        assert_eq!(done.body["signed_in"], true);
        assert_eq!(done.body["return_to"], "/welcome");

        let me = browser.get("/api/session").await.expect_status(200);
        assert_eq!(me.body["user"]["email"], email);
        // Every other session was signed out, and the old password no longer works.
        assert_eq!(old_browser.get("/api/session").await.status, 401);
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 401);
        assert_eq!(sign_in(&app, email, NEW_PASSWORD).await.1.status, 200);
        // The user is told, and the notice holds no secret.
        let notice = app.mailbox.next_for(email).await;
        assert!(notice.subject().contains("password was changed"), "{}", notice.subject());
        assert!(notice.code().is_none());
        assert!(!notice.data.contains(NEW_PASSWORD));
    }

    async fn a_wrong_code_then_the_right_one_resets_the_password(app) {
        let email = "wrong.then.right@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "password_reset", email).await;
        let code = app.mailbox.code_for(email).await;
        let wrong = if code == "00000000" { "11111111" } else { "00000000" };
        let answer = browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": wrong}))
            .await
            .expect_status(400);
        let error = answer.error();
        assert_eq!(error.code, "invalid_code");
        assert_eq!(error.attempts_left, Some(4));
        browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
            .await
            .expect_status(200);
    }

    async fn a_resent_code_replaces_the_old_one(app) {
        let email = "resend@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "password_reset", email).await;
        let old = app.mailbox.code_for(email).await;
        // Too soon: the cooldown says how long to wait.
        let early = browser.post(&format!("/api/flows/{id}/resend"), json!({})).await.expect_status(429);
        assert_eq!(early.code(), "resend_too_soon");
        assert_eq!(early.error().retry_after_secs, Some(60));
        app.clock.advance_ms(60_000);
        browser.post(&format!("/api/flows/{id}/resend"), json!({})).await.expect_status(200);
        let new = app.mailbox.code_for(email).await;
        if old != new {
            let refused = browser
                .post(&format!("/api/flows/{id}/verify"), json!({"code": old}))
                .await;
            assert!(refused.status == 400, "{}", refused.text);
        }
        browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": new}))
            .await
            .expect_status(200);
    }

    async fn a_reset_unlocks_a_locked_account(app) {
        let email = "locked@contoso.example";
        app.sign_up(email, PASSWORD).await;
        for _ in 0..10 {
            assert_eq!(sign_in(&app, email, "not the password at all").await.1.status, 401);
        }
        // Locked: even the right password is refused, with the same answer.
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 401);
        let browser = app.browser();
        let id = app.start_flow(&browser, "password_reset", email).await;
        let code = app.mailbox.code_for(email).await;
        browser.post(&format!("/api/flows/{id}/verify"), json!({"code": code})).await.expect_status(200);
        browser
            .post(&format!("/api/flows/{id}/complete"), json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}))
            .await
            .expect_status(200);
        assert_eq!(sign_in(&app, email, NEW_PASSWORD).await.1.status, 200);
    }
}
