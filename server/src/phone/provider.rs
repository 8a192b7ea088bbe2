//! How a text or call leaves: the [`PhoneProvider`] interface and its three implementations,
//! chosen by `SSPR_PHONE_PROVIDER` ([`from_config`]):
//!
//! - [`DevOutbox`] (`outbox`, the default): nothing leaves; the message is kept for the
//!   development outbox page (`/dev/outbox`, development mode only), beside the mail.
//! - [`Webhook`] (`webhook`): a JSON POST to `SSPR_PHONE_WEBHOOK_URL`, signed with HMAC-SHA256
//!   under `SSPR_PHONE_WEBHOOK_SECRET`: `X-SSPR-Timestamp` is the unix time in seconds and
//!   `X-SSPR-Signature` is `v1=` and the hex HMAC of `"{timestamp}.{body}"`, so a receiver can
//!   check both the body and its freshness. The body is
//!   `{"id", "purpose", "channel": "sms"|"voice", "to", "extension", "from", "text", "language"}`
//!   (`language`: the text's, `en` or `fr`, for the receiver's text-to-speech); `id` is
//!   the same on every retry of one message, for the receiver to drop duplicates.
//! - [`Twilio`] (`twilio`): Twilio's Messages and Calls REST shape, form-encoded with basic
//!   authentication (`SSPR_TWILIO_ACCOUNT_SID`, `SSPR_TWILIO_AUTH_TOKEN`) at
//!   `SSPR_TWILIO_BASE_URL`: a text is `POST /2010-04-01/Accounts/{sid}/Messages.json` with
//!   `To`, `From`, `Body`; a call is `POST …/Calls.json` with `To`, `From`, `Twiml` (a `<Say>`
//!   of the message in its `language`) and, for an extension, `SendDigits` (`w` is half a second's pause).
//!
//! Any 2xx answer is a delivery; anything else, or no answer within 20 seconds, is a failure the
//! worker retries. Neither a body nor an answer is logged: they hold the number and the code.

use super::{Channel, PhoneMessage};
use crate::config::{Config, PhoneProviderKind};
use crate::domain::phone::dial_keys;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// A delivery in progress.
pub type Delivery<'a> = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;

/// A way for texts and calls to leave.
pub trait PhoneProvider: Send + Sync + std::fmt::Debug {
    /// Delivers `message`, queued as `id` (the same on every retry).
    fn deliver<'a>(&'a self, id: &'a str, message: &'a PhoneMessage) -> Delivery<'a>;

    /// Whether a delivered message's sealed body stays in the database (the development outbox).
    fn keeps_body(&self) -> bool {
        false
    }
}

/// The provider the configuration names (`Config::validate` has checked its settings).
pub fn from_config(config: &Config) -> anyhow::Result<Arc<dyn PhoneProvider>> {
    let missing = |name: &str| anyhow::anyhow!("{name} is required by SSPR_PHONE_PROVIDER");
    Ok(match config.phone_provider {
        PhoneProviderKind::Outbox => Arc::new(DevOutbox),
        PhoneProviderKind::Webhook => Arc::new(Webhook::new(
            config
                .phone_webhook_url
                .clone()
                .ok_or_else(|| missing("SSPR_PHONE_WEBHOOK_URL"))?,
            config
                .phone_webhook_secret
                .clone()
                .ok_or_else(|| missing("SSPR_PHONE_WEBHOOK_SECRET"))?
                .into_bytes(),
            config.phone_from.clone(),
        )?),
        PhoneProviderKind::Twilio => Arc::new(Twilio::new(
            config.twilio_base_url.clone(),
            config
                .twilio_account_sid
                .clone()
                .ok_or_else(|| missing("SSPR_TWILIO_ACCOUNT_SID"))?,
            config
                .twilio_auth_token
                .clone()
                .ok_or_else(|| missing("SSPR_TWILIO_AUTH_TOKEN"))?,
            config
                .phone_from
                .clone()
                .ok_or_else(|| missing("SSPR_PHONE_FROM"))?,
        )?),
    })
}

/// An HTTP client that follows no redirect (a body holding a code goes where it was sent or
/// nowhere) and gives up after 20 seconds.
fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()?)
}

/// Success on a 2xx answer; otherwise a failure naming the status only.
fn check(answer: reqwest::Response, who: &str) -> anyhow::Result<()> {
    let status = answer.status();
    if status.is_success() {
        Ok(())
    } else {
        anyhow::bail!("{who} answered HTTP {}", status.as_u16())
    }
}

/// Keeps every message for the development outbox page; sends nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct DevOutbox;

impl PhoneProvider for DevOutbox {
    fn deliver<'a>(&'a self, _id: &'a str, _message: &'a PhoneMessage) -> Delivery<'a> {
        Box::pin(async { Ok(()) })
    }

    fn keeps_body(&self) -> bool {
        true
    }
}

/// A signed JSON POST to the deployment's own gateway.
#[derive(Debug, Clone)]
pub struct Webhook {
    client: reqwest::Client,
    url: String,
    secret: Vec<u8>,
    from: Option<String>,
}

