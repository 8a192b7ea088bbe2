//! A user's registered methods as administrators see them on the user's detail page (SPEC A7):
//! listed with their details masked, and deleted one by one — audited with the method's kind,
//! and the user is told with the same security notice as when they delete one themselves. An administrator may delete any
//! of them (a lost phone is the usual reason); the user's account address is not one.

use super::audit::{record_change, Change};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::security_info::{notify_change, view_of};
use crate::notify;
use crate::store::admins::Admin;
use crate::store::{methods, users};
use crate::AppState;
use serde_json::json;
use sqlx::AnyConnection;
use sspr_api::{RegisteredMethod, WireName};

/// The user's registered methods besides their address.
pub async fn list(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<Vec<RegisteredMethod>, sqlx::Error> {
    let registered = methods::verified(conn, user_id).await?;
    Ok(registered.iter().map(|m| view_of(m, true)).collect())
}

/// `DELETE /api/admin/users/{id}/methods/{method_id}`.
pub async fn delete(
    state: &AppState,
    client: &Client,
    admin: &Admin,
    user_id: &str,
    method_id: &str,
) -> Result<(), ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let user = users::by_id(&mut tx, user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let method = methods::by_id(&mut tx, user_id, method_id)
        .await?
        .filter(|m| m.verified_at_ms.is_some())
        .ok_or_else(ApiError::not_found)?;
    methods::delete(&mut tx, user_id, method_id).await?;
    let to = notify::Recipient {
        email: &user.email,
        language: notify::language_of(&mut tx, user_id).await?,
    };
    notify_change(&mut tx, state, client, to, method.kind, false).await?;
    let change = Change {
        what: "user.delete_method",
        subject: user_id,
        before: json!({ "method": method.kind.as_str(), "id": method_id }),
        after: json!(null),
    };
    record_change(&mut tx, admin, client, change, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(())
}
