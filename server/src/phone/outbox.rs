//! Queuing texts and calls: sealed with the server secret into the `phone_outbox` table
//! (`store::phone_outbox`), for the [`super::worker`].

use super::{Channel, PhoneMessage};
use crate::secrets::{random_token, Secrets};
use crate::store::phone_outbox as store;
use crate::store::script::Script;
use crate::AppState;
use sqlx::AnyConnection;

/// A message sealed, ready to be queued inside a write.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub purpose: String,
    pub channel: Channel,
    pub to: String,
    pub body: String,
}

impl Sealed {
    /// Seals `message` with the server secret.
    pub fn seal(secrets: &Secrets, message: &PhoneMessage) -> Result<Sealed, sqlx::Error> {
        let plain = serde_json::to_vec(message).map_err(|e| sqlx::Error::Encode(e.into()))?;
        Ok(Sealed {
            purpose: message.purpose.clone(),
            channel: message.channel,
            to: message.to.clone(),
            body: secrets.seal(&plain),
        })
    }
}

/// Adds a sealed message to `script` (inside the caller's transaction).
pub fn queue_sealed(script: &mut Script, now_ms: i64, sealed: Sealed) {
    let Sealed {
        purpose,
        channel,
        to,
        body,
    } = sealed;
    store::insert(
        script,
        &random_token(16),
        &purpose,
        channel.as_str(),
        &to,
        Some(body),
        now_ms,
    );
}

/// Adds a suppressed row to `script`: nothing to send, but the same write, where a send would
/// reveal something (the worker drops such rows).
pub fn queue_suppressed(script: &mut Script, now_ms: i64, purpose: &str, channel: Channel) {
    store::insert(
        script,
        &random_token(16),
        purpose,
        channel.as_str(),
        "",
        None,
        now_ms,
    );
}

/// Queues a sealed message on `conn` (inside the caller's transaction).
pub async fn enqueue_sealed(
    conn: &mut AnyConnection,
    now_ms: i64,
    sealed: Sealed,
) -> Result<(), sqlx::Error> {
    let mut script = Script::default();
    queue_sealed(&mut script, now_ms, sealed);
    script.run(conn).await.map(|_| ())
}

/// Queues `message` in a write of its own and wakes the worker.
pub async fn send(state: &AppState, message: &PhoneMessage) -> Result<(), sqlx::Error> {
    let sealed = Sealed::seal(&state.secrets, message)?;
    let now = state.now_ms();
    state
        .db
        .write_one(move |conn| Box::pin(enqueue_sealed(conn, now, sealed)))
        .await?;
    state.phone_outbox.wake();
    Ok(())
}

/// A kept message, opened: queued, or delivered to the development outbox.
#[derive(Debug, Clone)]
pub struct KeptMessage {
    pub id: String,
    pub message: PhoneMessage,
    pub created_at_ms: i64,
}

/// The newest `limit` kept messages, opened (those that cannot be opened are left out).
pub async fn kept(state: &AppState, limit: i64) -> Result<Vec<KeptMessage>, sqlx::Error> {
    let kept = store::kept(&mut *state.db.pool.acquire().await?, limit).await?;
    Ok(kept
        .into_iter()
        .filter_map(|row| {
            let message = state
                .secrets
                .open(&row.sealed)
                .and_then(|plain| serde_json::from_slice::<PhoneMessage>(&plain).ok())?;
            Some(KeptMessage {
                id: row.id,
                message,
                created_at_ms: row.created_at_ms,
            })
        })
        .collect())
}
