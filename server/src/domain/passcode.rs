//! Email passcodes (SPEC §6): 8 CSPRNG digits by default, a lifetime per purpose, 5 tries each.

use rand::Rng;
use sspr_api::FlowPurpose;
use std::ops::RangeInclusive;
use subtle::ConstantTimeEq;

/// The one home of the passcode defaults and their safe bounds (SPEC §6): the configuration's
/// initial values (`SSPR_PASSCODE_LIFETIME_SECS`, …), the Email method's defaults in the policy,
/// and [`PasscodePolicy::default`] all take them from here.
pub const DEFAULT_LENGTH: u8 = 8;
pub const LENGTH_BOUNDS: RangeInclusive<u8> = 6..=10;
pub const DEFAULT_LIFETIME_SECS: u32 = 10 * 60;
pub const LIFETIME_BOUNDS: RangeInclusive<u32> = 1..=3600;
/// Seed 001: a guest's code lives 30 minutes, as in Entra.
pub const DEFAULT_GUEST_LIFETIME_SECS: u32 = 30 * 60;
pub const GUEST_LIFETIME_BOUNDS: RangeInclusive<u32> = 1..=86_400;
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
pub const ATTEMPTS_BOUNDS: RangeInclusive<u32> = 1..=10;

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
            length: DEFAULT_LENGTH,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            lifetime_ms: i64::from(DEFAULT_LIFETIME_SECS) * 1000,
            guest_lifetime_ms: i64::from(DEFAULT_GUEST_LIFETIME_SECS) * 1000,
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

    /// A fresh code: `length` digits, uniformly random from a CSPRNG (rand's thread-local
    /// ChaCha, seeded and reseeded from the operating system: one system call a digit, as
    /// asking the operating system each time made, was most of a flow start's system calls).
    pub fn generate(&self) -> String {
        let mut rng = rand::thread_rng();
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

/// A counted try of a passcode, judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judged {
    Right,
    /// Wrong; `tries_left` on this code (0: it is dead).
    Wrong {
        tries_left: u32,
    },
}

/// Judges a try: `stored` is the code's hash, `typed` the hash of what was typed, and
/// `attempts` the tries counted on this code so far (this one included) out of `max`.
pub fn judge(stored: &str, typed: &str, attempts: i64, max: i64) -> Judged {
    if hashes_match(stored, typed) {
        Judged::Right
    } else {
        Judged::Wrong {
            tries_left: u32::try_from(max - attempts).unwrap_or(0),
        }
    }
}

/// What a wrong code's answer says.
pub fn wrong_code_message(tries_left: u32) -> String {
    if tries_left == 0 {
        "That code is not right, and it has no tries left. Request a new code.".to_owned()
    } else {
        format!("That code is not right. {tries_left} tries left.")
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
    fn a_try_is_right_only_for_the_same_hash_and_counts_down_the_tries() {
        assert_eq!(judge("h", "h", 1, 5), Judged::Right);
        assert_eq!(judge("h", "x", 1, 5), Judged::Wrong { tries_left: 4 });
        assert_eq!(judge("h", "x", 5, 5), Judged::Wrong { tries_left: 0 });
        assert!(wrong_code_message(0).contains("no tries left"));
        assert!(wrong_code_message(3).contains("3 tries left"));
    }

    #[test]
    fn hash_comparison_is_exact() {
        assert!(hashes_match("abc", "abc"));
        assert!(!hashes_match("abc", "abd"));
        assert!(!hashes_match("abc", "abcd"));
    }
}
