//! The App: language, what the visit remembers, and the routes — `leptos_router`'s `<Router>`
//! with one route per screen and one nested [`Wizard`] per self-service flow. After every
//! navigation, focus moves to the new page's heading so screen readers announce it and
//! keyboard users start from the top.

use crate::components::layout::Layout;
use crate::i18n::provide_i18n;
use crate::memory::provide_memory;
use crate::pages::flow::Wizard;
use crate::pages::{
    account::Account,
    home::Home,
    not_found::NotFound,
    sign_in::{SignIn, SignInPassword},
};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;
use sspr_api::FlowPurpose;

/// The whole SPA.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    provide_memory();
    view! {
        <Router>
            <FocusOnNavigation/>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/sign-in") view=SignIn/>
                    <Route path=path!("/sign-in/password") view=SignInPassword/>
                    <Route path=path!("/account") view=Account/>
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

/// Moves focus to the page's `<h1>` after each navigation (not on the first page, where the
/// browser's own start is right).
#[component]
pub fn FocusOnNavigation() -> impl IntoView {
    let location = use_location();
    let first = StoredValue::new(true);
    Effect::new(move || {
        location.pathname.track();
        location.search.track();
        if first.get_value() {
            first.set_value(false);
            return;
        }
        when_new_heading(main_heading(), |heading| {
            let _ = heading.focus();
        });
    });
}

/// The page's main heading, if it has one.
pub fn main_heading() -> Option<web_sys::HtmlElement> {
    let heading = document().query_selector("main h1").ok()??;
    wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(heading).ok()
}

/// Runs `then` with the page's heading once the new page has replaced `old` (the router
/// renders the new page a little after the URL changes), or after about half a second with
/// whatever heading there is (a navigation that kept the page).
pub fn when_new_heading(
    old: Option<web_sys::HtmlElement>,
    then: impl FnOnce(web_sys::HtmlElement) + 'static,
) {
    fn wait(
        old: Option<web_sys::HtmlElement>,
        frames: u8,
        then: impl FnOnce(web_sys::HtmlElement) + 'static,
    ) {
        request_animation_frame(move || match main_heading() {
            Some(heading) if old.as_ref() != Some(&heading) || frames == 0 => then(heading),
            _ if frames > 0 => wait(old, frames - 1, then),
            _ => {}
        });
    }
    wait(old, 30, then);
}
