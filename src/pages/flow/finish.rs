//! `/<wizard>/finish?flow=…`: the last step. A new password with its confirmation (reset, unlock
//! with reset, sign-up), a display name and the other attributes the user flow collects (sign-up,
//! a new passwordless account); the policy as a live checklist from the shared rules, and a
//! strength meter.

use crate::api::{self, ApiError};
use crate::components::alert::{Alert, Problem};
use crate::components::form::{focus, raw_value_of, value_of, Field, Submit};
use crate::components::password_policy::{
    server_says_common, violations, NewPasswordFields, PolicyChecklist,
};
use crate::i18n::{tr, Text};
use crate::memory::{go, use_memory};
use crate::pages::flow::code::restart;
use crate::pages::flow::steps::{flow_id, path, Step};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
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
    // The field the page's own check found wrong (its id), marked `aria-invalid`.
    let wrong = RwSignal::new(None::<&'static str>);
    let typed = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let flow = StoredValue::new(flow);
    let broken = wants_password.then(|| violations(typed, memory.email.into()));
    let common = server_says_common(problem);

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
                Err(error) => {
                    let refused = Problem::from(error);
                    // The server's refusal of the password (its policy, a mismatch): focus goes
                    // to the field in error, which `invalid` marks.
                    let field = match refused.code() {
                        Some(ErrorCode::PasswordMismatch) if wants_password => {
                            Some(("confirm-password", confirm))
                        }
                        Some(ErrorCode::PasswordPolicy | ErrorCode::ValidationFailed)
                            if wants_password =>
                        {
                            Some(("new-password", new))
                        }
                        _ => None,
                    };
                    problem.set(Some(refused));
                    if let Some((id, node)) = field {
                        wrong.set(Some(id));
                        focus(node);
                    }
                }
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        wrong.set(None);
        let display_name = wants_name.then(|| value_of(name));
        if display_name.as_deref() == Some("") {
            problem.set(Some(Problem::Local(|m| m.name_required)));
            wrong.set(Some("display-name"));
            focus(name);
            return;
        }
        let mut attributes = BTreeMap::new();
        for (attribute, node) in extra.get_value() {
            let typed = value_of(node);
            if typed.is_empty() {
                problem.set(Some(Problem::Local(|m| m.attribute_required)));
                wrong.set(Some(attribute.as_str()));
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
            if broken.is_some_and(|broken| !broken.with_untracked(Vec::is_empty)) {
                problem.set(Some(Problem::Local(|m| m.err_password_policy)));
                wrong.set(Some("new-password"));
                focus(new);
                return;
            }
            if password != password_confirm {
                problem.set(Some(Problem::Local(|m| m.err_mismatch)));
                wrong.set(Some("confirm-password"));
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
    let checklist = broken.map(|broken| view! { <PolicyChecklist typed again broken common/> });
    // The new password is the field in error for the server's answers too.
    let invalid = Signal::derive(move || match wrong.get() {
        Some(field) => field == "new-password",
        None => problem.with(Option::is_some),
    });
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(title)}</h1>
            <form on:submit=submit novalidate>
                <Alert problem restart=path(purpose, Step::Email, "")/>
                {wants_name.then(|| view! {
                    <Field
                        id="display-name"
                        label=tr(|m| m.display_name_label)
                        autocomplete="name"
                        node=name
                        invalid=Signal::derive(move || wrong.get() == Some("display-name"))
                    />
                })}
                {extra.get_value().into_iter().map(|(attribute, node)| {
                    let (label, autocomplete) = field_of(attribute);
                    let id = attribute.as_str();
                    let invalid = Signal::derive(move || wrong.get() == Some(id));
                    view! { <Field id label=tr(label) autocomplete node invalid/> }
                }).collect_view()}
                {wants_password.then(|| view! {
                    <NewPasswordFields
                        email=memory.email.get_untracked()
                        new
                        confirm
                        typed
                        again
                        new_invalid=invalid
                        confirm_invalid=Signal::derive(move || wrong.get() == Some("confirm-password"))
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
