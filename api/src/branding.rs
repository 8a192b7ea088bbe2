//! Company branding (SPEC A8, C11): Microsoft Graph v1.0's `organizationalBranding` and its
//! per-language localizations, as the portal and scripts read and write them, and the branding
//! the customer pages apply.
//!
//! ```text
//! GET    /api/graph/v1.0/organization/{orgId}/branding                         → OrganizationalBranding
//! PATCH  /api/graph/v1.0/organization/{orgId}/branding          BrandingPatch  → 204
//! GET    /api/graph/v1.0/organization/{orgId}/branding/localizations           → BrandingLocalizationList
//! POST   /api/graph/v1.0/organization/{orgId}/branding/localizations  BrandingPatch (id required) → 201
//! GET    …/branding/localizations/{locale}                                     → OrganizationalBranding
//! PATCH  …/branding/localizations/{locale}                      BrandingPatch  → 204
//! DELETE …/branding/localizations/{locale}                                     → 204
//! PUT    …/branding[/localizations/{locale}]/{bannerLogo|squareLogo|backgroundImage|customCSS}  bytes → 204
//! GET    …/branding[/localizations/{locale}]/{bannerLogo|squareLogo|backgroundImage|customCSS}  → the bytes
//! GET    /api/branding                                                         → PublicBranding
//! GET    /api/branding/assets/{hash}.{ext}                                     → an image or the CSS
//! ```
//!
//! The default branding is localization `0`, as in Graph; a localization's unset properties
//! fall back to the default's. Texts are plain text, shown as text and never as HTML.

use serde::{Deserialize, Serialize};

/// The texts, colour and links of a branding (each `null` when unset).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BrandingTexts {
    /// `#RRGGBB`, shown behind the sign-in box (and while the background image loads).
    pub background_color: Option<String>,
    /// Plain text under the sign-in box, at most 1024 characters.
    pub sign_in_page_text: Option<String>,
    /// The hint inside the email field, at most 64 characters.
    pub username_hint_text: Option<String>,
    /// The text of the "Forgot password?" link, at most 256 characters.
    pub custom_forgot_my_password_text: Option<String>,
    pub custom_privacy_and_cookies_text: Option<String>,
    /// An absolute `https://` (or `http://`) address.
    pub custom_privacy_and_cookies_url: Option<String>,
    pub custom_terms_of_use_text: Option<String>,
    pub custom_terms_of_use_url: Option<String>,
}

/// `organizationalBranding` or one of its `localizations`, as Graph answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrganizationalBranding {
    #[serde(rename = "@odata.context")]
    pub odata_context: String,
    /// `0` for the default branding, else the localization's language tag (`fr-FR`).
    pub id: String,
    #[serde(flatten)]
    pub texts: BrandingTexts,
    /// Relative to an entry of `cdnList`.
    pub background_image_relative_url: Option<String>,
    pub banner_logo_relative_url: Option<String>,
    pub square_logo_relative_url: Option<String>,
    #[serde(rename = "customCSSRelativeUrl")]
    pub custom_css_relative_url: Option<String>,
    /// Where the relative URLs are found: this service's own origin.
    pub cdn_list: Vec<String>,
    /// Extension (default branding only): the CSS theme of every page.
    pub sspr_theme: Option<String>,
    /// Extension (default branding only): the themes the server has.
    #[serde(default)]
    pub sspr_available_themes: Vec<String>,
}

/// `GET …/branding/localizations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrandingLocalizationList {
    #[serde(rename = "@odata.context")]
    pub odata_context: String,
    pub value: Vec<OrganizationalBranding>,
}

/// The writable properties (absent: unchanged; `null` or `""`: cleared). Creating a
/// localization needs `id`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BrandingPatch {
    #[serde(rename = "@odata.type", default)]
    pub odata_type: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, with = "crate::graph::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub background_color: Option<Option<String>>,
    #[serde(default, with = "crate::graph::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub sign_in_page_text: Option<Option<String>>,
    #[serde(default, with = "crate::graph::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub username_hint_text: Option<Option<String>>,
    #[serde(default, with = "crate::graph::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub custom_forgot_my_password_text: Option<Option<String>>,
    #[serde(default, with = "crate::graph::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub custom_privacy_and_cookies_text: Option<Option<String>>,
    #[serde(default, with = "crate::graph::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub custom_privacy_and_cookies_url: Option<Option<String>>,
    #[serde(default, with = "crate::graph::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub custom_terms_of_use_text: Option<Option<String>>,
    #[serde(default, with = "crate::graph::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub custom_terms_of_use_url: Option<Option<String>>,
    /// Extension, default branding only: a theme name (`null`: `SSPR_THEME`'s).
    #[serde(default, with = "crate::graph::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub sspr_theme: Option<Option<String>>,
}

