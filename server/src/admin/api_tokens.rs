//! API tokens for scripts (the Graph-compatible API): created by a global administrator with a
//! role and an expiry, shown once, stored only as a keyed hash, sent as `Authorization: Bearer`.
//! A token acts with its role's permissions; revoking or expiry ends it at once.

use super::audit::{self, Change};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::secrets::random_token;
use crate::store::admins::Admin;
use crate::store::api_tokens as store;
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{ApiTokenView, CreateApiToken, CreatedApiToken};

/// Every token's secret starts with this, so secret scanners and people can tell what it is.
pub const PREFIX: &str = "sspr_";

/// `POST /api/admin/api-tokens`.
pub async fn create(
    state: &AppState,
    client: &Client,
    by: &Admin,
    request: CreateApiToken,
) -> Result<CreatedApiToken, ApiError> {
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::validation(
            "Name the token with 1 to 100 characters.",
        ));
    }
    if !(1..=365).contains(&request.expires_in_days) {
        return Err(ApiError::validation("A token expires after 1 to 365 days."));
    }
    let now = state.now_ms();
    let secret = format!("{PREFIX}{}", random_token(32));
    let token = ApiTokenView {
        id: uuid::Uuid::new_v4().simple().to_string(),
        name: name.to_owned(),
        role: request.role,
        created_by: by.id.clone(),
        created_at_ms: now,
        expires_at_ms: now + i64::from(request.expires_in_days) * 24 * 60 * 60_000,
        revoked_at_ms: None,
        last_used_at_ms: None,
    };
    let mut tx = state.db.begin_write().await?;
    store::insert(&mut tx, &token, &state.secrets.token_hash(&secret)).await?;
    audit::record_change(
        &mut tx,
        by,
        client,
        Change {
            what: "api_token.create",
            subject: &token.id,
            before: serde_json::Value::Null,
            after: serde_json::to_value(&token).unwrap_or_default(),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedApiToken { token, secret })
}

/// `GET /api/admin/api-tokens`: newest first.
pub async fn list(state: &AppState) -> Result<Vec<ApiTokenView>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(store::list(&mut conn).await?)
}

/// `DELETE /api/admin/api-tokens/{id}`: revokes it; 404 when there is no such live token.
pub async fn revoke(
    state: &AppState,
    client: &Client,
    by: &Admin,
    id: &str,
) -> Result<(), ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let before = store::by_id(&mut tx, id)
        .await?
        .filter(|t| t.revoked_at_ms.is_none())
        .ok_or_else(ApiError::not_found)?;
    store::revoke(&mut tx, id, now).await?;
    let after = ApiTokenView {
        revoked_at_ms: Some(now),
        ..before.clone()
    };
    audit::record_change(
        &mut tx,
        by,
        client,
        Change {
            what: "api_token.revoke",
            subject: id,
            before: serde_json::to_value(&before).unwrap_or_default(),
            after: serde_json::to_value(&after).unwrap_or_default(),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The live token whose secret is `secret`: its id, name and role. Marks it used.
pub async fn authenticate(
    conn: &mut AnyConnection,
    state: &AppState,
    secret: &str,
) -> Result<Option<ApiTokenView>, sqlx::Error> {
    if !secret.starts_with(PREFIX) || secret.len() > 200 {
        return Ok(None);
    }
    let now = state.now_ms();
    let token_hash = state.secrets.token_hash(secret);
    let Some(token) = store::live_by_hash(conn, &token_hash, now).await? else {
        return Ok(None);
    };
    store::mark_used(conn, &token.id, now).await?;
    Ok(Some(token))
}
