//! What the directory tests share: PUT and PATCH as the SPA sends them, users written straight
//! into the store (fast enough for paging tests over many accounts), and the `admin_change`
//! audit records an action left.

use crate::helpers::{Answer, Browser, TestApp};
use serde_json::Value;
use sqlx::Row;
use sspr_api::UserType;
use sspr_server::store::users::{self, NewUser};

/// Sends `method` to `path` with the CSRF header and Origin, and a JSON body when given.
pub async fn send(
    app: &TestApp,
    browser: &Browser,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let mut request = browser
        .client
        .request(method, app.url(path))
        .header("x-sspr-csrf", "1")
        .header("origin", &app.origin);
    if let Some(body) = body {
        request = request.json(&body);
    }
    browser.send(request).await
}

pub async fn put(app: &TestApp, browser: &Browser, path: &str) -> Answer {
    send(app, browser, reqwest::Method::PUT, path, None).await
}

pub async fn patch(app: &TestApp, browser: &Browser, path: &str, body: Value) -> Answer {
    send(app, browser, reqwest::Method::PATCH, path, Some(body)).await
}

/// Writes an account without a password straight into the store; answers its id.
pub async fn add_user(
    app: &TestApp,
    email: &str,
    display_name: &str,
    user_type: UserType,
) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let mut conn = app.db.pool.acquire().await.expect("connection");
    let created = users::insert(
        &mut conn,
        &NewUser {
            id: &id,
            email,
            email_canonical: &email.to_ascii_lowercase(),
            display_name,
            user_type,
            password_hash: None,
        },
        app.state.now_ms(),
    )
    .await
    .expect("insert user");
    assert!(created, "{email} is new");
    id
}

/// A guest with one invitation, redeemed or not.
pub async fn add_guest(app: &TestApp, email: &str, redeemed: bool) -> String {
    let id = add_user(app, email, "Guest", UserType::Guest).await;
    sqlx::query(
        "INSERT INTO invitations (id, token_hash, user_id, redirect_url, created_at_ms, redeemed_at_ms) \
         VALUES ($1, $2, $3, 'https://app.contoso.example/', 1, $4)",
    )
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(&id)
    .bind(redeemed.then_some(2_i64))
    .execute(&app.db.pool)
    .await
    .expect("insert invitation");
    id
}

/// The id of the account with this address.
pub async fn user_id(app: &TestApp, email: &str) -> String {
    sqlx::query("SELECT id FROM users WHERE email_canonical = $1")
        .bind(email.to_ascii_lowercase())
        .fetch_one(&app.db.pool)
        .await
        .expect("a user")
        .try_get("id")
        .expect("id")
}

/// The `admin_change` records about `subject`, oldest first: (actor, detail).
pub async fn changes(app: &TestApp, subject: &str) -> Vec<(String, Value)> {
    sqlx::query(
        "SELECT actor, detail FROM audit_log WHERE event = 'admin_change' AND subject = $1 \
         ORDER BY id",
    )
    .bind(subject)
    .fetch_all(&app.db.pool)
    .await
    .expect("audit rows")
    .iter()
    .map(|row| {
        let detail: String = row.try_get("detail").expect("detail");
        (
            row.try_get("actor").expect("actor"),
            serde_json::from_str(&detail).expect("JSON detail"),
        )
    })
    .collect()
}

/// The one change about `subject` whose `what` is `what`.
pub async fn change(app: &TestApp, subject: &str, what: &str) -> Value {
    let found: Vec<Value> = changes(app, subject)
        .await
        .into_iter()
        .filter(|(actor, detail)| actor.starts_with("admin:") && detail["what"] == what)
        .map(|(_, detail)| detail)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {what} record about {subject}: {found:?}"
    );
    found.into_iter().next().expect("one")
}

/// Every page of `path` (which has a query already) at `limit` rows, following `next` as
/// `cursor_name`: all the items, and how many pages it took.
pub async fn every_page(browser: &Browser, path: &str, cursor_name: &str) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut next: Option<String> = None;
    loop {
        let url = match &next {
            None => path.to_owned(),
            Some(cursor) => format!("{path}&{cursor_name}={cursor}"),
        };
        let answer = browser.get(&url).await.expect_status(200);
        pages += 1;
        items.extend(
            answer.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .cloned(),
        );
        match answer.body["next"].as_str() {
            Some(cursor) => next = Some(cursor.to_owned()),
            None => return (items, pages),
        }
        assert!(pages < 1000, "paging does not end");
    }
}
