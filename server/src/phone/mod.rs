//! Phones: what a text says and a call speaks ([`PhoneMessage`]), how it waits (the
//! `phone_outbox` table, [`outbox`]), and how it leaves ([`provider`]: the development outbox, a
//! signed HTTP webhook, or Twilio's REST API), retried by the [`worker`], and the caps every
//! send counts against ([`caps`]).
//!
//! The same design as [`crate::mail`]: a request never talks to a provider. It writes the
//! message, sealed with the server secret, into the phone outbox in the same transaction as the
//! change it belongs to, then wakes the worker, which delivers it and retries with back-off. A
//! message holds a passcode, so once the passcode could no longer be used the worker gives the
//! message up instead of retrying it for ever; after a delivery the body is deleted.

pub mod caps;
pub mod outbox;
pub mod provider;
pub mod texts;
pub mod worker;

use crate::domain::language::Language;
use serde::{Deserialize, Serialize};

/// A text message or a voice call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Sms,
    Voice,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Voice => "voice",
        }
    }
}

/// One text or call, as sealed in the outbox and handed to the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneMessage {
    /// Why it is sent, e.g. `phone_verification` (for logs and the webhook's receiver).
    pub purpose: String,
    pub channel: Channel,
    /// E.164, `+` and digits.
    pub to: String,
    /// Keys dialled once a call is answered (an office phone's extension).
    pub extension: Option<String>,
    /// What the text says, or what the call speaks (digits one by one).
    pub text: String,
    /// The language of `text` (BCP 47 primary tag), for the provider's text-to-speech.
    #[serde(default = "english")]
    pub language: String,
}

fn english() -> String {
    Language::En.tag().to_owned()
}

impl PhoneMessage {
    /// A text with a passcode, in `language` (`texts::code_by_text`).
    pub fn code_by_text(
        purpose: &str,
        language: Language,
        organisation: &str,
        to: &str,
        code: &str,
    ) -> Self {
        PhoneMessage {
            purpose: purpose.to_owned(),
            channel: Channel::Sms,
            to: to.to_owned(),
            extension: None,
            text: texts::code_by_text(language, organisation, code),
            language: language.tag().to_owned(),
        }
    }

    /// A call that reads a passcode aloud, each digit on its own and twice, in `language`
    /// (`texts::code_by_call`); `extension` is dialled once the call is answered.
    pub fn code_by_call(
        purpose: &str,
        language: Language,
        organisation: &str,
        to: &str,
        extension: Option<&str>,
        code: &str,
    ) -> Self {
        PhoneMessage {
            purpose: purpose.to_owned(),
            channel: Channel::Voice,
            to: to.to_owned(),
            extension: extension.map(str::to_owned),
            text: texts::code_by_call(language, organisation, code),
            language: language.tag().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_speaks_the_code_digit_by_digit_and_keeps_the_extension() {
        let call = PhoneMessage::code_by_call(
            "t",
            Language::En,
            "Contoso",
            "+12015550123",
            Some("45"),
            "4071",
        );
        assert_eq!(call.channel, Channel::Voice);
        assert_eq!(call.extension.as_deref(), Some("45"));
        assert_eq!(
            call.text,
            "This is Contoso. Your verification code is 4, 0, 7, 1. Again: 4, 0, 7, 1."
        );
        let text =
            PhoneMessage::code_by_text("t", Language::Fr, "Contoso", "+447400123456", "4071");
        assert_eq!(text.text, "Votre code de vérification Contoso : 4071.");
        assert_eq!(text.language, "fr");
        // A message sealed before messages had a language is English.
        let old: PhoneMessage = serde_json::from_value(serde_json::json!({
            "purpose": "t", "channel": "sms", "to": "+447400123456", "extension": null,
            "text": "Your Contoso verification code is 4071."
        }))
        .expect("an older message");
        assert_eq!(old.language, "en");
        assert_eq!(
            serde_json::to_value(Channel::Sms).expect("json"),
            serde_json::json!("sms")
        );
    }
}
