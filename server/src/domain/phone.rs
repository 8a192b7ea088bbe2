//! Phone numbers (SPEC §2 "Phone", SECURITY 26): what a user types, read and normalised to E.164
//! with the `phonenumber` crate (Google's libphonenumber metadata), the extension an office
//! phone keeps, the masked form a page may show, and how a code is spoken on a call.
//!
//! A number is refused when it is not a valid number of its country, and when it is of a kind
//! that cannot take a verification code or that costs the caller (premium rate, shared cost,
//! pagers, voicemail and company numbers; a mobile phone must also be able to take a text, so a
//! line known to be fixed or a freephone line is refused for it).

use phonenumber::metadata::DATABASE;
use phonenumber::{country, Mode, Type};
use std::ops::RangeInclusive;

/// Which of a user's phones a number is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKind {
    /// Texts and calls; no extension.
    Mobile,
    /// Calls only; no extension.
    Alternate,
    /// Calls only; may have an extension, dialled once the call is answered.
    Office,
}

/// A number as it is stored and dialled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// `+` and digits, e.g. `+14255550100`.
    pub e164: String,
    /// The number's country, ISO 3166 alpha-2 (`US`, `FR`); the country allow-list is of these.
    pub country: String,
    /// Digits dialled after the call is answered (office phones only).
    pub extension: Option<String>,
}

/// Why a number is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Not a phone number at all, or a national number without a country.
    #[error("not a phone number in international form (+ and the country code)")]
    Unreadable,
    /// Read, but no such number exists in its country's numbering plan.
    #[error("not a valid phone number")]
    Invalid,
    /// A premium-rate, shared-cost or other number that cannot take a code (or a fixed line
    /// for a mobile phone).
    #[error("this kind of number cannot be used")]
    Unsupported,
    /// An extension on a mobile or alternate phone.
    #[error("only an office phone has an extension")]
    ExtensionNotAllowed,
    /// An extension that is not 1 to 10 digits, or two different ones.
    #[error("an extension is 1 to 10 digits")]
    BadExtension,
}

/// The one home of the phone methods' caps against SMS pumping (SECURITY 26): the Sms and Voice
/// configurations' defaults (`maxSendsPerNumberPerDay`, `maxSendsPerDay`) and their bounds.
pub const DEFAULT_SENDS_PER_NUMBER_PER_DAY: u32 = 5;
pub const SENDS_PER_NUMBER_PER_DAY_BOUNDS: RangeInclusive<u32> = 1..=20;
pub const DEFAULT_SENDS_PER_DAY: u32 = 1000;
pub const SENDS_PER_DAY_BOUNDS: RangeInclusive<u32> = 1..=100_000;

/// Reads `number` for a phone of `kind`. `region` (ISO alpha-2) reads a national number
/// (`0612345678` with `FR`); without it the number must start with `+`. An extension may be in
/// the number (`+1 425 555 0100 ext. 1234`, `x1234`) or given apart as `extension`; only an
/// office phone keeps one.
pub fn parse(
    kind: PhoneKind,
    number: &str,
    extension: Option<&str>,
    region: Option<&str>,
) -> Result<Phone, PhoneError> {
    let number = number.trim();
    if number.is_empty() || number.len() > 64 {
        return Err(PhoneError::Unreadable);
    }
    let region = match region.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(
            r.to_ascii_uppercase()
                .parse::<country::Id>()
                .map_err(|_| PhoneError::Unreadable)?,
        ),
        None => None,
    };
    let parsed = phonenumber::parse(region, number).map_err(|_| PhoneError::Unreadable)?;
    if !parsed.is_valid() {
        return Err(PhoneError::Invalid);
    }
    let allowed = match parsed.number_type(&DATABASE) {
        Type::PremiumRate | Type::SharedCost | Type::Pager | Type::Uan | Type::Voicemail => false,
        Type::FixedLine | Type::TollFree => kind != PhoneKind::Mobile,
        Type::Unknown => false,
        _ => true,
    };
    if !allowed {
        return Err(PhoneError::Unsupported);
    }
    let inline = parsed.extension().map(|e| e.to_string());
    let separate = extension
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned);
    let extension = match (inline, separate) {
        (Some(a), Some(b)) if a != b => return Err(PhoneError::BadExtension),
        (a, b) => a.or(b),
    };
    if let Some(ext) = &extension {
        if kind != PhoneKind::Office {
            return Err(PhoneError::ExtensionNotAllowed);
        }
        if !sspr_api::security_info::is_extension(ext) {
            return Err(PhoneError::BadExtension);
        }
    }
    let country = parsed
        .country()
        .id()
        .map(|id| id.as_ref().to_owned())
        .ok_or(PhoneError::Invalid)?;
    // E.164 never carries the extension: it is kept apart.
    let e164 = parsed.format().mode(Mode::E164).to_string();
    Ok(Phone {
        e164,
        country,
        extension,
    })
}

