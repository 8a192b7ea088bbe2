//! `/admin/groups/{id}`: one group, its members (**Remove**), adding members found by a search,
//! and **Delete group** (`/api/admin/groups/{id}`, `…/members`, `…/members/{user_id}`).

use crate::api;
use crate::i18n::{at, AText};
use crate::ui::{Alert, Guarded, Loading, Notice, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::{GroupView, Permission, UserPage};
use sspr_web::components::form::value_of;
use sspr_web::router::use_router;

#[component]
pub fn Group(id: String) -> impl IntoView {
    let router = use_router();
    let group = RwSignal::new(None::<GroupView>);
    let members = RwSignal::new(None::<UserPage>);
    let found = RwSignal::new(None::<UserPage>);
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let search = NodeRef::<leptos::html::Input>::new();
    let id = StoredValue::new(id);
    let base = move || ["/api/admin/groups/", &id.get_value()].concat();
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::get::<GroupView>(&base()).await {
                Ok(g) => group.set(Some(g)),
                Err(error) => return problem.set(Some(error.into())),
            }
            match api::get::<UserPage>(&[base().as_str(), "/members?limit=200"].concat()).await {
                Ok(page) => members.set(Some(page)),
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    load();
    let change = move |method: &'static str, user_id: String, done: AText| {
        problem.set(None);
        notice.set(None);
        leptos::task::spawn_local(async move {
            let path = [base().as_str(), "/members/", &user_id].concat();
            match sspr_web::api::call::<()>(method, &path, None).await {
                Ok(()) => {
                    notice.set(Some(done));
                    found.set(None);
                    load();
                }
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    let find = move |ev: SubmitEvent| {
        ev.prevent_default();
        let path = api::with_query(
            "/api/admin/users",
            &[("search", value_of(search)), ("limit", "10".into())],
        );
        leptos::task::spawn_local(async move {
            match api::get::<UserPage>(&path).await {
                Ok(page) => found.set(Some(page)),
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    let delete = move |_| {
        leptos::task::spawn_local(async move {
            match sspr_web::api::call::<()>("DELETE", &base(), None).await {
                Ok(()) => router.navigate("/admin/groups"),
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    view! {
        <p><a href="/admin/groups">{at(|m| m.back_to_groups)}</a></p>
        <h1 tabindex="-1">
            {move || group.with(|g| match g {
                Some(g) => g.display_name.clone(),
                None => at(|m| m.group_title)().to_owned(),
            })}
        </h1>
        {move || group.with(|g| g.as_ref().map(|g| view! { <p>{g.description.clone()}</p> }))}
        <Alert problem/>
        <Notice notice/>
        <h2>{at(|m| m.col_members)}</h2>
        {move || match members.get() {
            None => problem.with(Option::is_none).then(|| view! { <Loading/> }).into_any(),
            Some(page) if page.items.is_empty() => view! { <p>{at(|m| m.members_none)}</p> }.into_any(),
            Some(page) => view! {
                <Guarded permission=Permission::ManageUsers quiet=true>
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.col_members)><table class="table">
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
                                    <td><a href=["/admin/users/", &u.id].concat()>{u.display_name.clone()}</a></td>
                                    <td>{u.email.clone()}</td>
                                    <td><button type="button" class="button button--quiet" aria-label=label
                                        on:click=move |_| change("DELETE", user_id.clone(), |m| m.done_member_removed)>
                                        {at(|m| m.member_remove)}</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
                </Guarded>
            }.into_any(),
        }}
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
            {move || found.get().map(|page| view! {
                <ul class="choices">
                    {page.items.into_iter().map(|u| {
                        let user_id = u.id.clone();
                        let label = [at(|m| m.member_add)(), " ", &u.display_name].concat();
                        view! {
                            <li class="choice">
                                <span>{u.display_name.clone()} " (" {u.email.clone()} ")"</span>
                                <button type="button" class="button button--secondary" aria-label=label
                                    on:click=move |_| change("PUT", user_id.clone(), |m| m.done_member_added)>
                                    {at(|m| m.member_add)}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </section>
        <button type="button" class="button button--secondary" on:click=delete>{at(|m| m.group_delete)}</button>
        </Guarded>
    }
}
