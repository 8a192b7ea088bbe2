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
pub async fn sweep(state: &AppState) -> Result<u64, sqlx::Error> {
    let now = state.now_ms();
    let pool = &state.db.pool;
    let mut removed = 0;
    let mut conn = pool.acquire().await?;
    removed += store::rate_limits::prune(&mut conn, now - DAY_MS).await?;
    removed += store::flows::prune(&mut conn, now - DAY_MS).await?;
    removed += store::account_codes::prune(&mut conn, now - DAY_MS).await?;
    removed += store::captchas::prune(&mut conn, now).await?;
    removed += store::sessions::prune(&mut conn, now - 7 * DAY_MS).await?;
    removed += store::outbox::prune_sent(&mut conn, now - 7 * DAY_MS).await?;
    removed += store::phone_outbox::prune_sent(&mut conn, now - 7 * DAY_MS).await?;
    // Untouched for a day, so any lock has ended (locks last 15 minutes).
    removed += store::admins::prune_lockouts(&mut conn, now - DAY_MS).await?;
    removed += store::oidc::prune(&mut conn, now - DAY_MS).await?;
    let retired_before = now - crate::oidc::keys::PUBLISHED_AFTER_RETIREMENT_MS;
    removed += store::signing_keys::prune(&mut conn, retired_before).await?;
    Ok(removed)
}
