//! Guests (SPEC §3 C5, seed 001): invited by email, they redeem with a passcode and are signed in
//! at verification; once redeemed they sign in by email; a redemption reset makes email sign-in
//! answer as always but send nothing; the whole method can be switched off.

use crate::helpers::{Answer, Browser, TestApp};
use crate::support::{comparable, invitation_token, set_cookie_value};
use serde_json::json;
use sspr_api::Email;
use sspr_server::identity::invitations;

/// Invites `email` and returns the invitation token (the invitation mail is read).
pub async fn invite(app: &TestApp, email: &str) -> String {
    let address = Email::parse(email).expect("email");
    let invited = invitations::invite(&app.state, "test", &address, Some("Gus Guest"), "/account")
        .await
        .expect("invited");
    let mail = app.mailbox.next_for(email).await;
    assert!(mail.subject().contains("invited"), "{}", mail.subject());
    assert!(mail.code().is_none());
    invitation_token(&invited.link)
}

async fn start(browser: &Browser, body: serde_json::Value) -> Answer {
    browser.post("/api/flows", body).await
}

async fn verify(browser: &Browser, id: &str, code: &str) -> Answer {
    browser
        .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
        .await
}

/// Redeems the invitation `token` in a fresh browser; returns the signed-in browser.
pub async fn redeem(app: &TestApp, email: &str, token: &str) -> Browser {
    let browser = app.browser();
    let answer = start(&browser, json!({"purpose": "guest", "invitation": token}))
        .await
        .expect_status(201);
    let id = answer.body["flow_id"].as_str().expect("id").to_owned();
    let code = app.mailbox.code_for(email).await;
    let answer = verify(&browser, &id, &code).await.expect_status(200);
    assert_eq!(answer.body["state"], "completed");
    assert!(set_cookie_value(&answer, "__Host-sspr_session").is_some());
    browser
}

mod enabled {
    use super::*;
    use crate::backend_tests;

