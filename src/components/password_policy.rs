//! What the forms that set a new password share (the last step of a sign-up or reset, and the
//! account's password change): the new password and its confirmation, named for password
//! managers with the account's address, and the password rules checked as the user types, from
//! the same shared rules the server applies (`sspr_api::password`), shown as a live checklist
//! with a strength meter. The server has the last word (the common-password list is only there).

use crate::api::{self, ApiError};
use crate::components::alert::Problem;
use crate::components::form::PasswordField;
use crate::i18n::{tr, Text};
use leptos::html::Input;
use leptos::prelude::*;
use sspr_api::password::{self, Violation};

/// The rules `typed` breaks for the account `email`: its length, and the words it may not
/// contain (the address's local part, the organisation's name). Until the organisation's name
/// has loaded (or if it cannot be), the rest is checked.
pub fn violations(typed: RwSignal<String>, email: Signal<String>) -> Signal<Vec<Violation>> {
    let policy = LocalResource::new(|| async { api::password_policy().await.ok() });
    Signal::derive(move || {
        let email = email.get();
        let local = email.split('@').next().unwrap_or_default().to_owned();
        let org = policy
            .get()
            .flatten()
            .map(|p| p.organisation_name)
            .unwrap_or_default();
        typed.with(|p| password::check_with(p, &[&local, &org], |_| false, browser_lowercase))
    })
}

/// Whether the server refused the password as a common one.
pub fn server_says_common(problem: RwSignal<Option<Problem>>) -> Signal<bool> {
    Signal::derive(move || {
        problem.with(|p| match p {
            Some(Problem::Api(ApiError::Server { body, .. })) => {
                body.violations.contains(&Violation::Common)
            }
            _ => false,
        })
    })
}

/// **New password** (described by the checklist) and **Confirm password**, with the account's
/// `email` in a hidden `username` field so that a password manager saves the new password
/// under it; what is typed goes to `typed` and `again`.
#[component]
pub fn NewPasswordFields(
    email: String,
    new: NodeRef<Input>,
    confirm: NodeRef<Input>,
    typed: RwSignal<String>,
    again: RwSignal<String>,
    #[prop(into)] new_invalid: Signal<bool>,
    #[prop(into)] confirm_invalid: Signal<bool>,
) -> impl IntoView {
    view! {
        <input type="email" name="username" autocomplete="username" value=email hidden/>
        <PasswordField
            id="new-password"
            label=tr(|m| m.new_password_label)
            autocomplete="new-password"
            node=new
            invalid=new_invalid
            describedby="policy"
            on_input=Callback::new(move |v| typed.set(v))
        />
        <PasswordField
            id="confirm-password"
            label=tr(|m| m.confirm_password_label)
            autocomplete="new-password"
            node=confirm
            invalid=confirm_invalid
            on_input=Callback::new(move |v| again.set(v))
        />
    }
}

/// The checklist (`id="policy"`, which the new-password field points to) and the strength
/// meter, for the password `typed` and its confirmation `again`.
#[component]
pub fn PolicyChecklist(
    typed: RwSignal<String>,
    again: RwSignal<String>,
    broken: Signal<Vec<Violation>>,
    common: Signal<bool>,
) -> impl IntoView {
    let rule = move |label: Text, met: Signal<bool>| {
        view! {
            <li class="rule" data-met=move || if met.get() { "true" } else { "false" }>
                <span class="rule__mark" aria-hidden="true"></span>
                {tr(label)}
                <span class="visually-hidden">
                    " — " {move || if met.get() { tr(|m| m.rule_met)() } else { tr(|m| m.rule_unmet)() }}
                </span>
            </li>
        }
    };
    let typed_any = move || !typed.with(String::is_empty);
    let strength = move || typed.with(|p| password::strength(p));
    view! {
        <div id="policy" class="policy">
            <p>{tr(|m| m.policy_title)}</p>
            <ul class="rules">
                {rule(|m| m.rule_length, Signal::derive(move || {
                    let b = broken.get();
                    typed_any() && !b.contains(&Violation::TooShort) && !b.contains(&Violation::TooLong)
                }))}
                {rule(|m| m.rule_context, Signal::derive(move || {
                    typed_any() && !broken.get().contains(&Violation::ContainsContext)
                }))}
                {rule(|m| m.rule_common, Signal::derive(move || typed_any() && !common.get()))}
                {rule(|m| m.rule_match, Signal::derive(move || typed_any() && typed.get() == again.get()))}
            </ul>
            <label class="strength">
                {tr(|m| m.strength_label)} " "
                <meter min="0" max="4" low="2" high="3" optimum="4" value=move || strength().to_string()></meter>
                " "
                <span>
                    {move || {
                        let texts: [Text; 5] = [|m| m.strength_0, |m| m.strength_1, |m| m.strength_2, |m| m.strength_3, |m| m.strength_4];
                        tr(texts[usize::from(strength().min(4))])()
                    }}
                </span>
            </label>
        </div>
    }
}

/// Unicode lower-casing by the browser (`String.prototype.toLowerCase`): the same mapping as
/// the server's, without Rust's case tables in the wasm.
fn browser_lowercase(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}
