//! The method step's **Approve a request on my authenticator app** (issue 13): sends a request
//! to the user's paired app, shows the two-digit number to type there, and polls the request
//! every two seconds. Approved: the flow's new view goes back to the step. Denied, a wrong
//! number or expired: the step says so, and a new request can be sent.

use crate::api;
use crate::components::alert::Problem;
use crate::i18n::tr;
use leptos::prelude::*;
use sspr_api::{FlowView, PushState};
use std::time::Duration;

/// The request's part of the method step. `ask` changes when the step's form is submitted,
/// which sends a request as the button does.
#[component]
pub fn PushApproval(
    flow: String,
    ask: Signal<u32>,
    done: Callback<FlowView>,
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let flow = StoredValue::new(flow);
    // The request waiting for the app: its id and number.
    let waiting = RwSignal::new(None::<(String, u8)>);
    let send = Action::new_local(move |_: &()| {
        let id = flow.get_value();
        async move {
            match api::push::start(id).await {
                Ok(started) => {
                    problem.set(None);
                    waiting.set(Some((started.challenge_id, started.number)));
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let asked = ask.get_untracked();
    Effect::new(move || {
        if ask.get() != asked {
            send.dispatch(());
        }
    });
    let poll = Action::new_local(move |challenge: &String| {
        let (id, challenge) = (flow.get_value(), challenge.clone());
        async move {
            let ended = match api::push::status(id.clone(), challenge).await {
                Ok(status) => status.state,
                Err(error) => {
                    waiting.set(None);
                    problem.set(Some(error.into()));
                    return;
                }
            };
            let said: Option<crate::i18n::Text> = match ended {
                PushState::Pending => return,
                PushState::Approved => {
                    waiting.set(None);
                    match api::flow(id).await {
                        Ok(view) => done.run(view),
                        Err(error) => problem.set(Some(error.into())),
                    }
                    return;
                }
                PushState::Denied => Some(|m| m.push_denied),
                PushState::WrongNumber => Some(|m| m.push_wrong_number),
                PushState::Expired | PushState::Cancelled => Some(|m| m.push_expired),
            };
            waiting.set(None);
            problem.set(said.map(Problem::Local));
        }
    });
    if let Ok(ticker) = set_interval_with_handle(
        move || {
            if let Some((challenge, _)) = waiting.get_untracked() {
                if !poll.pending().get_untracked() {
                    poll.dispatch(challenge);
                }
            }
        },
        Duration::from_secs(2),
    ) {
        on_cleanup(move || ticker.clear());
    }
    view! {
        <p>
            <button type="button" class="button button--secondary" disabled=send.pending()
                aria-busy=move || if send.pending().get() { "true" } else { "false" }
                on:click=move |_| {
                    problem.set(None);
                    send.dispatch(());
                }>{tr(|m| m.push_send)}</button>
        </p>
        <div role="status">
            {move || waiting.get().map(|(_, number)| view! {
                <p>{tr(|m| m.push_number_intro)}</p>
                <p class="push-number"><strong>{format!("{number:02}")}</strong></p>
                <p>{tr(|m| m.push_waiting)}</p>
            })}
        </div>
    }
}
