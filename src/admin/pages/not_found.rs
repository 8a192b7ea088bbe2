//! Any `/admin/…` path no screen matches.

use crate::i18n::at;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="panel">
            <h1 tabindex="-1">{at(|m| m.not_found_title)}</h1>
            <p>{at(|m| m.not_found_body)}</p>
            <a href="/admin">{at(|m| m.go_overview)}</a>
        </section>
    }
}
