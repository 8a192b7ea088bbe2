//! `/<wizard>/finish?flow=…`: the last step. A new password with its confirmation (reset, unlock
//! with reset, sign-up), a display name and the other attributes the user flow collects (sign-up,
//! a new passwordless account); the policy as a live checklist from the shared rules, and a
//! strength meter.

use crate::api::{self, ApiError};
use crate::components::alert::{Alert, Problem};
use crate::components::form::{focus, raw_value_of, value_of, Field, PasswordField, Submit};
use crate::i18n::{tr, Text};
use crate::memory::{go, use_memory};
use crate::pages::flow::code::restart;
use crate::pages::flow::steps::{flow_id, path, Step};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use sspr_api::password::{self, Violation};
use sspr_api::{CompleteFlow, ErrorCode, FlowPurpose, UnlockAction, UserAttribute, WireName};
use std::collections::BTreeMap;

#[component]
pub fn Finish(purpose: FlowPurpose) -> impl IntoView {
    let Some(flow) = flow_id(use_query_map().with_untracked(|q| q.get("flow"))) else {
        return restart(purpose).into_any();
    };
    let navigate = use_navigate();
    let memory = use_memory();
    let wants_password = purpose != FlowPurpose::Passwordless;
    let wants_name = matches!(purpose, FlowPurpose::SignUp | FlowPurpose::Passwordless);
    let (name, new, confirm) = (NodeRef::new(), NodeRef::new(), NodeRef::new());
    // The attributes the user flow collects besides the display name, each with its field.
    let extra: Vec<(UserAttribute, NodeRef<leptos::html::Input>)> = memory
        .attributes()
        .into_iter()
        .filter(|a| wants_name && *a != UserAttribute::DisplayName)
        .map(|a| (a, NodeRef::new()))
        .collect();
    let extra = StoredValue::new(extra);
    let problem = RwSignal::new(None::<Problem>);
    let typed = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let flow = StoredValue::new(flow);
    // The organisation's name is a context word too; until it has loaded (or if it cannot
    // be), the checklist checks the rest and the server has the last word.
    let policy = LocalResource::new(move || async move {
        match wants_password {
            true => api::password_policy().await.ok(),
            false => None,
        }
    });
    let broken = move || {
        let email = memory.email.get();
        let local = email.split('@').next().unwrap_or_default().to_owned();
        let org = policy
            .get()
            .flatten()
            .map(|p| p.organisation_name)
            .unwrap_or_default();
        typed.with(|p| password::check_with(p, &[&local, &org], |_| false, browser_lowercase))
    };
    let server_says_common = move || {
        problem.with(|p| match p {
            Some(Problem::Api(ApiError::Server { body, .. })) => {
                body.violations.contains(&Violation::Common)
            }
            _ => false,
        })
    };

    let complete = Action::new_local(move |body: &CompleteFlow| {
        let (id, body) = (flow.get_value(), body.clone());
        let navigate = navigate.clone();
        async move {
            match api::complete(id.clone(), body).await {
                // The server's answer: `return_to` as checked against the allowed origins.
                Ok(done) => go(&navigate, Some(done.return_to)),
                // Opened before another method was proven: that step first.
                Err(error) if more_methods_required(&error) => navigate(
                    &path(purpose, Step::Methods, &id),
                    NavigateOptions::default(),
                ),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let display_name = wants_name.then(|| value_of(name));
        if display_name.as_deref() == Some("") {
            problem.set(Some(Problem::Local(|m| m.name_required)));
            focus(name);
            return;
        }
        let mut attributes = BTreeMap::new();
        for (attribute, node) in extra.get_value() {
            let typed = value_of(node);
            if typed.is_empty() {
                problem.set(Some(Problem::Local(|m| m.attribute_required)));
                focus(node);
                return;
            }
            attributes.insert(attribute, typed);
        }
        let (password, password_confirm) = if wants_password {
            (Some(raw_value_of(new)), Some(raw_value_of(confirm)))
        } else {
            (None, None)
        };
        if wants_password {
            if !broken().is_empty() {
                problem.set(Some(Problem::Local(|m| m.err_password_policy)));
                focus(new);
                return;
            }
            if password != password_confirm {
                problem.set(Some(Problem::Local(|m| m.err_mismatch)));
                focus(confirm);
                return;
            }
        }
        let body = CompleteFlow {
            password,
            password_confirm,
            display_name,
            action: (purpose == FlowPurpose::Unlock).then_some(UnlockAction::Reset),
            attributes,
        };
        problem.set(None);
        complete.dispatch(body);
    };
    let title: Text = match purpose {
        FlowPurpose::SignUp => |m| m.details_title,
        FlowPurpose::Passwordless => |m| m.profile_title,
        _ => |m| m.new_password_title,
    };
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
    let checklist = wants_password.then(|| {
        let strength = move || typed.with(|p| password::strength(p));
        view! {
            <div id="policy" class="policy">
                <p>{tr(|m| m.policy_title)}</p>
                <ul class="rules">
                    {rule(|m| m.rule_length, Signal::derive(move || {
                        let b = broken();
                        !typed.with(String::is_empty) && !b.contains(&Violation::TooShort) && !b.contains(&Violation::TooLong)
                    }))}
                    {rule(|m| m.rule_context, Signal::derive(move || {
                        !typed.with(String::is_empty) && !broken().contains(&Violation::ContainsContext)
                    }))}
                    {rule(|m| m.rule_common, Signal::derive(move || !typed.with(String::is_empty) && !server_says_common()))}
                    {rule(|m| m.rule_match, Signal::derive(move || !typed.with(String::is_empty) && typed.get() == again.get()))}
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
    });
    let invalid = Signal::derive(move || problem.with(Option::is_some));
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(title)}</h1>
            <form on:submit=submit novalidate>
                <Alert problem restart=path(purpose, Step::Email, "")/>
                {wants_name.then(|| view! {
                    <Field id="display-name" label=tr(|m| m.display_name_label) autocomplete="name" node=name/>
                })}
                {extra.get_value().into_iter().map(|(attribute, node)| {
                    let (label, autocomplete) = field_of(attribute);
                    view! { <Field id=attribute.as_str() label=tr(label) autocomplete node/> }
                }).collect_view()}
                {wants_password.then(|| view! {
                    <PasswordField
                        id="new-password"
                        label=tr(|m| m.new_password_label)
                        autocomplete="new-password"
                        node=new
                        invalid
                        describedby="policy"
                        on_input=Callback::new(move |v| typed.set(v))
                    />
                    <PasswordField
                        id="confirm-password"
                        label=tr(|m| m.confirm_password_label)
                        autocomplete="new-password"
                        node=confirm
                        on_input=Callback::new(move |v| again.set(v))
                    />
                })}
                {checklist}
                <Submit
                    label=tr(if purpose == FlowPurpose::Passwordless || purpose == FlowPurpose::SignUp { |m| m.sign_up } else { |m| m.reset_password })
                    busy=complete.pending()
                />
            </form>
        </section>
    }
    .into_any()
}

/// An attribute's label and `autocomplete` token.
fn field_of(attribute: UserAttribute) -> (Text, &'static str) {
    match attribute {
        UserAttribute::DisplayName => (|m| m.display_name_label, "name"),
        UserAttribute::GivenName => (|m| m.attr_given_name, "given-name"),
        UserAttribute::Surname => (|m| m.attr_surname, "family-name"),
        UserAttribute::City => (|m| m.attr_city, "address-level2"),
        UserAttribute::Country => (|m| m.attr_country, "country-name"),
        UserAttribute::JobTitle => (|m| m.attr_job_title, "organization-title"),
        UserAttribute::PostalCode => (|m| m.attr_postal_code, "postal-code"),
        UserAttribute::State => (|m| m.attr_state, "address-level1"),
        UserAttribute::StreetAddress => (|m| m.attr_street_address, "street-address"),
    }
}

/// Whether the last step was refused because the reset needs another method first.
pub fn more_methods_required(error: &ApiError) -> bool {
    Problem::from(error.clone()).code() == Some(ErrorCode::MoreMethodsRequired)
}

/// Unicode lower-casing by the browser (`String.prototype.toLowerCase`): the same mapping as
/// the server's, without Rust's case tables in the wasm.
fn browser_lowercase(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}
