//! The outbox worker: claims due messages, delivers them, retries failures with back-off.
//!
//! Several server instances may run workers on one database: a message is claimed by setting a
//! lease (`locked_until_ms`) in a single `UPDATE … WHERE locked_until_ms <= now`, which only one
//! of them wins. A batch is delivered concurrently across recipients (one SMTP conversation
//! waits on the network far more than it computes) and in order for each recipient. A failed send is retried after 5 s, 10 s, 20 s …
//! up to 10 minutes, forever: mail is never dropped, only delayed.

use super::outbox::Envelope;
use super::transport::Transport;
use crate::store::outbox::{self as store, Claimed};
use crate::AppState;
use std::time::Duration;

const BATCH: i64 = 20;
const LEASE_MS: i64 = 60_000;
const POLL: Duration = Duration::from_secs(1);

/// Runs until `shutdown` resolves.
pub async fn run(
    state: AppState,
    transport: Transport,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        match drain(&state, &transport).await {
            Ok(0) => {}
            Ok(_) => {
                // More may be due; but a stop request wins over a backlog (it stays queued).
                tokio::select! {
                    biased;
                    () = &mut shutdown => return,
                    () = std::future::ready(()) => continue,
                }
            }
            Err(error) => tracing::warn!(%error, "outbox: could not read the queue"),
        }
        tokio::select! {
            () = &mut shutdown => return,
            () = state.outbox.woken() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Sends what is due; returns how many messages it handled.
pub async fn drain(state: &AppState, transport: &Transport) -> Result<usize, sqlx::Error> {
    let now = state.clock.now_ms();
    let claimed = state
        .db
        .write_one(move |conn| Box::pin(store::claim(conn, now, now + LEASE_MS, BATCH)))
        .await?;
    let count = claimed.len();
    // One task per recipient, each delivering that recipient's messages in the order they were
    // queued (a person reads "your code" before "your password was changed"); different
    // recipients are served concurrently.
    let mut by_recipient: Vec<(String, Vec<Claimed>)> = Vec::new();
    for message in claimed {
        match by_recipient
            .iter_mut()
            .find(|(r, _)| *r == message.recipient)
        {
            Some((_, queue)) => queue.push(message),
            None => by_recipient.push((message.recipient.clone(), vec![message])),
        }
    }
    let mut deliveries = tokio::task::JoinSet::new();
    for (_, queue) in by_recipient {
        let (state, transport) = (state.clone(), transport.clone());
        deliveries.spawn(async move {
            for message in queue {
                deliver(state.clone(), transport.clone(), message).await?;
            }
            Ok::<(), sqlx::Error>(())
        });
    }
    let mut first_error = None;
    while let Some(done) = deliveries.join_next().await {
        if let Ok(Err(error)) = done {
            first_error.get_or_insert(error);
        }
    }
    match first_error {
        Some(error) => Err(error),
        None => Ok(count),
    }
}

async fn deliver(
    state: AppState,
    transport: Transport,
    message: Claimed,
) -> Result<(), sqlx::Error> {
    let Claimed {
        id,
        purpose,
        sealed,
        attempts,
        ..
    } = message;
    let state = &state;
    let Some(sealed) = sealed else {
        // A suppressed message (to an unknown account): nothing to send.
        return state
            .db
            .write_one(move |conn| Box::pin(async move { store::delete(conn, &id).await }))
            .await;
    };
    let envelope = state
        .secrets
        .open(&sealed)
        .and_then(|plain| serde_json::from_slice::<Envelope>(&plain).ok());
    let Some(envelope) = envelope else {
        tracing::error!(
            id,
            "outbox: a message cannot be opened (was the secret changed?)"
        );
        return mark_failed(state, &id, attempts, "cannot open the sealed body").await;
    };
    match transport.send(&envelope).await {
        Ok(()) => {
            let done = state.clock.now_ms();
            let body = transport.keeps_body().then_some(sealed);
            let sent = id.clone();
            state
                .db
                .write_one(move |conn| {
                    Box::pin(async move { store::mark_sent(conn, &sent, body, done).await })
                })
                .await?;
            tracing::info!(id, purpose, "mail delivered");
            Ok(())
        }
        Err(error) => {
            tracing::warn!(id, purpose, attempts, %error, "mail delivery failed; will retry");
            mark_failed(state, &id, attempts, &error.to_string()).await
        }
    }
}

async fn mark_failed(
    state: &AppState,
    id: &str,
    attempts: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    let next = state.clock.now_ms() + backoff_ms(attempts);
    let error: String = error.chars().take(500).collect();
    let id = id.to_owned();
    state
        .db
        .write_one(move |conn| {
            Box::pin(async move { store::mark_failed(conn, &id, next, &error).await })
        })
        .await
}

/// 5 s after the first failure, doubling, at most 10 minutes.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = (attempts - 1).clamp(0, 10) as u32;
    (5_000i64 << doublings).min(600_000)
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn retries_back_off_from_five_seconds_to_ten_minutes() {
        assert_eq!(backoff_ms(1), 5_000);
        assert_eq!(backoff_ms(2), 10_000);
        assert_eq!(backoff_ms(4), 40_000);
        assert_eq!(backoff_ms(50), 600_000);
    }
}
