//! `/admin/setup?token=…`: redeem a one-time setup token (`POST /api/admin/bootstrap`) with the
//! administrator's email, name and password; then link an authenticator app — the secret as a
//! QR code, as text and as its `otpauth://` URI — and confirm one code from it
//! (`POST /api/admin/totp/confirm`). The secret is shown this once.

use crate::api;
use crate::app::use_portal;
use crate::i18n::{at, AText};
use crate::pages::sign_in::is_code;
use crate::ui::{Alert, Problem};
use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use sspr_api::{AdminCredentials, AdminEnrolment, AdminSetup, Email};
use sspr_web::components::form::{focus, raw_value_of, value_of, Field, PasswordField, Submit};
use sspr_web::i18n::tr;
use sspr_web::pages::flow::steps::flow_id;

#[component]
pub fn Setup() -> impl IntoView {
    // The one-time token of the setup link (`?token=…`), when it can be one.
    let token = flow_id(use_query_map().with_untracked(|q| q.get("token")));
    let Some(token) = token else {
        return view! {
            <section class="card admin-card">
                <h1 tabindex="-1">{at(|m| m.setup_title)}</h1>
                <p class="alert">{at(|m| m.setup_no_token)}</p>
            </section>
        }
        .into_any();
    };
    // The address and password typed in the first step, to confirm the code in the second.
    let typed = StoredValue::new(None::<(Email, String)>);
    let enrolment = RwSignal::new(None::<AdminEnrolment>);
    view! {
        {move || match enrolment.get() {
            None => view! { <Details token=token.clone() typed enrolment/> }.into_any(),
            Some(found) => view! { <Enrol enrolment=found typed/> }.into_any(),
        }}
    }
    .into_any()
}

/// Step 1: email, display name, password.
#[component]
fn Details(
    token: String,
    typed: StoredValue<Option<(Email, String)>>,
    enrolment: RwSignal<Option<AdminEnrolment>>,
) -> impl IntoView {
    let email = NodeRef::new();
    let name = NodeRef::new();
    let password = NodeRef::new();
    let problem = RwSignal::new(None::<Problem>);
    let invalid = RwSignal::new("");
    let token = StoredValue::new(token);
    let redeem = Action::new_local(move |body: &AdminSetup| {
        let body = body.clone();
        async move {
            let typed_now = (body.email.clone(), body.password.clone());
            match api::bootstrap(body).await {
                Ok(found) => {
                    typed.set_value(Some(typed_now));
                    enrolment.set(Some(found));
                }
                Err(error) => {
                    let error = Problem::from(error);
                    if error.code() == Some(sspr_api::ErrorCode::PasswordPolicy) {
                        invalid.set("password");
                    }
                    problem.set(Some(error));
                }
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let fail = |field: &'static str, text: AText, node: NodeRef<Input>| {
            invalid.set(field);
            problem.set(Some(Problem::Local(text)));
            focus(node);
        };
        let Ok(parsed) = Email::parse(&value_of(email)) else {
            return fail("email", |m| m.err_email, email);
        };
        let display_name = value_of(name);
        if display_name.is_empty() {
            return fail("name", |m| m.err_name, name);
        }
        let secret = raw_value_of(password);
        if secret.is_empty() {
            return fail("password", |m| m.err_password, password);
        }
        invalid.set("");
        problem.set(None);
        redeem.dispatch(AdminSetup {
            token: token.get_value(),
            email: parsed,
            display_name,
            password: secret,
        });
    };
    view! {
        <section class="card admin-card">
            <h1 tabindex="-1">{at(|m| m.setup_title)}</h1>
            <p>{at(|m| m.setup_intro)}</p>
            <form on:submit=submit novalidate>
                <Alert problem/>
                <Field id="email" label=at(|m| m.setup_email) kind="email" autocomplete="username" node=email
                    invalid=Signal::derive(move || invalid.get() == "email")/>
                <Field id="name" label=at(|m| m.setup_name) autocomplete="name" node=name
                    invalid=Signal::derive(move || invalid.get() == "name")/>
                <PasswordField id="password" label=tr(|m| m.new_password_label) autocomplete="new-password" node=password
                    describedby="password-hint" invalid=Signal::derive(move || invalid.get() == "password")/>
                <p class="field__hint" id="password-hint">{at(|m| m.setup_password_hint)}</p>
                <Submit inline=true label=at(|m| m.setup_submit) busy=redeem.pending()/>
            </form>
        </section>
    }
}

/// Step 2: the authenticator secret, then one code from the app.
#[component]
fn Enrol(enrolment: AdminEnrolment, typed: StoredValue<Option<(Email, String)>>) -> impl IntoView {
    let portal = use_portal();
    let navigate = use_navigate();
    let code = NodeRef::<Input>::new();
    let problem = RwSignal::new(None::<Problem>);
    let confirm = Action::new_local(move |body: &AdminCredentials| {
        let (body, navigate) = (body.clone(), navigate.clone());
        async move {
            match api::confirm_totp(body).await {
                Ok(()) => {
                    typed.set_value(None);
                    portal.notice.set(Some(|m| m.enrol_done));
                    navigate("/admin/sign-in", NavigateOptions::default());
                }
                Err(error) => {
                    problem.set(Some(error.into()));
                    if let Some(input) = code.get_untracked() {
                        input.set_value("");
                    }
                    focus(code);
                }
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed_code: String = value_of(code)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !is_code(&typed_code) {
            problem.set(Some(Problem::Local(|m| m.err_code)));
            focus(code);
            return;
        }
        let Some((email, password)) = typed.get_value() else {
            return;
        };
        problem.set(None);
        confirm.dispatch(AdminCredentials {
            email,
            password,
            code: typed_code,
        });
    };
    let qr = sspr_web::components::qr::qr_code(&enrolment.otpauth_uri, at(|m| m.enrol_qr_label)());
    view! {
        <section class="card admin-card">
            <h1 tabindex="-1">{at(|m| m.enrol_title)}</h1>
            <p>{at(|m| m.enrol_intro)}</p>
            {qr}
            <dl class="facts">
                <dt>{at(|m| m.enrol_secret)}</dt>
                <dd><code class="secret" data-testid="totp-secret">{enrolment.totp_secret.clone()}</code></dd>
                <dt>{at(|m| m.enrol_uri)}</dt>
                <dd><code class="secret">{enrolment.otpauth_uri.clone()}</code></dd>
            </dl>
            <form on:submit=submit novalidate>
                <Alert problem/>
                <Field id="code" label=at(|m| m.enrol_code) autocomplete="one-time-code" inputmode="numeric" node=code
                    hint=at(|m| m.enrol_code_hint) invalid=Signal::derive(move || problem.with(Option::is_some))/>
                <Submit inline=true label=at(|m| m.enrol_submit) busy=confirm.pending()/>
            </form>
        </section>
    }
}
