//! Administrators for tests: the first global administrator through the real bootstrap, TOTP
//! codes computed from the enrolled secret, and [`admin_with_role`] for a signed-in
//! administrator of any role — what every admin endpoint's tests start from.

use crate::helpers::{Browser, TestApp, PASSWORD};
use serde_json::json;
use sspr_server::admin::bootstrap;
use sspr_server::domain::totp;

pub const ADMIN: &str = "root@contoso.example";
pub const STEP_MS: i64 = 30_000;

/// The code of `secret` for the step `offset` steps from now.
pub fn code(app: &TestApp, secret: &[u8], offset: i64) -> String {
    let step = totp::step_at(app.state.now_ms()) + offset;
    totp::code_for_step(secret, totp::DIGITS, step)
}

pub fn decode(base32: &str) -> Vec<u8> {
    totp_rs::Secret::Encoded(base32.to_owned())
        .to_bytes()
        .expect("base32 secret")
}

pub async fn first_token(app: &TestApp) -> String {
    bootstrap::issue_first(&app.state, true)
        .await
        .expect("a first-admin token")
        .token
}

/// Redeems `token` for `email`; answers the TOTP secret.
pub async fn set_up(app: &TestApp, token: &str, email: &str) -> Vec<u8> {
    let answer = app
        .browser()
        .post(
            "/api/admin/bootstrap",
            json!({"token": token, "email": email, "display_name": "Root", "password": PASSWORD}),
        )
        .await
        .expect_status(201);
    let secret = answer.body["totp_secret"].as_str().expect("secret");
    assert!(answer.body["otpauth_uri"]
        .as_str()
        .expect("uri")
        .starts_with("otpauth://totp/"));
    decode(secret)
}

pub async fn confirm(app: &TestApp, email: &str, secret: &[u8]) {
    app.browser()
        .post(
            "/api/admin/totp/confirm",
            json!({"email": email, "password": PASSWORD, "code": code(app, secret, 0)}),
        )
        .await
        .expect_status(204);
}

/// Bootstraps, enrols and moves past the enrolment's step: the first admin's TOTP secret.
pub async fn first_admin(app: &TestApp) -> Vec<u8> {
    let token = first_token(app).await;
    let secret = set_up(app, &token, ADMIN).await;
    confirm(app, ADMIN, &secret).await;
    app.clock.advance_ms(STEP_MS);
    secret
}

pub async fn sign_in_with(
    app: &TestApp,
    email: &str,
    password: &str,
    code: &str,
) -> (Browser, u16) {
    let browser = app.browser();
    let answer = browser
        .post(
            "/api/admin/session",
            json!({"email": email, "password": password, "code": code}),
        )
        .await;
    if answer.status != 200 {
        assert_eq!(answer.code(), "invalid_credentials", "{}", answer.text);
    }
    (browser, answer.status)
}

pub async fn signed_in(app: &TestApp, email: &str, secret: &[u8]) -> Browser {
    let (browser, status) = sign_in_with(app, email, PASSWORD, &code(app, secret, 0)).await;
    assert_eq!(status, 200);
    browser
}

/// The first global administrator, bootstrapped and signed in (once per app).
pub async fn first_global(app: &TestApp) -> Browser {
    let secret = first_admin(app).await;
    signed_in(app, ADMIN, &secret).await
}

/// A signed-in administrator with `role` (`global_administrator`, `reader`, …) on a fresh app;
/// for several roles in one test, take [`first_global`] and then [`invited`].
pub async fn admin_with_role(app: &TestApp, role: &str) -> Browser {
    let global = first_global(app).await;
    if role == "global_administrator" {
        return global;
    }
    invited(app, &global, role, 1).await
}

/// A new administrator with `role`, created by `global` and signed in; `n` keeps addresses apart.
pub async fn invited(app: &TestApp, global: &Browser, role: &str, n: u32) -> Browser {
    let email = format!("{role}.{n}@contoso.example");
    let answer = global
        .post(
            "/api/admin/admins",
            json!({"email": email, "display_name": role, "role": role}),
        )
        .await
        .expect_status(201);
    let token = answer.body["setup_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let secret = set_up(app, &token, &email).await;
    confirm(app, &email, &secret).await;
    app.clock.advance_ms(STEP_MS);
    signed_in(app, &email, &secret).await
}
