//! The phone's message catalog: what a text says and a call speaks, in each language the
//! service speaks (`domain::language`). The language is the customer's, as for mail: the page's
//! language when the code was asked for. A second language is one more arm in each function.

use crate::domain::language::Language;
use crate::domain::phone::spoken_digits;

/// A text with a passcode.
pub fn code_by_text(language: Language, organisation: &str, code: &str) -> String {
    match language {
        Language::En => format!("Your {organisation} verification code is {code}."),
        Language::Fr => format!("Votre code de vérification {organisation} : {code}."),
    }
}

/// What a call speaks: the passcode digit by digit, twice.
pub fn code_by_call(language: Language, organisation: &str, code: &str) -> String {
    let digits = spoken_digits(code);
    match language {
        Language::En => {
            format!("This is {organisation}. Your verification code is {digits}. Again: {digits}.")
        }
        Language::Fr => format!(
            "Ici {organisation}. Votre code de vérification est {digits}. Je répète : {digits}."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_says_the_code_and_a_call_speaks_it_twice_digit_by_digit() {
        for language in Language::ALL {
            assert!(code_by_text(language, "Contoso", "4071").contains("Contoso"));
            assert!(code_by_text(language, "Contoso", "4071").contains("4071"));
            let call = code_by_call(language, "Contoso", "4071");
            assert_eq!(call.matches("4, 0, 7, 1").count(), 2, "{call}");
        }
        assert_eq!(
            code_by_text(Language::Fr, "Contoso", "4071"),
            "Votre code de vérification Contoso : 4071."
        );
    }
}
