//! `/guest?invitation=…`: a guest's invitation link (seed 001). **Send code** mails a passcode
//! to the invited address; the code signs the guest in.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::form::Submit;
use crate::i18n::tr;
use crate::memory::use_memory;
use crate::router::{use_router, Route};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::FlowPurpose;

#[component]
pub fn Invitation(token: String) -> impl IntoView {
    let router = use_router();
    let memory = use_memory();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let token = StoredValue::new(token);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let started = api::start_flow(
                FlowPurpose::Guest,
                None,
                Some(token.get_value()),
                memory.return_to.get_value(),
                None,
            )
            .await;
            match started {
                Ok(flow) => router.navigate(&Route::Code(FlowPurpose::Guest, flow.flow_id).path()),
                Err(error) => {
                    problem.set(Some(error.into()));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.guest_title)}</h1>
            <p>{tr(|m| m.guest_intro)}</p>
            <form on:submit=submit novalidate>
                <Alert problem/>
                <Submit label=tr(|m| m.send_code) busy/>
            </form>
        </section>
    }
}
