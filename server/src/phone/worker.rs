//! The phone worker: claims due texts and calls, hands them to the [`PhoneProvider`], retries
//! failures with the mail worker's back-off (5 s, doubling, at most 10 minutes).
//!
//! Leasing is the mail outbox's (`mail::worker`): one `UPDATE … WHERE locked_until_ms <= now`
//! that only one instance wins; so are the delivery, one task per recipient, and the recording
//! of outcomes, several to a write (`mail::worker::deliver_per_recipient`). Unlike mail, a text
//! or call carries nothing but a passcode, so a message still undelivered once a passcode of its age has expired is given up: its row is
//! deleted with a warning in the log, rather than ringing someone with a dead code.

use super::provider::PhoneProvider;
use super::PhoneMessage;
use crate::mail::worker::{deliver_per_recipient, failed, serve};
use crate::store::outbox::Settled;
use crate::store::phone_outbox::{self as store, Claimed};
use crate::AppState;
use std::sync::Arc;

const BATCH: i64 = 20;
const LEASE_MS: i64 = 60_000;

/// Runs until `shutdown` resolves, as the mail worker does (`mail::worker::serve`).
pub async fn run(
    state: AppState,
    provider: Arc<dyn PhoneProvider>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    serve(
        "phone outbox",
        BATCH,
        || drain(&state, &provider),
        || state.phone_outbox.woken(),
        shutdown,
    )
    .await;
}

/// Delivers what is due; returns how many messages it handled. Messages to one number go in
/// the order they were queued; different numbers are served concurrently.
pub async fn drain(
    state: &AppState,
    provider: &Arc<dyn PhoneProvider>,
) -> Result<usize, sqlx::Error> {
    let now = state.clock.now_ms();
    let rows = state
        .db
        .count(store::claim(state.db.backend, now, now + LEASE_MS, BATCH))
        .await?;
    let claimed = store::claimed(&rows)?;
    let count = claimed.len();
    let provider = provider.clone();
    let context = state.clone();
    let delivery = move |message| {
        let (state, provider) = (context.clone(), provider.clone());
        async move { deliver(&state, &provider, message).await }
    };
    deliver_per_recipient(
        state,
        claimed,
        |m| m.recipient.clone(),
        delivery,
        store::settle,
    )
    .await?;
    Ok(count)
}

/// Hands one claimed message to the provider; what became of it is written by [`drain`].
async fn deliver(state: &AppState, provider: &Arc<dyn PhoneProvider>, message: Claimed) -> Settled {
    let Claimed {
        id,
        purpose,
        channel,
        sealed,
        attempts,
        created_at_ms,
        ..
    } = message;
    let Some(sealed) = sealed else {
        // A suppressed message: nothing to send.
        return Settled::Dropped { id };
    };
    let now = state.clock.now_ms();
    if now - created_at_ms > state.passcodes.lifetime_ms {
        tracing::warn!(
            id,
            purpose,
            channel,
            attempts,
            "phone message given up: its passcode has expired"
        );
        return Settled::Dropped { id };
    }
    let message = state
        .secrets
        .open(&sealed)
        .and_then(|plain| serde_json::from_slice::<PhoneMessage>(&plain).ok());
    let Some(message) = message else {
        tracing::error!(
            id,
            "phone outbox: a message cannot be opened (was the secret changed?)"
        );
        return failed(state, id, attempts, "cannot open the sealed body");
    };
    match provider.deliver(&id, &message).await {
        Ok(()) => {
            tracing::info!(id, purpose, channel, "phone message delivered");
            Settled::Sent {
                id,
                kept_body: provider.keeps_body().then_some(sealed),
                at_ms: state.clock.now_ms(),
            }
        }
        Err(error) => {
            tracing::warn!(id, purpose, channel, attempts, %error, "phone message delivery failed; will retry");
            failed(state, id, attempts, &error.to_string())
        }
    }
}
