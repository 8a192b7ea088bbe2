//! `/account`: who is signed in, their sign-in methods, where they are signed in (with
//! **Sign out this session** for the others), and **Sign out**.

use crate::api::{self, ApiError};
use crate::components::alert::{Alert, Problem};
use crate::i18n::tr;
use crate::router::{use_router, Route};
use leptos::prelude::*;
use sspr_api::{Me, SessionSummary, UserType};

#[component]
pub fn Account() -> impl IntoView {
    let router = use_router();
    let me = RwSignal::new(None::<Me>);
    let sessions = RwSignal::new(Vec::<SessionSummary>::new());
    let problem = RwSignal::new(None::<Problem>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::me().await {
                Ok(found) => me.set(Some(found)),
                Err(ApiError::Server { status: 401, .. }) => {
                    router.navigate(&Route::SignIn.path());
                    return;
                }
                Err(error) => {
                    problem.set(Some(error.into()));
                    return;
                }
            }
            match api::sessions().await {
                Ok(list) => sessions.set(list.sessions),
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    load();
    let sign_out = move |_: leptos::ev::MouseEvent| {
        leptos::task::spawn_local(async move {
            match api::sign_out().await {
                Ok(()) => router.navigate(&Route::Home.path()),
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    let revoke = move |id: String| {
        leptos::task::spawn_local(async move {
            match api::revoke(&id).await {
                Ok(()) => load(),
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.account_title)}</h1>
            <Alert problem/>
            {move || match me.get() {
                None => view! { <p class="loading" role="status"><span class="spinner"></span>{tr(|m| m.loading)}</p> }.into_any(),
                Some(me) => {
                    let guest = (me.user.user_type == UserType::Guest)
                        .then(|| view! { <span class="badge">{tr(|m| m.guest_badge)}</span> });
                    let has_password = me.user.methods.iter().any(|m| m == "password");
                    view! {
                        <p>
                            {tr(|m| m.signed_in_as)} " " <strong>{me.user.display_name}</strong>
                            " (" {me.user.email} ") " {guest}
                        </p>
                        <h2>{tr(|m| m.methods_title)}</h2>
                        <ul class="methods">
                            <li>{tr(|m| m.method_email)}</li>
                            {has_password.then(|| view! { <li>{tr(|m| m.method_password)}</li> })}
                        </ul>
                    }
                    .into_any()
                }
            }}
            <h2>{tr(|m| m.sessions_title)}</h2>
            <ul class="sessions">
                <For each=move || sessions.get() key=|s| s.id.clone() let:session>
                    <li class="session">
                        <span class="session__agent">{session.user_agent.clone()}</span>
                        <span class="session__ip">{session.client_ip.clone()}</span>
                        {if session.current {
                            view! { <span class="badge">{tr(|m| m.this_session)}</span> }.into_any()
                        } else {
                            let id = session.id.clone();
                            view! {
                                <button type="button" class="button button--secondary" on:click=move |_| revoke(id.clone())>
                                    {tr(|m| m.revoke)}
                                </button>
                            }
                            .into_any()
                        }}
                    </li>
                </For>
            </ul>
            <button type="button" class="button button--primary" on:click=sign_out>{tr(|m| m.sign_out)}</button>
        </section>
    }
}
