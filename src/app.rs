//! The App: language, what the visit remembers, and the routes — `leptos_router`'s `<Router>`
//! with one route per screen and one nested [`Wizard`] per self-service flow. After every
//! navigation, focus moves to the new page's heading so screen readers announce it and
//! keyboard users start from the top, and the document title follows the heading ("Security
//! info – Contoso"), so the tab and the screen reader's window name say which page it is.

use crate::components::branding::{provide_branding, use_branding};
use crate::components::layout::Layout;
use crate::i18n::{provide_i18n, use_i18n};
use crate::memory::provide_memory;
use crate::pages::flow::Wizard;
use crate::pages::{
    access::Access,
    account::Account,
    change_password::ChangePasswordPage,
    home::Home,
    more_info::MoreInfo,
    not_found::NotFound,
    security_info::SecurityInfoPage,
    sign_in::{SignIn, SignInPassword},
};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use sspr_api::FlowPurpose;

/// The whole SPA.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    provide_memory();
    provide_branding();
    let branding = use_branding();
    // The organisation's name, else the product's, as the header shows it.
    let set_title = move |heading: &web_sys::HtmlElement| {
        let name = untrack(|| branding.get().organisation_name);
        title_from_heading(heading, if name.is_empty() { "SSPR" } else { &name });
    };
    title_first_page(set_title);
    // The branding arrives after the first page, and a language switch rewrites the heading.
    let i18n = use_i18n();
    Effect::new(move || {
        branding.get();
        i18n.locale().track();
        request_animation_frame(move || {
            if let Some(heading) = main_heading() {
                set_title(&heading);
            }
        });
    });
    view! {
        <Router set_is_routing=focus_after_navigation(set_title)>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/sign-in") view=SignIn/>
                    <Route path=path!("/sign-in/password") view=SignInPassword/>
                    <Route path=path!("/access") view=Access/>
                    <Route path=path!("/account") view=Account/>
                    <Route path=path!("/account/password") view=ChangePasswordPage/>
                    <Route path=path!("/account/security-info") view=SecurityInfoPage/>
                    <Route path=path!("/more-info") view=MoreInfo/>
                    <Wizard purpose=FlowPurpose::PasswordReset/>
                    <Wizard purpose=FlowPurpose::SignUp/>
                    <Wizard purpose=FlowPurpose::Passwordless/>
                    <Wizard purpose=FlowPurpose::Guest/>
                    <Wizard purpose=FlowPurpose::Unlock/>
                </Routes>
            </Layout>
        </Router>
    }
}

/// What the router calls as each navigation starts (`true`) and ends (`false`, once the new
/// page is rendered): at the end focus moves to the new page's `<h1>`, and `then` gets the
/// heading too. The first page, which is not a navigation, keeps the browser's own start.
pub fn focus_after_navigation(
    then: impl Fn(&web_sys::HtmlElement) + Copy + Send + Sync + 'static,
) -> SignalSetter<bool> {
    let navigating = std::sync::atomic::AtomicBool::new(false);
    SignalSetter::map(move |routing: bool| {
        use std::sync::atomic::Ordering::Relaxed;
        if routing {
            navigating.store(true, Relaxed);
        } else if navigating.swap(false, Relaxed) {
            request_animation_frame(move || {
                if let Some(heading) = main_heading() {
                    let _ = heading.focus();
                    then(&heading);
                }
            });
        }
    })
}

/// Sets the document title from the page's heading and the site's name: "Users – SSPR".
pub fn title_from_heading(heading: &web_sys::HtmlElement, site: &str) {
    let title = heading.text_content().unwrap_or_default();
    document().set_title(&[title.trim(), " – ", site].concat());
}

/// Runs `then` with the first page's heading once it is drawn (the first page is not a
/// navigation, and may wait for a load before its heading shows); gives up after about ten
/// seconds of frames.
pub fn title_first_page(then: impl Fn(&web_sys::HtmlElement) + Copy + 'static) {
    fn wait(frames: u16, then: impl Fn(&web_sys::HtmlElement) + Copy + 'static) {
        request_animation_frame(move || match main_heading() {
            Some(heading) => then(&heading),
            None if frames > 0 => wait(frames - 1, then),
            None => {}
        });
    }
    wait(600, then);
}

/// The page's main heading, if it has one.
pub fn main_heading() -> Option<web_sys::HtmlElement> {
    let heading = document().query_selector("main h1").ok()??;
    wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(heading).ok()
}
