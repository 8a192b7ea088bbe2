//! Any path no route matches.

use crate::i18n::tr;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.not_found_title)}</h1>
            <p>{tr(|m| m.not_found_body)}</p>
            <A href="/" exact=true>{tr(|m| m.go_home)}</A>
        </section>
    }
}
