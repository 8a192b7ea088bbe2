//! `/sign-up`, `/reset`, `/passwordless`, `/unlock`, `/guest`: the email, then **Send code**.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::form::{focus, value_of, Field, Submit};
use crate::i18n::tr;
use crate::memory::use_memory;
use crate::pages::flow::title_and_intro;
use crate::router::{use_router, Route};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::{Email, FlowPurpose};

#[component]
pub fn Start(purpose: FlowPurpose) -> impl IntoView {
    let router = use_router();
    let memory = use_memory();
    let email = NodeRef::new();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let (title, intro) = title_and_intro(purpose);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let typed = value_of(email);
        let Ok(parsed) = Email::parse(&typed) else {
            problem.set(Some(Problem::Local(|m| m.email_invalid)));
            focus(email);
            return;
        };
        memory.email.set(typed);
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            match api::start_flow(
                purpose,
                Some(parsed),
                None,
                memory.return_to.get_value(),
                memory.client_id.get_value(),
            )
            .await
            {
                Ok(flow) => router.navigate(&Route::Code(purpose, flow.flow_id).path()),
                Err(error) => {
                    problem.set(Some(error.into()));
                    busy.set(false);
                    focus(email);
                }
            }
        });
    };
    let sign_in_link = (purpose != FlowPurpose::Guest).then(|| {
        view! { <p class="links"><a href="/sign-in">{tr(|m| m.sign_in)}</a></p> }
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
                <Submit label=tr(|m| m.send_code) busy/>
            </form>
            {sign_in_link}
        </section>
    }
}
