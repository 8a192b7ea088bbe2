//! Helpers for the policy, Graph, API-token and invitation tests: PATCH and PUT as the portal
//! sends them, requests with a Bearer token as a script sends them, Graph's error shape, groups.

use crate::helpers::{Answer, Browser, TestApp};
use serde_json::Value;
use sqlx::Row;

pub const GRAPH: &str = "/api/graph/v1.0";
pub const POLICY: &str = "/api/graph/v1.0/policies/authenticationMethodsPolicy";
pub const EMAIL_TYPE: &str = "#microsoft.graph.emailAuthenticationMethodConfiguration";

/// The address of one method's configuration.
pub fn method(id: &str) -> String {
    format!("{POLICY}/authenticationMethodConfigurations/{id}")
}

/// PATCH `body` (any text) from the portal.
pub async fn patch_raw(app: &TestApp, browser: &Browser, path: &str, body: &str) -> Answer {
    browser
        .send(
            browser
                .client
                .patch(app.url(path))
                .header("x-sspr-csrf", "1")
                .header("origin", &app.origin)
                .header("content-type", "application/json")
                .body(body.to_owned()),
        )
        .await
}

pub async fn patch(app: &TestApp, browser: &Browser, path: &str, body: Value) -> Answer {
    patch_raw(app, browser, path, &body.to_string()).await
}

pub async fn put(app: &TestApp, browser: &Browser, path: &str, body: Value) -> Answer {
    browser
        .send(
            browser
                .client
                .put(app.url(path))
                .header("x-sspr-csrf", "1")
                .header("origin", &app.origin)
                .json(&body),
        )
        .await
}

/// Sets the Email method's properties (`@odata.type` added) from a global administrator.
pub async fn set_email(app: &TestApp, admin: &Browser, mut properties: Value) {
    properties["@odata.type"] = Value::from(EMAIL_TYPE);
    patch(app, admin, &method("email"), properties)
        .await
        .expect_status(204);
}

/// A script's request: no cookie, no CSRF header, `Authorization: Bearer <token>`.
pub async fn bearer(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> Answer {
    let mut request = app
        .client
        .request(method, app.url(path))
        .header("authorization", format!("Bearer {token}"));
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        text,
        body,
    }
}

/// Checks `answer` is a Graph error with `status` and Graph code `code`; answers our own code.
#[track_caller]
pub fn graph_error(answer: &Answer, status: u16, code: &str) -> String {
    assert_eq!(answer.status, status, "{}", answer.text);
    let object = answer.body.as_object().expect("an object");
    assert_eq!(
        object.keys().collect::<Vec<_>>(),
        ["error"],
        "{}",
        answer.text
    );
    let error = &answer.body["error"];
    assert_eq!(error["code"], code, "{}", answer.text);
    assert!(!error["message"].as_str().expect("message").is_empty());
    let inner = &error["innerError"];
    let request_id = answer
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("x-request-id");
    assert_eq!(inner["request-id"], request_id);
    assert!(inner["date"].as_str().expect("date").ends_with('Z'));
    inner["code"].as_str().expect("inner code").to_owned()
}

/// The id of the account with `email`.
pub async fn user_id(app: &TestApp, email: &str) -> String {
    sqlx::query("SELECT id FROM users WHERE email_canonical = $1")
        .bind(email.to_lowercase())
        .fetch_one(&app.db.pool)
        .await
        .expect("a user")
        .try_get("id")
        .expect("id")
}

/// A group `id` holding the accounts of `members`.
pub async fn group(app: &TestApp, id: &str, members: &[&str]) {
    sqlx::query("INSERT INTO groups (id, display_name, created_at_ms) VALUES ($1, $2, 0)")
        .bind(id)
        .bind(format!("Group {id}"))
        .execute(&app.db.pool)
        .await
        .expect("group");
    for email in members {
        let user = user_id(app, email).await;
        sqlx::query(
            "INSERT INTO group_members (group_id, user_id, added_at_ms) VALUES ($1, $2, 0)",
        )
        .bind(id)
        .bind(user)
        .execute(&app.db.pool)
        .await
        .expect("member");
    }
}

/// The `admin_change` records about `what`, newest last: (actor, subject, detail).
pub async fn changes(app: &TestApp, what: &str) -> Vec<(String, String, Value)> {
    let rows = sqlx::query(
        "SELECT actor, subject, detail FROM audit_log WHERE event = 'admin_change' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("audit");
    rows.iter()
        .map(|r| {
            let detail: String = r.try_get("detail").expect("detail");
            (
                r.try_get::<String, _>("actor").expect("actor"),
                r.try_get::<String, _>("subject").expect("subject"),
                serde_json::from_str::<Value>(&detail).expect("json"),
            )
        })
        .filter(|(_, _, d)| d["what"] == what)
        .collect()
}
