//! The development outbox: in development mode without SMTP, delivered messages are kept
//! (sealed) and listed for the developer at `/dev/outbox`. Outside development mode there is
//! nothing to list: the messages show passcodes.

use super::outbox::Envelope;
use crate::error::ApiError;
use crate::store::outbox;
use crate::AppState;

/// How many messages the list shows.
const SHOWN: i64 = 100;

/// One kept message.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OutboxMessage {
    pub id: String,
    pub purpose: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub created_at_ms: i64,
}

/// The newest kept messages, opened; 404 `not_found` outside development mode.
pub async fn messages(state: &AppState) -> Result<Vec<OutboxMessage>, ApiError> {
    if !state.config.dev {
        return Err(ApiError::not_found());
    }
    let kept = outbox::kept(&mut *state.db.pool.acquire().await?, SHOWN).await?;
    Ok(kept
        .into_iter()
        .filter_map(|message| {
            let envelope = state
                .secrets
                .open(&message.sealed)
                .and_then(|plain| serde_json::from_slice::<Envelope>(&plain).ok())?;
            Some(OutboxMessage {
                id: message.id,
                purpose: message.purpose,
                to: envelope.to,
                subject: envelope.message.subject,
                text: envelope.message.text,
                created_at_ms: message.created_at_ms,
            })
        })
        .collect())
}
