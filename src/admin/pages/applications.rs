//! `/admin/applications`: App registrations — the applications that sign their users in with
//! OpenID Connect (Graph's `/api/graph/v1.0/applications`): register one with its name, user
//! flow and exact redirect URIs (web, or single-page), see its client id, make a client secret
//! (shown this once), delete it. Reads need any role; changes the authentication policy
//! administrator or global administrator.

use crate::api;
use crate::i18n::{at, AText};
use crate::ui::{Alert, Guarded, Invalid, Loaded, Notice, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::{
    ApplicationCreate, GraphApplicationList, Permission, RedirectUris, UserFlowList,
    DEFAULT_USER_FLOW,
};
use sspr_web::components::form::{value_of, Field, Submit};

/// The non-empty lines of `text`, trimmed.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
pub fn Applications() -> impl IntoView {
    let list = LocalResource::new(api::applications);
    let flows = LocalResource::new(api::user_flows);
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let invalid = Invalid::new(problem, notice);
    let secret = RwSignal::new(None::<String>);
    let name = NodeRef::<leptos::html::Input>::new();
    let web = RwSignal::new(String::new());
    let spa = RwSignal::new(String::new());
    let flow = RwSignal::new(DEFAULT_USER_FLOW.to_owned());
    let register = Action::new_local(move |body: &ApplicationCreate| {
        let body = body.clone();
        async move {
            match api::create_application(body).await {
                Ok(_) => {
                    notice.set(Some(|m| m.done_app_registered));
                    // An empty form for the next one: pressing Register again does not register
                    // the same application twice.
                    if let Some(input) = name.get_untracked() {
                        input.set_value("");
                    }
                    web.set(String::new());
                    spa.set(String::new());
                    list.refetch();
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let add_secret = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::add_password(id).await {
                Ok(added) => {
                    secret.set(added.secret_text);
                    notice.set(Some(|m| m.done_secret_added));
                    list.refetch();
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let delete = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::delete_application(id).await {
                Ok(()) => {
                    notice.set(Some(|m| m.done_app_deleted));
                    list.refetch();
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let display_name = value_of(name);
        if display_name.is_empty() {
            invalid.flag("app-name", Problem::Local(|m| m.err_app_name), name);
            return;
        }
        let body = ApplicationCreate {
            display_name,
            web: Some(RedirectUris {
                redirect_uris: lines(&web.get_untracked()),
            }),
            spa: Some(RedirectUris {
                redirect_uris: lines(&spa.get_untracked()),
            }),
            user_flow_id: Some(flow.get_untracked()),
            ..ApplicationCreate::default()
        };
        problem.set(None);
        notice.set(None);
        secret.set(None);
        register.dispatch(body);
    };
    // A user flow's name, once the flows are loaded (its id until then).
    let flow_name = move |id: String| {
        move || {
            flows
                .get()
                .and_then(Result::ok)
                .and_then(|found| found.flows.into_iter().find(|f| f.id == id))
                .map_or_else(|| id.clone(), |f| f.name)
        }
    };
    // Clears what the last action said before the next one.
    let act = move |action: Action<String, ()>, id: String| {
        problem.set(None);
        notice.set(None);
        secret.set(None);
        action.dispatch(id);
    };
    view! {
        <h1 tabindex="-1">{at(|m| m.nav_apps)}</h1>
        <p>{at(|m| m.apps_intro)}</p>
        <Alert problem/>
        <Notice notice/>
        {move || secret.get().map(|s| view! {
            <p>{at(|m| m.app_secret_shown)} " " <code class="secret" data-testid="client-secret">{s}</code></p>
        })}
        <section class="panel" aria-labelledby="new-app">
            <h2 id="new-app">{at(|m| m.app_new)}</h2>
            <form on:submit=submit novalidate>
                <Guarded permission=Permission::ManageAuthenticationPolicy>
                <Field id="app-name" label=at(|m| m.app_name) node=name invalid=invalid.of("app-name")/>
                <div class="field">
                    <label class="field__label" for="app-flow">{at(|m| m.app_user_flow)}</label>
                    <select class="field__input" id="app-flow" on:change=move |ev| flow.set(event_target_value(&ev))>
                        {move || flows.get().and_then(Result::ok).map(|found: UserFlowList| {
                            found.flows.into_iter().map(|f| view! {
                                <option value=f.id.clone() selected=f.id == DEFAULT_USER_FLOW>{f.name}</option>
                            }).collect_view()
                        })}
                    </select>
                </div>
                <div class="field">
                    <label class="field__label" for="app-web">{at(|m| m.app_web_uris)}</label>
                    <textarea class="field__input" id="app-web" rows="2" aria-describedby="app-uris-hint"
                        prop:value=move || web.get()
                        on:input=move |ev| web.set(event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                    <label class="field__label" for="app-spa">{at(|m| m.app_spa_uris)}</label>
                    <textarea class="field__input" id="app-spa" rows="2" aria-describedby="app-uris-hint"
                        prop:value=move || spa.get()
                        on:input=move |ev| spa.set(event_target_value(&ev))></textarea>
                    <p class="field__hint" id="app-uris-hint">{at(|m| m.app_uris_hint)}</p>
                </div>
                <Submit inline=true label=at(|m| m.app_register) busy=register.pending()/>
                </Guarded>
            </form>
        </section>
        <Loaded resource=list children=move |found: GraphApplicationList| match found {
            found if found.value.is_empty() => view! { <p>{at(|m| m.apps_none)}</p> }.into_any(),
            found => view! {
                <Guarded permission=Permission::ManageAuthenticationPolicy quiet=true>
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.nav_apps)>
                    <table class="table">
                        <caption class="visually-hidden">{at(|m| m.nav_apps)}</caption>
                        <thead><tr>
                            <th scope="col">{at(|m| m.app_name)}</th>
                            <th scope="col">{at(|m| m.app_client_id)}</th>
                            <th scope="col">{at(|m| m.app_user_flow)}</th>
                            <th scope="col">{at(|m| m.col_redirect_uris)}</th>
                            <th scope="col">{at(|m| m.col_secrets)}</th>
                            <th scope="col">{at(|m| m.actions_title)}</th>
                        </tr></thead>
                        <tbody>
                            {found.value.into_iter().map(|a| {
                                let (for_secret, for_delete) = (a.id.clone(), a.id.clone());
                                let secret_label = [at(|m| m.app_secret_add)(), " ", &a.display_name].concat();
                                let delete_label = [at(|m| m.app_delete)(), " ", &a.display_name].concat();
                                let uris = a.web.redirect_uris.iter().chain(&a.spa.redirect_uris)
                                    .chain(&a.public_client.redirect_uris).cloned().collect::<Vec<_>>();
                                let hints = a.password_credentials.iter()
                                    .map(|c| [c.hint.as_str(), "…"].concat()).collect::<Vec<_>>().join(", ");
                                view! {
                                    <tr>
                                        <td>{a.display_name.clone()}</td>
                                        <td><code>{a.app_id.clone()}</code></td>
                                        <td>{flow_name(a.user_flow_id.clone())}</td>
                                        <td>{uris.into_iter().map(|u| view! { <div><code>{u}</code></div> }).collect_view()}</td>
                                        <td>{hints}</td>
                                        <td>
                                            <button type="button" class="button button--quiet" aria-label=secret_label
                                                on:click=move |_| act(add_secret, for_secret.clone())>{at(|m| m.app_secret_add)}</button>
                                            <button type="button" class="button button--quiet" aria-label=delete_label
                                                on:click=move |_| act(delete, for_delete.clone())>{at(|m| m.app_delete)}</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                </Guarded>
            }.into_any(),
        }/>
    }
}
