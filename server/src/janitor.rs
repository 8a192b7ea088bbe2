//! Housekeeping: every few minutes, delete what can never matter again — rate-limit windows
//! long past, flows (and their passcodes) a day after they expired, sessions a week after they
//! ended, delivered mail after a week, on-screen verification codes once expired, OpenID Connect grants (with their codes and tokens) a
//! day after they expired or were revoked, and signing keys once no token they signed can be
//! valid. Any instance may run it; the deletes are idempotent.

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

/// One pass; returns how many rows it removed.
///
/// Each table's delete is a write of its own through [`Db::write_batched`](crate::store::Db),
/// as every other write: on SQLite it waits its turn at the write gate with the requests'
/// batches instead of polling SQLite's write lock beside them (a batch that found the lock
/// taken would sleep in `busy_timeout`), and a table's deletes commit or roll back together.
/// A large delete still holds up the writes of its batch for as long as it takes; deleting in
/// chunks of a few hundred rows would bound that.
pub async fn sweep(state: &AppState) -> Result<u64, sqlx::Error> {
    /// One table's delete, rows older than `before_ms`, as a write of its own; how many rows
    /// it removed.
    macro_rules! prune {
        ($delete:path, $before_ms:expr) => {{
            let before_ms = $before_ms;
            state
                .db
                .write_batched(move |conn| Box::pin($delete(conn, before_ms)))
                .await?
        }};
    }
    let now = state.now_ms();
    Ok(prune!(store::rate_limits::prune, now - DAY_MS)
        + prune!(store::flows::prune, now - DAY_MS)
        + prune!(store::account_codes::prune, now - DAY_MS)
        + prune!(store::captchas::prune, now)
        + prune!(store::sessions::prune, now - 7 * DAY_MS)
        + prune!(store::outbox::prune_sent, now - 7 * DAY_MS)
        + prune!(store::phone_outbox::prune_sent, now - 7 * DAY_MS)
        // Untouched for a day, so any lock has ended (locks last 15 minutes).
        + prune!(store::admins::prune_lockouts, now - DAY_MS)
        + prune!(store::oidc::prune, now - DAY_MS)
        + prune!(
            store::signing_keys::prune,
            now - crate::oidc::keys::PUBLISHED_AFTER_RETIREMENT_MS
        ))
}
