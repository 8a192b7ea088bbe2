//! `/sign-in` and `/sign-in/password`: identifier first (SPEC C2). The email page asks only for
//! the address and **Next**; the password page shows it, asks for the password, and offers
//! **Forgot password?** and **Can’t access your account?** when the user flow has SSPR on.
//! Wrong password, unknown and locked accounts get one message.
//!
//! The company branding's sign-in page text shows under the box, its username hint inside the
//! email field, and its own "Forgot password?" text replaces ours.
//!
//! **Forgot password?** starts the reset at once with the address already given and lands on
//! the code page, as seed 000 shows it: the passcode goes to the email typed on the first page.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::branding::{use_branding, SignInPageText};
use crate::components::form::{focus, raw_value_of, value_of, Field, PasswordField, Submit};
use crate::i18n::tr;
use crate::memory::{go, use_memory};
use crate::pages::flow::start::Start;
use crate::pages::flow::steps::{path, Step};
use leptos::ev::{MouseEvent, SubmitEvent};
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use sspr_api::{Email, FlowPurpose, SignIn as SignInBody, StartFlow};

/// `/sign-in`: the email page, or for an application whose user flow has no password the
/// passcode sign-in (SPEC C4).
#[component]
pub fn SignIn() -> impl IntoView {
    let memory = use_memory();
    move || {
        if memory.passcode_only() {
            view! { <Start purpose=FlowPurpose::Passwordless/> }.into_any()
        } else {
            view! { <SignInEmail/> }.into_any()
        }
    }
}

/// The email page.
#[component]
fn SignInEmail() -> impl IntoView {
    let branding = use_branding();
    let navigate = use_navigate();
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
        navigate("/sign-in/password", NavigateOptions::default());
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
                    placeholder=Signal::derive(move || branding.text(|t| &t.username_hint_text))
                />
                <Submit label=tr(|m| m.next) busy=Signal::stored(false)/>
            </form>
            <p class="links">
                {tr(|m| m.no_account)} " " <A href="/sign-up" exact=true>{tr(|m| m.sign_up)}</A>
            </p>
            <p class="links"><A href="/passwordless" exact=true>{tr(|m| m.use_code_instead)}</A></p>
        </section>
        <SignInPageText/>
    }
}

/// `/sign-in/password`: the password page, for the address given on the email page (without
/// one, back to it).
#[component]
pub fn SignInPassword() -> impl IntoView {
    let navigate = use_navigate();
    let memory = use_memory();
    let email = memory.email.get_untracked();
    let Ok(parsed) = Email::parse(&email) else {
        return view! { <Redirect path="/sign-in"/> }.into_any();
    };
    let password = NodeRef::<leptos::html::Input>::new();
    let problem = RwSignal::new(None::<Problem>);
    // Hidden, not left out: one reactive attribute is far less wasm than a reactive view.
    let no_reset = Signal::derive(move || !memory.sspr_enabled());
    let sign_in = Action::new_local({
        let navigate = navigate.clone();
        move |body: &SignInBody| {
            let (body, navigate) = (body.clone(), navigate.clone());
            async move {
                match api::sign_in(body).await {
                    // The sign-in stops for security info first (the way on is kept).
                    Ok(me) if me.registration.is_some() => {
                        memory.return_to.set_value(me.return_to);
                        navigate("/more-info", NavigateOptions::default());
                    }
                    Ok(me) => go(&navigate, me.return_to),
                    Err(error) => {
                        problem.set(Some(error.into()));
                        if let Some(input) = password.get_untracked() {
                            input.set_value("");
                        }
                        focus(password);
                    }
                }
            }
        }
    });
    let reset = Action::new_local(move |body: &StartFlow| {
        let (body, navigate) = (body.clone(), navigate.clone());
        async move {
            match api::start_flow(body).await {
                Ok(flow) => navigate(
                    &path(FlowPurpose::PasswordReset, Step::Code, &flow.flow_id),
                    Default::default(),
                ),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let parsed = StoredValue::new(parsed);
    let resetting = reset.pending();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = raw_value_of(password);
        if typed.is_empty() {
            problem.set(Some(Problem::Local(|m| m.password_required)));
            focus(password);
            return;
        }
        problem.set(None);
        sign_in.dispatch(SignInBody {
            email: parsed.get_value(),
            password: typed,
            return_to: memory.return_to.get_value(),
            client_id: memory.client_id.get_value(),
        });
    };
    let forgot = move |ev: MouseEvent| {
        // Without the SPA the link still leads to `/reset`, which asks for the address.
        ev.prevent_default();
        if resetting.get_untracked() {
            return;
        }
        problem.set(None);
        reset.dispatch(StartFlow {
            purpose: FlowPurpose::PasswordReset,
            email: Some(parsed.get_value()),
            invitation: None,
            return_to: memory.return_to.get_value(),
            client_id: memory.client_id.get_value(),
        });
    };
    let busy_link = move || if resetting.get() { "true" } else { "false" };
    let branding = use_branding();
    let default_forgot = tr(|m| m.forgot_password);
    let forgot_text = move || {
        branding
            .text(|t| &t.custom_forgot_my_password_text)
            .unwrap_or_else(|| default_forgot().to_owned())
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.password_title)}</h1>
            <p class="identity">
                <span>{email}</span> " " <A href="/sign-in" exact=true>{tr(|m| m.change)}</A>
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
                <p class="links" hidden=no_reset>
                    <a href="/reset" class="link--busy" aria-busy=busy_link on:click=forgot>
                        <span class="spinner" aria-hidden="true"></span>
                        {forgot_text}
                    </a>
                </p>
                <Submit label=tr(|m| m.sign_in) busy=sign_in.pending()/>
            </form>
            <p class="links" hidden=no_reset><A href="/access" exact=true>{tr(|m| m.cant_access)}</A></p>
        </section>
        <SignInPageText/>
    }
    .into_any()
}
