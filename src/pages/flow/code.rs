//! `/<flow>/code?flow=…`: **Enter your code** — "we sent a code to j•••@example.com", the code
//! field (a pasted code with spaces or dashes is fine), **Verify**, and **Resend code** with a
//! visible countdown.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::form::{focus, value_of, Field, Submit};
use crate::i18n::tr;
use crate::memory::go;
use crate::router::{use_router, Route};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::{FlowPurpose, FlowState};
use std::time::Duration;

#[component]
pub fn Code(purpose: FlowPurpose, flow: String) -> impl IntoView {
    let router = use_router();
    let code = NodeRef::new();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let masked = RwSignal::new(String::new());
    let wait = RwSignal::new(0u64);
    let resent = RwSignal::new(false);
    let flow = StoredValue::new(flow);
    let restart = Route::Start(purpose).path();

    if let Ok(ticker) = set_interval_with_handle(
        move || wait.update(|w| *w = w.saturating_sub(1)),
        Duration::from_secs(1),
    ) {
        on_cleanup(move || ticker.clear());
    }
    leptos::task::spawn_local(async move {
        match api::flow(&flow.get_value()).await {
            Ok(view) => {
                masked.set(view.masked_email);
                wait.set(view.resend_after_secs);
            }
            Err(error) => problem.set(Some(error.into())),
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let typed = value_of(code);
        if typed.is_empty() {
            problem.set(Some(Problem::Local(|m| m.code_invalid)));
            focus(code);
            return;
        }
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let id = flow.get_value();
            match api::verify(&id, typed).await {
                Ok(view) if view.state == FlowState::Completed => go(router, view.return_to),
                Ok(_) if purpose == FlowPurpose::Unlock => {
                    router.navigate(&Route::UnlockChoice(id).path())
                }
                Ok(_) => router.navigate(&Route::Finish(purpose, id).path()),
                Err(error) => {
                    problem.set(Some(error.into()));
                    busy.set(false);
                    if let Some(input) = code.get_untracked() {
                        input.set_value("");
                    }
                    focus(code);
                }
            }
        });
    };
    let resend = move |_: leptos::ev::MouseEvent| {
        resent.set(false);
        leptos::task::spawn_local(async move {
            match api::resend(&flow.get_value()).await {
                Ok(view) => {
                    wait.set(view.resend_after_secs);
                    problem.set(None);
                    resent.set(true);
                    focus(code);
                }
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.code_title)}</h1>
            <p>
                {tr(|m| m.code_sent_to)} " " <strong>{move || masked.get()}</strong>
            </p>
            <form on:submit=submit novalidate>
                <Alert problem restart/>
                <p class="notice" role="status">
                    {move || resent.get().then(tr(|m| m.code_resent))}
                </p>
                <Field
                    id="code"
                    label=tr(|m| m.code_label)
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    node=code
                    hint=tr(|m| m.code_hint)
                    invalid=Signal::derive(move || problem.with(Option::is_some))
                />
                <Submit label=tr(|m| m.verify) busy/>
            </form>
            <p class="links">
                <button
                    type="button"
                    class="button button--link"
                    disabled=move || { wait.get() > 0 }
                    on:click=resend
                >
                    {tr(|m| m.resend)}
                </button>
                <span class="countdown" aria-live="off">
                    {move || {
                        let w = wait.get();
                        (w > 0).then(|| [tr(|m| m.resend_in)(), " ", &w.to_string(), tr(|m| m.seconds)()].concat())
                    }}
                </span>
            </p>
        </section>
    }
}
