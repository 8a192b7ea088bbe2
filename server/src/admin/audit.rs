//! Every change an administrator makes is itself audited (issue: "who changed what, before and
//! after"). One function records it, so every portal and Graph endpoint writes the same shape:
//! event `admin_change`, actor `admin:<id>`, subject the changed thing, and a detail of
//! `{ "what": …, "before": …, "after": … }` with no secret in either value.

use crate::http::client::Client;
use crate::store::admins::Admin;
use crate::store::audit::{self, Event};
use sqlx::AnyConnection;

/// One administrative change: `what` names the setting or action (e.g.
/// `authentication_method.email`, `user.unlock`), `subject` the thing changed (a method id, a
/// user id, a group id).
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub what: &'a str,
    pub subject: &'a str,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// The top-level properties of two objects that differ, as `(before, after)`: what an audit
/// record of a settings change needs (unchanged settings would only bury the change). Values
/// that are not both objects are kept whole.
pub fn changed(
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> (serde_json::Value, serde_json::Value) {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return (before.clone(), after.clone());
    };
    let mut old = serde_json::Map::new();
    let mut new = serde_json::Map::new();
    for key in b.keys().chain(a.keys()) {
        if b.get(key) != a.get(key) && !old.contains_key(key) && !new.contains_key(key) {
            old.insert(key.clone(), b.get(key).cloned().unwrap_or_default());
            new.insert(key.clone(), a.get(key).cloned().unwrap_or_default());
        }
    }
    (old.into(), new.into())
}

/// Records `change` by `admin` in the audit log, inside the caller's transaction so the change
/// and its record commit together.
pub async fn record_change(
    conn: &mut AnyConnection,
    admin: &Admin,
    client: &Client,
    change: Change<'_>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    record_change_by(conn, &format!("admin:{}", admin.id), client, change, now_ms).await
}

/// [`record_change`] for an actor that is not a signed-in administrator: an API token
/// (`api_token:<id>`).
pub async fn record_change_by(
    conn: &mut AnyConnection,
    actor: &str,
    client: &Client,
    change: Change<'_>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    audit::record(
        conn,
        &Event {
            event: "admin_change",
            outcome: "success",
            actor: Some(actor),
            subject: Some(change.subject),
            client_ip: Some(&client.ip),
            request_id: Some(&client.request_id),
            detail: Some(serde_json::json!({
                "what": change.what,
                "before": change.before,
                "after": change.after,
            })),
        },
        now_ms,
    )
    .await
}
