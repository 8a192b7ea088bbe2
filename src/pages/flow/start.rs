//! `/sign-up`, `/reset`, `/passwordless`, `/unlock`, `/guest`: the email, then **Send code**.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::form::{focus, value_of, Field, Submit};
use crate::i18n::tr;
use crate::memory::use_memory;
use crate::pages::flow::steps::{path, Step};
use crate::pages::flow::title_and_intro;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use sspr_api::{Email, FlowPurpose, StartFlow};

#[component]
pub fn Start(purpose: FlowPurpose) -> impl IntoView {
    let memory = use_memory();
    let navigate = use_navigate();
    let email = NodeRef::new();
    let problem = RwSignal::new(None::<Problem>);
    let (title, intro) = title_and_intro(purpose);
    let send = Action::new_local(move |address: &Email| {
        let body = StartFlow {
            purpose,
            email: Some(address.clone()),
            invitation: None,
            return_to: memory.return_to.get_value(),
            client_id: memory.client_id.get_value(),
        };
        let navigate = navigate.clone();
        async move {
            match api::start_flow(body).await {
                Ok(flow) => navigate(
                    &path(purpose, Step::Code, &flow.flow_id),
                    NavigateOptions::default(),
                ),
                Err(error) => {
                    problem.set(Some(error.into()));
                    focus(email);
                }
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = value_of(email);
        let Ok(parsed) = Email::parse(&typed) else {
            problem.set(Some(Problem::Local(|m| m.email_invalid)));
            focus(email);
            return;
        };
        memory.email.set(typed);
        problem.set(None);
        send.dispatch(parsed);
    };
    let sign_in_link = (purpose != FlowPurpose::Guest).then(|| {
        view! { <p class="links"><A href="/sign-in" exact=true>{tr(|m| m.sign_in)}</A></p> }
    });
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(title)}</h1>
            <p>{tr(intro)}</p>
            <p class="notice" role="status" hidden=Signal::derive(move || purpose != FlowPurpose::PasswordReset || memory.sspr_enabled())>
                {tr(|m| m.reset_off)}
            </p>
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
                <Submit label=tr(|m| m.send_code) busy=send.pending()/>
            </form>
            {sign_in_link}
        </section>
    }
}
