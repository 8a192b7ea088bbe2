//! The pure rules of authenticator push with number matching (issue 13): the two-digit
//! number, what a device's answer means, the signature check, how fresh a signed listing must
//! be, and the approximate location a device shows.
//!
//! A device proves it holds its private key by signing: an answer signs
//! `sspr_api::push::answer_message` (the request's id, its random nonce, the number typed and
//! the decision), so a signature is good for one request and one decision only; a listing signs
//! `sspr_api::push::list_message` (its id and its clock), accepted within [`LIST_SKEW_MS`] of
//! the server's clock. Keys are SEC1 points (WebCrypto's `raw` export) and signatures IEEE
//! P1363 `r ‖ s` (WebCrypto's form), both base64url.

use base64::Engine;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use rand::Rng;
use sspr_api::push::Location;
use sspr_api::{PushDecision, PushState};
use std::net::IpAddr;

/// How long a request waits for its answer.
pub const CHALLENGE_LIFETIME_MS: i64 = 60_000;
/// How long a pairing link works.
pub const PAIRING_LIFETIME_MS: i64 = 5 * 60_000;
/// How far a listing's signed clock may be from the server's.
pub const LIST_SKEW_MS: i64 = 60_000;

/// A fresh number for the page to show: two digits, 10 to 99.
pub fn new_number() -> u8 {
    rand::rngs::OsRng.gen_range(10..=99)
}

/// The state a request ends in when a device with a good signature answers it.
pub fn outcome(expected: u8, typed: u8, decision: PushDecision) -> PushState {
    match decision {
        PushDecision::Deny => PushState::Denied,
        PushDecision::Approve if typed == expected => PushState::Approved,
        PushDecision::Approve => PushState::WrongNumber,
    }
}

/// A device's public key, from base64url of its SEC1 point; `None` if it is not a P-256 point.
pub fn parse_key(text: &str) -> Option<VerifyingKey> {
    if text.len() > 200 {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()?;
    VerifyingKey::from_sec1_bytes(&bytes).ok()
}

/// Whether `signature` (base64url `r ‖ s`) is `key`'s over `message`.
pub fn verify(key: &str, message: &[u8], signature: &str) -> bool {
    let Some(key) = parse_key(key) else {
        return false;
    };
    if signature.len() > 200 {
        return false;
    }
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let Ok(signature) = Signature::from_slice(&bytes) else {
        return false;
    };
    key.verify(message, &signature).is_ok()
}

/// Whether a listing signed at the device's `signed_ms` is fresh at `now_ms`.
pub fn fresh(signed_ms: i64, now_ms: i64) -> bool {
    now_ms.abs_diff(signed_ms) <= LIST_SKEW_MS.unsigned_abs()
}

/// What the device shows as the request's location (`sspr_api::push::Location`, in its wire
/// form). This service ships no geolocation database, so a public address is shown as its
/// network (`203.0.113.x`, `2001:db8:1:2::/64`), which the user can recognise as theirs or
/// not; the device words the others in its own language.
pub fn approximate_location(ip: &str) -> String {
    let location = match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) if v4.is_loopback() => Location::ThisComputer,
        Ok(IpAddr::V4(v4)) if v4.is_private() || v4.is_link_local() => Location::LocalNetwork,
        Ok(IpAddr::V4(v4)) => {
            let [a, b, c, _] = v4.octets();
            Location::Network(format!("{a}.{b}.{c}.x"))
        }
        Ok(IpAddr::V6(v6)) if v6.is_loopback() => Location::ThisComputer,
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            Location::Network(format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3]))
        }
        Err(_) => Location::Unknown,
    };
    location.wire()
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Signer;
    use p256::ecdsa::SigningKey;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_slice(&[seed; 32]).expect("a scalar")
    }

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    fn public(key: &SigningKey) -> String {
        b64(key.verifying_key().to_sec1_point(false).as_bytes())
    }

    #[test]
    fn numbers_have_two_digits() {
        for _ in 0..200 {
            assert!((10..=99).contains(&new_number()));
        }
    }

    #[test]
    fn only_the_right_number_with_approve_approves() {
        assert_eq!(outcome(42, 42, PushDecision::Approve), PushState::Approved);
        assert_eq!(
            outcome(42, 24, PushDecision::Approve),
            PushState::WrongNumber
        );
        assert_eq!(outcome(42, 42, PushDecision::Deny), PushState::Denied);
        assert_eq!(outcome(42, 7, PushDecision::Deny), PushState::Denied);
    }

    #[test]
    fn a_signature_verifies_only_with_its_key_and_its_message() {
        let device = key(1);
        let other = key(2);
        let message = b"sspr-push-answer-v1\nc\nn\n42\napprove";
        let signature: Signature = device.sign(message);
        let signed = b64(&signature.to_bytes());
        assert!(verify(&public(&device), message, &signed));
        assert!(!verify(&public(&other), message, &signed));
        assert!(!verify(
            &public(&device),
            b"sspr-push-answer-v1\nc\nn\n42\ndeny",
            &signed
        ));
        assert!(!verify(&public(&device), message, "not base64!"));
        assert!(!verify("AAAA", message, &signed));
    }

    #[test]
    fn keys_must_be_points_on_the_curve() {
        assert!(parse_key(&public(&key(3))).is_some());
        let compressed = b64(key(3).verifying_key().to_sec1_point(true).as_bytes());
        assert!(parse_key(&compressed).is_some());
        assert!(parse_key(&b64(&[4u8; 65])).is_none());
        assert!(parse_key("").is_none());
    }

    #[test]
    fn a_listing_is_fresh_for_a_minute_either_way() {
        assert!(fresh(1_000_000, 1_000_000 + LIST_SKEW_MS));
        assert!(!fresh(1_000_000, 1_000_001 + LIST_SKEW_MS));
        assert!(fresh(1_000_000 + LIST_SKEW_MS, 1_000_000));
        // A device clock at either end of the range is stale, not an overflow.
        assert!(!fresh(i64::MIN, 1_000_000));
        assert!(!fresh(i64::MAX, 1_000_000));
    }

    #[test]
    fn locations_show_the_network_never_the_whole_address() {
        assert_eq!(approximate_location("203.0.113.9"), "203.0.113.x");
        assert_eq!(approximate_location("127.0.0.1"), "this_computer");
        assert_eq!(approximate_location("10.1.2.3"), "local_network");
        assert_eq!(
            approximate_location("2001:db8:1:2:3:4:5:6"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(approximate_location("nonsense"), "unknown");
    }
}
