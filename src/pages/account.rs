//! `/account`: who is signed in, their sign-in methods (and a link to their security info), where they are signed in (with
//! **Sign out this session** for the others), and **Sign out**. Nobody signed in: to the
//! sign-in page. A load that fails says why and offers **Try again**.

use crate::api::{self, ApiError};
use crate::components::alert::{Alert, LoadFailed, Problem};
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use sspr_api::{Me, SessionList, UserType};

#[component]
pub fn Account() -> impl IntoView {
    let navigate = use_navigate();
    let problem = RwSignal::new(None::<Problem>);
    let me = LocalResource::new(api::me);
    let sessions = LocalResource::new(api::sessions);
    leave_unless_signed_in(me, Signal::stored(false));
    let sign_out = Action::new_local(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            match api::sign_out().await {
                Ok(()) => navigate("/", NavigateOptions::default()),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let revoke = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::revoke(id).await {
                Ok(()) => {
                    // An earlier failure is over.
                    problem.set(None);
                    sessions.refetch();
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let retry = Callback::new(move |()| {
        me.refetch();
        sessions.refetch();
    });
    // One load for the whole page: who is signed in, then where.
    let page = move || {
        Suspend::new(async move {
            let me = me.await?;
            let list = sessions.await?;
            Ok::<_, ApiError>(view! {
                {who_view(me)}
                <h2>{tr(|m| m.sessions_title)}</h2>
                {sessions_view(list, move |id| {
                    problem.set(None);
                    revoke.dispatch(id);
                })}
            })
        })
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.account_title)}</h1>
            <Alert problem/>
            <Transition fallback=loading>
                <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors retry/> }>
                    {page}
                </ErrorBoundary>
            </Transition>
            <button
                type="button"
                class="button button--primary"
                disabled=move || sign_out.pending().get()
                on:click=move |_| {
                    sign_out.dispatch(());
                }
            >
                {tr(|m| m.sign_out)}
            </button>
        </section>
    }
}

/// The account pages' way out: not signed in (`me` answered 401, or `signed_out` turned true
/// meanwhile), to the sign-in page in place of this one; a sign-in that still owes the
/// registration interrupt (a passcode sign-in, a reload), to it.
pub fn leave_unless_signed_in(me: LocalResource<Result<Me, ApiError>>, signed_out: Signal<bool>) {
    let navigate = use_navigate();
    Effect::new(move || {
        let replace = NavigateOptions {
            replace: true,
            ..Default::default()
        };
        match me.get() {
            Some(Ok(found)) if found.registration.is_some() => {
                navigate("/more-info", NavigateOptions::default());
            }
            Some(Err(error)) if error.status() == Some(401) => navigate("/sign-in", replace),
            _ if signed_out.get() => navigate("/sign-in", replace),
            _ => {}
        }
    });
}

/// "Loading…" with a spinner, announced politely.
pub fn loading() -> impl IntoView {
    view! { <p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>{tr(|m| m.loading)}</p> }
}

/// Who is signed in, and their sign-in methods.
fn who_view(me: Me) -> impl IntoView {
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
            {has_password.then(|| view! {
                <li>
                    {tr(|m| m.method_password)} " "
                    <A href="/account/password" exact=true>{tr(|m| m.change_password_link)}</A>
                </li>
            })}
        </ul>
        <p class="links"><A href="/account/security-info" exact=true>{tr(|m| m.security_info_link)}</A></p>
    }
}

/// Where the user is signed in; every session but this one can be ended with `revoke`. Each
/// **Sign out this session** is described by its session's browser and address, so the
/// buttons can be told apart out of their row.
fn sessions_view(list: SessionList, revoke: impl Fn(String) + Copy + 'static) -> impl IntoView {
    view! {
        <ul class="sessions">
            {list
                .sessions
                .into_iter()
                .enumerate()
                .map(|(i, session)| {
                    let agent_id = format!("session-{i}-agent");
                    let ip_id = format!("session-{i}-ip");
                    let action = if session.current {
                        view! { <span class="badge">{tr(|m| m.this_session)}</span> }.into_any()
                    } else {
                        let id = session.id.clone();
                        view! {
                            <button type="button" class="button button--secondary"
                                aria-describedby=format!("{agent_id} {ip_id}")
                                on:click=move |_| revoke(id.clone())>
                                {tr(|m| m.revoke)}
                            </button>
                        }
                        .into_any()
                    };
                    view! {
                        <li class="session">
                            <span class="session__agent" id=agent_id>{session.user_agent}</span>
                            <span class="session__ip" id=ip_id>{session.client_ip}</span>
                            {action}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
