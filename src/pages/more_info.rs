//! `/more-info`: the sign-in's registration interrupt (SPEC C7), as Entra shows it. **More
//! information required** when the user holds fewer methods than a reset needs (or an
//! administrator asked them to register again): **Next** opens the security info page, which
//! then offers **Done**; **Skip for now** while skips are left. **Keep your account secure**
//! when their methods are due for re-confirmation: the methods, masked, with **Looks good** and
//! a link to change them. Each way ends at the `return_to` the sign-in kept (an application's
//! authorization, or the account page). Nothing to ask: straight on.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::form::Submit;
use crate::i18n::tr;
use crate::memory::{go, use_memory};
use crate::pages::security_info::kind_text;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use sspr_api::{RegistrationKind, RegistrationPrompt};

#[component]
pub fn MoreInfo() -> impl IntoView {
    let navigate = use_navigate();
    let memory = use_memory();
    let problem = RwSignal::new(None::<Problem>);
    let prompt = LocalResource::new(api::registration);
    let on = navigate.clone();
    Effect::new(move || match prompt.get() {
        Some(Err(error)) if error.status() == Some(401) => {
            let replace = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            on("/sign-in", replace);
        }
        Some(Err(error)) => problem.set(Some(error.into())),
        Some(Ok(found)) if found.kind.is_none() => go(&on, memory.return_to.get_value()),
        _ => {}
    });
    let on = navigate.clone();
    // `true`: **Skip for now**; `false`: **Looks good**.
    let end = Action::new_local(move |skip: &bool| {
        let (skip, on) = (*skip, on.clone());
        async move {
            match api::end_registration(skip).await {
                Ok(()) => go(&on, memory.return_to.get_value()),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let busy = end.pending();
    let register = move || {
        memory.registering.set(true);
        navigate("/account/security-info", NavigateOptions::default());
    };
    let kind = move || prompt.get().and_then(Result::ok).and_then(|p| p.kind);
    let title = move || match kind() {
        Some(RegistrationKind::Reconfirm) => tr(|m| m.reconfirm_title)(),
        _ => tr(|m| m.reg_title)(),
    };
    let body = move || {
        let found: RegistrationPrompt = prompt.get().and_then(Result::ok)?;
        let register = register.clone();
        Some(match found.kind? {
            RegistrationKind::Reconfirm => view! {
                <p>{tr(|m| m.reconfirm_intro)}</p>
                <ul>
                    {found.methods.into_iter().map(|method| view! {
                        <li><strong>{tr(kind_text(method.kind))}</strong> " " {method.kind.has_address().then_some(method.detail)}</li>
                    }).collect_view()}
                </ul>
                <form on:submit=move |ev: SubmitEvent| {
                    ev.prevent_default();
                    problem.set(None);
                    end.dispatch(false);
                }>
                    <Submit label=tr(|m| m.looks_good) busy/>
                </form>
                <p class="links">
                    <a href="/account/security-info" on:click=move |ev| {
                        ev.prevent_default();
                        register();
                    }>{tr(|m| m.change_methods)}</a>
                </p>
            }
            .into_any(),
            kind => {
                let intro = if kind == RegistrationKind::Reregister {
                    tr(|m| m.reg_again_intro)
                } else {
                    tr(|m| m.reg_intro)
                };
                let left = found.skips_left;
                view! {
                    <p>{intro}</p>
                    <form on:submit=move |ev: SubmitEvent| {
                        ev.prevent_default();
                        register();
                    }>
                        <Submit label=tr(|m| m.next) busy=Signal::stored(false)/>
                    </form>
                    {(left > 0).then(|| view! {
                        <p class="links">
                            <button type="button" class="button button--secondary"
                                disabled=move || busy.get()
                                on:click=move |_| {
                                    problem.set(None);
                                    end.dispatch(true);
                                }>{tr(|m| m.reg_skip)}</button>
                            <span>{tr(|m| m.reg_skips_left)} " " {left}</span>
                        </p>
                    })}
                }
                .into_any()
            }
        })
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{title}</h1>
            <Alert problem/>
            {move || match prompt.get() {
                None => Some(view! {
                    <p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>{tr(|m| m.loading)}</p>
                }),
                Some(_) => None,
            }}
            {body}
        </section>
    }
}
