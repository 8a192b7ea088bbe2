//! `/admin/users`: search users by name or email and page through them
//! (`GET /api/admin/users?search=&after=&limit=`, keyset pages so 100,000 users stay fast);
//! **Previous page** goes back one page, the search kept.

use crate::api;
use crate::i18n::at;
use crate::pages::labels::{status_text, type_text};
use crate::pages::reports::Pager;
use crate::ui::{when, Loaded};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use sspr_api::UserPage;
use sspr_web::components::form::value_of;

/// Users per page.
const PAGE: u32 = 50;

#[component]
pub fn Users() -> impl IntoView {
    let search = NodeRef::<leptos::html::Input>::new();
    let term = RwSignal::new(String::new());
    let pager = Pager::new();
    let page = LocalResource::new(move || api::users(term.get(), pager.current(), PAGE));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        pager.first();
        term.set(value_of(search));
    };
    view! {
        <h1 tabindex="-1">{at(|m| m.users_title)}</h1>
        <p>{at(|m| m.users_intro)}</p>
        <form class="toolbar" role="search" on:submit=submit>
            <div class="field">
                <label class="field__label" for="search">{at(|m| m.users_search)}</label>
                <input class="field__input" id="search" name="search" type="search" node_ref=search/>
            </div>
            <button type="submit" class="button button--secondary">{at(|m| m.search)}</button>
        </form>
        <Loaded resource=page children=move |found: UserPage| {
            if found.items.is_empty() {
                return view! { <p role="status">{at(|m| m.users_none)}</p> }.into_any();
            }
            let next = found.next.clone();
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.users_title)>
                    <table class="table">
                        <caption class="visually-hidden">{at(|m| m.users_title)}</caption>
                        <thead><tr>
                            <th scope="col">{at(|m| m.col_name)}</th>
                            <th scope="col">{at(|m| m.col_email)}</th>
                            <th scope="col">{at(|m| m.col_type)}</th>
                            <th scope="col">{at(|m| m.col_status)}</th>
                            <th scope="col">{at(|m| m.col_last_sign_in)}</th>
                        </tr></thead>
                        <tbody>
                            {found.items.into_iter().map(|user| view! {
                                <tr>
                                    <td><A href=["/admin/users/", &user.id].concat() exact=true>{user.display_name.clone()}</A></td>
                                    <td>{user.email.clone()}</td>
                                    <td>{at(type_text(user.user_type))}</td>
                                    <td>{at(status_text(user.status))}</td>
                                    <td>{user.last_sign_in_ms.map(when)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {pager.buttons(next)}
            }.into_any()
        }/>
    }
}
