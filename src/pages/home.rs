//! `/`: the landing page, leading to sign-in and sign-up.

use crate::i18n::tr;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.home_title)}</h1>
            <p>{tr(|m| m.home_intro)}</p>
            <div class="actions">
                <a class="button button--primary" href="/sign-in">{tr(|m| m.sign_in)}</a>
                <a class="button button--secondary" href="/sign-up">{tr(|m| m.sign_up)}</a>
            </div>
        </section>
    }
}
