//! The App: language, routing, the page layout, and which page each [`Route`] shows.

use crate::components::layout::Layout;
use crate::i18n::provide_i18n;
use crate::pages::{home::Home, not_found::NotFound};
use crate::router::{provide_router, Route};
use leptos::prelude::*;

/// The whole SPA.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    let router = provide_router();
    view! {
        <Layout>
            {move || match router.route() {
                Route::Home => view! { <Home/> }.into_any(),
                Route::NotFound(_) => view! { <NotFound/> }.into_any(),
            }}
        </Layout>
    }
}
