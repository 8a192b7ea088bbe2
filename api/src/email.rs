//! `Email`: one email address, checked once and normalised once.
//!
//! The rules are strict on purpose (see SECURITY.md §6): a reset code must reach exactly one
//! mailbox, the one on the account. So the field takes exactly one plain ASCII address: no lists,
//! no display names, no comments or quoted local parts, no CR/LF, no RFC 2047 encoded words and no
//! Unicode (which is where look-alike characters hide). The domain is lower-cased; the local part
//! keeps its case for delivery, and [`Email::canonical`] gives the case-folded form accounts are
//! keyed by, so `Jo@x.org` and `jo@X.org` are one account with one lockout counter.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest address accepted (RFC 5321's path limit less the angle brackets).
pub const MAX_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;
const MAX_LABEL_LEN: usize = 63;

/// A single, syntactically valid email address with a lower-case domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, format = "email", example = "jane@example.com"))]
pub struct Email(String);

/// Why a string is not an acceptable email address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter an email address.")]
    Empty,
    #[error("The email address is too long.")]
    TooLong,
    #[error("Enter one email address only.")]
    NotSingle,
    #[error("The email address may contain only plain letters, digits and punctuation.")]
    NotAscii,
    #[error("The email address needs one @ between the name and the domain.")]
    MissingAt,
    #[error("The part before the @ is not valid.")]
    InvalidLocalPart,
    #[error("The domain after the @ is not valid.")]
    InvalidDomain,
}

impl Email {
    /// Checks and normalises `input`: surrounding spaces and tabs are trimmed, the domain
    /// lower-cased; a line break anywhere is refused.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        // Line breaks are refused anywhere, even where trimming would drop them: they are how
        // headers get injected, and a client that sends one is not sending a plain address.
        if input.contains(['\r', '\n']) {
            return Err(EmailError::NotSingle);
        }
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.len() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        if !trimmed.is_ascii() {
            return Err(EmailError::NotAscii);
        }
        if trimmed
            .chars()
            .any(|c| c.is_ascii_whitespace() || c.is_ascii_control() || ",;<>\"()[]\\:".contains(c))
        {
            return Err(EmailError::NotSingle);
        }
        let (local, domain) = match trimmed.split_once('@') {
            Some((l, d)) if !d.contains('@') => (l, d),
            Some(_) => return Err(EmailError::NotSingle),
            None => return Err(EmailError::MissingAt),
        };
        if !valid_local(local) {
            return Err(EmailError::InvalidLocalPart);
        }
        let domain = domain.to_ascii_lowercase();
        if !valid_domain(&domain) {
            return Err(EmailError::InvalidDomain);
        }
        Ok(Email(format!("{local}@{domain}")))
    }

    /// The address as it should be written to: the local part as typed, the domain lower-case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The fully case-folded address, the key accounts and counters are looked up by.
    pub fn canonical(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// The address with the local part masked for display, as in `j•••@example.com`.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or((&self.0, ""));
        let first = local.chars().next().unwrap_or('•');
        format!("{first}•••@{domain}")
    }

    /// The local part (before the @), used as a context word by the password policy.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or(&self.0, |(l, _)| l)
    }
}

fn valid_local(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= MAX_LOCAL_LEN
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        // RFC 2047 encoded words (`=?utf-8?q?…?=`) have smuggled extra recipients into mailers.
        && !local.contains("=?")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= MAX_LABEL_LEN
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        // A top-level domain is never all digits (that would be an IP address).
        && labels.last().is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()))
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Email {
    type Err = EmailError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Email::parse(s)
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Only a JSON string is an email: an array or object is refused by type, before any rule runs.
impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Email::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_address_is_trimmed_and_its_domain_lowercased() {
        let email = Email::parse("  Jo.Smith+x@Example.ORG ").expect("valid");
        assert_eq!(email.as_str(), "Jo.Smith+x@example.org");
        assert_eq!(email.canonical(), "jo.smith+x@example.org");
    }

    #[test]
    fn case_variants_share_one_canonical_form() {
        let a = Email::parse("JO@EXAMPLE.COM").expect("valid");
        let b = Email::parse("jo@example.com").expect("valid");
        assert_eq!(a.canonical(), b.canonical());
    }

    #[test]
    fn two_addresses_in_one_field_are_refused() {
        for input in [
            "a@x.org,b@y.org",
            "a@x.org;b@y.org",
            "a@x.org b@y.org",
            "a@b@x.org",
            "Jo <jo@x.org>",
            "\"a,b\"@x.org",
        ] {
            assert_eq!(Email::parse(input), Err(EmailError::NotSingle), "{input}");
        }
    }

    #[test]
    fn line_breaks_and_encoded_words_are_refused() {
        assert_eq!(
            Email::parse("a@x.org\r\nBcc: b@y.org"),
            Err(EmailError::NotSingle)
        );
        assert_eq!(Email::parse("a@x.org\nb"), Err(EmailError::NotSingle));
        assert_eq!(Email::parse("a@x.org\r\n"), Err(EmailError::NotSingle));
        assert_eq!(Email::parse("\na@x.org"), Err(EmailError::NotSingle));
        assert_eq!(
            Email::parse("=?utf-8?q?a=40x.org?=@y.org"),
            Err(EmailError::InvalidLocalPart)
        );
    }

    #[test]
    fn unicode_look_alikes_are_refused() {
        // Cyrillic "а" and the Kelvin sign fold to ASCII under some case mappings.
        assert_eq!(
            Email::parse("\u{0430}dmin@x.org"),
            Err(EmailError::NotAscii)
        );
        assert_eq!(Email::parse("jo@\u{212A}x.org"), Err(EmailError::NotAscii));
    }

    #[test]
    fn malformed_addresses_are_refused_with_a_reason() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse("nobody"), Err(EmailError::MissingAt));
        assert_eq!(Email::parse(".a@x.org"), Err(EmailError::InvalidLocalPart));
        assert_eq!(
            Email::parse("a..b@x.org"),
            Err(EmailError::InvalidLocalPart)
        );
        assert_eq!(Email::parse("a@localhost"), Err(EmailError::InvalidDomain));
        assert_eq!(Email::parse("a@-x.org"), Err(EmailError::InvalidDomain));
        assert_eq!(Email::parse("a@1.2.3.4"), Err(EmailError::InvalidDomain));
        let long = format!("{}@x.org", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn the_masked_form_shows_only_the_first_letter() {
        let email = Email::parse("jane@example.com").expect("valid");
        assert_eq!(email.masked(), "j•••@example.com");
    }

    #[test]
    fn json_arrays_and_duplicate_keys_are_refused() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Start {
            email: Email,
        }
        assert!(serde_json::from_str::<Start>(r#"{"email":["a@x.org","b@y.org"]}"#).is_err());
        assert!(serde_json::from_str::<Start>(r#"{"email":"a@x.org","email":"b@y.org"}"#).is_err());
        let ok: Start = serde_json::from_str(r#"{"email":"a@x.org"}"#).expect("valid");
        assert_eq!(ok.email.as_str(), "a@x.org");
    }
}
