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

/// The columns every lookup selects, and the row they make.
const COLUMNS: &str = "id, user_id, redirect_url, redeemed_at_ms";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Invitation, sqlx::Error> {
    Ok(Invitation {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        redirect_url: r.try_get("redirect_url")?,
        redeemed_at_ms: r.try_get("redeemed_at_ms")?,
    })
}

pub async fn by_token_hash(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<Invitation>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM invitations WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
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

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<Invitation>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM invitations WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A new link for the invitation: the old token stops working.
pub async fn replace_token(
    conn: &mut AnyConnection,
    id: &str,
    token_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE invitations SET token_hash = $1 WHERE id = $2")
        .bind(token_hash)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// An invitation with its guest, for the portal's list.
#[derive(Debug, Clone)]
pub struct Listed {
    pub invitation: Invitation,
    pub email: String,
    pub display_name: String,
    pub created_at_ms: i64,
}

/// The newest `limit` invitations with their guests.
pub async fn list(conn: &mut AnyConnection, limit: i64) -> Result<Vec<Listed>, sqlx::Error> {
    sqlx::query(
        "SELECT i.id, i.user_id, i.redirect_url, i.redeemed_at_ms, i.created_at_ms, \
                u.email, u.display_name \
         FROM invitations i JOIN users u ON u.id = i.user_id \
         ORDER BY i.created_at_ms DESC, i.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Listed {
            invitation: from_row(r)?,
            email: r.try_get("email")?,
            display_name: r.try_get("display_name")?,
            created_at_ms: r.try_get("created_at_ms")?,
        })
    })
    .collect()
}

/// The guest's newest invitation.
pub async fn latest_for(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<Option<Invitation>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM invitations \
         WHERE user_id = $1 ORDER BY created_at_ms DESC, id LIMIT 1"
    ))
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}
