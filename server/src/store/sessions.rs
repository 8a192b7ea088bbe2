//! Sessions: the cookie carries a random token, the table only its keyed hash.

use sqlx::{AnyConnection, Row};
use sspr_api::SessionSummary;

/// A live session and whose it is.
#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: String,
    pub public_id: String,
    pub user_id: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub last_seen_ms: i64,
    pub user_agent: String,
    pub client_ip: String,
    /// When the user last proved who they are with a method in this session (0: only by
    /// signing in).
    pub proved_at_ms: i64,
    /// Whether the sign-in still owes the registration interrupt (`domain::registration`).
    pub registration_pending: bool,
}

impl Session {
    /// When the user last proved who they are: signing in, or a method since.
    pub fn last_proof_ms(&self) -> i64 {
        self.created_at_ms.max(self.proved_at_ms)
    }
}

impl Session {
    pub fn summary(&self, current_hash: &str) -> SessionSummary {
        SessionSummary {
            id: self.public_id.clone(),
            created_at_ms: self.created_at_ms,
            expires_at_ms: self.expires_at_ms,
            last_seen_at_ms: self.last_seen_ms,
            user_agent: self.user_agent.clone(),
            client_ip: self.client_ip.clone(),
            current: self.token_hash == current_hash,
        }
    }
}

const COLUMNS: &str =
    "token_hash, public_id, user_id, created_at_ms, expires_at_ms, last_seen_ms, user_agent, client_ip, \
     proved_at_ms, registration_pending";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        token_hash: row.try_get("token_hash")?,
        public_id: row.try_get("public_id")?,
        user_id: row.try_get("user_id")?,
        created_at_ms: row.try_get("created_at_ms")?,
        expires_at_ms: row.try_get("expires_at_ms")?,
        last_seen_ms: row.try_get("last_seen_ms")?,
        user_agent: row.try_get("user_agent")?,
        client_ip: row.try_get("client_ip")?,
        proved_at_ms: row.try_get("proved_at_ms")?,
        registration_pending: row.try_get::<i64, _>("registration_pending")? != 0,
    })
}

pub async fn insert(conn: &mut AnyConnection, session: &Session) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, public_id, user_id, created_at_ms, expires_at_ms, \
                               last_seen_ms, user_agent, client_ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&session.token_hash)
    .bind(&session.public_id)
    .bind(&session.user_id)
    .bind(session.created_at_ms)
    .bind(session.expires_at_ms)
    .bind(session.last_seen_ms)
    .bind(&session.user_agent)
    .bind(&session.client_ip)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The live (unexpired, unrevoked) session with this token hash, touching its last-seen time.
pub async fn live(
    conn: &mut AnyConnection,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<Session>, sqlx::Error> {
    let sql = format!(
        "UPDATE sessions SET last_seen_ms = $1 \
         WHERE token_hash = $2 AND revoked_at_ms IS NULL AND expires_at_ms > $1 RETURNING {COLUMNS}"
    );
    let row = sqlx::query(&sql)
        .bind(now_ms)
        .bind(token_hash)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The user's live sessions, newest first.
pub async fn of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    now_ms: i64,
) -> Result<Vec<Session>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sessions WHERE user_id = $1 AND revoked_at_ms IS NULL \
         AND expires_at_ms > $2 ORDER BY created_at_ms DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(user_id)
        .bind(now_ms)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Records that the session's user proved who they are at `now_ms`.
pub async fn record_proof(
    conn: &mut AnyConnection,
    token_hash: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET proved_at_ms = $1 WHERE token_hash = $2")
        .bind(now_ms)
        .bind(token_hash)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Marks whether the session still owes the registration interrupt.
pub async fn set_registration_pending(
    conn: &mut AnyConnection,
    token_hash: &str,
    pending: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET registration_pending = $1 WHERE token_hash = $2")
        .bind(i64::from(pending))
        .bind(token_hash)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Revokes one session by token hash.
pub async fn revoke(
    conn: &mut AnyConnection,
    token_hash: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at_ms = $1 WHERE token_hash = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(token_hash)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes one of the user's sessions by its public id.
pub async fn revoke_public(
    conn: &mut AnyConnection,
    user_id: &str,
    public_id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at_ms = $1 \
         WHERE user_id = $2 AND public_id = $3 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(user_id)
    .bind(public_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every session of the user except `keep` (a token hash); returns how many.
pub async fn revoke_all(
    conn: &mut AnyConnection,
    user_id: &str,
    keep: Option<&str>,
    now_ms: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at_ms = $1 \
         WHERE user_id = $2 AND revoked_at_ms IS NULL AND token_hash <> $3",
    )
    .bind(now_ms)
    .bind(user_id)
    .bind(keep.unwrap_or(""))
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
