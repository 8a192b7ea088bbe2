//! API tokens for scripts (the Graph-compatible API): created by a global administrator with a
//! role and an expiry, shown once, stored only as a keyed hash, sent as `Authorization: Bearer`.
//! A token acts with its role's permissions; revoking or expiry ends it at once.

use super::audit::{self, Change};
use super::store::Admin;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::secrets::random_token;
use crate::AppState;
use sqlx::{AnyConnection, Row};
use sspr_api::WireName;
use sspr_api::{AdminRole, ApiTokenView, CreateApiToken, CreatedApiToken};

/// Every token's secret starts with this, so secret scanners and people can tell what it is.
pub const PREFIX: &str = "sspr_";

const COLUMNS: &str =
    "id, name, role, created_by, created_at_ms, expires_at_ms, revoked_at_ms, last_used_at_ms";

fn from_row(row: &sqlx::any::AnyRow) -> Result<ApiTokenView, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(ApiTokenView {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: AdminRole::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role:?}").into()))?,
        created_by: row.try_get("created_by")?,
        created_at_ms: row.try_get("created_at_ms")?,
        expires_at_ms: row.try_get("expires_at_ms")?,
        revoked_at_ms: row.try_get("revoked_at_ms")?,
        last_used_at_ms: row.try_get("last_used_at_ms")?,
    })
}

/// `POST /api/admin/api-tokens`.
pub async fn create(
    state: &AppState,
    client: &Client,
    by: &Admin,
    request: CreateApiToken,
) -> Result<CreatedApiToken, ApiError> {
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::Validation(
            "Name the token with 1 to 100 characters.".into(),
        ));
    }
    if !(1..=365).contains(&request.expires_in_days) {
        return Err(ApiError::Validation(
            "A token expires after 1 to 365 days.".into(),
        ));
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
    sqlx::query(
        "INSERT INTO api_tokens (id, name, role, token_hash, created_by, created_at_ms, \
                                 expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&token.id)
    .bind(&token.name)
    .bind(token.role.as_str())
    .bind(state.secrets.token_hash(&secret))
    .bind(&token.created_by)
    .bind(now)
    .bind(token.expires_at_ms)
    .execute(&mut *tx)
    .await?;
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
    let sql = format!("SELECT {COLUMNS} FROM api_tokens ORDER BY created_at_ms DESC, id");
    let rows = sqlx::query(&sql).fetch_all(&mut *conn).await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
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
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1");
    let before = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?
        .filter(|t| t.revoked_at_ms.is_none())
        .ok_or(ApiError::NotFound)?;
    sqlx::query("UPDATE api_tokens SET revoked_at_ms = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
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
    let sql = format!(
        "SELECT {COLUMNS} FROM api_tokens \
         WHERE token_hash = $1 AND revoked_at_ms IS NULL AND expires_at_ms > $2"
    );
    let Some(token) = sqlx::query(&sql)
        .bind(state.secrets.token_hash(secret))
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?
    else {
        return Ok(None);
    };
    // At most once a minute, so a busy script does not write on every request.
    sqlx::query(
        "UPDATE api_tokens SET last_used_at_ms = $1 \
         WHERE id = $2 AND (last_used_at_ms IS NULL OR last_used_at_ms < $3)",
    )
    .bind(now)
    .bind(&token.id)
    .bind(now - 60_000)
    .execute(conn)
    .await?;
    Ok(Some(token))
}