/// The number as a page may show it: a fixed shape that tells neither the country nor the
/// length, with the last two digits, `+•• ••••••• 42`.
pub fn mask(e164: &str) -> String {
    // Never the extension of a stored office phone.
    let e164 = e164.split(';').next().unwrap_or(e164);
    let digits: Vec<char> = e164.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
    format!("+•• ••••••• {tail}")
}

/// How a phone is stored in a method's `address`: the E.164 number, and an office phone's
/// extension as an RFC 3966 parameter, `+14255550100;ext=1234`.
pub fn stored(phone: &Phone) -> String {
    match &phone.extension {
        Some(extension) => format!("{};ext={extension}", phone.e164),
        None => phone.e164.clone(),
    }
}

/// A stored phone read back ([`stored`]), with its country; `None` if it no longer reads as a
/// number (the numbering plan changed since it was registered).
pub fn read_stored(address: &str) -> Option<Phone> {
    let (number, extension) = match address.split_once(";ext=") {
        Some((number, extension)) => (number, Some(extension)),
        None => (address, None),
    };
    parse(PhoneKind::Office, number, extension, None).ok()
}

/// A code as text-to-speech should read it: each digit on its own, `1, 2, 3`.
pub fn spoken_digits(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_digit)
        .map(String::from)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The keys a call dials once answered to reach `extension`: two seconds of pause (`w` is half
/// a second) for the switchboard to pick up, then the digits.
pub fn dial_keys(extension: &str) -> String {
    format!("wwww{extension}")
}

/// Whether `country` (ISO alpha-2) is a known country code of the numbering plan, for the
/// administrator's allow-list.
pub fn is_country(country: &str) -> bool {
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_uppercase())
        && country.parse::<country::Id>().is_ok()
}

