//! `/account/password`: the signed-in user changes their password. The current one first, then
//! the new one and its confirmation, under the rules of sign-up and reset (SPEC §6), checked as
//! they type. Once changed, every other session is signed out and a notice is mailed (the
//! server's part); the page says so in its status line and leads back to the account. Nobody
//! signed in (or no longer): to the sign-in page; a sign-in that still owes the registration
//! interrupt: to it, as the account page does. An account without a password (it signs in with
//! emailed codes) is told it has none to change.

use crate::api::{self, ApiError};
use crate::components::alert::{Alert, LoadFailed, Problem};
use crate::components::form::{focus, raw_value_of, PasswordField, Submit};
use crate::components::password_policy::{
    server_says_common, violations, NewPasswordFields, PolicyChecklist,
};
use crate::i18n::tr;
use crate::pages::account::{leave_unless_signed_in, loading};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use sspr_api::{ChangePassword, ErrorCode};

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let me = LocalResource::new(api::me);
    // Signed out meanwhile: the same way out as a page opened signed out.
    let signed_out = RwSignal::new(false);
    leave_unless_signed_in(me, signed_out.into());
    let done = RwSignal::new(false);
    // The form goes once the password is changed: focus to the heading, not lost to the body.
    let heading = NodeRef::<leptos::html::H1>::new();
    Effect::new(move || {
        if done.get() {
            if let Some(heading) = heading.get_untracked() {
                let _ = heading.focus();
            }
        }
    });
    let retry = Callback::new(move |()| me.refetch());
    let form = move || {
        Suspend::new(async move {
            let me = me.await?;
            let has_password = me.user.methods.iter().any(|m| m == "password");
            Ok::<_, ApiError>(if has_password {
                view! { <ChangeForm email=me.user.email done signed_out/> }.into_any()
            } else {
                view! { <p>{tr(|m| m.no_password_to_change)}</p> }.into_any()
            })
        })
    };
    view! {
        <section class="card">
            <h1 tabindex="-1" node_ref=heading>{tr(|m| m.change_password_title)}</h1>
            // One status line, there from the start, so that the change is announced.
            <p class="notice" role="status">
                {move || done.get().then(|| tr(|m| m.password_changed_done)())}
            </p>
            <Show when=move || !done.get()>
                <Transition fallback=loading>
                    <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors retry/> }>
                        {form}
                    </ErrorBoundary>
                </Transition>
            </Show>
            <p class="links"><A href="/account" exact=true>{tr(|m| m.back_to_account)}</A></p>
        </section>
    }
}

/// The form for the account `email` (named beside the new password for password managers);
/// sets `done` once the password is changed, `signed_out` when the session has gone.
#[component]
fn ChangeForm(email: String, done: RwSignal<bool>, signed_out: RwSignal<bool>) -> impl IntoView {
    let (current, new, confirm) = (NodeRef::new(), NodeRef::new(), NodeRef::new());
    let problem = RwSignal::new(None::<Problem>);
    // The field in error (its id), marked `aria-invalid`.
    let wrong = RwSignal::new(None::<&'static str>);
    let (typed, again) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let broken = violations(typed, Signal::stored(email.clone()));
    let common = server_says_common(problem);
    let change = Action::new_local(move |body: &ChangePassword| {
        let body = body.clone();
        async move {
            let error = match api::change_password(body).await {
                Ok(()) => return done.set(true),
                Err(error) => Problem::from(error),
            };
            let (text, field) = match (error.code(), &error) {
                (Some(ErrorCode::InvalidCredentials), _) => (
                    Some(Problem::Local(|m| m.current_password_wrong)),
                    Some(("current-password", current)),
                ),
                (Some(ErrorCode::PasswordPolicy | ErrorCode::ValidationFailed), _) => {
                    (Some(error), Some(("new-password", new)))
                }
                (_, Problem::Api(api)) if api.status() == Some(401) => {
                    signed_out.set(true);
                    (None, None)
                }
                _ => (Some(error), None),
            };
            problem.set(text);
            wrong.set(field.map(|(id, _)| id));
            if let Some((_, node)) = field {
                focus(node);
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (old, password, password_confirm) = (
            raw_value_of(current),
            raw_value_of(new),
            raw_value_of(confirm),
        );
        let refuse = |text, field, node| {
            problem.set(Some(Problem::Local(text)));
            wrong.set(Some(field));
            focus(node);
        };
        if old.is_empty() {
            return refuse(|m| m.password_required, "current-password", current);
        }
        if !broken.with_untracked(Vec::is_empty) {
            return refuse(|m| m.err_password_policy, "new-password", new);
        }
        if password != password_confirm {
            return refuse(|m| m.err_mismatch, "confirm-password", confirm);
        }
        problem.set(None);
        wrong.set(None);
        change.dispatch(ChangePassword {
            current_password: old,
            new_password: password,
        });
    };
    let invalid = move |field: &'static str| Signal::derive(move || wrong.get() == Some(field));
    view! {
        <form on:submit=submit novalidate>
            <Alert problem/>
            <PasswordField
                id="current-password"
                label=tr(|m| m.current_password_label)
                autocomplete="current-password"
                node=current
                invalid=invalid("current-password")
            />
            <NewPasswordFields
                email
                new
                confirm
                typed
                again
                new_invalid=invalid("new-password")
                confirm_invalid=invalid("confirm-password")
            />
            <PolicyChecklist typed again broken common/>
            <Submit label=tr(|m| m.change_password_link) busy=change.pending()/>
        </form>
    }
}
