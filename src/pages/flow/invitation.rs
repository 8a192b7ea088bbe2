//! `/guest?invitation=…`: a guest's invitation link (seed 001). **Send code** mails a passcode
//! to the invited address; the code signs the guest in.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::form::Submit;
use crate::i18n::tr;
use crate::memory::use_memory;
use crate::pages::flow::steps::{path, Step};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use sspr_api::{FlowPurpose, StartFlow};

#[component]
pub fn Invitation(token: String) -> impl IntoView {
    let memory = use_memory();
    let navigate = use_navigate();
    let problem = RwSignal::new(None::<Problem>);
    let send = Action::new_local(move |token: &String| {
        let body = StartFlow {
            purpose: FlowPurpose::Guest,
            email: None,
            invitation: Some(token.clone()),
            return_to: memory.return_to.get_value(),
            client_id: None,
        };
        let navigate = navigate.clone();
        async move {
            match api::start_flow(body).await {
                Ok(flow) => navigate(
                    &path(FlowPurpose::Guest, Step::Code, &flow.flow_id),
                    Default::default(),
                ),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        send.dispatch(token.clone());
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.guest_title)}</h1>
            <p>{tr(|m| m.guest_intro)}</p>
            <form on:submit=submit novalidate>
                <Alert problem/>
                <Submit label=tr(|m| m.send_code) busy=send.pending()/>
            </form>
        </section>
    }
}
