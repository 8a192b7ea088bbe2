//! `/admin/external-identities`: the guest side of the directory (seed 001) — the **Email
//! one-time passcode for guests** Yes/No switch (the Email method's
//! `allowExternalIdToUseEmailOtp`), inviting a guest by email with a redirect URL, the
//! invitations with **Resend**, and **Reset redemption** for a guest who must accept again.

use crate::api;
use crate::i18n::{at, AText};
use crate::ui::{when, Alert, Guarded, Invalid, Loaded, Notice, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::graph::{
    ExternalEmailOtpState, MethodConfiguration, MethodConfigurationPatch, MethodId,
};
use sspr_api::{CreateInvitation, Email, InvitationList, Permission, RedemptionStatus};
use sspr_web::components::form::{value_of, Field, Submit};

#[component]
pub fn External() -> impl IntoView {
    view! {
        <h1 tabindex="-1">{at(|m| m.nav_external)}</h1>
        <p>{at(|m| m.external_intro)}</p>
        <GuestPasscodes/>
        <Invitations/>
    }
}

/// The Yes/No switch for guests' email passcodes.
#[component]
fn GuestPasscodes() -> impl IntoView {
    let config = LocalResource::new(|| api::method(MethodId::Email.as_str().to_owned()));
    view! {
        <section class="panel" aria-labelledby="guest-otp-title">
            <h2 id="guest-otp-title">{at(|m| m.guest_otp_title)}</h2>
            <Loaded resource=config children=|config: MethodConfiguration| {
                let allowed = config
                    .allow_external_id_to_use_email_otp
                    .is_none_or(ExternalEmailOtpState::allows_guests);
                view! { <GuestPasscodesForm allowed/> }
            }/>
        </section>
    }
}

#[component]
fn GuestPasscodesForm(allowed: bool) -> impl IntoView {
    let allowed = RwSignal::new(allowed);
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let save = Action::new_local(move |on: &bool| {
        let patch = MethodConfigurationPatch {
            odata_type: Some(MethodId::Email.odata_type()),
            allow_external_id_to_use_email_otp: Some(if *on {
                ExternalEmailOtpState::Enabled
            } else {
                ExternalEmailOtpState::Disabled
            }),
            ..Default::default()
        };
        async move {
            match api::patch_method(MethodId::Email.as_str().to_owned(), patch).await {
                Ok(()) => notice.set(Some(|m| m.saved)),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        notice.set(None);
        save.dispatch(allowed.get_untracked());
    };
    let radio = move |id: &'static str, value: bool, label: AText| {
        view! {
            <div class="choice">
                <input type="radio" id=id name="guest-otp" prop:checked=move || allowed.get() == value
                    on:change=move |_| allowed.set(value)/>
                <label for=id>{at(label)}</label>
            </div>
        }
    };
    view! {
        <form on:submit=submit>
            <Alert problem/>
            <Notice notice/>
            <Guarded permission=Permission::ManageAuthenticationPolicy>
                <fieldset>
                    <legend>{at(|m| m.guest_otp_question)}</legend>
                    {radio("guest-otp-yes", true, |m| m.yes)}
                    {radio("guest-otp-no", false, |m| m.no)}
                </fieldset>
                <Submit inline=true label=at(|m| m.save) busy=save.pending()/>
            </Guarded>
        </form>
    }
}

/// What an administrator does to an invitation from the list.
#[derive(Debug, Clone)]
enum Change {
    Invite(CreateInvitation),
    Resend(String),
    ResetRedemption(String),
}

/// Invite a guest; the invitations with **Resend** and **Reset redemption**.
#[component]
fn Invitations() -> impl IntoView {
    let list = LocalResource::new(api::invitations);
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let link = RwSignal::new(None::<String>);
    let invalid = Invalid::new(problem, notice);
    let email = NodeRef::new();
    let name = NodeRef::new();
    let redirect = NodeRef::new();
    let send_mail = RwSignal::new(true);
    let change = Action::new_local(move |change: &Change| {
        let change = change.clone();
        async move {
            let (result, text): (_, AText) = match change {
                Change::Invite(body) => (api::invite(body).await, |m| m.done_invited),
                Change::Resend(id) => (api::resend_invitation(id).await, |m| m.done_resent),
                Change::ResetRedemption(user) => (api::reset_redemption(user).await, |m| {
                    m.done_redemption_reset
                }),
            };
            match result {
                Ok(view) => {
                    notice.set(Some(text));
                    link.set(view.invite_redeem_url);
                    list.refetch();
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let run = move |c: Change| {
        problem.set(None);
        notice.set(None);
        link.set(None);
        change.dispatch(c);
    };
    let busy = change.pending();
    let invite = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Ok(address) = Email::parse(&value_of(email)) else {
            invalid.flag("invite-email", Problem::Local(|m| m.err_email), email);
            return;
        };
        let display_name = Some(value_of(name)).filter(|n| !n.is_empty());
        run(Change::Invite(CreateInvitation {
            email: address,
            display_name,
            redirect_url: value_of(redirect),
            send_message: send_mail.get_untracked(),
        }));
    };
    view! {
        <section class="panel" aria-labelledby="invite-title">
            <h2 id="invite-title">{at(|m| m.invite_title)}</h2>
            <Alert problem/>
            <Notice notice/>
            {move || link.get().map(|url| view! {
                <p>{at(|m| m.invite_link)} " " <code class="secret">{url}</code></p>
            })}
            <form on:submit=invite novalidate>
                <Guarded permission=Permission::ManageUsers>
                <Field id="invite-email" label=at(|m| m.email_label) kind="email" node=email invalid=invalid.of("invite-email")/>
                <Field id="invite-name" label=at(|m| m.invite_name) node=name required=false/>
                <Field id="invite-redirect" label=at(|m| m.invite_redirect) node=redirect value="/account" hint=at(|m| m.invite_redirect_hint)/>
                <div class="choice">
                    <input type="checkbox" id="invite-send" prop:checked=move || send_mail.get()
                        on:change=move |ev| send_mail.set(event_target_checked(&ev))/>
                    <label for="invite-send">{at(|m| m.invite_send)}</label>
                </div>
                <Submit inline=true label=at(|m| m.invite_submit) busy/>
                </Guarded>
            </form>
        </section>
        <h2>{at(|m| m.invitations_title)}</h2>
        <Loaded resource=list children=move |found: InvitationList| {
            if found.invitations.is_empty() {
                return view! { <p>{at(|m| m.invitations_none)}</p> }.into_any();
            }
            view! {
                <Guarded permission=Permission::ManageUsers quiet=true>
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.invitations_title)>
                    <table class="table">
                        <caption class="visually-hidden">{at(|m| m.invitations_title)}</caption>
                        <thead><tr>
                            <th scope="col">{at(|m| m.col_email)}</th>
                            <th scope="col">{at(|m| m.col_name)}</th>
                            <th scope="col">{at(|m| m.col_redemption)}</th>
                            <th scope="col">{at(|m| m.col_created)}</th>
                            <th scope="col">{at(|m| m.actions_title)}</th>
                        </tr></thead>
                        <tbody>
                            {found.invitations.into_iter().map(|i| {
                                let pending = i.status == RedemptionStatus::PendingAcceptance;
                                let (id, user) = (i.id.clone(), i.user_id.clone());
                                let resend_label = [at(|m| m.invite_resend)(), " ", &i.email].concat();
                                let reset_label = [at(|m| m.reset_redemption)(), " ", &i.email].concat();
                                view! {
                                    <tr>
                                        <td>{i.email.clone()}</td>
                                        <td>{i.display_name.clone()}</td>
                                        <td>{if pending { at(|m| m.redemption_pending)() } else { at(|m| m.redemption_redeemed)() }}</td>
                                        <td>{when(i.created_at_ms)}</td>
                                        <td class="cell--actions">
                                            {pending.then(|| view! {
                                                <button type="button" class="button button--quiet" aria-label=resend_label
                                                    disabled=move || busy.get()
                                                    on:click=move |_| run(Change::Resend(id.clone()))>{at(|m| m.invite_resend)}</button>
                                            })}
                                            {(!pending).then(|| view! {
                                                <button type="button" class="button button--quiet" aria-label=reset_label
                                                    disabled=move || busy.get()
                                                    on:click=move |_| run(Change::ResetRedemption(user.clone()))>{at(|m| m.reset_redemption)}</button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                </Guarded>
            }.into_any()
        }/>
    }
}
