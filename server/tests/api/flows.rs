//! The self-service flows end to end (SPEC §3 C3, C4, C6): unlock with or without a new
//! password, passwordless sign-in and sign-up, the state machine's refusals, browser binding,
//! expiry and where users are sent afterwards.

use crate::backend_tests;
use crate::helpers::{Answer, Browser, TestApp, PASSWORD};
use crate::support::{count, lock, set_cookie_value, sign_in};
use serde_json::{json, Value};

const NEW_PASSWORD: &str = "a brand new passphrase 2026";

async fn verify(browser: &Browser, id: &str, code: &str) -> Answer {
    browser
        .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
        .await
}

async fn complete(browser: &Browser, id: &str, body: Value) -> Answer {
    browser
        .post(&format!("/api/flows/{id}/complete"), body)
        .await
}

/// A flow of `purpose` for `email` in a fresh browser, its code verified.
async fn verified(app: &TestApp, purpose: &str, email: &str) -> (Browser, String, Answer) {
    let browser = app.browser();
    let id = app.start_flow(&browser, purpose, email).await;
    let code = app.mailbox.code_for(email).await;
    let answer = verify(&browser, &id, &code).await.expect_status(200);
    (browser, id, answer)
}

backend_tests! {
    async fn the_unlock_action_keeps_the_old_password_and_lifts_the_lock(app) {
        let email = "unlock.keep@contoso.example";
        app.sign_up(email, PASSWORD).await;
        lock(&app, email).await;
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 401);
        let (browser, id, answer) = verified(&app, "unlock", email).await;
        assert_eq!(answer.body["state"], "code_verified");
        // Unlock or reset: the choice is required.
        let answer = complete(&browser, &id, json!({})).await.expect_status(422);
        assert_eq!(answer.code(), "validation_failed");
        let done = complete(&browser, &id, json!({"action": "unlock"})).await.expect_status(200);
        assert_eq!(done.body["signed_in"], false);
        assert_eq!(done.body["return_to"], "/sign-in");
        assert!(set_cookie_value(&done, "__Host-sspr_session").is_none());
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 200, "the old password works");
        assert_eq!(count(&app, "audit_log WHERE event = 'account_unlocked'").await, 1);
        let state = browser.get(&format!("/api/flows/{id}")).await.expect_status(200);
        assert_eq!(state.body["state"], "completed");
    }

    async fn the_reset_action_of_an_unlock_flow_sets_a_new_password_and_signs_in(app) {
        let email = "unlock.reset@contoso.example";
        app.sign_up(email, PASSWORD).await;
        lock(&app, email).await;
        let (browser, id, _) = verified(&app, "unlock", email).await;
        let answer = complete(&browser, &id, json!({"action": "reset", "password": "short", "password_confirm": "short"})).await;
        assert_eq!(answer.code(), "password_policy");
        let done = complete(&browser, &id, json!({"action": "reset", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}))
            .await
            .expect_status(200);
        assert_eq!(done.body["signed_in"], true);
        assert!(set_cookie_value(&done, "__Host-sspr_session").is_some());
        browser.get("/api/session").await.expect_status(200);
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 401);
        assert_eq!(sign_in(&app, email, NEW_PASSWORD).await.1.status, 200);
    }

    async fn an_unlock_flow_for_an_account_that_is_not_locked_unlocks_nothing_harmful(app) {
        let email = "unlock.free@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let (browser, id, _) = verified(&app, "unlock", email).await;
        complete(&browser, &id, json!({"action": "unlock"})).await.expect_status(200);
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 200);
    }

    async fn passwordless_sign_in_creates_an_account_for_a_new_address_after_asking_for_a_name(app) {
        let email = "newcomer@contoso.example";
        let (browser, id, answer) = verified(&app, "passwordless", email).await;
        assert_eq!(answer.body["state"], "code_verified");
        assert_eq!(answer.body["needs_profile"], true);
        assert!(answer.set_cookies().is_empty(), "not signed in before the profile");
        assert_eq!(count(&app, "users").await, 0);
        let shown = browser.get(&format!("/api/flows/{id}")).await.expect_status(200);
        assert_eq!(shown.body["needs_profile"], true);
        for bad in [json!({}), json!({"display_name": "   "}), json!({"display_name": "x".repeat(101)}), json!({"display_name": "a\u{0007}b"})] {
            let answer = complete(&browser, &id, bad.clone()).await;
            assert_eq!(answer.status, 422, "{bad}: {}", answer.text);
            assert_eq!(answer.code(), "validation_failed");
        }
        let done = complete(&browser, &id, json!({"display_name": "  New Person  "})).await.expect_status(200);
        assert_eq!(done.body["signed_in"], true);
        let me = browser.get("/api/session").await.expect_status(200);
        assert_eq!(me.body["user"]["email"], email);
        assert_eq!(me.body["user"]["display_name"], "New Person");
        assert_eq!(me.body["user"]["user_type"], "member");
        assert_eq!(me.body["user"]["methods"], json!(["email"]), "no password was set");
        assert_eq!(count(&app, "audit_log WHERE event = 'sign_up' AND outcome = 'success'").await, 1);
        // There is no password to sign in with.
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 401);
    }

    async fn passwordless_sign_in_signs_an_existing_account_in_at_verification(app) {
        let email = "returning@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let (browser, id, answer) = verified(&app, "passwordless", email).await;
        assert_eq!(answer.body["state"], "completed");
        assert!(answer.body.get("needs_profile").is_none() || answer.body["needs_profile"] == false);
        assert!(set_cookie_value(&answer, "__Host-sspr_session").is_some());
        let me = browser.get("/api/session").await.expect_status(200);
        assert_eq!(me.body["user"]["email"], email);
        let answer = complete(&browser, &id, json!({"display_name": "Again"})).await.expect_status(409);
        assert_eq!(answer.code(), "flow_wrong_state");
        assert_eq!(count(&app, "users").await, 1);
    }

    async fn steps_out_of_order_are_refused_with_flow_wrong_state(app) {
        let email = "order@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "password_reset", email).await;
        let code = app.mailbox.code_for(email).await;
        let reset = json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD});
        let wrong_state = |answer: Answer, what: &str| {
            assert_eq!(answer.status, 409, "{what}: {}", answer.text);
            assert_eq!(answer.code(), "flow_wrong_state", "{what}");
        };
        wrong_state(complete(&browser, &id, reset.clone()).await, "complete before verify");
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 200, "nothing changed");
        verify(&browser, &id, &code).await.expect_status(200);
        wrong_state(verify(&browser, &id, &code).await, "verify twice");
        app.clock.advance_ms(60_000);
        wrong_state(browser.post(&format!("/api/flows/{id}/resend"), json!({})).await, "resend after verify");
        complete(&browser, &id, reset.clone()).await.expect_status(200);
        wrong_state(complete(&browser, &id, reset.clone()).await, "complete twice");
        wrong_state(verify(&browser, &id, &code).await, "verify after completion");
        wrong_state(browser.post(&format!("/api/flows/{id}/resend"), json!({})).await, "resend after completion");
        let shown = browser.get(&format!("/api/flows/{id}")).await.expect_status(200);
        assert_eq!(shown.body["state"], "completed");
    }

    async fn an_unknown_flow_id_is_not_found(app) {
        let browser = app.browser();
        // A browser with a binding cookie of its own, asking for flows that do not exist.
        app.start_flow(&browser, "sign_up", "someone@contoso.example").await;
        for id in ["doesnotexist", "AAAAAAAAAAAAAAAAAAAAAA", &"a".repeat(65), &"b".repeat(5000), "..%2F..%2Fetc"] {
            let answers = [
                browser.get(&format!("/api/flows/{id}")).await,
                browser.post(&format!("/api/flows/{id}/resend"), json!({})).await,
                verify(&browser, id, "12345678").await,
                complete(&browser, id, json!({"password": PASSWORD, "password_confirm": PASSWORD})).await,
            ];
            for answer in answers {
                assert_eq!(answer.status, 404, "{id}: {}", answer.text);
                assert_eq!(answer.code(), "flow_not_found");
            }
        }
    }

    async fn a_flow_is_useless_in_another_browser(app) {
        let email = "bound.browser@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let owner = app.browser();
        let id = app.start_flow(&owner, "password_reset", email).await;
        let code = app.mailbox.code_for(email).await;
        // A browser with no binding cookie, and one with a binding cookie of its own.
        let stranger = app.browser();
        let other = app.browser();
        app.start_flow(&other, "sign_up", "other@contoso.example").await;
        for browser in [&stranger, &other] {
            let answers = [
                browser.get(&format!("/api/flows/{id}")).await,
                browser.post(&format!("/api/flows/{id}/resend"), json!({})).await,
                verify(browser, &id, &code).await,
            ];
            for answer in answers {
                assert_eq!(answer.status, 404, "{}", answer.text);
                assert_eq!(answer.code(), "flow_not_found");
            }
        }
        // A stolen binding cookie value that is not the flow's does not help either.
        stranger.set_cookie("__Host-sspr_flow", &"A".repeat(43));
        assert_eq!(verify(&stranger, &id, &code).await.status, 404);
        // The strangers used none of the owner's tries.
        let wrong = crate::support::other_code(&code);
        let answer = verify(&owner, &id, &wrong).await.expect_status(400);
        assert_eq!(answer.error().attempts_left, Some(4));
        verify(&owner, &id, &code).await.expect_status(200);
    }

    async fn a_flow_expires_after_an_hour(app) {
        let email = "slow@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "password_reset", email).await;
        app.clock.advance_ms(60 * 60_000 - 1);
        let shown = browser.get(&format!("/api/flows/{id}")).await.expect_status(200);
        assert_eq!(shown.body["expires_in_secs"], 0);
        app.clock.advance_ms(60_000 + 1);
        let answers = [
            browser.get(&format!("/api/flows/{id}")).await,
            browser.post(&format!("/api/flows/{id}/resend"), json!({})).await,
            verify(&browser, &id, "12345678").await,
            complete(&browser, &id, json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})).await,
        ];
        for answer in answers {
            assert_eq!(answer.status, 410, "{}", answer.text);
            assert_eq!(answer.code(), "flow_expired");
        }
    }

    async fn return_to_keeps_local_paths_and_allowed_origins_and_drops_everything_else(app) {
        let email = "traveller@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let cases = [
            ("/welcome?tab=2", "/welcome?tab=2"),
            ("https://app.contoso.example/home?x=1", "https://app.contoso.example/home?x=1"),
            ("https://evil.example/", "/account"),
            ("//evil.example/", "/account"),
            ("https://app.contoso.example.evil.example/", "/account"),
            ("https://app.contoso.example@evil.example/", "/account"),
            ("javascript:alert(1)", "/account"),
            ("/\\evil.example", "/account"),
        ];
        for (n, (requested, expected)) in cases.into_iter().enumerate() {
            // Sign-in.
            let answer = app
                .browser()
                .post("/api/session", json!({"email": email, "password": PASSWORD, "return_to": requested}))
                .await
                .expect_status(200);
            assert_eq!(answer.body["return_to"], expected, "sign-in with {requested}");
            // Passwordless sign-up, finished in the last step.
            let newcomer = format!("newcomer{n}@contoso.example");
            let browser = app.browser();
            let start = browser
                .post("/api/flows", json!({"purpose": "passwordless", "email": newcomer, "return_to": requested}))
                .await
                .expect_status(201);
            let id = start.body["flow_id"].as_str().expect("id").to_owned();
            let code = app.mailbox.code_for(&newcomer).await;
            verify(&browser, &id, &code).await.expect_status(200);
            let done = complete(&browser, &id, json!({"display_name": "Traveller"})).await.expect_status(200);
            assert_eq!(done.body["return_to"], expected, "flow with {requested}");
            app.clock.advance_ms(60_000);
        }
    }
}
