//! The rules of a company branding's texts, colour, links, localizations and theme (the images
//! are [`super::branding_image`], the custom CSS [`super::branding_css`]).
//!
//! Texts are plain text: they are stored as typed and always shown as text (the customer pages
//! set them as text nodes, mail escapes them), so markup in them is harmless and needs no
//! refusal; control characters are refused, and a line break is allowed only in the sign-in
//! page text.

use super::language::Language;
use serde::{Deserialize, Serialize};
use sspr_api::branding::is_hex_colour;
use sspr_api::BrandingTexts;

/// The default branding's localization id, as in Graph.
pub const DEFAULT: &str = "0";

/// One localization's stored body: its texts, and for the default the chosen theme.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stored {
    #[serde(flatten)]
    pub texts: BrandingTexts,
    #[serde(default)]
    pub sspr_theme: Option<String>,
}

/// A branding file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    BackgroundImage,
    BannerLogo,
    SquareLogo,
    CustomCss,
}

impl FileKind {
    pub const ALL: [FileKind; 4] = [
        FileKind::BackgroundImage,
        FileKind::BannerLogo,
        FileKind::SquareLogo,
        FileKind::CustomCss,
    ];

    /// Graph's name of the stream property (`bannerLogo`).
    pub fn graph_name(self) -> &'static str {
        match self {
            FileKind::BackgroundImage => "backgroundImage",
            FileKind::BannerLogo => "bannerLogo",
            FileKind::SquareLogo => "squareLogo",
            FileKind::CustomCss => "customCSS",
        }
    }

    /// The stored name (`banner_logo`).
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::BackgroundImage => "background_image",
            FileKind::BannerLogo => "banner_logo",
            FileKind::SquareLogo => "square_logo",
            FileKind::CustomCss => "custom_css",
        }
    }

    pub fn from_graph(name: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.graph_name() == name)
    }

    /// The image rules that apply, if it is an image.
    pub fn slot(self) -> Option<super::branding_image::Slot> {
        use super::branding_image::Slot;
        match self {
            FileKind::BackgroundImage => Some(Slot::BackgroundImage),
            FileKind::BannerLogo => Some(Slot::BannerLogo),
            FileKind::SquareLogo => Some(Slot::SquareLogo),
            FileKind::CustomCss => None,
        }
    }
}

/// Checks a localization id: a language tag of a language the pages speak (`fr`, `fr-FR`).
pub fn check_locale(id: &str) -> Result<(), String> {
    let well_formed = !id.is_empty()
        && id.len() <= 35
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !well_formed || Language::parse(id).is_none() {
        return Err(format!(
            "{id:?} is not a language the pages speak: give a language tag such as fr or fr-FR \
             (the pages speak English and French)."
        ));
    }
    Ok(())
}

/// Whether localization `locale` is in `language`.
pub fn speaks(locale: &str, language: Language) -> bool {
    locale != DEFAULT && Language::parse(locale) == Some(language)
}

/// Checks a theme's name: letters, digits and dashes, as `SSPR_THEME`.
pub fn check_theme(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!("{name:?} is not a theme's name."))
    }
}

/// Checks every text, the colour and the links; the error is a sentence.
pub fn check_texts(texts: &BrandingTexts) -> Result<(), String> {
    if let Some(colour) = &texts.background_color {
        if !is_hex_colour(colour) {
            return Err(format!(
                "The background colour must be written #RRGGBB (such as #0A5CC2), not {colour:?}."
            ));
        }
    }
    let lines: [(&Option<String>, &str, usize, bool); 5] = [
        (
            &texts.sign_in_page_text,
            "The sign-in page text",
            1024,
            true,
        ),
        (&texts.username_hint_text, "The username hint", 64, false),
        (
            &texts.custom_forgot_my_password_text,
            "The \"Forgot password?\" text",
            256,
            false,
        ),
        (
            &texts.custom_privacy_and_cookies_text,
            "The privacy and cookies text",
            256,
            false,
        ),
        (
            &texts.custom_terms_of_use_text,
            "The terms of use text",
            256,
            false,
        ),
    ];
    for (text, label, max, multiline) in lines {
        let Some(text) = text else { continue };
        if text.chars().count() > max {
            return Err(format!("{label} may have at most {max} characters."));
        }
        if text
            .chars()
            .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\r')))
        {
            return Err(format!("{label} may not hold control characters."));
        }
    }
    for (url, label) in [
        (
            &texts.custom_privacy_and_cookies_url,
            "The privacy and cookies address",
        ),
        (&texts.custom_terms_of_use_url, "The terms of use address"),
    ] {
        if let Some(url) = url {
            check_link(url).map_err(|why| format!("{label} {why}."))?;
        }
    }
    Ok(())
}

/// A link shown on the pages: an absolute http(s) URL with a host, at most 2048 characters.
fn check_link(url: &str) -> Result<(), &'static str> {
    if url.len() > 2048 || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("must be one address of at most 2048 characters, without spaces");
    }
    let parsed = axum::http::Uri::try_from(url).map_err(|_| "is not a valid address")?;
    let web = matches!(parsed.scheme_str(), Some("https" | "http"));
    let host = parsed
        .authority()
        .is_some_and(|a| !a.as_str().contains('@'));
    if !web || !host {
        return Err("must start with https:// and name a site");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_colours_and_links_follow_their_rules() {
        let mut texts = BrandingTexts {
            background_color: Some("#0a5cc2".into()),
            sign_in_page_text: Some("Welcome <b>back</b>\nto Contoso".into()),
            custom_terms_of_use_url: Some("https://contoso.example/terms".into()),
            ..BrandingTexts::default()
        };
        assert_eq!(check_texts(&texts), Ok(()));
        texts.background_color = Some("blue".into());
        assert!(check_texts(&texts).expect_err("colour").contains("#RRGGBB"));
        texts.background_color = None;
        texts.username_hint_text = Some("a\nb".into());
        assert!(check_texts(&texts)
            .expect_err("newline")
            .contains("control"));
        texts.username_hint_text = None;
        for bad in [
            "javascript:alert(1)",
            "//evil.example",
            "https://a b",
            "https://u@evil.example",
        ] {
            texts.custom_terms_of_use_url = Some(bad.into());
            assert!(check_texts(&texts).is_err(), "{bad}");
        }
    }

    #[test]
    fn localizations_are_languages_the_pages_speak() {
        assert_eq!(check_locale("fr-FR"), Ok(()));
        assert_eq!(check_locale("en"), Ok(()));
        assert!(check_locale("de-DE").is_err());
        assert!(check_locale("fr/../x").is_err());
        assert!(speaks("fr-CA", Language::Fr));
        assert!(!speaks(DEFAULT, Language::En));
    }
}
