//! `/admin`: the overview — who is signed in and a link to every section.

use crate::app::{role_text, use_portal};
use crate::i18n::at;
use crate::pages::SECTIONS;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Overview() -> impl IntoView {
    let portal = use_portal();
    let me = portal.me.get_untracked().flatten();
    view! {
        <h1 tabindex="-1">{at(|m| m.overview_title)}</h1>
        <p>{at(|m| m.overview_intro)}</p>
        {me.map(|me| view! {
            <dl class="facts">
                <dt>{at(|m| m.signed_in_as)}</dt>
                <dd>{me.display_name} " (" {me.email} ")"</dd>
                <dt>{at(|m| m.role_label)}</dt>
                <dd>{at(role_text(me.role))}</dd>
            </dl>
        })}
        <ul class="tiles">
            {SECTIONS
                .iter()
                .skip(1)
                .map(|(href, label)| view! {
                    <li><A href=*href attr:class="tile" exact=true>{at(*label)}</A></li>
                })
                .collect_view()}
        </ul>
    }
}
