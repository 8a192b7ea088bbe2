//! What the security info and method tests share: turning methods on in the stored policies
//! (as the portal would, without signing an administrator in), proving who the user is, and
//! registering an authenticator app or security questions through the API.

use crate::helpers::{Answer, Browser, TestApp};
use serde_json::{json, Value};
use sspr_api::graph::{MethodId, MethodState};
use sspr_api::ResetMethod;
use sspr_server::domain::totp;
use sspr_server::policy::{methods, reset};

pub const SECURITY_INFO: &str = "/api/account/security-info";
pub const APP: &str = "/api/account/methods/authenticator-app";
pub const ALTERNATE: &str = "/api/account/methods/alternate-email";
pub const QUESTIONS: &str = "/api/account/methods/security-questions";
pub const CATALOG: &str = "/api/account/security-questions";
pub const TEN_MINUTES_MS: i64 = 10 * 60_000;

/// Starts a reset for `email` in a new browser and enters the mailed code (past the notices of
/// methods added before); the browser, the flow id and its view.
pub async fn past_the_email(app: &TestApp, email: &str) -> (Browser, String, Value) {
    let browser = app.browser();
    let id = app.start_flow(&browser, "password_reset", email).await;
    let code = app.mailbox.code_past_notices(email).await;
    let view = browser
        .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
        .await
        .expect_status(200);
    (browser, id, view.body)
}

/// Turns `method` on or off for everyone in the stored methods policy.
pub async fn set_method(app: &TestApp, method: MethodId, on: bool) {
    let mut conn = app.db.pool.acquire().await.expect("connection");
    let mut configuration = methods::load_one(&mut conn, &app.state.config, method)
        .await
        .expect("policy");
    configuration.state = if on {
        MethodState::Enabled
    } else {
        MethodState::Disabled
    };
    methods::save(&mut conn, method, &configuration, app.state.now_ms())
        .await
        .expect("saved");
}

/// Sets the reset policy's methods and how many a reset needs.
pub async fn set_reset_methods(app: &TestApp, required: u8, counted: &[ResetMethod]) {
    let mut conn = app.db.pool.acquire().await.expect("connection");
    let mut policy = reset::load(&mut conn).await.expect("policy");
    policy.methods_required = required;
    policy.methods = counted.to_vec();
    reset::save(&mut conn, &policy, app.state.now_ms())
        .await
        .expect("saved");
}

/// The code of an app `secret` (base32) for the step `offset` steps from now.
pub fn app_code(app: &TestApp, secret: &str, offset: i64) -> String {
    crate::admins::code(app, &crate::admins::decode(secret), offset)
}

/// Starts an app enrolment; returns its method id and secret.
pub async fn enrol_app(browser: &Browser) -> (String, String) {
    let enrolment = browser.post(APP, json!({})).await.expect_status(200);
    (
        enrolment.body["method_id"].as_str().expect("id").to_owned(),
        enrolment.body["secret"]
            .as_str()
            .expect("secret")
            .to_owned(),
    )
}

/// Registers an authenticator app with a current code; returns its id and secret.
pub async fn register_app(app: &TestApp, browser: &Browser) -> (String, String) {
    let (id, secret) = enrol_app(browser).await;
    browser
        .post(
            &format!("{APP}/confirm"),
            json!({"method_id": id, "code": app_code(app, &secret, 0)}),
        )
        .await
        .expect_status(200);
    (id, secret)
}

/// Proves who the user is with the passcode mailed to `email`.
pub async fn prove_by_email(app: &TestApp, browser: &Browser, email: &str) -> Answer {
    browser
        .post("/api/account/proof/email", json!({}))
        .await
        .expect_status(200);
    let code = app.mailbox.code_for(email).await;
    browser
        .post(
            "/api/account/proof",
            json!({"method": "email", "code": code}),
        )
        .await
}

/// The registered methods of a security info answer, as (kind, detail).
pub fn listed(info: &Value) -> Vec<(String, String)> {
    info["methods"]
        .as_array()
        .expect("methods")
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap_or_default().to_owned(),
                m["detail"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The id of the listed method of `kind`.
pub fn id_of(info: &Value, kind: &str) -> String {
    info["methods"]
        .as_array()
        .expect("methods")
        .iter()
        .find(|m| m["kind"] == kind)
        .and_then(|m| m["id"].as_str())
        .expect("a method of that kind")
        .to_owned()
}

/// `count` answers to the first `count` questions of the catalog, each `answer N`.
pub async fn answers(browser: &Browser, count: usize) -> Vec<Value> {
    let catalog = browser.get(CATALOG).await.expect_status(200);
    catalog.body["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .take(count)
        .enumerate()
        .map(|(i, q)| json!({"question": q, "answer": format!("Answer number {i}")}))
        .collect()
}

/// The step now, for replay checks.
pub fn step(app: &TestApp) -> i64 {
    totp::step_at(app.state.now_ms())
}
