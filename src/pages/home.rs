//! `/`: the landing page, leading to sign-in and sign-up.

use crate::i18n::tr;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.home_title)}</h1>
            <p>{tr(|m| m.home_intro)}</p>
            <div class="actions">
                <A href="/sign-in" attr:class="button button--primary" exact=true>{tr(|m| m.sign_in)}</A>
                <A href="/sign-up" attr:class="button button--secondary" exact=true>{tr(|m| m.sign_up)}</A>
            </div>
        </section>
    }
}
