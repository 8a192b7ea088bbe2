//! `/admin/sign-in`: email, password and the authenticator's current code, every time
//! (`POST /api/admin/session`). A wrong password, code or address gets one message.

use crate::api;
use crate::app::use_portal;
use crate::i18n::at;
use crate::ui::{Alert, Problem};
use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use sspr_api::{AdminCredentials, Email};
use sspr_web::components::form::{focus, raw_value_of, value_of, Field, PasswordField, Submit};
use sspr_web::i18n::tr;

/// Whether `code` is six ASCII digits.
pub fn is_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

#[component]
pub fn SignIn() -> impl IntoView {
    let portal = use_portal();
    let navigate = use_navigate();
    let email = NodeRef::new();
    let password = NodeRef::new();
    let code = NodeRef::<Input>::new();
    let problem = RwSignal::new(None::<Problem>);
    let invalid = RwSignal::new("");
    let notice = portal.notice.get_untracked();
    portal.notice.set(None);
    let sign_in = Action::new_local(move |body: &AdminCredentials| {
        let (body, navigate) = (body.clone(), navigate.clone());
        async move {
            match api::sign_in(body).await {
                Ok(admin) => {
                    portal.me.set(Some(Some(admin)));
                    navigate("/admin", NavigateOptions::default());
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
        let typed_email = value_of(email);
        let typed_password = raw_value_of(password);
        let typed_code: String = value_of(code)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let fail = |field: &'static str, text: crate::i18n::AText, node: NodeRef<Input>| {
            invalid.set(field);
            problem.set(Some(Problem::Local(text)));
            focus(node);
        };
        let Ok(parsed) = Email::parse(&typed_email) else {
            return fail("email", |m| m.err_email, email);
        };
        if typed_password.is_empty() {
            return fail("password", |m| m.err_password, password);
        }
        if !is_code(&typed_code) {
            return fail("code", |m| m.err_code, code);
        }
        invalid.set("");
        problem.set(None);
        sign_in.dispatch(AdminCredentials {
            email: parsed,
            password: typed_password,
            code: typed_code,
        });
    };
    view! {
        <section class="card admin-card">
            <h1 tabindex="-1">{at(|m| m.sign_in_title)}</h1>
            {notice.map(|n| view! { <p class="notice" role="status">{at(n)}</p> })}
            <p>{at(|m| m.sign_in_intro)}</p>
            <form on:submit=submit novalidate>
                <Alert problem/>
                <Field id="email" label=at(|m| m.email_label) kind="email" autocomplete="username" node=email
                    invalid=Signal::derive(move || invalid.get() == "email")/>
                <PasswordField id="password" label=tr(|m| m.password_label) autocomplete="current-password" node=password
                    invalid=Signal::derive(move || invalid.get() == "password")/>
                <Field id="code" label=at(|m| m.code_label) autocomplete="one-time-code" inputmode="numeric" node=code
                    hint=at(|m| m.code_hint) invalid=Signal::derive(move || invalid.get() == "code" || problem.with(|p| p.as_ref().is_some_and(|p| p.code().is_some())))/>
                <Submit inline=true label=at(|m| m.sign_in) busy=sign_in.pending()/>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::is_code;

    #[test]
    fn an_authenticator_code_is_exactly_six_digits() {
        assert!(is_code("012345"));
        assert!(!is_code("12345"));
        assert!(!is_code("1234567"));
        assert!(!is_code("12345a"));
        assert!(!is_code("１２３４５６"));
    }
}
