//! `/unlock/choose?flow=…`: the email is proven; unlock and keep the password, or choose a new
//! one (`/unlock/finish?flow=…`).

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::i18n::tr;
use crate::memory::use_memory;
use crate::pages::flow::code::restart;
use crate::pages::flow::finish::more_methods_required;
use crate::pages::flow::steps::{flow_id, path, Step};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use sspr_api::{CompleteFlow, FlowPurpose, UnlockAction};

#[component]
pub fn UnlockChoice() -> impl IntoView {
    let purpose = FlowPurpose::Unlock;
    let Some(flow) = flow_id(use_query_map().with_untracked(|q| q.get("flow"))) else {
        return restart(purpose).into_any();
    };
    let memory = use_memory();
    let navigate = use_navigate();
    let problem = RwSignal::new(None::<Problem>);
    let reset = path(purpose, Step::Finish, &flow);
    let unlock = Action::new_local(move |id: &String| {
        let body = CompleteFlow {
            action: Some(UnlockAction::Unlock),
            ..CompleteFlow::default()
        };
        let (id, navigate) = (id.clone(), navigate.clone());
        async move {
            match api::complete(id.clone(), body).await {
                Ok(_) => {
                    memory.notice.set(Some(|m| m.unlocked));
                    navigate("/sign-in", NavigateOptions::default());
                }
                // Opened before another method was proven: that step first.
                Err(error) if more_methods_required(&error) => navigate(
                    &path(purpose, Step::Methods, &id),
                    NavigateOptions::default(),
                ),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let unlocking = unlock.pending();
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.unlock_choice_title)}</h1>
            <p>{tr(|m| m.unlock_choice_intro)}</p>
            <Alert problem restart=path(purpose, Step::Email, "")/>
            <div class="actions">
                <button
                    type="button"
                    class="button button--primary"
                    disabled=unlocking
                    aria-busy=move || if unlocking.get() { "true" } else { "false" }
                    on:click=move |_| {
                        problem.set(None);
                        unlock.dispatch(flow.clone());
                    }
                >
                    <span class="spinner" aria-hidden="true"></span>
                    <span>{tr(|m| m.unlock_keep)}</span>
                </button>
                <A href=reset attr:class="button button--secondary" exact=true>{tr(|m| m.unlock_reset)}</A>
            </div>
        </section>
    }
    .into_any()
}