/// Every country code [`is_country`] accepts, in order (for the API's schema).
pub fn countries() -> Vec<String> {
    (b'A'..=b'Z')
        .flat_map(|a| (b'A'..=b'Z').map(move |b| String::from_utf8(vec![a, b]).unwrap_or_default()))
        .filter(|code| is_country(code))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mobile(number: &str) -> Result<Phone, PhoneError> {
        parse(PhoneKind::Mobile, number, None, None)
    }

    #[test]
    fn international_numbers_are_normalised_to_e164() {
        for (typed, e164, country) in [
            ("+44 7400 123456", "+447400123456", "GB"),
            ("+33 6 12 34 56 78", "+33612345678", "FR"),
            ("+1 (201) 555-0123", "+12015550123", "US"),
            ("  +49 1512 3456789 ", "+4915123456789", "DE"),
            ("tel:+33-6-12-34-56-78", "+33612345678", "FR"),
        ] {
            let phone = mobile(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(phone.e164, e164, "{typed}");
            assert_eq!(phone.country, country, "{typed}");
            assert_eq!(phone.extension, None);
        }
    }

    #[test]
    fn a_national_number_needs_its_country() {
        assert_eq!(mobile("06 12 34 56 78"), Err(PhoneError::Unreadable));
        let phone = parse(PhoneKind::Mobile, "06 12 34 56 78", None, Some("fr")).expect("valid");
        assert_eq!(phone.e164, "+33612345678");
        assert_eq!(
            parse(PhoneKind::Mobile, "06 12 34 56 78", None, Some("ZZ")),
            Err(PhoneError::Unreadable)
        );
    }

    #[test]
    fn bad_numbers_are_refused() {
        for bad in ["", "hello", "+", "12", "+999 123 456", &"9".repeat(80)] {
            assert_eq!(mobile(bad), Err(PhoneError::Unreadable), "{bad:?}");
        }
        // Read, but not a number of the plan: too short, or an unused range.
        for invalid in ["+44 7400 12", "+1 201 555 01234567", "+33 0 12 34 56 78"] {
            assert!(
                matches!(
                    mobile(invalid),
                    Err(PhoneError::Invalid | PhoneError::Unreadable)
                ),
                "{invalid}"
            );
        }
    }

    #[test]
    fn premium_rate_numbers_are_refused_and_a_mobile_cannot_be_a_fixed_line() {
        // UK premium rate (09…) and shared cost (0845…).
        assert_eq!(mobile("+44 909 876 5432"), Err(PhoneError::Unsupported));
        assert_eq!(
            parse(PhoneKind::Office, "+44 909 876 5432", None, None),
            Err(PhoneError::Unsupported)
        );
        // A French fixed line takes calls, not texts.
        assert_eq!(mobile("+33 1 23 45 67 89"), Err(PhoneError::Unsupported));
        let office = parse(PhoneKind::Office, "+33 1 23 45 67 89", None, None).expect("valid");
        assert_eq!(office.e164, "+33123456789");
        let alternate =
            parse(PhoneKind::Alternate, "+33 1 23 45 67 89", None, None).expect("valid");
        assert_eq!(alternate.country, "FR");
    }

    #[test]
    fn an_office_phone_keeps_its_extension() {
        for typed in [
            "+1 201 555 0123 ext. 4567",
            "+1 201 555 0123 x4567",
            "+1-201-555-0123;ext=4567",
        ] {
            let phone = parse(PhoneKind::Office, typed, None, None)
                .unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(phone.e164, "+12015550123", "{typed}");
            assert_eq!(phone.extension.as_deref(), Some("4567"), "{typed}");
        }
        let apart = parse(PhoneKind::Office, "+1 201 555 0123", Some(" 89 "), None).expect("ok");
        assert_eq!(apart.extension.as_deref(), Some("89"));
        let same = parse(PhoneKind::Office, "+1 201 555 0123 x89", Some("89"), None).expect("ok");
        assert_eq!(same.extension.as_deref(), Some("89"));
    }

    #[test]
    fn extensions_are_refused_where_they_cannot_be_dialled_or_are_malformed() {
        assert_eq!(
            mobile("+1 201 555 0123 ext. 4567"),
            Err(PhoneError::ExtensionNotAllowed)
        );
        assert_eq!(
            parse(PhoneKind::Alternate, "+1 201 555 0123", Some("12"), None),
            Err(PhoneError::ExtensionNotAllowed)
        );
        for bad in ["12a", "12345678901", "1 2"] {
            assert_eq!(
                parse(PhoneKind::Office, "+1 201 555 0123", Some(bad), None),
                Err(PhoneError::BadExtension),
                "{bad}"
            );
        }
        assert_eq!(
            parse(PhoneKind::Office, "+1 201 555 0123 x12", Some("34"), None),
            Err(PhoneError::BadExtension)
        );
    }

    #[test]
    fn a_masked_number_shows_only_its_last_two_digits_in_a_fixed_shape() {
        assert_eq!(mask("+447400123442"), "+•• ••••••• 42");
        assert_eq!(mask("+12015550123"), "+•• ••••••• 23");
        assert_eq!(mask("+4915123456789").chars().count(), 14);
        assert_eq!(mask(""), "+•• ••••••• ");
    }

    #[test]
    fn a_stored_phone_reads_back_with_its_country_and_extension() {
        let office = parse(PhoneKind::Office, "+1 201 555 0123", Some("45"), None).expect("office");
        assert_eq!(stored(&office), "+12015550123;ext=45");
        assert_eq!(read_stored(&stored(&office)), Some(office));
        let mobile = mobile("+44 7400 123456").expect("mobile");
        assert_eq!(stored(&mobile), "+447400123456");
        assert_eq!(read_stored("+447400123456"), Some(mobile));
        assert_eq!(read_stored("not a number"), None);
        assert_eq!(mask("+12015550123;ext=45"), "+•• ••••••• 23");
    }

    #[test]
    fn a_code_is_spoken_one_digit_at_a_time() {
        assert_eq!(spoken_digits("12345678"), "1, 2, 3, 4, 5, 6, 7, 8");
        assert_eq!(spoken_digits("007"), "0, 0, 7");
        assert_eq!(dial_keys("4567"), "wwww4567");
    }

    #[test]
    fn allow_list_entries_are_country_codes() {
        assert!(is_country("US") && is_country("FR") && is_country("GB"));
        for bad in ["us", "USA", "", "ZZ", "1"] {
            assert!(!is_country(bad), "{bad}");
        }
        let all = countries();
        assert!(all.len() > 200 && all.iter().all(|c| is_country(c)));
        assert!(all.contains(&"FR".to_owned()) && !all.contains(&"ZZ".to_owned()));
    }
}
