//! The development outbox: in development mode without SMTP, delivered messages are kept
//! (sealed) and listed for the developer at `/dev/outbox`, and so are texts and calls with the
//! development phone provider (`phone::provider::DevOutbox`). Outside development mode there is
//! nothing to list: the messages show passcodes.

use super::outbox::Envelope;
use crate::error::ApiError;
use crate::phone::Channel;
use crate::store::outbox;
use crate::AppState;

/// How many messages the list shows.
const SHOWN: i64 = 100;

/// One kept message: a mail, a text or a call.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OutboxMessage {
    pub id: String,
    pub purpose: String,
    /// `email`, `sms` (a text) or `voice` (a call).
    pub channel: String,
    /// An address, or a number in E.164.
    pub to: String,
    /// The keys a call dials once answered (an office phone's extension).
    pub extension: Option<String>,
    /// A mail's subject; `Text message` or `Voice call` for phones.
    pub subject: String,
    /// A mail's text, what a text says, or what a call speaks.
    pub text: String,
    pub created_at_ms: i64,
}

/// The newest kept messages, opened; 404 `not_found` outside development mode.
pub async fn messages(state: &AppState) -> Result<Vec<OutboxMessage>, ApiError> {
    if !state.config.dev {
        return Err(ApiError::not_found());
    }
    let kept = outbox::kept(&mut *state.db.pool.acquire().await?, SHOWN).await?;
    let phones = crate::phone::outbox::kept(state, SHOWN).await?;
    let mut list: Vec<OutboxMessage> = kept
        .into_iter()
        .filter_map(|message| {
            let envelope = state
                .secrets
                .open(&message.sealed)
                .and_then(|plain| serde_json::from_slice::<Envelope>(&plain).ok())?;
            Some(OutboxMessage {
                id: message.id,
                purpose: message.purpose,
                channel: "email".into(),
                to: envelope.to,
                extension: None,
                subject: envelope.message.subject,
                text: envelope.message.text,
                created_at_ms: message.created_at_ms,
            })
        })
        .collect();
    list.extend(phones.into_iter().map(|kept| {
        let m = kept.message;
        OutboxMessage {
            id: kept.id,
            purpose: m.purpose,
            channel: m.channel.as_str().into(),
            to: m.to,
            extension: m.extension,
            subject: match m.channel {
                Channel::Sms => "Text message".into(),
                Channel::Voice => "Voice call".into(),
            },
            text: m.text,
            created_at_ms: kept.created_at_ms,
        }
    }));
    // Newest first; a stable sort keeps each kind's own order among equal times.
    list.sort_by_key(|m| std::cmp::Reverse(m.created_at_ms));
    list.truncate(SHOWN as usize);
    Ok(list)
}
