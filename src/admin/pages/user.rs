//! `/admin/users/{id}`: one user — status, type, registered methods, groups, last sign-in,
//! sessions — and what an administrator can do: **Unlock**, **Revoke sessions**,
//! **Disable**/**Enable**, **Require re-registration**, **Reset password** (mails the user a
//! code; the administrator never sees or sets the password). Each is
//! `POST /api/admin/users/{id}/<action>` and is confirmed on the page. The methods the user
//! registered on their security info page are listed with **Delete** (the user is mailed).

use crate::api::{self, UserAction};
use crate::i18n::{at, AText};
use crate::pages::labels::{redemption_text, status_text, type_text};
use crate::ui::{when, Alert, Guarded, Loaded, Notice, Problem};
use leptos::prelude::*;
use leptos_router::components::A;
use sspr_api::{MethodKind, Permission, UserDetail, UserStatus};

/// An action's button, and what the page says once it is done.
fn texts(action: UserAction) -> (AText, AText) {
    match action {
        UserAction::Unlock => (|m| m.action_unlock, |m| m.done_unlock),
        UserAction::RevokeSessions => (|m| m.action_revoke, |m| m.done_revoke),
        UserAction::Disable => (|m| m.action_disable, |m| m.done_disable),
        UserAction::Enable => (|m| m.action_enable, |m| m.done_enable),
        UserAction::RequireReregistration => (|m| m.action_reregister, |m| m.done_reregister),
        UserAction::ResetPassword => (|m| m.action_reset, |m| m.done_reset),
    }
}

/// The name of a kind of method.
fn kind_text(kind: MethodKind) -> AText {
    match kind {
        MethodKind::Email => |m| m.kind_email,
        MethodKind::AuthenticatorApp => |m| m.kind_app,
        MethodKind::AlternateEmail => |m| m.kind_alternate_email,
        MethodKind::SecurityQuestions => |m| m.kind_questions,
        MethodKind::MobilePhone => |m| m.kind_mobile_phone,
        MethodKind::MicrosoftAuthenticator => |m| m.kind_push,
        MethodKind::AlternatePhone => |m| m.kind_alternate_phone,
        MethodKind::OfficePhone => |m| m.kind_office_phone,
    }
}

#[component]
pub fn User(id: String) -> impl IntoView {
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let id = StoredValue::new(id);
    let user = LocalResource::new(move || api::user(id.get_value()));
    let act = Action::new_local(move |action: &UserAction| {
        let action = *action;
        async move {
            match api::user_action(id.get_value(), action).await {
                Ok(()) => {
                    notice.set(Some(texts(action).1));
                    user.refetch();
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let remove = Action::new_local(move |method_id: &String| {
        let method_id = method_id.clone();
        async move {
            match api::delete_user_method(id.get_value(), method_id).await {
                Ok(()) => {
                    notice.set(Some(|m| m.done_method_deleted));
                    user.refetch();
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let acting = act.pending();
    let removing = remove.pending();
    let button = move |action: UserAction| {
        view! {
            <button type="button" class="button button--secondary" disabled=acting
                on:click=move |_| {
                    problem.set(None);
                    notice.set(None);
                    act.dispatch(action);
                }>{at(texts(action).0)}</button>
        }
    };
    let name = move || {
        user.get()
            .and_then(Result::ok)
            .map_or_else(|| at(|m| m.user_title)().to_owned(), |u| u.display_name)
    };
    view! {
        <p><A href="/admin/users" exact=true>{at(|m| m.back_to_users)}</A></p>
        // One heading for the whole life of the page (focus lands on it at once), named for the
        // user when they are loaded.
        <h1 tabindex="-1">{name}</h1>
        <Alert problem/>
        <Notice notice/>
        <Loaded resource=user children=move |u: UserDetail| {
                let toggle = if u.status == UserStatus::Disabled { UserAction::Enable } else { UserAction::Disable };
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
                        {locked.then(|| button(UserAction::Unlock))}
                        {button(UserAction::RevokeSessions)}
                        {button(toggle)}
                        {button(UserAction::RequireReregistration)}
                        {button(UserAction::ResetPassword)}
                    </div>
                    </Guarded>
                    <h2>{at(|m| m.user_methods_title)}</h2>
                    {if u.registered_methods.is_empty() {
                        view! { <p>{at(|m| m.user_methods_none)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.user_methods_title)><table class="table">
                                <caption class="visually-hidden">{at(|m| m.user_methods_title)}</caption>
                                <thead><tr>
                                    <th scope="col">{at(|m| m.col_method)}</th>
                                    <th scope="col">{at(|m| m.col_detail)}</th>
                                    <th scope="col">{at(|m| m.col_added)}</th>
                                    <th scope="col">{at(|m| m.col_last_used)}</th>
                                    <th scope="col"><span class="visually-hidden">{at(|m| m.actions_title)}</span></th>
                                </tr></thead>
                                <tbody>
                                    {u.registered_methods.into_iter().map(|r| {
                                        let method_id = r.id.clone();
                                        // Which method each Delete removes, for a screen reader's list of buttons.
                                        let (kind, detail) = (kind_text(r.kind), r.kind.has_address().then(|| r.detail.clone()));
                                        let label = move || {
                                            let mut label = [at(|m| m.method_delete)(), " ", at(kind)()].concat();
                                            if let Some(detail) = &detail {
                                                label.push(' ');
                                                label.push_str(detail);
                                            }
                                            label
                                        };
                                        view! {
                                            <tr><td>{at(kind_text(r.kind))}</td><td>{r.kind.has_address().then_some(r.detail)}</td>
                                            <td>{r.added_at_ms.map_or_else(|| "—".to_owned(), when)}</td>
                                            <td>{r.last_used_at_ms.map_or_else(|| "—".to_owned(), when)}</td>
                                            <td><Guarded permission=Permission::ManageUsers>
                                                <button type="button" class="button button--secondary" disabled=removing aria-label=label
                                                    on:click=move |_| {
                                                        problem.set(None);
                                                        notice.set(None);
                                                        remove.dispatch(method_id.clone());
                                                    }>{at(|m| m.method_delete)}</button>
                                            </Guarded></td></tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any()
                    }}
                    <h2>{at(|m| m.sessions_title)}</h2>
                    {if u.sessions.is_empty() {
                        view! { <p>{at(|m| m.sessions_none)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.sessions_title)><table class="table">
                                <caption class="visually-hidden">{at(|m| m.sessions_title)}</caption>
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
                }
        }/>
    }
}
