//! The frame of every page: a skip link, the organisation's logo (the banner logo, else the
//! square one, else the product's name), the page, a footer with the company's privacy and terms links, the language switcher and the
//! service status — all on the company branding's background.

use crate::components::branding::{use_branding, CustomStyle, LegalLinks};
use crate::components::{health_status::HealthStatus, language_switcher::LanguageSwitcher};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;
use sspr_api::PublicBranding;

/// The page frame; `children` is the routed page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let branding = use_branding();
    let colour = move || branding.get().texts.background_color;
    let image = move || {
        branding
            .get()
            .background_image_url
            .map(|url| format!("url(\"{url}\")"))
    };
    let brand = move || {
        let PublicBranding {
            organisation_name: mut name,
            banner_logo_url,
            square_logo_url,
            ..
        } = branding.get();
        if name.is_empty() {
            name = "SSPR".into();
        }
        // The square logo stands in when there is no banner logo.
        match banner_logo_url.or(square_logo_url) {
            Some(src) => {
                view! { <img class="brand__logo" src=src alt=name height="36"/> }.into_any()
            }
            None => view! { <span class="brand__name">{name}</span> }.into_any(),
        }
    };
    view! {
        <CustomStyle/>
        <div class="branding-background" style:background-color=colour style:background-image=image>
            <a class="skip-link" href="#content">{move || i18n.t().skip_to_content}</a>
            <header class="site-header">
                <A href="/" attr:class="brand" exact=true>{brand}</A>
            </header>
            <main id="content" class="site-main" tabindex="-1">
                {children()}
            </main>
            <footer class="site-footer">
                <LegalLinks/>
                <LanguageSwitcher/>
                <HealthStatus/>
            </footer>
        </div>
    }
}
