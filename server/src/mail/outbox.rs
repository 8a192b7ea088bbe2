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

impl Outbox {
    /// Queues `message` to `to` on `conn` (inside the caller's transaction). Call
    /// [`Outbox::wake`] after the commit.
    pub async fn enqueue(
        &self,
        conn: &mut AnyConnection,
        secrets: &Secrets,
        now_ms: i64,
        kind: &str,
        to: &str,
        message: Rendered,
    ) -> Result<(), sqlx::Error> {
        let envelope = Envelope {
            to: to.to_owned(),
            message,
        };
        let plain = serde_json::to_vec(&envelope).map_err(|e| sqlx::Error::Encode(e.into()))?;
        self.insert(conn, now_ms, kind, to, Some(secrets.seal(&plain)))
            .await
    }

    /// Queues nothing to send but costs the same write: used where a message would reveal
    /// whether an account exists (the worker drops such rows).
    pub async fn enqueue_suppressed(
        &self,
        conn: &mut AnyConnection,
        now_ms: i64,
        kind: &str,
    ) -> Result<(), sqlx::Error> {
        self.insert(conn, now_ms, kind, "", None).await
    }

    async fn insert(
        &self,
        conn: &mut AnyConnection,
        now_ms: i64,
        kind: &str,
        to: &str,
        sealed: Option<String>,
    ) -> Result<(), sqlx::Error> {
        store::insert(conn, &random_token(16), kind, to, sealed, now_ms).await
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
