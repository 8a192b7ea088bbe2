//! The `phone_outbox` table: texts and calls waiting for the phone worker, their bodies sealed
//! with the server secret (`phone::outbox` seals, `phone::worker` delivers). The same shape and
//! leasing as the mail `outbox`, with the channel (`sms`, `voice`) beside the recipient.

use super::outbox::Settled;
use super::queue::{claim_statements, Claim};
use super::script::{Row, Script};
use super::Backend;
use sqlx::{AnyConnection, Row as _};

/// A queued row; `sealed_body` absent for a suppressed message (nothing to send, the same write).
pub fn insert(
    script: &mut Script,
    id: &str,
    purpose: &str,
    channel: &str,
    recipient: &str,
    sealed_body: Option<String>,
    now_ms: i64,
) {
    script
        .add(
            "INSERT INTO phone_outbox (id, purpose, channel, recipient, sealed_body, created_at_ms, next_attempt_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(id)
        .bind(purpose)
        .bind(channel)
        .bind(recipient)
        .bind(sealed_body)
        .bind(now_ms);
}

/// A message a worker leased.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub purpose: String,
    pub channel: String,
    pub recipient: String,
    pub sealed: Option<String>,
    pub attempts: i64,
    pub created_at_ms: i64,
}

/// [`claim`]'s statements.
pub(super) const CLAIM: Claim = claim_statements!(
    "phone_outbox",
    "id, purpose, channel, recipient, sealed_body, attempts, created_at_ms"
);

/// Leases up to `batch` due messages until `lease_until_ms` ([`Claim::script`]); [`claimed`]
/// reads them.
pub fn claim(backend: Backend, now_ms: i64, lease_until_ms: i64, batch: i64) -> Script {
    CLAIM.script(backend, now_ms, lease_until_ms, batch)
}

/// The database's plan for a claim of due texts and calls ([`claim`]) at `now_ms`, one line per
/// step.
pub async fn claim_plan(
    conn: &mut AnyConnection,
    backend: Backend,
    now_ms: i64,
) -> Result<Vec<String>, sqlx::Error> {
    CLAIM.plan(conn, backend, now_ms).await
}

/// The messages [`claim`]'s rows hold, in the order they were queued (`RETURNING` promises no
/// order).
pub fn claimed(rows: &[Row]) -> Result<Vec<Claimed>, sqlx::Error> {
    let mut claimed = rows
        .iter()
        .map(|row| {
            Ok(Claimed {
                id: row.text("id")?.to_owned(),
                purpose: row.text("purpose")?.to_owned(),
                channel: row.text("channel")?.to_owned(),
                recipient: row.text("recipient")?.to_owned(),
                sealed: row.text_or_null("sealed_body")?.map(str::to_owned),
                attempts: row.int("attempts")?,
                created_at_ms: row.int("created_at_ms")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    claimed.sort_by_key(|c| c.created_at_ms);
    Ok(claimed)
}

/// Adds to `script` the write that records `settled` (the mail outbox's outcomes, on this
/// table; "dropped" is a suppressed message or one given up).
pub fn settle(script: &mut Script, settled: Settled) {
    match settled {
        Settled::Sent {
            id,
            kept_body,
            at_ms,
        } => {
            script
                .add(
                    "UPDATE phone_outbox SET sent_at_ms = $1, sealed_body = $2, last_error = NULL \
                     WHERE id = $3",
                )
                .bind(at_ms)
                .bind(kept_body)
                .bind(id);
        }
        Settled::Dropped { id } => {
            script
                .add("DELETE FROM phone_outbox WHERE id = $1")
                .bind(id);
        }
        Settled::Failed {
            id,
            next_attempt_ms,
            error,
        } => {
            script
                .add(
                    "UPDATE phone_outbox SET next_attempt_ms = $1, locked_until_ms = 0, \
                     last_error = $2 WHERE id = $3",
                )
                .bind(next_attempt_ms)
                .bind(error)
                .bind(id);
        }
    }
}

/// A message whose sealed body is kept: queued, or delivered to the development outbox.
#[derive(Debug, Clone)]
pub struct Kept {
    pub id: String,
    pub purpose: String,
    pub channel: String,
    pub sealed: String,
    pub created_at_ms: i64,
}

/// The newest `limit` messages with a sealed body.
pub async fn kept(conn: &mut AnyConnection, limit: i64) -> Result<Vec<Kept>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, purpose, channel, sealed_body, created_at_ms FROM phone_outbox \
         WHERE sealed_body IS NOT NULL \
         ORDER BY created_at_ms DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Kept {
                id: row.try_get("id")?,
                purpose: row.try_get("purpose")?,
                channel: row.try_get("channel")?,
                sealed: row.try_get("sealed_body")?,
                created_at_ms: row.try_get("created_at_ms")?,
            })
        })
        .collect()
}
