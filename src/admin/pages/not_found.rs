//! Any `/admin/…` path no screen matches.

use crate::i18n::at;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="panel">
            <h1 tabindex="-1">{at(|m| m.not_found_title)}</h1>
            <p>{at(|m| m.not_found_body)}</p>
            <A href="/admin" exact=true>{at(|m| m.go_overview)}</A>
        </section>
    }
}
