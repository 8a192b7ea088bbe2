//! The OpenID Connect provider's tables: pending authorization requests (`oidc_pending`),
//! grants (`oidc_grants`), and what hangs off a grant — its authorization code
//! (`oidc_codes`), refresh tokens (`oidc_refresh_tokens`) and access token ids
//! (`oidc_access_tokens`). Codes and refresh tokens are stored as keyed hashes. The single-use
//! steps are single statements (`UPDATE … WHERE used_at_ms IS NULL RETURNING`), so two requests
//! with one code or one refresh token succeed once.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// A grant: one user's authorization of one client, made at one authorization code.
#[derive(Debug, Clone)]
pub struct Grant {
    pub id: String,
    pub client_id: String,
    pub user_id: String,
    /// Space-separated.
    pub scope: String,
    pub nonce: Option<String>,
    pub auth_time_ms: i64,
    pub public_client: bool,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

/// A code as stored, once consumed.
#[derive(Debug, Clone)]
pub struct Code {
    pub grant_id: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub expires_at_ms: i64,
}

const GRANT_COLUMNS: &str = "id, client_id, user_id, scope, nonce, auth_time_ms, public_client, \
                             created_at_ms, expires_at_ms, revoked_at_ms";

fn grant_from_row(row: &AnyRow) -> Result<Grant, sqlx::Error> {
    Ok(Grant {
        id: row.try_get("id")?,
        client_id: row.try_get("client_id")?,
        user_id: row.try_get("user_id")?,
        scope: row.try_get("scope")?,
        nonce: row.try_get("nonce")?,
        auth_time_ms: row.try_get("auth_time_ms")?,
        public_client: row.try_get::<i64, _>("public_client")? != 0,
        created_at_ms: row.try_get("created_at_ms")?,
        expires_at_ms: row.try_get("expires_at_ms")?,
        revoked_at_ms: row.try_get("revoked_at_ms")?,
    })
}

/// Stores a pending authorization request under the keyed hash of its id.
pub async fn insert_pending(
    conn: &mut AnyConnection,
    id_hash: &str,
    request: &str,
    now_ms: i64,
    expires_at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO oidc_pending (id_hash, request, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(id_hash)
    .bind(request)
    .bind(now_ms)
    .bind(expires_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The unexpired pending request `id_hash`: its JSON and when it was made.
pub async fn pending(
    conn: &mut AnyConnection,
    id_hash: &str,
    now_ms: i64,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT request, created_at_ms FROM oidc_pending WHERE id_hash = $1 AND expires_at_ms > $2",
    )
    .bind(id_hash)
    .bind(now_ms)
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((r.try_get("request")?, r.try_get("created_at_ms")?)))
        .transpose()
}

/// Deletes the pending request `id_hash`; `true` for the one caller that did.
pub async fn take_pending(conn: &mut AnyConnection, id_hash: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM oidc_pending WHERE id_hash = $1")
        .bind(id_hash)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_grant(conn: &mut AnyConnection, grant: &Grant) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO oidc_grants (id, client_id, user_id, scope, nonce, auth_time_ms, \
                                  public_client, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&grant.id)
    .bind(&grant.client_id)
    .bind(&grant.user_id)
    .bind(&grant.scope)
    .bind(&grant.nonce)
    .bind(grant.auth_time_ms)
    .bind(i64::from(grant.public_client))
    .bind(grant.created_at_ms)
    .bind(grant.expires_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn grant(conn: &mut AnyConnection, id: &str) -> Result<Option<Grant>, sqlx::Error> {
    let sql = format!("SELECT {GRANT_COLUMNS} FROM oidc_grants WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(grant_from_row).transpose()
}

/// Moves a grant's expiry to `expires_at_ms` (a new refresh token lives that long).
pub async fn extend_grant(
    conn: &mut AnyConnection,
    id: &str,
    expires_at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE oidc_grants SET expires_at_ms = $1 WHERE id = $2 AND expires_at_ms < $1")
        .bind(expires_at_ms)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Revokes the grant `id`, and with it every token issued from it.
pub async fn revoke_grant(
    conn: &mut AnyConnection,
    id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE oidc_grants SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every grant of the user `user_id` (a password reset); returns how many.
pub async fn revoke_user_grants(
    conn: &mut AnyConnection,
    user_id: &str,
    now_ms: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE oidc_grants SET revoked_at_ms = $1 WHERE user_id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn insert_code(
    conn: &mut AnyConnection,
    code_hash: &str,
    code: &Code,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO oidc_codes (code_hash, grant_id, redirect_uri, code_challenge, expires_at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(code_hash)
    .bind(&code.grant_id)
    .bind(&code.redirect_uri)
    .bind(&code.code_challenge)
    .bind(code.expires_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Consumes the code `code_hash`: the code if this call used it first. `Err(grant)` names the
/// grant of a code that was used before (its tokens must be revoked); `Ok(None)` an unknown one.
pub async fn use_code(
    conn: &mut AnyConnection,
    code_hash: &str,
    now_ms: i64,
) -> Result<Result<Option<Code>, String>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE oidc_codes SET used_at_ms = $1 WHERE code_hash = $2 AND used_at_ms IS NULL \
         RETURNING grant_id, redirect_uri, code_challenge, expires_at_ms",
    )
    .bind(now_ms)
    .bind(code_hash)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = row {
        return Ok(Ok(Some(Code {
            grant_id: row.try_get("grant_id")?,
            redirect_uri: row.try_get("redirect_uri")?,
            code_challenge: row.try_get("code_challenge")?,
            expires_at_ms: row.try_get("expires_at_ms")?,
        })));
    }
    let used = sqlx::query("SELECT grant_id FROM oidc_codes WHERE code_hash = $1")
        .bind(code_hash)
        .fetch_optional(conn)
        .await?;
    match used {
        Some(row) => Ok(Err(row.try_get("grant_id")?)),
        None => Ok(Ok(None)),
    }
}

pub async fn insert_refresh(
    conn: &mut AnyConnection,
    token_hash: &str,
    grant_id: &str,
    now_ms: i64,
    expires_at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO oidc_refresh_tokens (token_hash, grant_id, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(grant_id)
    .bind(now_ms)
    .bind(expires_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Consumes the refresh token `token_hash`, as [`use_code`] does a code: `Ok(Some(grant))`
/// for the first use of a live token, `Err(grant)` for a token used before, `Ok(None)` for an
/// unknown or expired one.
pub async fn use_refresh(
    conn: &mut AnyConnection,
    token_hash: &str,
    now_ms: i64,
) -> Result<Result<Option<String>, String>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE oidc_refresh_tokens SET used_at_ms = $1 \
         WHERE token_hash = $2 AND used_at_ms IS NULL AND expires_at_ms > $1 RETURNING grant_id",
    )
    .bind(now_ms)
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = row {
        return Ok(Ok(Some(row.try_get("grant_id")?)));
    }
    let used = sqlx::query(
        "SELECT grant_id FROM oidc_refresh_tokens WHERE token_hash = $1 AND used_at_ms IS NOT NULL",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    match used {
        Some(row) => Ok(Err(row.try_get("grant_id")?)),
        None => Ok(Ok(None)),
    }
}

/// The grant of the refresh token `token_hash`, used or not (for revocation).
pub async fn refresh_grant(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT grant_id FROM oidc_refresh_tokens WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(conn)
        .await?
        .map(|row| row.try_get("grant_id"))
        .transpose()
}

pub async fn insert_access(
    conn: &mut AnyConnection,
    jti: &str,
    grant_id: &str,
    expires_at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO oidc_access_tokens (jti, grant_id, expires_at_ms) VALUES ($1, $2, $3)")
        .bind(jti)
        .bind(grant_id)
        .bind(expires_at_ms)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The grant of the access token `jti` if neither it nor its grant is revoked.
pub async fn live_access(
    conn: &mut AnyConnection,
    jti: &str,
) -> Result<Option<Grant>, sqlx::Error> {
    let sql = format!(
        "SELECT {} FROM oidc_access_tokens AS a JOIN oidc_grants AS g ON g.id = a.grant_id \
         WHERE a.jti = $1 AND a.revoked_at_ms IS NULL AND g.revoked_at_ms IS NULL",
        GRANT_COLUMNS
            .split(", ")
            .map(|c| format!("g.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let row = sqlx::query(&sql).bind(jti).fetch_optional(conn).await?;
    row.as_ref().map(grant_from_row).transpose()
}

/// Revokes the access token `jti` if it was issued to `client_id`.
pub async fn revoke_access(
    conn: &mut AnyConnection,
    jti: &str,
    client_id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE oidc_access_tokens SET revoked_at_ms = $1 WHERE jti = $2 AND revoked_at_ms IS NULL \
         AND grant_id IN (SELECT id FROM oidc_grants WHERE client_id = $3)",
    )
    .bind(now_ms)
    .bind(jti)
    .bind(client_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
