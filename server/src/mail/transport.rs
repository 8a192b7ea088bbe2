//! How a message leaves: SMTP (lettre), or the development outbox.
//!
//! `SSPR_SMTP_URL` follows lettre's URL form: `smtp://host:port` (no TLS), `smtp://host:587?tls=required`
//! (STARTTLS), `smtps://host:465` (TLS from the start), with `user:password@` for
//! authentication. Unset, messages are "delivered" to the development outbox: kept in the
//! database and shown at `/dev/outbox` (development mode only).

use super::outbox::Envelope;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum Transport {
    Smtp {
        mailer: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
    /// Kept for the development outbox page.
    DevOutbox,
}

impl Transport {
    /// From the configuration: SMTP when a URL is set, else the development outbox.
    pub fn from_config(smtp_url: Option<&str>, from: &str) -> anyhow::Result<Self> {
        match smtp_url {
            None => Ok(Transport::DevOutbox),
            Some(url) => {
                let mailer = Box::new(
                    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                        .map_err(|e| anyhow::anyhow!("SSPR_SMTP_URL is not usable: {e}"))?
                        .timeout(Some(std::time::Duration::from_secs(20)))
                        .pool_config(pool_config())
                        .build(),
                );
                let from = from
                    .parse::<Mailbox>()
                    .map_err(|e| anyhow::anyhow!("SSPR_MAIL_FROM is not an address: {e}"))?;
                Ok(Transport::Smtp { mailer, from })
            }
        }
    }

    /// Whether a delivered message's body stays in the database (only for the dev outbox).
    pub fn keeps_body(&self) -> bool {
        matches!(self, Transport::DevOutbox)
    }

    /// Delivers one message to its one recipient.
    pub async fn send(&self, envelope: &Envelope) -> anyhow::Result<()> {
        match self {
            Transport::DevOutbox => Ok(()),
            Transport::Smtp { mailer, from } => {
                let to: Mailbox = envelope.to.parse()?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(envelope.message.subject.clone())
                    .multipart(
                        MultiPart::alternative()
                            .singlepart(
                                SinglePart::builder()
                                    .header(ContentType::TEXT_PLAIN)
                                    .body(envelope.message.text.clone()),
                            )
                            .singlepart(
                                SinglePart::builder()
                                    .header(ContentType::TEXT_HTML)
                                    .body(envelope.message.html.clone()),
                            ),
                    )?;
                mailer.send(message).await?;
                Ok(())
            }
        }
    }
}

/// The SMTP connections kept open between messages: as many as the worker delivers at once
/// ([`super::worker::BATCH`]). With lettre's default of 10, a drain of 20 recipients opened
/// ten connections more and closed them again after one message each (a TCP handshake,
/// greeting, `EHLO` and `QUIT` for every second message under a backlog).
fn pool_config() -> PoolConfig {
    let most = u32::try_from(super::worker::BATCH).unwrap_or(u32::MAX);
    PoolConfig::new().max_size(most)
}