impl BrandingPatch {
    /// `texts` with this patch applied (an empty text clears, as `null` does).
    pub fn apply(&self, texts: &mut BrandingTexts) {
        let fields: [(&Option<Option<String>>, &mut Option<String>); 8] = [
            (&self.background_color, &mut texts.background_color),
            (&self.sign_in_page_text, &mut texts.sign_in_page_text),
            (&self.username_hint_text, &mut texts.username_hint_text),
            (
                &self.custom_forgot_my_password_text,
                &mut texts.custom_forgot_my_password_text,
            ),
            (
                &self.custom_privacy_and_cookies_text,
                &mut texts.custom_privacy_and_cookies_text,
            ),
            (
                &self.custom_privacy_and_cookies_url,
                &mut texts.custom_privacy_and_cookies_url,
            ),
            (
                &self.custom_terms_of_use_text,
                &mut texts.custom_terms_of_use_text,
            ),
            (
                &self.custom_terms_of_use_url,
                &mut texts.custom_terms_of_use_url,
            ),
        ];
        for (change, field) in fields {
            if let Some(value) = change {
                *field = value.clone().filter(|v| !v.is_empty());
            }
        }
    }
}

/// `GET /api/branding`: what the customer pages apply, in the language asked for (the
/// localization's texts over the default's).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicBranding {
    /// The organisation's name (the logo's text alternative).
    pub organisation_name: String,
    /// The language of the texts (`en`, `fr`).
    pub language: String,
    /// The theme stylesheet's name (also served as `/theme.css`).
    pub theme: String,
    pub texts: BrandingTexts,
    pub background_image_url: Option<String>,
    pub banner_logo_url: Option<String>,
    pub square_logo_url: Option<String>,
    pub custom_css_url: Option<String>,
}

/// WCAG 2.2's contrast ratio between two `#RRGGBB` colours (1 to 21), or `None` if either is
/// not one.
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (luminance(a)?, luminance(b)?);
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    Some((light + 0.05) / (dark + 0.05))
}

/// The smallest contrast WCAG 2.2 AA asks of body text.
pub const AA_TEXT_CONTRAST: f64 = 4.5;

/// Whether `colour` is `#RRGGBB`.
pub fn is_hex_colour(colour: &str) -> bool {
    colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].chars().all(|c| c.is_ascii_hexdigit())
}

fn luminance(colour: &str) -> Option<f64> {
    if !is_hex_colour(colour) {
        return None;
    }
    let channel = |i: usize| -> Option<f64> {
        let value = f64::from(u8::from_str_radix(&colour[i..i + 2], 16).ok()?) / 255.0;
        Some(if value <= 0.040_45 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * channel(1)? + 0.7152 * channel(3)? + 0.0722 * channel(5)?)
}

/// What an image slot accepts: the most bytes, and the widest and tallest image, in pixels. The
/// server refuses more; the portal says so as the file is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageCaps {
    pub max_bytes: usize,
    pub max_width: u32,
    pub max_height: u32,
}

/// The banner logo (`bannerLogo`).
pub const BANNER_LOGO_CAPS: ImageCaps = ImageCaps {
    max_bytes: 50 * 1024,
    max_width: 980,
    max_height: 288,
};
/// The square logo (`squareLogo`).
pub const SQUARE_LOGO_CAPS: ImageCaps = ImageCaps {
    max_bytes: 50 * 1024,
    max_width: 480,
    max_height: 480,
};
/// The background image (`backgroundImage`).
pub const BACKGROUND_IMAGE_CAPS: ImageCaps = ImageCaps {
    max_bytes: 300 * 1024,
    max_width: 1920,
    max_height: 1080,
};

/// Why an uploaded image was refused (`PUT …/bannerLogo`, `squareLogo`, `backgroundImage`): the
/// refusal's one [`ErrorDetail`](crate::ErrorDetail) carries it as `code`, so the portal says it
/// in its reader's language beside the file's field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImageRule {
    /// The file has no bytes.
    Empty,
    /// Over the slot's size cap; `target` is the cap in KB.
    TooLarge,
    /// An SVG (or other XML) document, which can carry scripts.
    Svg,
    /// Not a PNG, JPEG or WebP image that decodes in full.
    NotAnImage,
    /// Wider or taller than the slot's cap; `target` is the image's size as shown (after a
    /// photo's EXIF orientation), `{width}x{height}` (`1200x800`).
    TooManyPixels,
}

