//! Housekeeping: every few minutes, delete what can never matter again — rate-limit windows
//! long past, flows (and their passcodes) a day after they expired, sessions a week after they
//! ended, delivered mail after a week. Any instance may run it; the deletes are idempotent.

use crate::AppState;
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
    removed += crate::store::rate_limits::prune(&mut conn, now - DAY_MS).await?;
    for (sql, before) in [
        (
            "DELETE FROM passcodes WHERE flow_id IN (SELECT id FROM flows WHERE expires_at_ms < $1)",
            now - DAY_MS,
        ),
        ("DELETE FROM flows WHERE expires_at_ms < $1", now - DAY_MS),
        (
            "DELETE FROM sessions WHERE expires_at_ms < $1 OR revoked_at_ms < $1",
            now - 7 * DAY_MS,
        ),
        (
            "DELETE FROM outbox WHERE sent_at_ms IS NOT NULL AND sent_at_ms < $1",
            now - 7 * DAY_MS,
        ),
        (
            // Untouched for a day, so any lock has ended (locks last 15 minutes).
            "DELETE FROM admin_lockouts WHERE updated_at_ms < $1",
            now - DAY_MS,
        ),
    ] {
        removed += sqlx::query(sql)
            .bind(before)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(removed)
}
