//! Passcodes mailed to a signed-in user (`account_codes`): one live code per user and purpose.
//! A try is counted by one `UPDATE … RETURNING`, and a right code is consumed by a `DELETE`
//! that exactly one caller wins (SECURITY.md §11).

use sqlx::{AnyConnection, Row};

/// A mailed code as stored.
#[derive(Debug, Clone)]
pub struct AccountCode {
    pub id: String,
    pub user_id: String,
    pub purpose: &'static str,
    pub method_id: Option<String>,
    pub code_hash: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

/// Stores `code`, replacing the user's earlier code for its purpose.
pub async fn replace(conn: &mut AnyConnection, code: &AccountCode) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM account_codes WHERE user_id = $1 AND purpose = $2")
        .bind(&code.user_id)
        .bind(code.purpose)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO account_codes (id, user_id, purpose, method_id, code_hash, created_at_ms, \
                                    expires_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&code.id)
    .bind(&code.user_id)
    .bind(code.purpose)
    .bind(&code.method_id)
    .bind(&code.code_hash)
    .bind(code.created_at_ms)
    .bind(code.expires_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A live code's try, counted: its id, hash, method and the tries counted so far (this one
/// included). `None` when the user has no unexpired code for `purpose` with tries left.
#[derive(Debug, Clone)]
pub struct Try {
    pub id: String,
    pub method_id: Option<String>,
    pub code_hash: String,
    pub attempts: i64,
}

/// Counts a try of the user's live code for `purpose`, if it has tries left below `max`.
pub async fn count_try(
    conn: &mut AnyConnection,
    user_id: &str,
    purpose: &str,
    max: i64,
    now_ms: i64,
) -> Result<Option<Try>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE account_codes SET attempts = attempts + 1 \
         WHERE user_id = $1 AND purpose = $2 AND expires_at_ms > $3 AND attempts < $4 \
         RETURNING id, method_id, code_hash, attempts",
    )
    .bind(user_id)
    .bind(purpose)
    .bind(now_ms)
    .bind(max)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(Try {
            id: row.try_get("id")?,
            method_id: row.try_get("method_id")?,
            code_hash: row.try_get("code_hash")?,
            attempts: row.try_get("attempts")?,
        })
    })
    .transpose()
}

/// Consumes a code; `true` for the one caller that did.
pub async fn consume(conn: &mut AnyConnection, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM account_codes WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
