//! Queuing mail: messages waiting for the worker, sealed with the server secret, in the outbox
//! table (`store::outbox`).

use super::templates::Rendered;
use crate::secrets::{random_token, Secrets};
use crate::store::outbox as store;
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
    /// Queues nothing to send but costs the same write: used where a message would reveal
    /// whether an account exists (the worker drops such rows).
    pub async fn enqueue_suppressed(
        &self,
        conn: &mut AnyConnection,
        now_ms: i64,
        kind: &str,
    ) -> Result<(), sqlx::Error> {
        enqueue_suppressed(conn, now_ms, kind).await
    }

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
    let Sealed { kind, to, body } = sealed;
    store::insert(conn, &random_token(16), kind, &to, Some(body), now_ms).await
}

/// Queues a suppressed row (see [`Outbox::enqueue_suppressed`]).
pub async fn enqueue_suppressed(
    conn: &mut AnyConnection,
    now_ms: i64,
    kind: &str,
) -> Result<(), sqlx::Error> {
    store::insert(conn, &random_token(16), kind, "", None, now_ms).await
}