impl ImageRule {
    /// Every rule.
    pub const ALL: [ImageRule; 5] = [
        ImageRule::Empty,
        ImageRule::TooLarge,
        ImageRule::Svg,
        ImageRule::NotAnImage,
        ImageRule::TooManyPixels,
    ];
}

/// The `target` of an [`ImageRule::TooManyPixels`] refusal: `1200x800`.
pub fn pixels_target(width: u32, height: u32) -> String {
    format!("{width}x{height}")
}

/// The width and height an [`ImageRule::TooManyPixels`] refusal's `target` names.
pub fn parse_pixels_target(target: &str) -> Option<(u32, u32)> {
    let (width, height) = target.split_once('x')?;
    Some((width.parse().ok()?, height.parse().ok()?))
}

/// The rule a refused custom CSS broke (`PUT …/customCSS`): the refusal's one
/// [`ErrorDetail`](crate::ErrorDetail) carries it as `code`, with what broke it as `target` and
/// its line, so the portal says it in its reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CssRule {
    /// The sheet is not UTF-8 text.
    NotUtf8,
    /// Over the size limit; `target` is the limit in KB.
    TooLarge,
    /// An at-rule other than `@media` (`target`: `@import`, …).
    AtRule,
    /// An `@media` rule with no block.
    MediaWithoutBlock,
    /// An `@media` condition that calls a function.
    MediaFunction,
    /// An attribute selector (`[…]`).
    AttributeSelector,
    /// A class that is not documented (`target`: `.mine`).
    UnknownClass,
    /// A pseudo-class or pseudo-element not allowed (`target`: `:has`).
    Pseudo,
    /// An element selector (`target`: `input`).
    ElementSelector,
    /// An id selector (`#…`).
    IdSelector,
    /// Anything else that cannot be in a selector (`target`: it).
    SelectorToken,
    /// A style rule with no block.
    RuleWithoutBlock,
    /// Something other than `name: value;` inside a rule.
    DeclarationExpected,
    /// A custom property that is not a design token (`target`: `--name`).
    UnknownToken,
    /// A property not allowed (`target`: `behavior`, `-moz-binding`).
    Property,
    /// A function not allowed (`target`: `attr`).
    Function,
    /// A block inside a declaration.
    NestedRule,
    /// A `url()` or a string that is not closed.
    Unclosed,
    /// A `url()` that is not a path on this site (`target`: the URL).
    ForeignUrl,
}

impl CssRule {
    /// Every rule.
    pub const ALL: [CssRule; 19] = [
        CssRule::NotUtf8,
        CssRule::TooLarge,
        CssRule::AtRule,
        CssRule::MediaWithoutBlock,
        CssRule::MediaFunction,
        CssRule::AttributeSelector,
        CssRule::UnknownClass,
        CssRule::Pseudo,
        CssRule::ElementSelector,
        CssRule::IdSelector,
        CssRule::SelectorToken,
        CssRule::RuleWithoutBlock,
        CssRule::DeclarationExpected,
        CssRule::UnknownToken,
        CssRule::Property,
        CssRule::Function,
        CssRule::NestedRule,
        CssRule::Unclosed,
        CssRule::ForeignUrl,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag() {
        let black_white = contrast_ratio("#000000", "#FFFFFF").expect("colours");
        assert!((black_white - 21.0).abs() < 0.01);
        let grey = contrast_ratio("#777777", "#ffffff").expect("colours");
        assert!(grey < AA_TEXT_CONTRAST && grey > 4.4, "{grey}");
        assert_eq!(contrast_ratio("red", "#ffffff"), None);
    }

    #[test]
    fn an_image_refusal_names_the_pixels_it_counted() {
        assert_eq!(pixels_target(1200, 800), "1200x800");
        assert_eq!(parse_pixels_target("1200x800"), Some((1200, 800)));
        assert_eq!(parse_pixels_target("1200"), None);
        assert_eq!(parse_pixels_target("ax800"), None);
    }

    #[test]
    fn a_patch_sets_clears_and_leaves_alone() {
        let mut texts = BrandingTexts {
            sign_in_page_text: Some("old".into()),
            username_hint_text: Some("hint".into()),
            ..BrandingTexts::default()
        };
        let patch: BrandingPatch = serde_json::from_str(
            r##"{"backgroundColor": "#112233", "signInPageText": null, "customTermsOfUseText": ""}"##,
        )
        .expect("patch");
        patch.apply(&mut texts);
        assert_eq!(texts.background_color.as_deref(), Some("#112233"));
        assert_eq!(texts.sign_in_page_text, None);
        assert_eq!(texts.username_hint_text.as_deref(), Some("hint"));
        assert!(serde_json::from_str::<BrandingPatch>(r#"{"bogus": 1}"#).is_err());
    }
}
