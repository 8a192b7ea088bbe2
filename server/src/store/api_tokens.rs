//! The `api_tokens` table: tokens for scripts, stored with a keyed hash of their secret.

use sqlx::{AnyConnection, Row};
use sspr_api::WireName;
use sspr_api::{AdminRole, ApiTokenView};

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

/// Stores `token` with the keyed hash of its secret.
pub async fn insert(
    conn: &mut AnyConnection,
    token: &ApiTokenView,
    token_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO api_tokens (id, name, role, token_hash, created_by, created_at_ms, \
                                 expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&token.id)
    .bind(&token.name)
    .bind(token.role.as_str())
    .bind(token_hash)
    .bind(&token.created_by)
    .bind(token.created_at_ms)
    .bind(token.expires_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Every token, newest first.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<ApiTokenView>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens ORDER BY created_at_ms DESC, id");
    let rows = sqlx::query(&sql).fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

/// The token `id`, revoked or not.
pub async fn by_id(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<ApiTokenView>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// Marks the token `id` revoked at `now_ms`.
pub async fn revoke(conn: &mut AnyConnection, id: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_tokens SET revoked_at_ms = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The unrevoked, unexpired token whose secret hashes to `token_hash`.
pub async fn live_by_hash(
    conn: &mut AnyConnection,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<ApiTokenView>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM api_tokens \
         WHERE token_hash = $1 AND revoked_at_ms IS NULL AND expires_at_ms > $2"
    );
    let row = sqlx::query(&sql)
        .bind(token_hash)
        .bind(now_ms)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Records that the token `id` was used, at most once a minute, so a busy script does not
/// write on every request.
pub async fn mark_used(conn: &mut AnyConnection, id: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_tokens SET last_used_at_ms = $1 \
         WHERE id = $2 AND (last_used_at_ms IS NULL OR last_used_at_ms < $3)",
    )
    .bind(now_ms)
    .bind(id)
    .bind(now_ms - 60_000)
    .execute(conn)
    .await
    .map(|_| ())
}
