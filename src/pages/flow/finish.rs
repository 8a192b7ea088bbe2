//! `/<flow>/finish?flow=…`: the last step. A new password with its confirmation (reset, unlock
//! with reset, sign-up), a display name (sign-up, a new passwordless account); the policy as a
//! live checklist from the shared rules, and a strength meter.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::form::{focus, raw_value_of, value_of, Field, PasswordField, Submit};
use crate::i18n::{tr, Text};
use crate::memory::{go, use_memory};
use crate::router::{use_router, Route};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::password::{self, Violation};
use sspr_api::{CompleteFlow, FlowPurpose, UnlockAction};

#[component]
pub fn Finish(purpose: FlowPurpose, flow: String) -> impl IntoView {
    let router = use_router();
    let memory = use_memory();
    let wants_password = purpose != FlowPurpose::Passwordless;
    let wants_name = matches!(purpose, FlowPurpose::SignUp | FlowPurpose::Passwordless);
    let (name, new, confirm) = (NodeRef::new(), NodeRef::new(), NodeRef::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let typed = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let organisation = RwSignal::new(String::new());
    let flow = StoredValue::new(flow);
    if wants_password {
        leptos::task::spawn_local(async move {
            if let Ok(policy) = api::password_policy().await {
                organisation.set(policy.organisation_name);
            }
        });
    }
    let broken = move || {
        let email = memory.email.get();
        let local = email.split('@').next().unwrap_or_default().to_owned();
        let org = organisation.get();
        typed.with(|p| password::check(p, &[&local, &org], |_| false))
    };
    let server_says_common = move || {
        problem.with(|p| match p {
            Some(Problem::Api(crate::api::ApiError::Server { body, .. })) => {
                body.violations.contains(&Violation::Common)
            }
            _ => false,
        })
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let display_name = wants_name.then(|| value_of(name));
        if display_name.as_deref() == Some("") {
            problem.set(Some(Problem::Local(|m| m.name_required)));
            focus(name);
            return;
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
        };
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            match api::complete(&flow.get_value(), &body).await {
                Ok(done) => go(
                    router,
                    Some(memory.return_to.get_value().unwrap_or(done.return_to)),
                ),
                Err(error) => {
                    problem.set(Some(error.into()));
                    busy.set(false);
                }
            }
        });
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
                <Alert problem restart=Route::Start(purpose).path()/>
                {wants_name.then(|| view! {
                    <Field id="display-name" label=|m| m.display_name_label autocomplete="name" node=name/>
                })}
                {wants_password.then(|| view! {
                    <PasswordField
                        id="new-password"
                        label=|m| m.new_password_label
                        autocomplete="new-password"
                        node=new
                        invalid
                        describedby="policy"
                        on_input=Callback::new(move |v| typed.set(v))
                    />
                    <PasswordField
                        id="confirm-password"
                        label=|m| m.confirm_password_label
                        autocomplete="new-password"
                        node=confirm
                        on_input=Callback::new(move |v| again.set(v))
                    />
                })}
                {checklist}
                <Submit
                    label=if purpose == FlowPurpose::Passwordless || purpose == FlowPurpose::SignUp { |m| m.sign_up } else { |m| m.reset_password }
                    busy
                />
            </form>
        </section>
    }
}
