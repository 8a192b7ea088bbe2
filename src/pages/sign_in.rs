//! `/sign-in` and `/sign-in/password`: identifier first (SPEC C2). The email page asks only for
//! the address and **Next**; the password page shows it, asks for the password, and offers
//! **Forgot password?** and **Can’t access your account?** when the user flow has SSPR on. (An Email OTP user flow shows the
//! passcode sign-in instead: see `app.rs`.) Wrong password, unknown and locked accounts get one message.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::form::{focus, raw_value_of, value_of, Field, PasswordField, Submit};
use crate::i18n::tr;
use crate::memory::{go, use_memory};
use crate::router::{use_router, Route};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::{Email, SignIn};

/// The email page.
#[component]
pub fn SignInEmail() -> impl IntoView {
    let router = use_router();
    let memory = use_memory();
    let email = NodeRef::new();
    let problem = RwSignal::new(None::<Problem>);
    let notice = memory.notice.get_untracked();
    memory.notice.set(None);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = value_of(email);
        if Email::parse(&typed).is_err() {
            problem.set(Some(Problem::Local(|m| m.email_invalid)));
            focus(email);
            return;
        }
        memory.email.set(typed);
        router.navigate(&Route::SignInPassword.path());
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.sign_in_title)}</h1>
            {notice.map(|n| view! { <p class="notice" role="status">{tr(n)}</p> })}
            <p>{tr(|m| m.sign_in_intro)}</p>
            <form on:submit=submit novalidate>
                <Alert problem/>
                <Field
                    id="email"
                    label=tr(|m| m.email_label)
                    kind="email"
                    autocomplete="username"
                    node=email
                    value=memory.email.get_untracked()
                    invalid=Signal::derive(move || problem.with(Option::is_some))
                />
                <Submit label=tr(|m| m.next) busy=Signal::stored(false)/>
            </form>
            <p class="links">
                {tr(|m| m.no_account)} " " <a href="/sign-up">{tr(|m| m.sign_up)}</a>
            </p>
            <p class="links"><a href="/passwordless">{tr(|m| m.use_code_instead)}</a></p>
        </section>
    }
}

/// The password page.
#[component]
pub fn SignInPassword() -> impl IntoView {
    let router = use_router();
    let memory = use_memory();
    let email = memory.email.get_untracked();
    let Ok(parsed) = Email::parse(&email) else {
        router.navigate(&Route::SignIn.path());
        return ().into_any();
    };
    let password = NodeRef::new();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let parsed = StoredValue::new(parsed);
    // Hidden, not left out: one reactive attribute is far less wasm than a reactive view.
    let no_reset = Signal::derive(move || !memory.sspr_enabled());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let typed = raw_value_of(password);
        if typed.is_empty() {
            problem.set(Some(Problem::Local(|m| m.password_required)));
            focus(password);
            return;
        }
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let body = SignIn {
                email: parsed.get_value(),
                password: typed,
                return_to: memory.return_to.get_value(),
                client_id: memory.client_id.get_value(),
            };
            match api::sign_in(&body).await {
                Ok(me) => go(router, me.return_to),
                Err(error) => {
                    problem.set(Some(error.into()));
                    busy.set(false);
                    if let Some(input) = password.get_untracked() {
                        input.set_value("");
                    }
                    focus(password);
                }
            }
        });
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.password_title)}</h1>
            <p class="identity">
                <span>{email}</span> " " <a href="/sign-in">{tr(|m| m.change)}</a>
            </p>
            <form on:submit=submit novalidate>
                <Alert problem/>
                <input type="email" name="username" autocomplete="username" value=memory.email.get_untracked() hidden/>
                <PasswordField
                    id="password"
                    label=tr(|m| m.password_label)
                    autocomplete="current-password"
                    node=password
                    invalid=Signal::derive(move || problem.with(Option::is_some))
                />
                <p class="links" hidden=no_reset><a href="/reset">{tr(|m| m.forgot_password)}</a></p>
                <Submit label=tr(|m| m.sign_in) busy/>
            </form>
            <p class="links" hidden=no_reset><a href="/unlock">{tr(|m| m.cant_access)}</a></p>
        </section>
    }
    .into_any()
}
