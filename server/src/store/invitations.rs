//! Guest invitations: the link carries a random token, the table its keyed hash.

use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: String,
    pub user_id: String,
    pub redirect_url: String,
    pub redeemed_at_ms: Option<i64>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    id: &str,
    token_hash: &str,
    user_id: &str,
    redirect_url: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO invitations (id, token_hash, user_id, redirect_url, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(token_hash)
    .bind(user_id)
    .bind(redirect_url)
    .bind(now_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn by_token_hash(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<Invitation>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, user_id, redirect_url, redeemed_at_ms FROM invitations WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(Invitation {
            id: r.try_get("id")?,
            user_id: r.try_get("user_id")?,
            redirect_url: r.try_get("redirect_url")?,
            redeemed_at_ms: r.try_get("redeemed_at_ms")?,
        })
    })
    .transpose()
}

pub async fn mark_redeemed(
    conn: &mut AnyConnection,
    id: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE invitations SET redeemed_at_ms = $1 WHERE id = $2 AND redeemed_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Whether the guest has redeemed any invitation.
pub async fn redeemed(conn: &mut AnyConnection, user_id: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM invitations WHERE user_id = $1 AND redeemed_at_ms IS NOT NULL",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Resets the guest's redemption: every invitation of theirs is unredeemed and must be
/// accepted again (seed 001); returns how many.
pub async fn reset_redemption(conn: &mut AnyConnection, user_id: &str) -> Result<u64, sqlx::Error> {
    sqlx::query("UPDATE invitations SET redeemed_at_ms = NULL WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await
        .map(|d| d.rows_affected())
}
