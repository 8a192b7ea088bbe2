//! `/admin/users`: search users by name or email and page through them
//! (`GET /api/admin/users?search=&after=&limit=`, keyset pages so 100,000 users stay fast).

use crate::api;
use crate::i18n::at;
use crate::pages::labels::{status_text, type_text};
use crate::ui::{when, Alert, Loading, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::UserPage;
use sspr_web::components::form::value_of;

/// Users per page.
const PAGE: &str = "50";

#[component]
pub fn Users() -> impl IntoView {
    let search = NodeRef::<leptos::html::Input>::new();
    let term = RwSignal::new(String::new());
    let page = RwSignal::new(None::<UserPage>);
    let after = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<Problem>);
    let load = move |cursor: Option<String>| {
        after.set(cursor.clone());
        page.set(None);
        problem.set(None);
        let path = api::with_query(
            "/api/admin/users",
            &[
                ("search", term.get_untracked()),
                ("after", cursor.unwrap_or_default()),
                ("limit", PAGE.into()),
            ],
        );
        leptos::task::spawn_local(async move {
            match api::get::<UserPage>(&path).await {
                Ok(found) => page.set(Some(found)),
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    load(None);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        term.set(value_of(search));
        load(None);
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
        <Alert problem/>
        {move || match page.get() {
            None if problem.with(Option::is_none) => view! { <Loading/> }.into_any(),
            None => ().into_any(),
            Some(found) if found.items.is_empty() => view! { <p role="status">{at(|m| m.users_none)}</p> }.into_any(),
            Some(found) => {
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
                                        <td><a href=["/admin/users/", &user.id].concat()>{user.display_name.clone()}</a></td>
                                        <td>{user.email.clone()}</td>
                                        <td>{at(type_text(user.user_type))}</td>
                                        <td>{at(status_text(user.status))}</td>
                                        <td>{user.last_sign_in_ms.map(when)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <div class="button-row">
                        {after.get().map(|_| view! {
                            <button type="button" class="button button--secondary" on:click=move |_| load(None)>{at(|m| m.previous)}</button>
                        })}
                        {next.map(|cursor| view! {
                            <button type="button" class="button button--secondary" on:click=move |_| load(Some(cursor.clone()))>{at(|m| m.next)}</button>
                        })}
                    </div>
                }.into_any()
            }
        }}
    }
}
