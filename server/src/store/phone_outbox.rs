//! The `phone_outbox` table: texts and calls waiting for the phone worker, their bodies sealed
//! with the server secret (`phone::outbox` seals, `phone::worker` delivers). The same shape and
//! leasing as the mail `outbox`, with the channel (`sms`, `voice`) beside the recipient.

use super::outbox::Settled;
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

/// [`claim`]'s statement on SQLite: lease until `$1` at most `$3` of the messages due at `$2`.
pub(super) const CLAIM: &str =
    "UPDATE phone_outbox SET locked_until_ms = $1, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM phone_outbox WHERE sent_at_ms IS NULL AND next_attempt_ms <= $2 \
                  AND locked_until_ms <= $2 ORDER BY next_attempt_ms LIMIT $3) \
       AND locked_until_ms <= $2 \
     RETURNING id, purpose, channel, recipient, sealed_body, attempts, created_at_ms";

/// [`CLAIM`] on PostgreSQL: the due rows are locked as they are picked, and a row another
/// worker holds is passed over ([`claim`]).
pub(super) const CLAIM_POSTGRES: &str =
    "UPDATE phone_outbox SET locked_until_ms = $1, attempts = attempts + 1 \
     WHERE id = ANY(ARRAY(SELECT id FROM phone_outbox WHERE sent_at_ms IS NULL AND next_attempt_ms <= $2 \
                          AND locked_until_ms <= $2 ORDER BY next_attempt_ms LIMIT $3 \
                          FOR UPDATE SKIP LOCKED)) \
       AND locked_until_ms <= $2 \
     RETURNING id, purpose, channel, recipient, sealed_body, attempts, created_at_ms";

/// Leases up to `batch` due messages until `lease_until_ms`, counting an attempt on each, in one
/// `UPDATE … WHERE locked_until_ms <= now` that only one worker wins; longest due first.
///
/// In the order of `phone_outbox_due` (`sent_at_ms`, `next_attempt_ms`), so that the claim walks the
/// index and stops at `batch` rows. In order of queueing it sorted every waiting row at each
/// claim: under a burst the backlog grew faster than the claims, and each claim took longer
/// (about 8 ms each in a burst of flow starts), holding up the writer every request waits
/// for. A message is due when queued, so the two orders differ only for retries; within a
/// claim each recipient's messages are put back in the order they were queued ([`claimed`]).
///
/// A script for [`Db::count`](super::Db::count): on SQLite it runs among the writer's counted
/// jobs, on its direct connection, and shares their batch's one transaction.
///
/// On PostgreSQL, where several instances' workers claim at once, the due rows are locked as
/// they are picked (`FOR UPDATE SKIP LOCKED`), so a claim never waits for another worker. As a
/// plain `UPDATE … WHERE id IN (…)` it did: it waited for a row another worker was settling,
/// while keeping the locks it had taken on rows that worker had claimed (PostgreSQL re-reads
/// a row changed under an `UPDATE` and keeps it locked even when it no longer matches), which
/// the settling write then needed: a deadlock, which PostgreSQL broke after a second by failing
/// one of them. When that was a settling write, its messages were tried again once their lease
/// ended, and delivered ones went out twice.
pub fn claim(backend: Backend, now_ms: i64, lease_until_ms: i64, batch: i64) -> Script {
    let statement = match backend {
        Backend::Sqlite => CLAIM,
        Backend::Postgres => CLAIM_POSTGRES,
    };
    let mut script = Script::default();
    script
        .add_rows(statement)
        .bind(lease_until_ms)
        .bind(now_ms)
        .bind(batch);
    script
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
