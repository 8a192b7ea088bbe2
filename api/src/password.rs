//! The password policy (SPEC §6, SECURITY.md §14–16), one implementation for the SPA's live
//! checklist and the server's enforcement.
//!
//! Rules: at least 12 and at most 256 characters (Unicode code points; no truncation), no
//! composition rules, not a common or breached password, and not containing a context word (the
//! email's local part, the organisation's name). The common-password list is large, so the
//! server holds it and passes it in as a predicate; the SPA passes one that knows none and shows
//! the server's verdict for that rule.
//!
//! `GET /api/password-policy` answers [`PasswordPolicy`].

use serde::{Deserialize, Serialize};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 256;
/// Context words shorter than this are too common to refuse (`jo@…` must not ban "jo").
const MIN_CONTEXT_WORD: usize = 4;

/// The policy's numbers, for the client's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub max_length: usize,
    /// The organisation's name: a context word the password must not contain.
    pub organisation_name: String,
}

impl PasswordPolicy {
    pub fn new(organisation_name: impl Into<String>) -> Self {
        PasswordPolicy {
            min_length: MIN_LENGTH,
            max_length: MAX_LENGTH,
            organisation_name: organisation_name.into(),
        }
    }
}

/// One broken rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Violation {
    TooShort,
    TooLong,
    Common,
    ContainsContext,
}

/// Every rule `password` breaks, in checklist order; empty means acceptable.
///
/// `context` holds the words the password must not contain (compared ignoring case);
/// `is_common` says whether a (lower-cased) password is on the common list.
pub fn check(password: &str, context: &[&str], is_common: impl Fn(&str) -> bool) -> Vec<Violation> {
    check_with(password, context, is_common, str::to_lowercase)
}

/// [`check`], with the Unicode lower-casing supplied by the caller. The SPA passes the
/// browser's (`String.prototype.toLowerCase`, the same Unicode mapping), which keeps Rust's
/// case tables out of its wasm.
pub fn check_with(
    password: &str,
    context: &[&str],
    is_common: impl Fn(&str) -> bool,
    lowercase: impl Fn(&str) -> String,
) -> Vec<Violation> {
    let mut broken = Vec::new();
    let length = password.chars().count();
    if length < MIN_LENGTH {
        broken.push(Violation::TooShort);
    }
    if length > MAX_LENGTH {
        broken.push(Violation::TooLong);
    }
    let lower = lowercase(password);
    if is_common(&lower) {
        broken.push(Violation::Common);
    }
    if context.iter().any(|word| {
        let word = lowercase(word.trim());
        word.chars().count() >= MIN_CONTEXT_WORD && lower.contains(&word)
    }) {
        broken.push(Violation::ContainsContext);
    }
    broken
}

/// A rough strength from 0 (very weak) to 4 (strong) for the meter: length and variety.
/// The policy, not this number, decides what is accepted.
///
/// Variety counts four classes: ASCII lower-case letters, ASCII capitals, ASCII digits, and
/// everything else (punctuation, spaces and every non-ASCII character). Only the SPA's meter
/// uses this; ASCII classes keep Unicode property tables out of its wasm.
pub fn strength(password: &str) -> u8 {
    let length = password.chars().count();
    if length == 0 {
        return 0;
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    let distinct = {
        // At most 1,024 characters reach here (the field's limit); a linear scan is plenty
        // and, unlike sorting, adds almost no wasm.
        let mut seen: Vec<char> = Vec::new();
        for c in password.chars() {
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
        seen.len()
    };
    let mut score: u8 = match length {
        0..=7 => 0,
        8..=11 => 1,
        12..=15 => 2,
        16..=19 => 3,
        _ => 4,
    };
    if classes >= 3 && score < 4 {
        score += 1;
    }
    if distinct * 3 < length || distinct < 5 {
        score = score.saturating_sub(2);
    }
    score.min(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> bool {
        false
    }

    #[test]
    fn twelve_characters_is_the_minimum_and_256_the_maximum() {
        assert_eq!(check("abcdefghijk", &[], none), vec![Violation::TooShort]);
        assert!(check("abcdefghijkl", &[], none).is_empty());
        assert!(check(&"x".repeat(256), &[], none).is_empty());
        assert_eq!(check(&"x".repeat(257), &[], none), vec![Violation::TooLong]);
    }

    #[test]
    fn length_counts_code_points_not_bytes() {
        // 12 code points, 36 bytes.
        assert!(check("密码密码密码密码密码密码", &[], none).is_empty());
    }

    #[test]
    fn no_composition_rules_apply() {
        assert!(check("correct horse battery", &[], none).is_empty());
    }

    #[test]
    fn a_common_password_is_refused_whatever_its_case() {
        let common = |p: &str| p == "passwordpassword";
        assert_eq!(
            check("PasswordPassword", &[], common),
            vec![Violation::Common]
        );
    }

    #[test]
    fn context_words_are_refused_ignoring_case() {
        let context = ["jane.doe", "Contoso"];
        assert_eq!(
            check("my-JANE.DOE-secret", &context, none),
            vec![Violation::ContainsContext]
        );
        assert_eq!(
            check("i love contoso a lot", &context, none),
            vec![Violation::ContainsContext]
        );
        // Short local parts are not context words.
        assert!(check("jo jo jo jo jo jo", &["jo"], none).is_empty());
    }

    #[test]
    fn strength_grows_with_length_and_variety() {
        assert_eq!(strength(""), 0);
        assert!(strength("aaaaaaaaaaaaaaaa") <= 1);
        assert!(strength("Tr0ub4dor&3-horse-staple") >= 4);
        assert!(strength("abcdefghijkl") < strength("abcdefghijkl-MNOP-1234"));
        // Non-ASCII characters count as symbols; repeats count once.
        assert_eq!(
            strength("пароль-пароль-пароль"),
            strength("xyzabc-xyzabc-xyzabc")
        );
        assert!(strength("abababababababababab") < strength("abcdefghijklmnopqrst"));
    }

    #[test]
    fn check_with_uses_the_given_lower_casing() {
        let context = ["Contoso"];
        let ascii = |s: &str| s.to_ascii_lowercase();
        assert_eq!(
            check_with("I LOVE CONTOSO!", &context, none, ascii),
            vec![Violation::ContainsContext]
        );
        // The same Unicode mapping as `check`: Σ lower-cases for the context comparison.
        assert_eq!(
            check("ΣΟΦΙΑ-secret-words", &["σοφια"], none),
            vec![Violation::ContainsContext]
        );
    }
}
