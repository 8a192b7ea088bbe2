//! `/unlock/choose?flow=…`: the email is proven; unlock and keep the password, or choose a new
//! one.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::i18n::tr;
use crate::memory::use_memory;
use crate::router::{use_router, Route};
use leptos::prelude::*;
use sspr_api::{CompleteFlow, FlowPurpose, UnlockAction};

#[component]
pub fn UnlockChoice(flow: String) -> impl IntoView {
    let router = use_router();
    let memory = use_memory();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let flow = StoredValue::new(flow);
    let unlock = move |_: leptos::ev::MouseEvent| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let body = CompleteFlow {
                action: Some(UnlockAction::Unlock),
                ..CompleteFlow::default()
            };
            match api::complete(&flow.get_value(), &body).await {
                Ok(_) => {
                    memory.notice.set(Some(|m| m.unlocked));
                    router.navigate(&Route::SignIn.path());
                }
                Err(error) => {
                    problem.set(Some(error.into()));
                    busy.set(false);
                }
            }
        });
    };
    let reset = Route::Finish(FlowPurpose::Unlock, flow.get_value()).path();
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.unlock_choice_title)}</h1>
            <p>{tr(|m| m.unlock_choice_intro)}</p>
            <Alert problem restart=Route::Start(FlowPurpose::Unlock).path()/>
            <div class="actions">
                <button type="button" class="button button--primary" disabled=move || busy.get() on:click=unlock>
                    {tr(|m| m.unlock_keep)}
                </button>
                <a class="button button--secondary" href=reset>{tr(|m| m.unlock_reset)}</a>
            </div>
        </section>
    }
}
