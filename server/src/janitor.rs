//! Housekeeping: every few minutes, delete what can never matter again — rate-limit windows
//! long past, flows (and their passcodes) a day after they expired, customers' and
//! administrators' sessions a week after they ended, delivered mail after a week, on-screen
//! verification codes once expired, OpenID Connect grants (with their codes and tokens) a day
//! after they expired or were revoked, and signing keys once no token they signed can be valid.
//! Any instance may run it; the deletes are idempotent.

use crate::store::sweep::Stale;
use crate::{store, AppState};
use std::time::Duration;

const EVERY: Duration = Duration::from_secs(300);
const DAY_MS: i64 = 24 * 60 * 60_000;

/// Runs until `shutdown` resolves.
pub async fn run(state: AppState, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(EVERY) => {}
        }
        match sweep(&state).await {
            Ok(removed) if removed > 0 => tracing::info!(removed, "janitor: old rows removed"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "janitor: sweep failed"),
        }
    }
}

/// Rows a chunk deletes at most: each chunk is a write of its own, so a large backlog never
/// holds up the requests' writes for longer than one small delete.
const CHUNK: i64 = 250;

/// One pass; returns how many rows it removed.
///
/// Every table is swept in chunks of at most [`CHUNK`] rows, each a write of its own through
/// [`Db::write_one`](crate::store::Db::write_one), as every other write: on SQLite it waits its
/// turn at the write gate with the requests' batches instead of polling SQLite's write lock
/// beside them (a batch that found the lock taken would sleep in `busy_timeout`), and it stays
/// far below the 10,000 pages at which SQLite would checkpoint inside the commit. Each chunk
/// finds its rows through an index on the time it tests, except the rate limits' counters,
/// which are walked by key (see [`store::rate_limits::scan`]).
pub async fn sweep(state: &AppState) -> Result<u64, sqlx::Error> {
    let now = state.now_ms();
    let mut total = prune_rate_limits(state, now - DAY_MS).await?;
    for (stale, kept_ms) in SWEPT {
        let before_ms = now - kept_ms;
        loop {
            let removed = state
                .db
                .write_one(move |conn| {
                    Box::pin(store::sweep::delete_chunk(conn, stale, before_ms, CHUNK))
                })
                .await?;
            total += removed;
            if removed < CHUNK as u64 {
                break;
            }
        }
    }
    Ok(total)
}

/// What is swept besides the rate limits, and how long after its time a row is kept.
const SWEPT: [(Stale, i64); 14] = [
    // Flows a day after they expired, with their passcodes (`ON DELETE CASCADE`).
    (stale("flows", "id", "expires_at_ms"), DAY_MS),
    (stale("account_codes", "id", "expires_at_ms"), DAY_MS),
    // On-screen verification codes once expired.
    (stale("captchas", "id", "expires_at_ms"), 0),
    (stale("sessions", "token_hash", "expires_at_ms"), 7 * DAY_MS),
    (stale("sessions", "token_hash", "revoked_at_ms"), 7 * DAY_MS),
    (
        stale("admin_sessions", "token_hash", "expires_at_ms"),
        7 * DAY_MS,
    ),
    (
        stale("admin_sessions", "token_hash", "revoked_at_ms"),
        7 * DAY_MS,
    ),
    (stale("outbox", "id", "sent_at_ms"), 7 * DAY_MS),
    (stale("phone_outbox", "id", "sent_at_ms"), 7 * DAY_MS),
    // Untouched for a day, so any lock has ended (locks last 15 minutes).
    (
        stale("admin_lockouts", "admin_id, client_ip", "updated_at_ms"),
        DAY_MS,
    ),
    (stale("oidc_pending", "id_hash", "expires_at_ms"), DAY_MS),
    // Grants with their codes and tokens (`ON DELETE CASCADE`).
    (stale("oidc_grants", "id", "expires_at_ms"), DAY_MS),
    (stale("oidc_grants", "id", "revoked_at_ms"), DAY_MS),
    // Signing keys once no token they signed can still be valid.
    (
        stale("signing_keys", "kid", "retired_at_ms"),
        crate::oidc::keys::PUBLISHED_AFTER_RETIREMENT_MS,
    ),
];

const fn stale(table: &'static str, key: &'static str, time: &'static str) -> Stale {
    Stale { table, key, time }
}

/// The rate limits' counters whose window began before `before_ms`: the table is read
/// [`CHUNK`] counters at a time on a pooled connection, outside the write gate, and each
/// chunk's stale keys are deleted as a write of their own.
async fn prune_rate_limits(state: &AppState, before_ms: i64) -> Result<u64, sqlx::Error> {
    let mut removed = 0;
    let mut after = String::new();
    loop {
        let chunk = {
            let mut conn = state.db.pool.acquire().await?;
            store::rate_limits::scan(&mut conn, &after, CHUNK).await?
        };
        let Some((last, _)) = chunk.last() else {
            return Ok(removed);
        };
        after.clone_from(last);
        let walked_all = chunk.len() < CHUNK as usize;
        let stale: Vec<String> = chunk
            .into_iter()
            .filter(|(_, window_start_ms)| *window_start_ms < before_ms)
            .map(|(key, _)| key)
            .collect();
        if !stale.is_empty() {
            removed += state
                .db
                .write_one(move |conn| {
                    Box::pin(async move {
                        store::rate_limits::delete_stale(conn, &stale, before_ms).await
                    })
                })
                .await?;
        }
        if walked_all {
            return Ok(removed);
        }
    }
}
