//! Authenticator push with number matching (issue 13, SPEC C8): pairing a device from the
//! security info page, the request a reset's method step sends to it, and the device's answer.
//!
//! ```text
//! POST /api/account/methods/authenticator-push                 → PushPairing     (signed in, recent proof)
//! POST /api/authenticator/pair               PairDevice        → PairedDevice    (the device)
//! GET  /api/authenticator/requests           (signed headers)  → PushRequests    (the device)
//! POST /api/authenticator/requests/{id}/answer  PushAnswer     → PushStatus      (the device)
//! POST /api/flows/{id}/push                                    → PushStarted     (the reset page)
//! GET  /api/flows/{id}/push/{challenge}                        → PushStatus      (the reset page)
//! ```
//!
//! Keys and signatures are those WebCrypto gives: the public key is the SEC1 uncompressed
//! point of a P-256 key (`exportKey("raw")`, 65 bytes), a signature is ECDSA P-256 with
//! SHA-256 in IEEE P1363 form (`r ‖ s`, 64 bytes), both base64url without padding. What is
//! signed is spelt out in [`answer_message`] and [`list_message`], so the device and the
//! server build the same bytes.

use serde::{Deserialize, Serialize};

/// The header naming the device on `GET /api/authenticator/requests`.
pub const DEVICE_HEADER: &str = "x-sspr-device";
/// The header with the device's clock (Unix milliseconds) on that request.
pub const DEVICE_TIME_HEADER: &str = "x-sspr-device-time";
/// The header with the device's signature over [`list_message`].
pub const DEVICE_SIGNATURE_HEADER: &str = "x-sspr-device-signature";

/// The bytes a device signs to answer a request: a version tag, the request's id, its nonce,
/// the number typed (two digits) and the decision, one per line.
pub fn answer_message(
    challenge_id: &str,
    nonce: &str,
    number: u8,
    decision: PushDecision,
) -> Vec<u8> {
    let decision = match decision {
        PushDecision::Approve => "approve",
        PushDecision::Deny => "deny",
    };
    format!("sspr-push-answer-v1\n{challenge_id}\n{nonce}\n{number:02}\n{decision}").into_bytes()
}

/// The bytes a device signs to list its pending requests: a version tag, its id and its
/// clock in Unix milliseconds, one per line.
pub fn list_message(device_id: &str, time_ms: i64) -> Vec<u8> {
    format!("sspr-push-list-v1\n{device_id}\n{time_ms}").into_bytes()
}

/// `POST /api/account/methods/authenticator-push`: the single-use link the device opens
/// (shown as a QR code). It dies after `expires_in_secs` or its first use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushPairing {
    pub method_id: String,
    /// `{public origin}/authenticator#pair={pairing_code}`.
    pub pairing_url: String,
    /// What the device sends back in [`PairDevice`].
    pub pairing_code: String,
    pub expires_in_secs: u64,
}

/// The device's half of pairing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PairDevice {
    /// The code from the pairing link.
    pub pairing_code: String,
    /// The device's P-256 public key: SEC1 uncompressed point, base64url.
    pub public_key: String,
}

/// A paired device: its id for signed requests, and the app-code secret it shows codes for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairedDevice {
    pub device_id: String,
    /// The account, masked (`n•••@contoso.com`).
    pub account: String,
    /// The organisation's name.
    pub issuer: String,
    /// The TOTP seed for "Mobile app code", base32 (RFC 6238, 6 digits, 30 s); absent when the
    /// policies do not let this user use app codes (`isSoftwareOathEnabled` false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
}

/// `POST /api/flows/{id}/push`: the request is on its way; the page shows `number`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushStarted {
    pub challenge_id: String,
    /// The two-digit number the user types on the device.
    pub number: u8,
    pub expires_in_secs: u64,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushState {
    Pending,
    Approved,
    Denied,
    WrongNumber,
    Expired,
    /// A newer request of the same reset replaced it.
    Cancelled,
}

impl crate::WireName for PushState {}
impl crate::WireName for PushDecision {}

/// A request's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushStatus {
    pub state: PushState,
}

/// A pending request as the device shows it (never the number: the user reads it on the page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    pub challenge_id: String,
    pub nonce: String,
    pub application: String,
    /// Approximate, from the requesting client's address: `this_computer`, `local_network`,
    /// `unknown`, or a public address's network (`203.0.113.x`, `2001:db8:1:2::/64`); read it
    /// with [`Location::parse`].
    pub location: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

/// Where a request came from, as far as the server can tell ([`PushRequest::location`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The server's own machine (a loopback address).
    ThisComputer,
    /// A private or link-local address.
    LocalNetwork,
    /// A public address's network, never the whole address.
    Network(String),
    Unknown,
}

impl Location {
    const THIS_COMPUTER: &'static str = "this_computer";
    const LOCAL_NETWORK: &'static str = "local_network";
    const UNKNOWN: &'static str = "unknown";

    /// The wire form of a [`PushRequest::location`].
    pub fn parse(wire: &str) -> Location {
        match wire {
            Self::THIS_COMPUTER => Location::ThisComputer,
            Self::LOCAL_NETWORK => Location::LocalNetwork,
            "" | Self::UNKNOWN => Location::Unknown,
            network => Location::Network(network.to_owned()),
        }
    }

    /// The wire form.
    pub fn wire(&self) -> String {
        match self {
            Location::ThisComputer => Self::THIS_COMPUTER.to_owned(),
            Location::LocalNetwork => Self::LOCAL_NETWORK.to_owned(),
            Location::Network(network) => network.clone(),
            Location::Unknown => Self::UNKNOWN.to_owned(),
        }
    }
}

/// `GET /api/authenticator/requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequests {
    pub requests: Vec<PushRequest>,
}

/// The user's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushDecision {
    Approve,
    Deny,
}

/// The device's answer, signed over [`answer_message`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushAnswer {
    pub device_id: String,
    /// The number typed (0–99).
    pub number: u8,
    pub decision: PushDecision,
    /// ECDSA P-256/SHA-256, `r ‖ s`, base64url.
    pub signature: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_bytes_are_one_field_a_line_with_the_number_in_two_digits() {
        assert_eq!(
            answer_message("c1", "n1", 7, PushDecision::Approve),
            b"sspr-push-answer-v1\nc1\nn1\n07\napprove".to_vec()
        );
        assert_eq!(list_message("d", 12), b"sspr-push-list-v1\nd\n12".to_vec());
    }

    #[test]
    fn a_location_reads_back_as_it_was_written() {
        for location in [
            Location::ThisComputer,
            Location::LocalNetwork,
            Location::Network("203.0.113.x".into()),
            Location::Unknown,
        ] {
            assert_eq!(Location::parse(&location.wire()), location);
        }
        assert_eq!(Location::parse(""), Location::Unknown);
    }
}
