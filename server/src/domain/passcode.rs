//! Email passcodes (SPEC §6): 8 CSPRNG digits by default, a lifetime per purpose, 5 tries each.

use rand::Rng;
use sspr_api::FlowPurpose;
use subtle::ConstantTimeEq;

/// The passcode rules in force.
#[derive(Debug, Clone)]
pub struct PasscodePolicy {
    /// Digits per code (6 to 10).
    pub length: u8,
    /// Wrong tries that kill a code.
    pub max_attempts: u32,
    /// Lifetime of a reset, sign-up, passwordless or unlock code.
    pub lifetime_ms: i64,
    /// Lifetime of a guest code (seed 001: 30 minutes).
    pub guest_lifetime_ms: i64,
    /// Seconds between two sends in one flow.
    pub resend_cooldown_ms: i64,
    /// Messages to one address within [`Self::send_window_ms`] before it is blocked.
    pub sends_per_window: i64,
    pub send_window_ms: i64,
    /// How long an address is blocked once over the cap (Entra: 24 h).
    pub send_block_ms: i64,
    /// Consecutive wrong codes for one address, across flows and resends, before passcode
    /// checks for it stop (NIST SP 800-63B: at most 100).
    pub max_account_failures: i64,
    /// How long those checks stay stopped.
    pub account_failure_block_ms: i64,
}

impl Default for PasscodePolicy {
    fn default() -> Self {
        const MINUTE: i64 = 60_000;
        PasscodePolicy {
            length: 8,
            max_attempts: 5,
            lifetime_ms: 10 * MINUTE,
            guest_lifetime_ms: 30 * MINUTE,
            resend_cooldown_ms: MINUTE,
            sends_per_window: 10,
            send_window_ms: 10 * MINUTE,
            send_block_ms: 24 * 60 * MINUTE,
            max_account_failures: 100,
            account_failure_block_ms: 24 * 60 * MINUTE,
        }
    }
}

impl PasscodePolicy {
    /// How long a code for `purpose` lives.
    pub fn lifetime_for(&self, purpose: FlowPurpose) -> i64 {
        match purpose {
            FlowPurpose::Guest => self.guest_lifetime_ms,
            _ => self.lifetime_ms,
        }
    }

    /// A fresh code: `length` digits, uniformly random from the operating system's CSPRNG.
    pub fn generate(&self) -> String {
        let mut rng = rand::rngs::OsRng;
        (0..self.length)
            .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
            .collect()
    }

    /// Whether `input` could be a code at all (right length, digits only), after removing the
    /// spaces and dashes people paste.
    pub fn normalise(&self, input: &str) -> Option<String> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        (digits.len() == usize::from(self.length) && digits.bytes().all(|b| b.is_ascii_digit()))
            .then_some(digits)
    }
}

/// Compares two hashes in constant time.
pub fn hashes_match(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_eight_digits_and_vary() {
        let policy = PasscodePolicy::default();
        let codes: Vec<String> = (0..50).map(|_| policy.generate()).collect();
        assert!(codes
            .iter()
            .all(|c| c.len() == 8 && c.bytes().all(|b| b.is_ascii_digit())));
        let mut distinct = codes.clone();
        distinct.sort();
        distinct.dedup();
        assert!(distinct.len() > 45);
    }

    #[test]
    fn every_digit_appears_in_every_position() {
        let policy = PasscodePolicy::default();
        let mut seen = [[false; 10]; 8];
        for _ in 0..2000 {
            for (i, b) in policy.generate().bytes().enumerate() {
                seen[i][usize::from(b - b'0')] = true;
            }
        }
        assert!(seen.iter().all(|pos| pos.iter().all(|&d| d)));
    }

    #[test]
    fn pasted_codes_are_normalised_and_others_refused() {
        let policy = PasscodePolicy::default();
        assert_eq!(policy.normalise(" 1234 5678 ").as_deref(), Some("12345678"));
        assert_eq!(policy.normalise("1234-5678").as_deref(), Some("12345678"));
        assert_eq!(policy.normalise("1234567"), None);
        assert_eq!(policy.normalise("1234567a"), None);
        assert_eq!(policy.normalise("１２３４５６７８"), None);
    }

    #[test]
    fn guest_codes_live_thirty_minutes_and_others_ten() {
        let policy = PasscodePolicy::default();
        assert_eq!(policy.lifetime_for(FlowPurpose::Guest), 30 * 60_000);
        assert_eq!(policy.lifetime_for(FlowPurpose::PasswordReset), 10 * 60_000);
        assert_eq!(policy.lifetime_for(FlowPurpose::SignUp), 10 * 60_000);
    }

    #[test]
    fn hash_comparison_is_exact() {
        assert!(hashes_match("abc", "abc"));
        assert!(!hashes_match("abc", "abd"));
        assert!(!hashes_match("abc", "abcd"));
    }
}
