//! `/account/password`: the signed-in user changes their password. The current one first, then
//! the new one and its confirmation, under the rules of sign-up and reset (SPEC §6), checked as
//! they type. Once changed, every other session is signed out and a notice is mailed (the
//! server's part); the page says so and leads back to the account. Nobody signed in: to the
//! sign-in page.

use crate::api::{self, ApiError};
use crate::components::alert::{Alert, LoadFailed, Problem};
use crate::components::form::{focus, raw_value_of, PasswordField, Submit};
use crate::components::password_policy::{
    server_says_common, violations, NewPasswordFields, PolicyChecklist,
};
use crate::i18n::tr;
use crate::pages::account::loading;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use sspr_api::{ChangePassword, ErrorCode};

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let navigate = use_navigate();
    let me = LocalResource::new(api::me);
    Effect::new(move || {
        if let Some(Err(error)) = me.get() {
            if error.status() == Some(401) {
                let replace = NavigateOptions {
                    replace: true,
                    ..Default::default()
                };
                navigate("/sign-in", replace);
            }
        }
    });
    let retry = Callback::new(move |()| me.refetch());
    let form = move || {
        Suspend::new(async move {
            let me = me.await?;
            Ok::<_, ApiError>(view! { <ChangeForm email=me.user.email/> })
        })
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.change_password_title)}</h1>
            <Transition fallback=loading>
                <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors retry/> }>
                    {form}
                </ErrorBoundary>
            </Transition>
            <p class="links"><A href="/account" exact=true>{tr(|m| m.back_to_account)}</A></p>
        </section>
    }
}

/// The form for the account `email` (named beside the new password for password managers).
#[component]
fn ChangeForm(email: String) -> impl IntoView {
    let (current, new, confirm) = (NodeRef::new(), NodeRef::new(), NodeRef::new());
    let problem = RwSignal::new(None::<Problem>);
    // The field in error (its id), marked `aria-invalid`.
    let wrong = RwSignal::new(None::<&'static str>);
    let (typed, again) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let broken = violations(typed, Signal::stored(email.clone()));
    let common = server_says_common(problem);
    let done = RwSignal::new(false);
    let change = Action::new_local(move |body: &ChangePassword| {
        let body = body.clone();
        async move {
            match api::change_password(body).await {
                Ok(()) => done.set(true),
                Err(error) => {
                    let problem_now = Problem::from(error);
                    if problem_now.code() == Some(ErrorCode::InvalidCredentials) {
                        problem.set(Some(Problem::Local(|m| m.current_password_wrong)));
                        wrong.set(Some("current-password"));
                        focus(current);
                    } else {
                        problem.set(Some(problem_now));
                        wrong.set(Some("new-password"));
                        focus(new);
                    }
                }
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
    move || {
        if done.get() {
            return view! { <p class="notice" role="status">{tr(|m| m.password_changed_done)}</p> }
                .into_any();
        }
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
                    email=email.clone()
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
        .into_any()
    }
}
