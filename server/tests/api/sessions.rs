//! Sessions (SECURITY.md §17, §27, §28): an opaque 256-bit token in a `__Host-` cookie with every
//! protective attribute, new at every sign-in, ended on the server by sign-out, expiry,
//! revocation and a password reset or change.

use crate::backend_tests;
use crate::helpers::{Browser, TestApp, PASSWORD};
use crate::support::{decoded, set_cookie_value, sign_in};
use serde_json::json;

const SESSION: &str = "__Host-sspr_session";
const NEW_PASSWORD: &str = "a brand new passphrase 2026";

/// A fresh browser holding `token` as its session cookie.
fn replaying(app: &TestApp, token: &str) -> Browser {
    let browser = app.browser();
    browser.set_cookie(SESSION, token);
    browser
}

async fn signed_in(app: &TestApp, email: &str, password: &str) -> (Browser, String) {
    let (browser, answer) = sign_in(app, email, password).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let token = set_cookie_value(&answer, SESSION).expect("a session cookie");
    (browser, token)
}

backend_tests! {
    async fn the_session_cookie_is_host_only_secure_http_only_same_site_and_its_token_is_long_and_random(app) {
        let email = "cookie@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let (_, answer) = sign_in(&app, email, PASSWORD).await;
        let cookies = answer.set_cookies();
        assert_eq!(cookies.len(), 1, "{cookies:?}");
        let token = set_cookie_value(&answer, SESSION).expect("session cookie");
        assert_eq!(
            cookies[0],
            format!("{SESSION}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400; Secure")
        );
        assert!(!cookies[0].to_ascii_lowercase().contains("domain"));
        // 32 random bytes in base64url: 43 characters.
        assert!(token.len() >= 43, "{token}");
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{token}");
        // The token is nowhere in the body; the session's public id is not the token.
        assert!(!answer.text.contains(&token));
        let public_id = answer.body["session"]["id"].as_str().expect("public id");
        assert_ne!(public_id, token);
        // The flow binding cookie has the same protections.
        let flow = app
            .browser()
            .post("/api/flows", json!({"purpose": "password_reset", "email": email}))
            .await
            .expect_status(201);
        let binding = set_cookie_value(&flow, "__Host-sspr_flow").expect("binding cookie");
        assert!(binding.len() >= 43);
        assert_eq!(
            flow.set_cookies()[0],
            format!("__Host-sspr_flow={binding}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure")
        );
    }

    async fn every_sign_in_issues_a_new_token(app) {
        let email = "fresh@contoso.example";
        let first = app.sign_up(email, PASSWORD).await;
        let mut tokens = vec![first.cookie(SESSION).expect("sign-up session")];
        for _ in 0..3 {
            tokens.push(signed_in(&app, email, PASSWORD).await.1);
        }
        // Signing in again in a browser that already has a session replaces its token.
        let browser = replaying(&app, &tokens[3]);
        let answer = browser
            .post("/api/session", json!({"email": email, "password": PASSWORD}))
            .await
            .expect_status(200);
        tokens.push(set_cookie_value(&answer, SESSION).expect("new token"));
        let mut distinct = tokens.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), tokens.len(), "{tokens:?}");
    }

    async fn signing_out_ends_the_session_on_the_server(app) {
        let email = "leaving@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let (browser, token) = signed_in(&app, email, PASSWORD).await;
        let (other, _) = signed_in(&app, email, PASSWORD).await;
        let answer = browser.delete("/api/session").await.expect_status(204);
        assert!(answer.set_cookies().iter().any(|c| c.starts_with(&format!("{SESSION}=;")) && c.contains("Max-Age=0")));
        // The old cookie, replayed, is worth nothing.
        let replay = replaying(&app, &token).get("/api/session").await.expect_status(401);
        assert_eq!(replay.code(), "unauthorized");
        assert_eq!(replaying(&app, &token).delete("/api/session").await.status, 401);
        // Only that session ended.
        other.get("/api/session").await.expect_status(200);
    }

    async fn a_session_lasts_twenty_four_hours_and_not_a_millisecond_more(app) {
        let email = "day@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let (browser, _) = signed_in(&app, email, PASSWORD).await;
        app.clock.advance_ms(24 * 60 * 60_000 - 1);
        browser.get("/api/session").await.expect_status(200);
        app.clock.advance_ms(1);
        let answer = browser.get("/api/session").await.expect_status(401);
        assert_eq!(answer.code(), "unauthorized");
        // Use does not extend it.
        let (browser, _) = signed_in(&app, email, PASSWORD).await;
        for _ in 0..4 {
            app.clock.advance_ms(6 * 60 * 60_000 - 1);
            browser.get("/api/session").await.expect_status(200);
        }
        app.clock.advance_ms(4);
        browser.get("/api/session").await.expect_status(401);
    }

    async fn the_session_list_marks_this_session_and_revoking_another_ends_it_at_its_next_request(app) {
        let email = "juggler@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let (here, here_token) = signed_in(&app, email, PASSWORD).await;
        let (there, there_token) = signed_in(&app, email, PASSWORD).await;
        let list = here.get("/api/sessions").await.expect_status(200);
        let sessions = list.body["sessions"].as_array().expect("sessions").clone();
        assert_eq!(sessions.len(), 3, "the sign-up's and two sign-ins'");
        let current: Vec<_> = sessions.iter().filter(|s| s["current"] == true).collect();
        assert_eq!(current.len(), 1);
        let me = here.get("/api/session").await.expect_status(200);
        assert_eq!(current[0]["id"], me.body["session"]["id"]);
        assert!(!list.text.contains(&here_token) && !list.text.contains(&there_token));
        let there_id = there.get("/api/session").await.expect_status(200).body["session"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        assert_ne!(there_id, current[0]["id"].as_str().expect("id"));

        // Another user cannot end it, nor can an unknown id be ended.
        let stranger = app.sign_up("stranger@contoso.example", PASSWORD).await;
        let answer = stranger.delete(&format!("/api/sessions/{there_id}")).await.expect_status(404);
        assert_eq!(answer.code(), "session_not_found");
        there.get("/api/session").await.expect_status(200);
        assert_eq!(here.delete("/api/sessions/no-such-session").await.code(), "session_not_found");

        here.delete(&format!("/api/sessions/{there_id}")).await.expect_status(204);
        assert_eq!(there.get("/api/session").await.expect_status(401).code(), "unauthorized");
        here.get("/api/session").await.expect_status(200);
        let list = here.get("/api/sessions").await.expect_status(200);
        assert_eq!(list.body["sessions"].as_array().expect("sessions").len(), 2);
        // A second revocation of the same session finds nothing.
        assert_eq!(here.delete(&format!("/api/sessions/{there_id}")).await.status, 404);
    }

    async fn a_reset_ends_every_other_session_and_sends_a_notice_without_any_secret(app) {
        let email = "everywhere@contoso.example";
        let laptop = app.sign_up(email, PASSWORD).await;
        let (phone, _) = signed_in(&app, email, PASSWORD).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "password_reset", email).await;
        let code = app.mailbox.code_for(email).await;
        browser.post(&format!("/api/flows/{id}/verify"), json!({"code": code})).await.expect_status(200);
        let done = browser
            .post(&format!("/api/flows/{id}/complete"), json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}))
            .await
            .expect_status(200);
        let token = set_cookie_value(&done, SESSION).expect("signed in");
        for other in [&laptop, &phone] {
            assert_eq!(other.get("/api/session").await.status, 401);
        }
        let list = browser.get("/api/sessions").await.expect_status(200);
        assert_eq!(list.body["sessions"].as_array().expect("list").len(), 1);
        let notice = app.mailbox.next_for(email).await;
        assert!(notice.subject().contains("password was changed"), "{}", notice.subject());
        assert!(notice.code().is_none());
        let text = decoded(&notice.data);
        for secret in [NEW_PASSWORD, code.as_str(), token.as_str()] {
            assert!(!text.contains(secret), "the notice holds {secret}");
        }
    }

    async fn a_password_change_keeps_this_session_ends_the_others_and_tells_the_user(app) {
        let email = "changer@contoso.example";
        let here = app.sign_up(email, PASSWORD).await;
        let (there, _) = signed_in(&app, email, PASSWORD).await;
        here.post("/api/account/password", json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}))
            .await
            .expect_status(204);
        here.get("/api/session").await.expect_status(200);
        assert_eq!(there.get("/api/session").await.status, 401);
        let notice = app.mailbox.next_for(email).await;
        assert!(notice.subject().contains("password was changed"));
        assert!(!decoded(&notice.data).contains(NEW_PASSWORD));
    }

    async fn a_disabled_account_loses_its_sessions_at_the_next_request(app) {
        let email = "disabled.session@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        browser.get("/api/session").await.expect_status(200);
        crate::support::exec(&app, "UPDATE users SET disabled = 1 WHERE email_canonical = $1", email).await;
        assert_eq!(browser.get("/api/session").await.expect_status(401).code(), "unauthorized");
    }
}
