//! Administrators (SPEC §4 A1, SECURITY.md §23, §24, §31): no default account, a one-time
//! bootstrap, an authenticator app at every sign-in (each TOTP step once, one step of skew),
//! sessions 12 h absolute and 15 min idle, and roles checked on every admin endpoint.

use crate::admins::{
    code, confirm, decode, first_admin, first_token, set_up, sign_in_with, signed_in, ADMIN,
    STEP_MS,
};
use crate::backend_tests;
use crate::helpers::PASSWORD;
use crate::support::{count, set_cookie_value};
use serde_json::json;
use sspr_server::admin::bootstrap::{self, BootstrapRefused};

const COOKIE: &str = "__Host-sspr_admin";

backend_tests! {
    async fn no_administrator_exists_and_nobody_signs_in_without_the_bootstrap(app) {
        assert_eq!(count(&app, "admins").await, 0);
        for (email, password) in [(ADMIN, PASSWORD), ("admin@contoso.example", "admin"), ("admin@localhost.example", "password")] {
            let (_, status) = sign_in_with(&app, email, password, "123456").await;
            assert_eq!(status, 401);
        }
        let answer = app.browser().get("/api/admin/session").await.expect_status(401);
        assert_eq!(answer.code(), "unauthorized");
        let made_up = app
            .browser()
            .post("/api/admin/bootstrap", json!({"token": "madeUpToken", "email": ADMIN, "display_name": "Root", "password": PASSWORD}))
            .await
            .expect_status(400);
        assert_eq!(made_up.code(), "admin_setup_invalid");
        assert_eq!(count(&app, "admins").await, 0);
    }

    async fn the_bootstrap_works_once_and_never_again(app) {
        let first = first_token(&app).await;
        // A second token while one is unused needs --replace, which retires the first.
        assert!(matches!(bootstrap::issue_first(&app.state, false).await, Err(BootstrapRefused::TokenLive)));
        let token = bootstrap::issue_first(&app.state, true).await.expect("replaced").token;
        let retired = app
            .browser()
            .post("/api/admin/bootstrap", json!({"token": first, "email": ADMIN, "display_name": "Root", "password": PASSWORD}))
            .await
            .expect_status(400);
        assert_eq!(retired.code(), "admin_setup_invalid");
        let answer = app
            .browser()
            .post("/api/admin/bootstrap", json!({"token": token, "email": ADMIN, "display_name": "Root", "password": PASSWORD}))
            .await
            .expect_status(201);
        assert_eq!(answer.body["admin"]["role"], "global_administrator");
        assert_eq!(answer.body["admin"]["email"], ADMIN);
        // The secret is 160 bits and stored only sealed.
        let secret = answer.body["totp_secret"].as_str().expect("secret").to_owned();
        assert_eq!(decode(&secret).len(), 20);
        assert!(!app.dump("admins").await.iter().any(|cell| cell.contains(&secret)));
        assert!(!app.dump("admin_bootstrap").await.iter().any(|cell| cell.contains(&token)));
        // Never again: not the same token, nor a new one.
        let again = app
            .browser()
            .post("/api/admin/bootstrap", json!({"token": token, "email": "second@contoso.example", "display_name": "Second", "password": PASSWORD}))
            .await
            .expect_status(400);
        assert_eq!(again.code(), "admin_setup_invalid");
        assert!(matches!(bootstrap::issue_first(&app.state, true).await, Err(BootstrapRefused::AdminExists)));
        assert!(bootstrap::issue_at_start(&app.state).await.expect("db").is_none());
        assert_eq!(count(&app, "admins").await, 1);
    }

    async fn a_bootstrap_token_expires_after_24_hours(app) {
        let token = first_token(&app).await;
        app.clock.advance_ms(bootstrap::TOKEN_LIFETIME_MS);
        let answer = app
            .browser()
            .post("/api/admin/bootstrap", json!({"token": token, "email": ADMIN, "display_name": "Root", "password": PASSWORD}))
            .await
            .expect_status(400);
        assert_eq!(answer.code(), "admin_setup_invalid");
    }

    async fn the_bootstrap_password_follows_the_password_policy(app) {
        let token = first_token(&app).await;
        let answer = app
            .browser()
            .post("/api/admin/bootstrap", json!({"token": token, "email": ADMIN, "display_name": "Root", "password": "short"}))
            .await
            .expect_status(422);
        assert_eq!(answer.code(), "password_policy");
        // The token was not used up by the refused attempt.
        set_up(&app, &token, ADMIN).await;
    }

    async fn sign_in_is_refused_until_the_authenticator_is_enrolled_and_the_enrolment_code_cannot_sign_in(app) {
        let token = first_token(&app).await;
        let secret = set_up(&app, &token, ADMIN).await;
        let (_, status) = sign_in_with(&app, ADMIN, PASSWORD, &code(&app, &secret, 0)).await;
        assert_eq!(status, 401, "not enrolled yet");
        let enrolment_code = code(&app, &secret, 0);
        app.browser()
            .post("/api/admin/totp/confirm", json!({"email": ADMIN, "password": PASSWORD, "code": enrolment_code}))
            .await
            .expect_status(204);
        let (_, status) = sign_in_with(&app, ADMIN, PASSWORD, &enrolment_code).await;
        assert_eq!(status, 401, "the enrolment's step is used up");
        // Enrolling again is refused like any wrong credential.
        app.clock.advance_ms(STEP_MS);
        let again = app
            .browser()
            .post("/api/admin/totp/confirm", json!({"email": ADMIN, "password": PASSWORD, "code": code(&app, &secret, 0)}))
            .await
            .expect_status(401);
        assert_eq!(again.code(), "invalid_credentials");
        app.clock.advance_ms(STEP_MS);
        signed_in(&app, ADMIN, &secret).await;
    }

    async fn sign_in_needs_the_password_and_a_current_totp_code(app) {
        let secret = first_admin(&app).await;
        let right = code(&app, &secret, 0);
        let wrong = if right == "000000" { "000001".to_owned() } else { "000000".to_owned() };
        let mut answers = Vec::new();
        for (password, code) in [("not the password at all", right.as_str()), (PASSWORD, wrong.as_str()), (PASSWORD, ""), (PASSWORD, "12345")] {
            let answer = app
                .browser()
                .post("/api/admin/session", json!({"email": ADMIN, "password": password, "code": code}))
                .await
                .expect_status(401);
            assert!(answer.set_cookies().is_empty());
            answers.push(answer.body["message"].clone());
        }
        answers.dedup();
        assert_eq!(answers.len(), 1, "one answer for every failure");
        let browser = app.browser();
        let answer = browser
            .post("/api/admin/session", json!({"email": ADMIN, "password": PASSWORD, "code": right}))
            .await
            .expect_status(200);
        let token = set_cookie_value(&answer, COOKIE).expect("admin cookie");
        assert!(token.len() >= 43);
        assert_eq!(
            answer.set_cookies()[0],
            format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200; Secure")
        );
        let me = browser.get("/api/admin/session").await.expect_status(200);
        assert_eq!(me.body["email"], ADMIN);
        assert_eq!(me.body["role"], "global_administrator");
        // The customer session endpoints do not accept the admin cookie, nor the reverse.
        browser.get("/api/session").await.expect_status(401);
        browser.delete("/api/admin/session").await.expect_status(204);
        browser.get("/api/admin/session").await.expect_status(401);
    }

    async fn a_totp_code_is_accepted_once(app) {
        let secret = first_admin(&app).await;
        let current = code(&app, &secret, 0);
        signed_in(&app, ADMIN, &secret).await;
        let (_, status) = sign_in_with(&app, ADMIN, PASSWORD, &current).await;
        assert_eq!(status, 401, "a replayed code is refused");
        app.clock.advance_ms(STEP_MS);
        signed_in(&app, ADMIN, &secret).await;
    }

    async fn one_step_of_skew_is_accepted_and_two_are_refused(app) {
        let secret = first_admin(&app).await;
        app.clock.advance_ms(10 * STEP_MS);
        for offset in [-2, 2] {
            let (_, status) = sign_in_with(&app, ADMIN, PASSWORD, &code(&app, &secret, offset)).await;
            assert_eq!(status, 401, "offset {offset}");
        }
        let (_, status) = sign_in_with(&app, ADMIN, PASSWORD, &code(&app, &secret, -1)).await;
        assert_eq!(status, 200, "one step behind");
        let (_, status) = sign_in_with(&app, ADMIN, PASSWORD, &code(&app, &secret, 1)).await;
        assert_eq!(status, 200, "one step ahead");
        // Every step up to the one ahead is now used.
        let (_, status) = sign_in_with(&app, ADMIN, PASSWORD, &code(&app, &secret, 0)).await;
        assert_eq!(status, 401);
    }

    async fn an_admin_session_ends_after_15_minutes_idle_and_12_hours_in_all(app) {
        let secret = first_admin(&app).await;
        let browser = signed_in(&app, ADMIN, &secret).await;
        for _ in 0..3 {
            app.clock.advance_ms(14 * 60_000);
            browser.get("/api/admin/session").await.expect_status(200);
        }
        app.clock.advance_ms(15 * 60_000);
        let answer = browser.get("/api/admin/session").await.expect_status(401);
        assert_eq!(answer.code(), "unauthorized");

        let browser = signed_in(&app, ADMIN, &secret).await;
        // Active every 14 minutes: 51 × 14 min = 11 h 54 min.
        for _ in 0..51 {
            app.clock.advance_ms(14 * 60_000);
            browser.get("/api/admin/session").await.expect_status(200);
        }
        app.clock.advance_ms(6 * 60_000 - 1);
        browser.get("/api/admin/session").await.expect_status(200);
        app.clock.advance_ms(1);
        browser.get("/api/admin/session").await.expect_status(401);
    }

    async fn a_reader_is_refused_creating_an_administrator_and_a_global_administrator_may(app) {
        let secret = first_admin(&app).await;
        let global = signed_in(&app, ADMIN, &secret).await;
        let reader_email = "reader@contoso.example";
        let invited = global
            .post("/api/admin/admins", json!({"email": reader_email, "display_name": "Reader", "role": "reader"}))
            .await
            .expect_status(201);
        assert_eq!(invited.body["admin"]["role"], "reader");
        // Creating an administrator is an audited change, like every other.
        let reader_id = invited.body["admin"]["id"].as_str().expect("id").to_owned();
        let record = crate::directory::change(&app, &reader_id, "admin.create").await;
        assert!(record["before"].is_null());
        assert_eq!(record["after"]["role"], "reader");
        assert_eq!(record["after"]["email"], reader_email);
        let token = invited.body["setup_token"].as_str().expect("token").to_owned();
        assert!(invited.body["setup_link"].as_str().expect("link").ends_with(&format!("/admin/setup?token={token}")));
        // The setup token is for that address only.
        let other = app
            .browser()
            .post("/api/admin/bootstrap", json!({"token": token, "email": "someone@contoso.example", "display_name": "X", "password": PASSWORD}))
            .await
            .expect_status(400);
        assert_eq!(other.code(), "admin_setup_invalid");
        let reader_secret = set_up(&app, &token, reader_email).await;
        confirm(&app, reader_email, &reader_secret).await;
        app.clock.advance_ms(STEP_MS);
        let reader = signed_in(&app, reader_email, &reader_secret).await;
        assert_eq!(reader.get("/api/admin/session").await.expect_status(200).body["role"], "reader");
        let refused = reader
            .post("/api/admin/admins", json!({"email": "new@contoso.example", "display_name": "New", "role": "global_administrator"}))
            .await
            .expect_status(403);
        assert_eq!(refused.code(), "forbidden");
        global
            .post("/api/admin/admins", json!({"email": "new@contoso.example", "display_name": "New", "role": "user_administrator"}))
            .await
            .expect_status(201);
        let duplicate = global
            .post("/api/admin/admins", json!({"email": "NEW@contoso.example", "display_name": "New", "role": "reader"}))
            .await
            .expect_status(409);
        assert_eq!(duplicate.code(), "admin_exists");
        // Nobody signed in: 401.
        app.browser()
            .post("/api/admin/admins", json!({"email": "x@contoso.example", "display_name": "X", "role": "reader"}))
            .await
            .expect_status(401);
        assert_eq!(count(&app, "admins").await, 3);
    }

    async fn every_role_lists_the_administrators_and_sees_who_has_not_finished_setup(app) {
        let secret = first_admin(&app).await;
        let global = signed_in(&app, ADMIN, &secret).await;
        let invited = global
            .post("/api/admin/admins", json!({"email": "ada@contoso.example", "display_name": "Ada", "role": "reader"}))
            .await
            .expect_status(201);
        let list = global.get("/api/admin/admins").await.expect_status(200);
        let admins = list.body["admins"].as_array().expect("admins").clone();
        assert_eq!(admins.len(), 2, "{}", list.text);
        // By name: "Ada" before the first administrator.
        assert_eq!(admins[0]["admin"]["email"], "ada@contoso.example");
        assert_eq!(admins[0]["admin"]["role"], "reader");
        assert_eq!(admins[0]["set_up"], false);
        assert_eq!(admins[1]["admin"]["email"], ADMIN);
        assert_eq!(admins[1]["set_up"], true);
        // Nothing secret in the list.
        assert!(!list.text.contains("password") && !list.text.contains("totp"), "{}", list.text);
        // Once Ada sets up, she can read the list too, and shows as set up.
        let token = invited.body["setup_token"].as_str().expect("token").to_owned();
        let ada_secret = set_up(&app, &token, "ada@contoso.example").await;
        confirm(&app, "ada@contoso.example", &ada_secret).await;
        // The enrolment used this step's code; sign-in needs the next one.
        app.clock.advance_ms(STEP_MS);
        let ada = signed_in(&app, "ada@contoso.example", &ada_secret).await;
        let seen = ada.get("/api/admin/admins").await.expect_status(200);
        assert_eq!(seen.body["admins"][0]["set_up"], true);
        // Nobody signed in: 401.
        app.browser().get("/api/admin/admins").await.expect_status(401);
    }

    async fn admin_state_changes_need_the_csrf_header(app) {
        let secret = first_admin(&app).await;
        let response = app
            .client
            .post(app.url("/api/admin/session"))
            .json(&json!({"email": ADMIN, "password": PASSWORD, "code": code(&app, &secret, 0)}))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 403);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["code"], "csrf_failed");
        // The code was never checked, so it still signs in with the header.
        signed_in(&app, ADMIN, &secret).await;
    }

    async fn bad_admin_input_gets_the_error_shape(app) {
        let browser = app.browser();
        let cases = [
            ("/api/admin/session", json!({"email": ["a@contoso.example", "b@contoso.example"], "password": "p", "code": "123456"})),
            ("/api/admin/session", json!({"email": ADMIN, "password": "p"})),
            ("/api/admin/session", json!({"email": ADMIN, "password": "p", "code": "123456", "extra": 1})),
            ("/api/admin/totp/confirm", json!({"email": "not an email", "password": "p", "code": "123456"})),
            ("/api/admin/bootstrap", json!({"token": "t", "email": ADMIN, "password": PASSWORD})),
        ];
        for (path, body) in cases {
            let answer = browser.post(path, body.clone()).await;
            assert!(answer.status == 400 || answer.status == 422, "{path} {body}: {}", answer.text);
            answer.error();
        }
        let token = first_token(&app).await;
        let answer = browser
            .post("/api/admin/bootstrap", json!({"token": token, "email": ADMIN, "display_name": "  ", "password": PASSWORD}))
            .await
            .expect_status(422);
        assert_eq!(answer.code(), "validation_failed");
        let secret = first_admin(&app).await;
        let global = signed_in(&app, ADMIN, &secret).await;
        let answer = global
            .post("/api/admin/admins", json!({"email": "x@contoso.example", "display_name": "X", "role": "root"}))
            .await;
        assert!(answer.status == 400 || answer.status == 422, "{}", answer.text);
        answer.error();
    }
}

