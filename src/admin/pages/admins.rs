//! `/admin/administrators`: who can sign in to the admin center, with their role and whether
//! they finished setting up; a global administrator adds one by address, name and role, and
//! gets the one-time setup link to pass on (`GET`/`POST /api/admin/admins`).

use crate::api;
use crate::app::role_text;
use crate::i18n::{at, AText};
use crate::ui::{when, Alert, Guarded, Invalid, Loaded, Notice, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::{AdminInvitation, AdminList, AdminRole, CreateAdmin, Email, Permission, WireName};
use sspr_web::components::form::{value_of, Field, Submit};

#[component]
pub fn Admins() -> impl IntoView {
    let list = LocalResource::new(api::admins);
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let invalid = Invalid::new(problem, notice);
    let invitation = RwSignal::new(None::<AdminInvitation>);
    let email = NodeRef::<leptos::html::Input>::new();
    let name = NodeRef::<leptos::html::Input>::new();
    let role = RwSignal::new(AdminRole::Reader);
    let save = Action::new_local(move |body: &CreateAdmin| {
        let body = body.clone();
        async move {
            match api::add_admin(body).await {
                Ok(created) => {
                    for field in [email, name] {
                        if let Some(input) = field.get_untracked() {
                            input.set_value("");
                        }
                    }
                    invitation.set(Some(created));
                    notice.set(Some(|m| m.done_admin_added));
                    list.refetch();
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Ok(address) = Email::parse(&value_of(email)) else {
            invalid.flag("admin-email", Problem::Local(|m| m.err_email), email);
            return;
        };
        let display_name = value_of(name);
        if display_name.is_empty() {
            invalid.flag("admin-name", Problem::Local(|m| m.err_name), name);
            return;
        }
        let body = CreateAdmin {
            email: address,
            display_name,
            role: role.get_untracked(),
        };
        problem.set(None);
        notice.set(None);
        invitation.set(None);
        save.dispatch(body);
    };
    view! {
        <h1 tabindex="-1">{at(|m| m.nav_admins)}</h1>
        <p>{at(|m| m.admins_intro)}</p>
        <Alert problem/>
        <Notice notice/>
        {move || invitation.get().map(|i| view! {
            <p>{at(|m| m.admin_setup_link)} " " <code class="secret" data-testid="admin-setup-link">{i.setup_link}</code></p>
            <p>{at(|m| m.admin_link_expires)} " " {when(i.expires_at_ms)}.</p>
        })}
        <section class="panel" aria-labelledby="new-admin">
            <h2 id="new-admin">{at(|m| m.admin_new)}</h2>
            <form on:submit=add novalidate>
                <Guarded permission=Permission::ManageAdmins>
                <Field id="admin-email" label=at(|m| m.email_label) kind="email" node=email invalid=invalid.of("admin-email")/>
                <Field id="admin-name" label=at(|m| m.col_name) node=name invalid=invalid.of("admin-name")/>
                <div class="field">
                    <label class="field__label" for="admin-role">{at(|m| m.role_label)}</label>
                    <select class="field__input" id="admin-role" on:change=move |ev| {
                        if let Some(r) = AdminRole::parse(&event_target_value(&ev)) { role.set(r); }
                    }>
                        {AdminRole::ALL.into_iter().map(|r| view! {
                            <option value=r.as_str() selected=r == AdminRole::Reader>{at(role_text(r))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Submit inline=true label=at(|m| m.admin_add) busy=save.pending()/>
                </Guarded>
            </form>
        </section>
        <Loaded resource=list children=|found: AdminList| view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.nav_admins)>
                    <table class="table">
                        <caption class="visually-hidden">{at(|m| m.nav_admins)}</caption>
                        <thead><tr>
                            <th scope="col">{at(|m| m.col_name)}</th>
                            <th scope="col">{at(|m| m.col_email)}</th>
                            <th scope="col">{at(|m| m.role_label)}</th>
                            <th scope="col">{at(|m| m.col_status)}</th>
                        </tr></thead>
                        <tbody>
                            {found.admins.into_iter().map(|entry| view! {
                                <tr>
                                    <td>{entry.admin.display_name.clone()}</td>
                                    <td>{entry.admin.email.clone()}</td>
                                    <td>{at(role_text(entry.admin.role))}</td>
                                    <td>{if entry.set_up { at(|m| m.admin_set_up)() } else { at(|m| m.admin_pending)() }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
        }/>
    }
}
