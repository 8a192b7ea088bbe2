//! The App: language, routing, the page layout, and which page each [`Route`] shows.
//! After every navigation, focus moves to the new page's heading so screen readers announce it
//! and keyboard users start from the top.

use crate::components::layout::Layout;
use crate::i18n::provide_i18n;
use crate::memory::{provide_memory, use_memory, Memory};
use crate::pages::flow::{
    code::Code, finish::Finish, invitation::Invitation, start::Start, unlock_choice::UnlockChoice,
};
use crate::pages::{
    account::Account,
    home::Home,
    not_found::NotFound,
    sign_in::{SignInEmail, SignInPassword},
};
use crate::router::{provide_router, Route};
use leptos::prelude::*;
use sspr_api::FlowPurpose;

/// The whole SPA: the [`Shell`] with every customer page.
#[component]
pub fn App() -> impl IntoView {
    view! { <Shell pages/> }
}

/// The page each route shows.
fn pages(route: Route, memory: Memory) -> AnyView {
    match route {
        Route::Home => view! { <Home/> }.into_any(),
        // An Email OTP user flow has no password: sign-in and sign-up are the
        // passcode flow (SPEC C4).
        Route::SignIn | Route::Start(FlowPurpose::SignUp) if memory.passcode_only() => {
            view! { <Start purpose=FlowPurpose::Passwordless/> }.into_any()
        }
        Route::SignIn => view! { <SignInEmail/> }.into_any(),
        Route::SignInPassword => view! { <SignInPassword/> }.into_any(),
        Route::Start(purpose) => view! { <Start purpose/> }.into_any(),
        Route::Invitation(token) => view! { <Invitation token/> }.into_any(),
        Route::Code(purpose, flow) => view! { <Code purpose flow/> }.into_any(),
        Route::Finish(purpose, flow) => view! { <Finish purpose flow/> }.into_any(),
        Route::UnlockChoice(flow) => view! { <UnlockChoice flow/> }.into_any(),
        Route::Account => view! { <Account/> }.into_any(),
        Route::NotFound(_) => view! { <NotFound/> }.into_any(),
    }
}

/// Everything around the pages: language, memory, routing, the layout, and focus moved to each
/// new page's heading; `pages` gives the page of each route. (`cargo xtask size --floor`
/// measures this shell alone, with `examples/size_shell.rs`.)
#[component]
pub fn Shell(pages: fn(Route, Memory) -> AnyView) -> impl IntoView {
    provide_i18n();
    provide_memory();
    let memory = use_memory();
    let router = provide_router();
    let first = StoredValue::new(true);
    Effect::new(move || {
        router.location();
        if first.get_value() {
            first.set_value(false);
            return;
        }
        request_animation_frame(|| {
            if let Ok(Some(heading)) = document().query_selector("main h1") {
                if let Ok(heading) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(heading)
                {
                    let _ = heading.focus();
                }
            }
        });
    });
    view! {
        <Layout>
            {move || pages(router.route(), memory)}
        </Layout>
    }
}
