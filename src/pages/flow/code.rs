//! `/<wizard>/code?flow=…`: **Enter your code** — "we sent a code to j•••@example.com", the code
//! field (a pasted code with spaces or dashes is fine), **Verify**, **Resend code** with a
//! visible countdown, in a reset or unlock **Send the code to my alternate email instead**
//! (which answers the same whether the account has one or not), and a way back to change the
//! address. Without a usable `?flow=` the wizard starts again at its first page.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::form::{focus, value_of, Field, Submit};
use crate::i18n::tr;
use crate::memory::go;
use crate::pages::flow::steps::{after_verify, flow_id, path, Step};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use sspr_api::FlowPurpose;
use std::time::Duration;

#[component]
pub fn Code(purpose: FlowPurpose) -> impl IntoView {
    let Some(flow) = flow_id(use_query_map().with_untracked(|q| q.get("flow"))) else {
        return restart(purpose).into_any();
    };
    let navigate = use_navigate();
    let code = NodeRef::<leptos::html::Input>::new();
    let problem = RwSignal::new(None::<Problem>);
    let wait = RwSignal::new(0u64);
    // Where the last resend went (`Some(true)`: to the alternate address), for its notice.
    let resent = RwSignal::new(None::<bool>);
    let flow = StoredValue::new(flow);

    if let Ok(ticker) = set_interval_with_handle(
        move || wait.update(|w| *w = w.saturating_sub(1)),
        Duration::from_secs(1),
    ) {
        on_cleanup(move || ticker.clear());
    }
    let loaded = LocalResource::new(move || api::flow(flow.get_value()));
    Effect::new(move || match loaded.get() {
        Some(Ok(view)) => wait.set(view.resend_after_secs),
        Some(Err(error)) => problem.set(Some(error.into())),
        None => {}
    });

    let verify = Action::new_local(move |typed: &String| {
        let (id, typed) = (flow.get_value(), typed.clone());
        let navigate = navigate.clone();
        async move {
            match api::verify(id.clone(), typed).await {
                Ok(view) => match after_verify(purpose, view.state, view.methods_missing) {
                    Some(step) => navigate(&path(purpose, step, &id), NavigateOptions::default()),
                    None => go(&navigate, view.return_to),
                },
                Err(error) => {
                    problem.set(Some(error.into()));
                    if let Some(input) = code.get_untracked() {
                        input.set_value("");
                    }
                    focus(code);
                }
            }
        }
    });
    let resend = Action::new_local(move |alternate: &bool| {
        let (id, alternate) = (flow.get_value(), *alternate);
        async move {
            let sent = if alternate {
                api::send_alternate_code(id).await
            } else {
                api::resend(id).await
            };
            match sent {
                Ok(view) => {
                    wait.set(view.resend_after_secs);
                    problem.set(None);
                    resent.set(Some(alternate));
                    focus(code);
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let resending = resend.pending();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = value_of(code);
        if typed.is_empty() {
            problem.set(Some(Problem::Local(|m| m.code_invalid)));
            focus(code);
            return;
        }
        problem.set(None);
        verify.dispatch(typed);
    };
    let masked = move || {
        Suspend::new(async move {
            loaded
                .await
                .map(|view| view.masked_email)
                .unwrap_or_default()
        })
    };
    // The alternate address is the same email method: a reset or unlock may use it instead.
    let alternate =
        matches!(purpose, FlowPurpose::PasswordReset | FlowPurpose::Unlock).then(|| {
            view! {
                <p class="links">
                    <button
                        type="button"
                        class="button button--link"
                        disabled=move || { wait.get() > 0 || resending.get() }
                        on:click=move |_| {
                            resent.set(None);
                            resend.dispatch(true);
                        }
                    >
                        {tr(|m| m.code_to_alternate)}
                    </button>
                </p>
            }
        });
    let change = (purpose != FlowPurpose::Guest).then(|| {
        view! {
            <p class="links">
                <A href=path(purpose, Step::Email, "") exact=true>{tr(|m| m.different_email)}</A>
            </p>
        }
    });
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.code_title)}</h1>
            <p>
                {tr(|m| m.code_sent_to)} " "
                <strong><Suspense fallback=|| "…">{masked}</Suspense></strong>
            </p>
            <form on:submit=submit novalidate>
                <Alert problem restart=path(purpose, Step::Email, "")/>
                <p class="notice" role="status">
                    {move || resent.get().map(|alternate| {
                        if alternate { tr(|m| m.code_alternate_sent)() } else { tr(|m| m.code_resent)() }
                    })}
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
                <Submit label=tr(|m| m.verify) busy=verify.pending()/>
            </form>
            <p class="links">
                <button
                    type="button"
                    class="button button--link"
                    disabled=move || { wait.get() > 0 || resending.get() }
                    on:click=move |_| {
                        resent.set(None);
                        resend.dispatch(false);
                    }
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
            {alternate}
            {change}
        </section>
    }
    .into_any()
}

/// A step opened without a usable flow id: back to the wizard's first page, replacing this
/// history entry so Back does not return to it.
pub fn restart(purpose: FlowPurpose) -> impl IntoView {
    let options = NavigateOptions {
        replace: true,
        ..Default::default()
    };
    view! { <Redirect path=path(purpose, Step::Email, "") options/> }
}
