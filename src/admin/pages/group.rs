//! `/admin/groups/{id}`: one group, its members (**Remove**), adding members found by a search,
//! and **Delete group**.

use crate::api;
use crate::i18n::{at, AText};
use crate::ui::{Alert, Guarded, Loaded, Notice, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use sspr_api::{Permission, UserPage};
use sspr_web::components::form::value_of;

/// The users a search found, or nothing before a search.
type Search = Option<UserPage>;

/// What an administrator does to the group.
#[derive(Debug, Clone)]
enum Change {
    Add(String),
    Remove(String),
    Delete,
}

#[component]
pub fn Group(id: String) -> impl IntoView {
    let navigate = use_navigate();
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let search = NodeRef::<leptos::html::Input>::new();
    let term = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let group = LocalResource::new(move || api::group(id.get_value()));
    let members = LocalResource::new(move || api::group_members(id.get_value()));
    // The users found by the search box, to add (nothing until a search).
    let found = LocalResource::new(move || {
        let term = term.get();
        async move {
            match term {
                Some(term) => api::users(term, None, 10).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let change = Action::new_local(move |change: &Change| {
        let (change, group_id, navigate) = (change.clone(), id.get_value(), navigate.clone());
        async move {
            let (result, done): (_, Option<AText>) = match change {
                Change::Add(user) => (
                    api::add_member(group_id, user).await,
                    Some(|m| m.done_member_added),
                ),
                Change::Remove(user) => (
                    api::remove_member(group_id, user).await,
                    Some(|m| m.done_member_removed),
                ),
                Change::Delete => (api::delete_group(group_id).await, None),
            };
            match (result, done) {
                (Ok(()), Some(done)) => {
                    notice.set(Some(done));
                    term.set(None);
                    members.refetch();
                }
                (Ok(()), None) => navigate("/admin/groups", NavigateOptions::default()),
                (Err(error), _) => problem.set(Some(error.into())),
            }
        }
    });
    // One change at a time: a second press while the first runs would fail as "not found".
    let busy = change.pending();
    let run = move |c: Change| {
        problem.set(None);
        notice.set(None);
        change.dispatch(c);
    };
    let find = move |ev: SubmitEvent| {
        ev.prevent_default();
        term.set(Some(value_of(search)));
    };
    let name = move || {
        group
            .get()
            .and_then(Result::ok)
            .map_or_else(|| at(|m| m.group_title)().to_owned(), |g| g.display_name)
    };
    let description = move || {
        group
            .get()
            .and_then(Result::ok)
            .map(|g| view! { <p>{g.description}</p> })
    };
    view! {
        <p><A href="/admin/groups" exact=true>{at(|m| m.back_to_groups)}</A></p>
        <h1 tabindex="-1">{name}</h1>
        {description}
        <Alert problem/>
        <Notice notice/>
        <h2>{at(|m| m.col_members)}</h2>
        <Loaded resource=members children=move |page: UserPage| {
            if page.items.is_empty() {
                return view! { <p>{at(|m| m.members_none)}</p> }.into_any();
            }
            view! {
                <Guarded permission=Permission::ManageUsers quiet=true>
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.col_members)><table class="table">
                    <caption class="visually-hidden">{at(|m| m.col_members)}</caption>
                    <thead><tr>
                        <th scope="col">{at(|m| m.col_name)}</th>
                        <th scope="col">{at(|m| m.col_email)}</th>
                        <th scope="col"><span class="visually-hidden">{at(|m| m.actions_title)}</span></th>
                    </tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|u| {
                            let user_id = u.id.clone();
                            let label = [at(|m| m.member_remove)(), " ", &u.display_name].concat();
                            view! {
                                <tr>
                                    <td><A href=["/admin/users/", &u.id].concat() exact=true>{u.display_name.clone()}</A></td>
                                    <td>{u.email.clone()}</td>
                                    <td><button type="button" class="button button--quiet" aria-label=label disabled=busy
                                        on:click=move |_| run(Change::Remove(user_id.clone()))>
                                        {at(|m| m.member_remove)}</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
                </Guarded>
            }.into_any()
        }/>
        <Guarded permission=Permission::ManageUsers>
        <section class="panel" aria-labelledby="add-member">
            <h2 id="add-member">{at(|m| m.member_add_title)}</h2>
            <form class="toolbar" role="search" on:submit=find>
                <div class="field">
                    <label class="field__label" for="member-search">{at(|m| m.users_search)}</label>
                    <input class="field__input" id="member-search" type="search" node_ref=search/>
                </div>
                <button type="submit" class="button button--secondary">{at(|m| m.search)}</button>
            </form>
            <Loaded resource=found children=move |page: Search| { page.map(|page| if page.items.is_empty() {
                view! { <p role="status">{at(|m| m.users_none)}</p> }.into_any()
            } else { view! {
                <ul class="choices">
                    {page.items.into_iter().map(|u| {
                        let user_id = u.id.clone();
                        let label = [at(|m| m.member_add)(), " ", &u.display_name].concat();
                        view! {
                            <li class="choice">
                                <span>{u.display_name.clone()} " (" {u.email.clone()} ")"</span>
                                <button type="button" class="button button--secondary" aria-label=label disabled=busy
                                    on:click=move |_| run(Change::Add(user_id.clone()))>
                                    {at(|m| m.member_add)}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any() }) }/>
        </section>
        <button type="button" class="button button--secondary" disabled=busy on:click=move |_| run(Change::Delete)>{at(|m| m.group_delete)}</button>
        </Guarded>
    }
}
