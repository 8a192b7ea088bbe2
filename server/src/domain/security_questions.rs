//! Security questions (seed 003, SECURITY.md §25): the built-in questions, the administrator's
//! settings' bounds, and how an answer is compared.
//!
//! Answers are compared without regard to case or character width, with spelling and spacing
//! exact, as the seed tells users: an answer is put in Unicode compatibility form (NFKC), case
//! folded (Unicode full case folding, so `STRASSE` and `straße` agree), and put in NFKC again,
//! and only the Argon2id hash of that form is stored. Nothing is trimmed or collapsed.

use std::ops::RangeInclusive;
use unicode_normalization::UnicodeNormalization;

/// How many questions an administrator may require a user to register.
pub const REGISTER_BOUNDS: RangeInclusive<u8> = 3..=5;
/// How many questions an administrator may have asked at a reset.
pub const RESET_BOUNDS: RangeInclusive<u8> = 1..=5;
/// Characters an answer needs at least (seed 003's Entra setting).
pub const MIN_ANSWER_CHARS: u8 = 3;
/// Characters an answer may have at most.
pub const MAX_ANSWER_CHARS: usize = 200;
/// Custom questions an administrator may add.
pub const MAX_CUSTOM: usize = 20;
/// A custom question's length in characters.
pub const CUSTOM_CHARS: RangeInclusive<usize> = 5..=200;

/// The questions every user may choose from, as Entra's predefined list offers them (in the API
/// crate, whose pages show them in the reader's language).
pub const BUILT_IN: &[&str] = &sspr_api::security_info::BUILT_IN_QUESTIONS;

/// Checks the administrator's settings; the error is a sentence.
pub fn check_settings(to_register: u8, to_reset: u8, custom: &[String]) -> Result<(), String> {
    if !REGISTER_BOUNDS.contains(&to_register) {
        return Err(format!(
            "The number of security questions to register must be from {} to {}.",
            REGISTER_BOUNDS.start(),
            REGISTER_BOUNDS.end()
        ));
    }
    if !RESET_BOUNDS.contains(&to_reset) || to_reset > to_register {
        return Err(format!(
            "The number of security questions asked at a reset must be from {} to the number registered ({to_register}).",
            RESET_BOUNDS.start()
        ));
    }
    if custom.len() > MAX_CUSTOM {
        return Err(format!("Add at most {MAX_CUSTOM} custom questions."));
    }
    for (i, question) in custom.iter().enumerate() {
        let chars = question.chars().count();
        if !CUSTOM_CHARS.contains(&chars)
            || question.trim() != question
            || question.chars().any(char::is_control)
        {
            return Err(format!(
                "Each custom question needs {} to {} characters, without leading or trailing spaces.",
                CUSTOM_CHARS.start(),
                CUSTOM_CHARS.end()
            ));
        }
        if BUILT_IN.contains(&question.as_str()) || custom[..i].contains(question) {
            return Err(format!("The question \"{question}\" is listed twice."));
        }
    }
    Ok(())
}

/// The questions a user may choose from: the built-in ones, then the administrator's.
pub fn catalog(custom: &[String]) -> Vec<String> {
    BUILT_IN
        .iter()
        .map(|q| (*q).to_owned())
        .chain(custom.iter().cloned())
        .collect()
}

/// The form of an answer that is hashed and compared: NFKC, full case folding, NFKC again.
pub fn normalise(answer: &str) -> String {
    let compatible: String = answer.nfkc().collect();
    let folded = caseless::default_case_fold_str(&compatible);
    folded.nfkc().collect()
}

/// Whether `answer` may be registered; the error is a sentence.
pub fn check_answer(answer: &str) -> Result<(), String> {
    let chars = answer.chars().count();
    if answer.chars().filter(|c| !c.is_whitespace()).count() < usize::from(MIN_ANSWER_CHARS) {
        return Err(format!(
            "Each answer needs at least {MIN_ANSWER_CHARS} characters."
        ));
    }
    if chars > MAX_ANSWER_CHARS || answer.chars().any(char::is_control) {
        return Err(format!(
            "Each answer may have at most {MAX_ANSWER_CHARS} characters, on one line."
        ));
    }
    Ok(())
}

/// `count` indexes of `0..len`, chosen at random, in random order.
pub fn random_subset(len: usize, count: usize) -> Vec<usize> {
    use rand::seq::index::sample;
    sample(&mut rand::rngs::OsRng, len, count.min(len)).into_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_width_variants_of_an_answer_agree() {
        let stored = normalise("Fluffy the Cat");
        assert_eq!(normalise("FLUFFY THE CAT"), stored);
        assert_eq!(
            normalise("ｆｌｕｆｆｙ ｔｈｅ ｃａｔ"),
            stored,
            "full-width letters"
        );
        assert_eq!(
            normalise("STRASSE"),
            normalise("straße"),
            "full case folding"
        );
        assert_eq!(normalise("ΣΊΣΥΦΟΣ"), normalise("σίσυφος"));
    }

    #[test]
    fn spelling_and_spacing_variants_differ() {
        let stored = normalise("Fluffy the Cat");
        assert_ne!(normalise("Fluffy  the Cat"), stored, "two spaces");
        assert_ne!(normalise("Fluffy the Cat "), stored, "trailing space");
        assert_ne!(normalise("Fluffie the Cat"), stored, "spelling");
        assert_ne!(normalise("FluffytheCat"), stored, "no spaces");
    }

    #[test]
    fn answers_need_three_characters_and_one_line() {
        assert!(check_answer("ab").is_err());
        assert!(check_answer("a b").is_err(), "spaces do not count");
        assert!(check_answer("abc").is_ok());
        assert!(check_answer("line\nbreak").is_err());
        assert!(check_answer(&"x".repeat(201)).is_err());
    }

    #[test]
    fn the_settings_stay_within_their_bounds_and_the_list_has_ten_questions_or_more() {
        assert!(BUILT_IN.len() >= 10);
        assert!(check_settings(3, 3, &[]).is_ok());
        assert!(check_settings(5, 1, &[]).is_ok());
        assert!(check_settings(2, 1, &[]).is_err());
        assert!(check_settings(6, 1, &[]).is_err());
        assert!(check_settings(3, 0, &[]).is_err());
        assert!(
            check_settings(3, 4, &[]).is_err(),
            "more asked than registered"
        );
        let custom = vec!["What was your first concert?".to_owned()];
        assert!(check_settings(3, 3, &custom).is_ok());
        assert_eq!(catalog(&custom).len(), BUILT_IN.len() + 1);
        assert!(check_settings(3, 3, &[BUILT_IN[0].to_owned()]).is_err());
        assert!(check_settings(3, 3, &[" padded question".to_owned()]).is_err());
    }

    #[test]
    fn a_random_subset_has_distinct_indexes_within_range() {
        let subset = random_subset(5, 3);
        assert_eq!(subset.len(), 3);
        assert!(subset.iter().all(|i| *i < 5));
        let mut sorted = subset.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 3);
    }
}
