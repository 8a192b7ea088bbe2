//! The frame of every page: a skip link, the organisation's name and logo, the page, a footer
//! with the language switcher and the service status.

use crate::components::{health_status::HealthStatus, language_switcher::LanguageSwitcher};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;

/// The organisation shown in the header. Company branding (the admin portal) fills it; until
/// then the product's own name stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Branding {
    /// The organisation's name, beside the logo and in the document title.
    pub name: String,
    /// URL of the logo image, if any.
    pub logo_url: Option<String>,
}

impl Default for Branding {
    fn default() -> Self {
        Branding {
            name: "SSPR".into(),
            logo_url: None,
        }
    }
}

/// The page frame; `children` is the routed page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let branding = use_context::<Branding>().unwrap_or_default();
    let logo = branding.logo_url.clone().map(|src| {
        view! { <img class="brand__logo" src=src alt="" width="32" height="32"/> }
    });
    view! {
        <a class="skip-link" href="#content">{move || i18n.t().skip_to_content}</a>
        <header class="site-header">
            <A href="/" attr:class="brand" exact=true>
                {logo}
                <span class="brand__name">{branding.name.clone()}</span>
            </A>
        </header>
        <main id="content" class="site-main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <LanguageSwitcher/>
            <HealthStatus/>
        </footer>
    }
}
