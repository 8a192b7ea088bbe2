//! Queuing mail: messages waiting for the worker, sealed with the server secret, in the outbox
//! table (`store::outbox`).

use super::templates::Rendered;
use crate::secrets::{ordered_id, Secrets};
use crate::store::outbox as store;
use crate::store::script::Script;
use sqlx::AnyConnection;
use std::sync::Arc;
use tokio::sync::Notify;

/// What the sealed body holds.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Envelope {
    pub to: String,
    #[serde(flatten)]
    pub message: Rendered,
}

/// Writes messages and wakes the worker. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Outbox {
    wake: Arc<Notify>,
}

/// A message rendered and sealed, ready to be queued inside a write (sealing is done before, so
/// the write holds the lock for the insert only).
#[derive(Debug, Clone)]
pub struct Sealed {
    pub kind: &'static str,
    pub to: String,
    pub body: String,
}

impl Sealed {
    /// Seals `message` to `to` with the server secret.
    pub fn seal(
        secrets: &Secrets,
        kind: &'static str,
        to: &str,
        message: Rendered,
    ) -> Result<Sealed, sqlx::Error> {
        let envelope = Envelope {
            to: to.to_owned(),
            message,
        };
        let plain = serde_json::to_vec(&envelope).map_err(|e| sqlx::Error::Encode(e.into()))?;
        Ok(Sealed {
            kind,
            to: to.to_owned(),
            body: secrets.seal(&plain),
        })
    }
}

impl Outbox {
    /// Tells the worker there is mail.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Resolves when [`Outbox::wake`] is called.
    pub async fn woken(&self) {
        self.wake.notified().await;
    }
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

/// Adds a sealed message to `script`.
pub fn queue_sealed(script: &mut Script, now_ms: i64, sealed: Sealed) {
    let Sealed { kind, to, body } = sealed;
    store::insert(script, &ordered_id(now_ms), kind, &to, Some(body), now_ms);
}

/// Adds a suppressed row to `script`: nothing to send, but the same write, where a message
/// would reveal whether an account exists (the worker drops such rows).
pub fn queue_suppressed(script: &mut Script, now_ms: i64, kind: &str) {
    store::insert(script, &ordered_id(now_ms), kind, "", None, now_ms);
}
