//! `/admin/users/{id}`: one user — status, type, registered methods, groups, last sign-in,
//! sessions — and what an administrator can do: **Unlock**, **Revoke sessions**,
//! **Disable**/**Enable**, **Require re-registration**, **Reset password** (mails the user a
//! code; the administrator never sees or sets the password). Each is
//! `POST /api/admin/users/{id}/<action>` and is confirmed on the page.

use crate::api;
use crate::i18n::{at, AText};
use crate::pages::labels::{redemption_text, status_text, type_text};
use crate::ui::{when, Alert, Guarded, Loading, Notice, Problem};
use leptos::prelude::*;
use sspr_api::{Permission, UserDetail, UserStatus};

/// An action on a user: its path segment, its button, and what the page says once done.
#[derive(Debug, Clone, Copy)]
struct Action {
    segment: &'static str,
    label: AText,
    done: AText,
}

const UNLOCK: Action = Action {
    segment: "unlock",
    label: |m| m.action_unlock,
    done: |m| m.done_unlock,
};
const REVOKE: Action = Action {
    segment: "revoke-sessions",
    label: |m| m.action_revoke,
    done: |m| m.done_revoke,
};
const DISABLE: Action = Action {
    segment: "disable",
    label: |m| m.action_disable,
    done: |m| m.done_disable,
};
const ENABLE: Action = Action {
    segment: "enable",
    label: |m| m.action_enable,
    done: |m| m.done_enable,
};
const REREGISTER: Action = Action {
    segment: "require-reregistration",
    label: |m| m.action_reregister,
    done: |m| m.done_reregister,
};
const RESET: Action = Action {
    segment: "reset-password",
    label: |m| m.action_reset,
    done: |m| m.done_reset,
};

#[component]
pub fn User(id: String) -> impl IntoView {
    let user = RwSignal::new(None::<UserDetail>);
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let busy = RwSignal::new(false);
    let id = StoredValue::new(id);
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::get::<UserDetail>(&["/api/admin/users/", &id.get_value()].concat()).await {
                Ok(found) => user.set(Some(found)),
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    load();
    let act = move |action: Action| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        notice.set(None);
        leptos::task::spawn_local(async move {
            let path = ["/api/admin/users/", &id.get_value(), "/", action.segment].concat();
            match sspr_web::api::call::<()>("POST", &path, Some("{}")).await {
                Ok(()) => {
                    notice.set(Some(action.done));
                    load();
                }
                Err(error) => problem.set(Some(error.into())),
            }
            busy.set(false);
        });
    };
    let button = move |action: Action| {
        view! {
            <button type="button" class="button button--secondary" disabled=move || busy.get()
                on:click=move |_| act(action)>{at(action.label)}</button>
        }
    };
    view! {
        <p><a href="/admin/users">{at(|m| m.back_to_users)}</a></p>
        // One heading for the whole life of the page (focus lands on it at once), named for the
        // user when they are loaded.
        <h1 tabindex="-1">
            {move || user.with(|u| match u {
                Some(u) => u.display_name.clone(),
                None => at(|m| m.user_title)().to_owned(),
            })}
        </h1>
        <Alert problem/>
        <Notice notice/>
        {move || match user.get() {
            None => problem.with(Option::is_none).then(|| view! { <Loading/> }).into_any(),
            Some(u) => {
                let toggle = if u.status == UserStatus::Disabled { ENABLE } else { DISABLE };
                let locked = u.status == UserStatus::Locked;
                let dash = |text: String| if text.is_empty() { "—".to_owned() } else { text };
                let methods = dash(u.methods.join(", "));
                let groups = dash(u.groups.iter().map(|g| g.display_name.clone()).collect::<Vec<_>>().join(", "));
                view! {
                    <dl class="facts">
                        <dt>{at(|m| m.col_email)}</dt><dd>{u.email.clone()}</dd>
                        <dt>{at(|m| m.col_type)}</dt><dd>{at(type_text(u.user_type))}</dd>
                        <dt>{at(|m| m.col_status)}</dt>
                        <dd>
                            {at(status_text(u.status))}
                            {u.locked_until_ms.filter(|_| locked).map(|t| view! { " (" {at(|m| m.until)} " " {when(t)} ")" })}
                        </dd>
                        {u.redemption.map(|r| view! { <dt>{at(|m| m.col_redemption)}</dt><dd>{at(redemption_text(r))}</dd> })}
                        <dt>{at(|m| m.col_methods)}</dt><dd>{methods}</dd>
                        <dt>{at(|m| m.nav_groups)}</dt><dd>{groups}</dd>
                        <dt>{at(|m| m.col_created)}</dt><dd>{when(u.created_at_ms)}</dd>
                        <dt>{at(|m| m.col_last_sign_in)}</dt><dd>{u.last_sign_in_ms.map_or_else(|| "—".to_owned(), when)}</dd>
                        <dt>{at(|m| m.col_password_changed)}</dt><dd>{u.password_changed_ms.map_or_else(|| "—".to_owned(), when)}</dd>
                        {u.reregistration_required_ms.map(|t| view! { <dt>{at(|m| m.col_reregistration)}</dt><dd>{when(t)}</dd> })}
                    </dl>
                    <h2>{at(|m| m.actions_title)}</h2>
                    <Guarded permission=Permission::ManageUsers>
                    <div class="button-row">
                        {locked.then(|| button(UNLOCK))}
                        {button(REVOKE)}
                        {button(toggle)}
                        {button(REREGISTER)}
                        {button(RESET)}
                    </div>
                    </Guarded>
                    <h2>{at(|m| m.sessions_title)}</h2>
                    {if u.sessions.is_empty() {
                        view! { <p>{at(|m| m.sessions_none)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.sessions_title)><table class="table">
                                <thead><tr>
                                    <th scope="col">{at(|m| m.col_started)}</th>
                                    <th scope="col">{at(|m| m.col_last_seen)}</th>
                                    <th scope="col">{at(|m| m.col_device)}</th>
                                    <th scope="col">{at(|m| m.col_ip)}</th>
                                </tr></thead>
                                <tbody>
                                    {u.sessions.into_iter().map(|s| view! {
                                        <tr><td>{when(s.created_at_ms)}</td><td>{when(s.last_seen_at_ms)}</td>
                                        <td>{s.user_agent}</td><td>{s.client_ip}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any()
                    }}
                }.into_any()
            }
        }}
    }
}