    backend_tests! {
        async fn an_invited_guest_redeems_with_a_code_and_is_signed_in_at_verification(app) {
            let email = "gus@partner.example";
            let token = invite(&app, email).await;
            let browser = redeem(&app, email, &token).await;
            let me = browser.get("/api/session").await.expect_status(200);
            assert_eq!(me.body["user"]["email"], email);
            assert_eq!(me.body["user"]["user_type"], "guest");
            assert_eq!(me.body["user"]["display_name"], "Gus Guest");
            // A guest session lasts 24 hours too.
            let session = &me.body["session"];
            assert_eq!(
                session["expires_at_ms"].as_i64().expect("expiry") - session["created_at_ms"].as_i64().expect("creation"),
                24 * 60 * 60_000
            );
            let redeemed = crate::support::count(&app, "invitations WHERE redeemed_at_ms IS NOT NULL").await;
            assert_eq!(redeemed, 1);
        }

        async fn a_redeemed_guest_signs_in_again_by_email(app) {
            let email = "returning.guest@partner.example";
            let token = invite(&app, email).await;
            redeem(&app, email, &token).await;
            let browser = app.browser();
            let answer = start(&browser, json!({"purpose": "guest", "email": email})).await.expect_status(201);
            let id = answer.body["flow_id"].as_str().expect("id").to_owned();
            let code = app.mailbox.code_for(email).await;
            let answer = verify(&browser, &id, &code).await.expect_status(200);
            assert_eq!(answer.body["state"], "completed");
            let me = browser.get("/api/session").await.expect_status(200);
            assert_eq!(me.body["user"]["user_type"], "guest");
        }

        async fn before_redemption_and_after_a_redemption_reset_email_sign_in_answers_alike_and_sends_nothing(app) {
            let email = "reset.guest@partner.example";
            let token = invite(&app, email).await;
            let by_email = || async {
                comparable(&start(&app.browser(), json!({"purpose": "guest", "email": email})).await.expect_status(201))
            };
            // An unknown address that masks alike (`r•••@partner.example`).
            let unknown = comparable(
                &start(&app.browser(), json!({"purpose": "guest", "email": "random.stranger@partner.example"}))
                    .await
                    .expect_status(201),
            );
            // Not yet redeemed: no code by email.
            let before = by_email().await;
            assert_eq!(app.mailbox.settled_count_for(email).await, 1, "the invitation only");
            // Redeemed: a code by email.
            redeem(&app, email, &token).await;
            let redeemed = by_email().await;
            let code = app.mailbox.next_for(email).await;
            assert!(code.code().is_some(), "{}", code.subject());
            // Reset: the guest must accept again; by email, nothing is sent.
            let reset = invitations::reset_redemption(&app.state, "test", &Email::parse(email).expect("email"))
                .await
                .expect("reset");
            assert_eq!(reset, Some(1));
            let after = by_email().await;
            assert_eq!(app.mailbox.settled_count_for(email).await, 3, "invitation, redemption code, sign-in code");
            for (what, answer) in [("before", &before), ("redeemed", &redeemed), ("after reset", &after)] {
                assert_eq!(answer, &unknown, "{what} answers unlike an unknown address");
            }
            assert_eq!(crate::support::count(&app, "audit_log WHERE event = 'redemption_reset'").await, 1);
            // A member address is not a guest: no redemption to reset.
            let member = Email::parse("member@contoso.example").expect("email");
            assert_eq!(invitations::reset_redemption(&app.state, "test", &member).await.expect("ok"), None);
        }

        async fn a_guest_has_no_password_to_reset_or_sign_in_with(app) {
            let email = "nopassword.guest@partner.example";
            let token = invite(&app, email).await;
            redeem(&app, email, &token).await;
            for purpose in ["password_reset", "unlock", "passwordless"] {
                start(&app.browser(), json!({"purpose": purpose, "email": email})).await.expect_status(201);
            }
            assert_eq!(app.mailbox.settled_count_for(email).await, 2, "invitation and redemption code only");
            let (_, answer) = crate::support::sign_in(&app, email, crate::helpers::PASSWORD).await;
            assert_eq!(answer.status, 401);
        }

        async fn a_bad_invitation_is_refused(app) {
            let email = "bad.invitation@partner.example";
            let token = invite(&app, email).await;
            for bogus in ["bogus", "", &"A".repeat(43), &token[..token.len() - 1]] {
                let answer = start(&app.browser(), json!({"purpose": "guest", "invitation": bogus})).await;
                assert_eq!(answer.status, 404, "{bogus}: {}", answer.text);
                assert_eq!(answer.code(), "invitation_invalid");
            }
            // An invitation only opens a guest flow.
            let answer = start(&app.browser(), json!({"purpose": "password_reset", "invitation": token})).await;
            assert_eq!(answer.status, 422, "{}", answer.text);
            assert_eq!(answer.code(), "validation_failed");
            assert_eq!(crate::support::count(&app, "flows").await, 0);
        }
    }
}

mod switched_off {
    use super::*;
    use crate::backend_tests_with;

    fn no_guest_passcodes(config: &mut sspr_server::Config) {
        config.guest_passcodes = false;
    }

    backend_tests_with! { no_guest_passcodes;
        async fn with_guest_passcodes_off_guest_flows_are_refused_with_method_disabled(app) {
            let email = "off.guest@partner.example";
            let token = invite(&app, email).await;
            for body in [
                json!({"purpose": "guest", "invitation": token}),
                json!({"purpose": "guest", "email": email}),
                json!({"purpose": "guest", "email": "nobody@partner.example"}),
            ] {
                let answer = start(&app.browser(), body.clone()).await;
                assert_eq!(answer.status, 403, "{body}: {}", answer.text);
                assert_eq!(answer.code(), "method_disabled");
            }
            assert_eq!(app.mailbox.settled_count_for(email).await, 1, "the invitation only");
            assert_eq!(crate::support::count(&app, "flows").await, 0);
            // Members are unaffected.
            start(&app.browser(), json!({"purpose": "sign_up", "email": "member@contoso.example"}))
                .await
                .expect_status(201);
        }
    }
}
