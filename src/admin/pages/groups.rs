//! `/admin/groups`: the groups (policy targets) with their member counts, and **New group**
//! (`GET`/`POST /api/admin/groups`).

use crate::api;
use crate::i18n::{at, AText};
use crate::ui::{Alert, Guarded, Invalid, Loaded, Notice, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use sspr_api::{GroupPage, NewGroup, Permission};
use sspr_web::components::form::{value_of, Field, Submit};

#[component]
pub fn Groups() -> impl IntoView {
    let groups = LocalResource::new(api::groups);
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let invalid = Invalid::new(problem, notice);
    let name = NodeRef::<leptos::html::Input>::new();
    let description = NodeRef::<leptos::html::Input>::new();
    let save = Action::new_local(move |body: &NewGroup| {
        let body = body.clone();
        async move {
            match api::create_group(body).await {
                Ok(_) => {
                    notice.set(Some(|m| m.done_group_created));
                    for node in [name, description] {
                        if let Some(input) = node.get_untracked() {
                            input.set_value("");
                        }
                    }
                    groups.refetch();
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let display_name = value_of(name);
        if display_name.is_empty() {
            invalid.flag("group-name", Problem::Local(|m| m.err_group_name), name);
            return;
        }
        problem.set(None);
        notice.set(None);
        save.dispatch(NewGroup {
            display_name,
            description: value_of(description),
        });
    };
    view! {
        <h1 tabindex="-1">{at(|m| m.nav_groups)}</h1>
        <p>{at(|m| m.groups_intro)}</p>
        <Alert problem/>
        <Notice notice/>
        <Loaded resource=groups children=|found: GroupPage| match found {
            found if found.items.is_empty() => view! { <p>{at(|m| m.groups_none)}</p> }.into_any(),
            found => view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.nav_groups)><table class="table">
                    <caption class="visually-hidden">{at(|m| m.nav_groups)}</caption>
                    <thead><tr>
                        <th scope="col">{at(|m| m.col_name)}</th>
                        <th scope="col">{at(|m| m.col_description)}</th>
                        <th scope="col">{at(|m| m.col_members)}</th>
                    </tr></thead>
                    <tbody>
                        {found.items.into_iter().map(|g| view! {
                            <tr>
                                <td><A href=["/admin/groups/", &g.id].concat() exact=true>{g.display_name}</A></td>
                                <td>{g.description}</td>
                                <td>{g.member_count}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table></div>
            }.into_any(),
        }/>
        <section class="panel" aria-labelledby="new-group">
            <h2 id="new-group">{at(|m| m.group_new)}</h2>
            <form on:submit=create novalidate>
                <Guarded permission=Permission::ManageUsers>
                <Field id="group-name" label=at(|m| m.col_name) node=name invalid=invalid.of("group-name")/>
                <Field id="group-description" label=at(|m| m.col_description) node=description required=false/>
                <Submit inline=true label=at(|m| m.group_create) busy=save.pending()/>
                </Guarded>
            </form>
        </section>
    }
}
