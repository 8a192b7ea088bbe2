//! Message catalogs: every text a person reads comes from here.
//!
//! A catalog is a `Messages` value in its own file (`en.rs`, `fr.rs`). Because it is a struct,
//! a catalog that misses a text does not compile. To add a language: copy `en.rs`, translate it,
//! add a variant to [`Locale`] and a line to [`Locale::messages`] and [`Locale::ALL`].
//! The locale is taken from the browser's languages at start and can be switched in the footer.

mod en;
mod fr;

use leptos::prelude::*;

/// The languages the SPA speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    En,
    Fr,
}

impl Locale {
    /// Every locale, in the order the language switcher lists them.
    pub const ALL: &'static [Locale] = &[Locale::En, Locale::Fr];

    /// The catalog of this locale.
    pub fn messages(self) -> &'static Messages {
        match self {
            Locale::En => &en::MESSAGES,
            Locale::Fr => &fr::MESSAGES,
        }
    }

    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// The first supported locale among `preferred` (browser language tags), else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Locale {
        preferred
            .into_iter()
            .find_map(|tag| {
                let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
                Locale::ALL.iter().copied().find(|l| l.tag() == primary)
            })
            .unwrap_or(Locale::En)
    }
}

/// Every text of the SPA, one field per text.
#[derive(Debug)]
pub struct Messages {
    /// The language's own name, shown in the switcher.
    pub language_name: &'static str,
    pub language_label: &'static str,
    pub skip_to_content: &'static str,
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub go_home: &'static str,
    pub error_title: &'static str,
    pub error_body: &'static str,
    pub status_checking: &'static str,
    pub status_ok: &'static str,
    pub status_unavailable: &'static str,
    pub status_unreachable: &'static str,
    pub reload: &'static str,
    pub request_id: &'static str,
}

/// The current locale, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    pub locale: RwSignal<Locale>,
}

impl I18n {
    /// The current catalog (reactive: reading it in a view re-renders on a language switch).
    pub fn t(&self) -> &'static Messages {
        self.locale.get().messages()
    }
}

/// Puts an [`I18n`] in context, starting from the browser's preferred languages, and keeps
/// `<html lang>` in step with it.
pub fn provide_i18n() {
    let locale = RwSignal::new(browser_locale());
    Effect::new(move || {
        let tag = locale.get().tag();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", tag);
        }
    });
    provide_context(I18n { locale });
}

/// The [`I18n`] in context (the App always provides one).
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        locale: RwSignal::new(Locale::En),
    })
}

/// The first supported locale among the browser's preferred languages.
pub fn browser_locale() -> Locale {
    let navigator = window().navigator();
    let languages: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .chain(navigator.language())
        .collect();
    Locale::negotiate(languages.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_supported_browser_language_wins() {
        assert_eq!(Locale::negotiate(["de-DE", "fr-CA", "en"]), Locale::Fr);
        assert_eq!(Locale::negotiate(["en-GB"]), Locale::En);
        assert_eq!(Locale::negotiate(["ja"]), Locale::En);
        assert_eq!(Locale::negotiate([]), Locale::En);
    }

    #[test]
    fn every_catalog_fills_every_text() {
        for locale in Locale::ALL {
            let m = locale.messages();
            let texts = [
                m.language_name,
                m.language_label,
                m.skip_to_content,
                m.home_title,
                m.home_intro,
                m.not_found_title,
                m.not_found_body,
                m.go_home,
                m.error_title,
                m.error_body,
                m.status_checking,
                m.status_ok,
                m.status_unavailable,
                m.status_unreachable,
                m.reload,
                m.request_id,
            ];
            assert!(texts.iter().all(|t| !t.trim().is_empty()), "{locale:?}");
        }
    }
}