/// The webhook's JSON body.
#[derive(Debug, serde::Serialize)]
struct WebhookBody<'a> {
    id: &'a str,
    purpose: &'a str,
    channel: Channel,
    to: &'a str,
    extension: Option<&'a str>,
    from: Option<&'a str>,
    text: &'a str,
    language: &'a str,
}

impl Webhook {
    pub fn new(url: String, secret: Vec<u8>, from: Option<String>) -> anyhow::Result<Self> {
        Ok(Webhook {
            client: client()?,
            url,
            secret,
            from,
        })
    }

    /// `v1=` and the hex HMAC-SHA256 of `"{timestamp}.{body}"` under `secret`.
    pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        let digest = mac.finalize().into_bytes();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("v1={hex}")
    }
}

impl PhoneProvider for Webhook {
    fn deliver<'a>(&'a self, id: &'a str, message: &'a PhoneMessage) -> Delivery<'a> {
        Box::pin(async move {
            let body = serde_json::to_vec(&WebhookBody {
                id,
                purpose: &message.purpose,
                channel: message.channel,
                to: &message.to,
                extension: message.extension.as_deref(),
                from: self.from.as_deref(),
                text: &message.text,
                language: &message.language,
            })?;
            let timestamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default();
            let signature = Webhook::signature(&self.secret, timestamp, &body);
            let answer = self
                .client
                .post(&self.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header("X-SSPR-Timestamp", timestamp.to_string())
                .header("X-SSPR-Signature", signature)
                .body(body)
                .send()
                .await
                .map_err(|e| {
                    anyhow::anyhow!(
                        "the phone webhook could not be reached: {}",
                        e.without_url()
                    )
                })?;
            check(answer, "the phone webhook")
        })
    }
}

/// Twilio's Messages and Calls REST API (or anything that speaks its shape).
#[derive(Debug, Clone)]
pub struct Twilio {
    client: reqwest::Client,
    base_url: String,
    account_sid: String,
    auth_token: String,
    from: String,
}

impl Twilio {
    pub fn new(
        base_url: String,
        account_sid: String,
        auth_token: String,
        from: String,
    ) -> anyhow::Result<Self> {
        Ok(Twilio {
            client: client()?,
            base_url: base_url.trim_end_matches('/').to_owned(),
            account_sid,
            auth_token,
            from,
        })
    }

    /// The form fields of `message`, and the resource they are posted to.
    pub fn request(message: &PhoneMessage, from: &str) -> (&'static str, Vec<(String, String)>) {
        let mut fields = vec![
            ("To".to_owned(), message.to.clone()),
            ("From".to_owned(), from.to_owned()),
        ];
        match message.channel {
            Channel::Sms => {
                fields.push(("Body".to_owned(), message.text.clone()));
                ("Messages.json", fields)
            }
            Channel::Voice => {
                // Behind a switchboard, give the extension time to ring before speaking.
                let pause = if message.extension.is_some() {
                    "<Pause length=\"3\"/>"
                } else {
                    ""
                };
                let twiml = format!(
                    "<Response>{pause}<Say language=\"{}\">{}</Say></Response>",
                    xml_escape(&message.language),
                    xml_escape(&message.text)
                );
                fields.push(("Twiml".to_owned(), twiml));
                if let Some(extension) = &message.extension {
                    fields.push(("SendDigits".to_owned(), dial_keys(extension)));
                }
                ("Calls.json", fields)
            }
        }
    }
}

impl PhoneProvider for Twilio {
    fn deliver<'a>(&'a self, _id: &'a str, message: &'a PhoneMessage) -> Delivery<'a> {
        Box::pin(async move {
            let (resource, fields) = Twilio::request(message, &self.from);
            let url = format!(
                "{}/2010-04-01/Accounts/{}/{resource}",
                self.base_url, self.account_sid
            );
            let answer = self
                .client
                .post(url)
                .basic_auth(&self.account_sid, Some(&self.auth_token))
                .form(&fields)
                .send()
                .await
                .map_err(|e| anyhow::anyhow!("Twilio could not be reached: {}", e.without_url()))?;
            check(answer, "Twilio")
        })
    }
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_to_an_office_phone_waits_then_dials_the_extension_and_says_the_text() {
        let call = PhoneMessage::code_by_call(
            "t",
            crate::domain::language::Language::En,
            "A & B",
            "+12015550123",
            Some("4567"),
            "12",
        );
        let (resource, fields) = Twilio::request(&call, "+15005550006");
        assert_eq!(resource, "Calls.json");
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(field("SendDigits"), Some("wwww4567"));
        assert_eq!(
            field("Twiml"),
            Some("<Response><Pause length=\"3\"/><Say language=\"en\">This is A &amp; B. Your verification code is 1, 2. Again: 1, 2.</Say></Response>")
        );
        let text = PhoneMessage::code_by_text(
            "t",
            crate::domain::language::Language::En,
            "A",
            "+447400123456",
            "12",
        );
        let (resource, fields) = Twilio::request(&text, "+15005550006");
        assert_eq!(resource, "Messages.json");
        assert!(fields
            .iter()
            .all(|(k, _)| k != "SendDigits" && k != "Twiml"));
    }
}
