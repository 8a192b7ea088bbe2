//! Time-based one-time passwords for the authenticator app (RFC 6238 over RFC 4226 HOTP),
//! SECURITY.md §23–24.
//!
//! HMAC-SHA-1, 6 digits, a 30 s step, 160-bit secrets. A code is accepted for the current step
//! or one step either side, and each step at most once: the caller stores the last accepted step
//! and passes it back, and [`verify`] only answers steps after it. The arithmetic is `totp-rs`'s;
//! this module fixes the parameters and adds the replay rule.

use rand::RngCore;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds per step.
pub const STEP_SECS: u64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Steps of clock skew accepted either side of the current one.
pub const SKEW_STEPS: i64 = 1;
/// Secret length: 160 bits (RFC 4226 §4 recommends it).
pub const SECRET_BYTES: usize = 20;

/// A fresh random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

/// The secret in base32 without padding, as authenticator apps take it.
pub fn base32(secret: &[u8]) -> String {
    Secret::Raw(secret.to_vec()).to_encoded().to_string()
}

/// The `otpauth://totp/…` URI an authenticator app reads (as a QR code or pasted).
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    let issuer = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{}?secret={}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        percent_encode(account),
        base32(secret)
    )
}

/// The step (time counter) `now_ms` falls in.
pub fn step_at(now_ms: i64) -> i64 {
    now_ms.max(0) / (STEP_SECS as i64 * 1000)
}

/// The code of `secret` for `step`, with `digits` digits (RFC 4226's HOTP with counter `step`).
pub fn code_for_step(secret: &[u8], digits: usize, step: i64) -> String {
    let totp = TOTP::new_unchecked(Algorithm::SHA1, digits, 0, STEP_SECS, secret.to_vec());
    totp.generate(u64::try_from(step).unwrap_or(0) * STEP_SECS)
}

/// The step `code` is right for, within one step of `now_ms`'s and after `last_step` (a step
/// already accepted is never accepted again); `None` otherwise. Anything but exactly six ASCII
/// digits is refused before any HMAC is computed.
pub fn verify(secret: &[u8], code: &str, now_ms: i64, last_step: Option<i64>) -> Option<i64> {
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = step_at(now_ms);
    let mut matched = None;
    // Every candidate is computed and compared in constant time, whichever matches.
    for step in (current - SKEW_STEPS)..=(current + SKEW_STEPS) {
        let expected = code_for_step(secret, DIGITS, step);
        let equal: bool = expected.as_bytes().ct_eq(code.as_bytes()).into();
        if equal && last_step.is_none_or(|last| step > last) && matched.is_none() {
            matched = Some(step);
        }
    }
    matched
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ASCII key of RFC 4226 Appendix D and RFC 6238 Appendix B (SHA-1).
    const RFC_KEY: &[u8] = b"12345678901234567890";

    #[test]
    fn the_rfc_4226_appendix_d_hotp_vectors_pass() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, code) in expected.iter().enumerate() {
            let counter = i64::try_from(counter).expect("small");
            assert_eq!(
                code_for_step(RFC_KEY, 6, counter),
                *code,
                "counter {counter}"
            );
        }
    }

    #[test]
    fn the_rfc_6238_appendix_b_sha1_vectors_pass() {
        let vectors: [(i64, &str); 6] = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, code) in vectors {
            let step = step_at(time * 1000);
            assert_eq!(code_for_step(RFC_KEY, 8, step), code, "T = {time}");
        }
    }

    #[test]
    fn the_six_digit_code_is_the_last_six_digits_of_the_rfc_value() {
        // At T = 59 the 8-digit value is 94287082; the 6-digit truncation is 287082.
        assert_eq!(verify(RFC_KEY, "287082", 59_000, None), Some(1));
    }

    #[test]
    fn one_step_of_skew_is_accepted_either_way_and_two_are_refused() {
        let now = 1_800_000_000_000;
        let step = step_at(now);
        let code = |s| code_for_step(RFC_KEY, DIGITS, s);
        assert_eq!(verify(RFC_KEY, &code(step), now, None), Some(step));
        assert_eq!(verify(RFC_KEY, &code(step - 1), now, None), Some(step - 1));
        assert_eq!(verify(RFC_KEY, &code(step + 1), now, None), Some(step + 1));
        assert_eq!(verify(RFC_KEY, &code(step - 2), now, None), None);
        assert_eq!(verify(RFC_KEY, &code(step + 2), now, None), None);
    }

    #[test]
    fn a_step_already_accepted_or_an_earlier_one_is_refused() {
        let now = 1_800_000_000_000;
        let step = step_at(now);
        let code = code_for_step(RFC_KEY, DIGITS, step);
        assert_eq!(verify(RFC_KEY, &code, now, Some(step)), None);
        assert_eq!(verify(RFC_KEY, &code, now, Some(step + 1)), None);
        assert_eq!(verify(RFC_KEY, &code, now, Some(step - 1)), Some(step));
    }

    #[test]
    fn anything_but_six_ascii_digits_is_refused() {
        let now = 1_800_000_000_000;
        let code = code_for_step(RFC_KEY, DIGITS, step_at(now));
        for bad in [
            "",
            "12345",
            "1234567",
            "12 456",
            "١٢٣٤٥٦",
            &format!(" {code}"),
        ] {
            assert_eq!(verify(RFC_KEY, bad, now, None), None, "{bad:?}");
        }
    }

    #[test]
    fn secrets_are_160_bits_and_the_uri_carries_the_parameters() {
        let secret = new_secret();
        assert_eq!(secret.len(), 20);
        assert_ne!(secret, new_secret());
        let b32 = base32(RFC_KEY);
        assert_eq!(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let uri = otpauth_uri(RFC_KEY, "Contoso SSPR", "admin@contoso.example");
        assert_eq!(
            uri,
            "otpauth://totp/Contoso%20SSPR:admin@contoso.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Contoso%20SSPR&algorithm=SHA1&digits=6&period=30"
        );
    }
}
