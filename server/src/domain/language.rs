//! The languages the customer pages and the mail speak, and how one is chosen: from a
//! browser's `Accept-Language` (highest weight first, the first listed on a tie) or from an
//! application's `ui_locales`. English is the fallback.

/// A language the service speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    En,
    Fr,
}

impl Language {
    /// Every language, English first.
    pub const ALL: [Language; 2] = [Language::En, Language::Fr];

    /// The BCP 47 primary tag (`en`, `fr`).
    pub const fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }

    /// The language of a tag such as `fr`, `fr-CA` or `EN-gb`, if the service speaks it.
    pub fn parse(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Language::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(primary))
    }

    /// The spoken language the header `Accept-Language` prefers most; English when it names
    /// none of them (or is malformed).
    pub fn from_accept_language(header: &str) -> Language {
        let mut best: Option<(u16, Language)> = None;
        for item in header.split(',').take(32) {
            let mut parts = item.split(';');
            let Some(language) = parts.next().and_then(Language::parse) else {
                continue;
            };
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(1000, quality);
            if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, language));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

/// A `q` value in thousandths (`0.8` → 800); anything unreadable counts as 0.
fn quality(value: &str) -> u16 {
    value
        .trim()
        .parse::<f32>()
        .ok()
        .filter(|q| (0.0..=1.0).contains(q))
        .map_or(0, |q| (q * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browsers_preferred_spoken_language_wins() {
        assert_eq!(Language::from_accept_language("fr"), Language::Fr);
        assert_eq!(
            Language::from_accept_language("fr-CA,fr;q=0.9,en;q=0.8"),
            Language::Fr
        );
        assert_eq!(
            Language::from_accept_language("de,fr;q=0.5,en;q=0.7"),
            Language::En
        );
        assert_eq!(
            Language::from_accept_language("en;q=0.2, FR ;q=0.4"),
            Language::Fr
        );
        assert_eq!(Language::from_accept_language("de-DE"), Language::En);
        assert_eq!(Language::from_accept_language(""), Language::En);
        assert_eq!(Language::from_accept_language("fr;q=0"), Language::En);
        assert_eq!(Language::from_accept_language("fr;q=banana"), Language::En);
    }

    #[test]
    fn tags_are_read_by_their_primary_subtag() {
        assert_eq!(Language::parse("fr-CA"), Some(Language::Fr));
        assert_eq!(Language::parse("EN_gb"), Some(Language::En));
        assert_eq!(Language::parse("frx"), None);
    }
}
