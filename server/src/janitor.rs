//! Housekeeping: every few minutes, delete what can never matter again — rate-limit windows
//! long past, flows (and their passcodes) a day after they expired, customers' and
//! administrators' sessions a week after they ended, delivered mail after a week, on-screen
//! verification codes once expired, OpenID Connect grants (with their codes and tokens) a day
//! after they expired or were revoked, and signing keys once no token they signed can be valid.
//! Any instance may run it; the deletes are idempotent.

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
    /// Deletes from one table, chunk by chunk, the rows older than `before_ms`; adds to
    /// `removed`.
    macro_rules! prune {
        ($delete:path, $before_ms:expr) => {{
            let before_ms = $before_ms;
            loop {
                let removed = state
                    .db
                    .write_one(move |conn| Box::pin($delete(conn, before_ms, CHUNK)))
                    .await?;
                total += removed;
                if removed < CHUNK as u64 {
                    break;
                }
            }
        }};
    }
    prune!(store::flows::prune, now - DAY_MS);
    prune!(store::account_codes::prune, now - DAY_MS);
    prune!(store::captchas::prune, now);
    prune!(store::sessions::prune_expired, now - 7 * DAY_MS);
    prune!(store::sessions::prune_revoked, now - 7 * DAY_MS);
    prune!(store::admins::prune_expired_sessions, now - 7 * DAY_MS);
    prune!(store::admins::prune_revoked_sessions, now - 7 * DAY_MS);
    prune!(store::outbox::prune_sent, now - 7 * DAY_MS);
    prune!(store::phone_outbox::prune_sent, now - 7 * DAY_MS);
    // Untouched for a day, so any lock has ended (locks last 15 minutes).
    prune!(store::admins::prune_lockouts, now - DAY_MS);
    prune!(store::oidc::prune_pending, now - DAY_MS);
    prune!(store::oidc::prune_expired_grants, now - DAY_MS);
    prune!(store::oidc::prune_revoked_grants, now - DAY_MS);
    prune!(
        store::signing_keys::prune,
        now - crate::oidc::keys::PUBLISHED_AFTER_RETIREMENT_MS
    );
    Ok(total)
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