/// Admin lockout is per client address (migration 0008): failing on purpose from one network
/// cannot keep an administrator out of the portal from theirs.
mod lockout {
    use super::*;
    use crate::backend_tests_with;
    use crate::helpers::TestApp;
    use crate::support::{ip, post_from, trust_forwarded_for};

    /// One sign-in attempt from `address`: the answer's status.
    async fn attempt(app: &TestApp, address: &str, email: &str, password: &str, code: &str) -> u16 {
        let browser = app.browser();
        post_from(
            app,
            &browser,
            "/api/admin/session",
            json!({"email": email, "password": password, "code": code}),
            address,
        )
        .await
        .status
    }

    backend_tests_with! { trust_forwarded_for;
        async fn five_failures_from_one_address_lock_that_address_only_for_15_minutes(app) {
            let secret = first_admin(&app).await;
            let (attacker, office) = (ip(7), ip(8));
            for _ in 0..5 {
                let status = attempt(&app, &attacker, ADMIN, "not the password at all", &code(&app, &secret, 0)).await;
                assert_eq!(status, 401);
            }
            // Locked from that address: the right credentials are refused like wrong ones.
            assert_eq!(attempt(&app, &attacker, ADMIN, PASSWORD, &code(&app, &secret, 0)).await, 401);
            assert_eq!(count(&app, "admin_lockouts WHERE locked_until_ms > 0").await, 1);
            // The administrator, from their own address, signs in all the same.
            assert_eq!(attempt(&app, &office, ADMIN, PASSWORD, &code(&app, &secret, 0)).await, 200);
            // Fifteen minutes later the attacker's address may try again.
            app.clock.advance_ms(15 * 60_000);
            assert_eq!(attempt(&app, &attacker, ADMIN, PASSWORD, &code(&app, &secret, 0)).await, 200);
        }

        async fn a_success_clears_its_address_count_and_unknown_addresses_count_alike(app) {
            let secret = first_admin(&app).await;
            let office = ip(9);
            for _ in 0..4 {
                attempt(&app, &office, ADMIN, "not the password at all", &code(&app, &secret, 0)).await;
            }
            assert_eq!(attempt(&app, &office, ADMIN, PASSWORD, &code(&app, &secret, 0)).await, 200);
            assert_eq!(count(&app, "admin_lockouts").await, 0, "the success cleared the count");
            // Four more failures do not lock: counting started again.
            app.clock.advance_ms(STEP_MS);
            for _ in 0..4 {
                attempt(&app, &office, ADMIN, "not the password at all", &code(&app, &secret, 0)).await;
            }
            assert_eq!(attempt(&app, &office, ADMIN, PASSWORD, &code(&app, &secret, 0)).await, 200);
            // An address that is no administrator runs the same counting write, under no
            // administrator's id, and is answered alike.
            for _ in 0..6 {
                let status = attempt(&app, &office, "nobody@contoso.example", PASSWORD, "123456").await;
                assert_eq!(status, 401);
            }
            assert_eq!(count(&app, "admin_lockouts WHERE admin_id = ''").await, 1);
            // The janitor removes counts untouched for a day.
            app.clock.advance_ms(2 * 24 * 60 * 60_000);
            sspr_server::janitor::sweep(&app.state).await.expect("sweep");
            assert_eq!(count(&app, "admin_lockouts").await, 0);
        }
    }
}

#[test]
fn the_bootstrap_admin_command_prints_a_token_once_and_refuses_a_second_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str]| crate::support::run_cli(dir.path(), args);
    let link_of = |out: &std::process::Output| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find(|l| l.starts_with("https://id.contoso.example/admin/setup?token="))
            .map(str::to_owned)
    };
    let first = run(&["bootstrap-admin"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let link = link_of(&first).expect("a setup link");
    assert!(link.len() > 60, "{link}");
    let second = run(&["bootstrap-admin"]);
    assert_eq!(second.status.code(), Some(1));
    assert!(link_of(&second).is_none());
    assert!(String::from_utf8_lossy(&second.stderr).contains("--replace"));
    let replaced = run(&["bootstrap-admin", "--replace"]);
    assert!(replaced.status.success());
    assert_ne!(link_of(&replaced).expect("a new link"), link);
}
