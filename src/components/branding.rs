//! The company branding on every customer page (SPEC C11): the branding is fetched once per
//! language (`GET /api/branding?language=`) and shared through the context, so the frame
//! ([`super::layout::Layout`]) shows the banner logo, the background colour and image, the
//! privacy and terms links and the custom stylesheet, and the sign-in page its text, username
//! hint and "Forgot password?" text.
//!
//! Every text is set as a text node, never as HTML. The background is set through the CSS
//! object model (`style:` properties), which the Content-Security-Policy allows without
//! `'unsafe-inline'`; the custom stylesheet is a `<link>` to this origin. The theme needs
//! nothing here: `/theme.css` is already the chosen one.

use crate::api;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use sspr_api::{BrandingTexts, PublicBranding};

/// The branding of the page's current language (empty until it arrives, or if it cannot be
/// read: the product's own look stands).
#[derive(Debug, Clone, Copy)]
pub struct CompanyBranding(Signal<PublicBranding>);

impl CompanyBranding {
    /// The branding now (reactive).
    pub fn get(&self) -> PublicBranding {
        self.0.get()
    }

    /// One of its texts (reactive); `None` when unset.
    pub fn text(&self, pick: fn(&BrandingTexts) -> &Option<String>) -> Option<String> {
        self.0.with(|b| pick(&b.texts).clone())
    }
}

/// Fetches the branding for the current language and provides it to every page.
pub fn provide_branding() {
    let i18n = use_i18n();
    let fetched = LocalResource::new(move || api::branding(i18n.locale().get().tag()));
    let current = Signal::derive(move || fetched.get().and_then(Result::ok).unwrap_or_default());
    provide_context(CompanyBranding(current));
}

/// The branding provided by [`provide_branding`] (an empty one outside it).
pub fn use_branding() -> CompanyBranding {
    use_context::<CompanyBranding>()
        .unwrap_or_else(|| CompanyBranding(Signal::stored(PublicBranding::default())))
}

/// The custom stylesheet, if the branding has one.
#[component]
pub fn CustomStyle() -> impl IntoView {
    let branding = use_branding();
    move || {
        branding
            .get()
            .custom_css_url
            .map(|href| view! { <link rel="stylesheet" href=href/> })
    }
}

/// The sign-in page's text, under the sign-in box.
#[component]
pub fn SignInPageText() -> impl IntoView {
    let branding = use_branding();
    move || {
        branding
            .text(|t| &t.sign_in_page_text)
            .map(|text| view! { <p class="branding-text">{text}</p> })
    }
}

/// The privacy and terms links, in the footer.
#[component]
pub fn LegalLinks() -> impl IntoView {
    let branding = use_branding();
    let link = move |text: fn(&BrandingTexts) -> &Option<String>,
                     url: fn(&BrandingTexts) -> &Option<String>| {
        move || {
            let href = branding.text(url)?;
            let label = branding.text(text).unwrap_or_else(|| href.clone());
            Some(view! { <a href=href>{label}</a> })
        }
    };
    view! {
        <p class="branding-legal">
            {link(|t| &t.custom_privacy_and_cookies_text, |t| &t.custom_privacy_and_cookies_url)}
            {link(|t| &t.custom_terms_of_use_text, |t| &t.custom_terms_of_use_url)}
        </p>
    }
}
