//! `/admin/user-flows/{id}` (and `/admin/user-flows/new`): edit a user flow — its name, the
//! identity provider (email with password, or email one-time passcode), the attributes collected
//! at sign-up, SSPR on or off, and the applications that use it (name, client id, the origins
//! users may return to). **Save** is `PUT` (or `POST` for a new flow); **Delete** is `DELETE`.

use crate::api;
use crate::i18n::{at, AText};
use crate::pages::user_flows::{provider_text, NEW};
use crate::ui::{Alert, Guarded, Loaded, Notice, Problem, Switch};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use sspr_api::{
    ApplicationInput, IdentityProvider, Permission, UserAttribute, UserFlow, UserFlowInput,
    UserFlowKind, WireName,
};
use sspr_web::components::form::{focus, value_of, Field, Submit};

fn attribute_text(attribute: UserAttribute) -> AText {
    match attribute {
        UserAttribute::DisplayName => |m| m.attr_display_name,
        UserAttribute::GivenName => |m| m.attr_given_name,
        UserAttribute::Surname => |m| m.attr_surname,
        UserAttribute::City => |m| m.attr_city,
        UserAttribute::Country => |m| m.attr_country,
        UserAttribute::JobTitle => |m| m.attr_job_title,
        UserAttribute::PostalCode => |m| m.attr_postal_code,
        UserAttribute::State => |m| m.attr_state,
        UserAttribute::StreetAddress => |m| m.attr_street_address,
    }
}

/// One application row of the form.
#[derive(Debug, Clone, PartialEq)]
struct AppRow {
    key: usize,
    name: String,
    client_id: String,
    origins: String,
}

/// The application rows of a saved flow.
fn rows_of(flow: &UserFlow) -> Vec<AppRow> {
    flow.applications
        .iter()
        .enumerate()
        .map(|(key, a)| AppRow {
            key,
            name: a.name.clone(),
            client_id: a.client_id.clone(),
            origins: a.redirect_origins.join("\n"),
        })
        .collect()
}

#[component]
pub fn UserFlowPage(id: String) -> impl IntoView {
    let back =
        view! { <p><A href="/admin/user-flows" exact=true>{at(|m| m.back_to_user_flows)}</A></p> };
    if id == NEW {
        return view! {
            {back}
            <h1 tabindex="-1">{at(|m| m.user_flow_new)}</h1>
            <FlowForm flow=None/>
        }
        .into_any();
    }
    let flow = LocalResource::new(move || api::user_flow(id.clone()));
    let name = move || {
        flow.get()
            .and_then(Result::ok)
            .map_or_else(|| at(|m| m.user_flow_title)().to_owned(), |f| f.name)
    };
    view! {
        {back}
        <h1 tabindex="-1">{name}</h1>
        <Loaded resource=flow children=|found: UserFlow| view! { <FlowForm flow=Some(found)/> }/>
    }
    .into_any()
}

#[component]
fn FlowForm(flow: Option<UserFlow>) -> impl IntoView {
    let navigate = use_navigate();
    let id = StoredValue::new(flow.as_ref().map(|f| f.id.clone()));
    let is_default = flow.as_ref().is_some_and(|f| f.is_default);
    let name = NodeRef::new();
    let provider = RwSignal::new(
        flow.as_ref()
            .map_or(IdentityProvider::EmailPassword, |f| f.identity_provider),
    );
    let attributes = RwSignal::new(
        flow.as_ref()
            .map_or(vec![UserAttribute::DisplayName], |f| f.attributes.clone()),
    );
    let sspr = RwSignal::new(flow.as_ref().is_none_or(|f| f.sspr_enabled));
    let rows: Vec<AppRow> = flow.as_ref().map(rows_of).unwrap_or_default();
    let next_key = StoredValue::new(rows.len());
    let apps = RwSignal::new(rows);
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let save = Action::new_local({
        let navigate = navigate.clone();
        move |body: &UserFlowInput| {
            let (body, navigate) = (body.clone(), navigate.clone());
            async move {
                let result = match id.get_value() {
                    Some(id) => api::update_user_flow(id, body).await,
                    None => api::create_user_flow(body).await,
                };
                match result {
                    Ok(saved) if id.get_value().is_none() => {
                        let path = ["/admin/user-flows/", &saved.id].concat();
                        navigate(&path, NavigateOptions::default());
                    }
                    Ok(saved) => {
                        apps.set(rows_of(&saved));
                        next_key.set_value(saved.applications.len());
                        notice.set(Some(|m| m.saved));
                    }
                    Err(error) => problem.set(Some(error.into())),
                }
            }
        }
    });
    let delete = Action::new_local(move |flow_id: &String| {
        let (flow_id, navigate) = (flow_id.clone(), navigate.clone());
        async move {
            match api::delete_user_flow(flow_id).await {
                Ok(()) => navigate("/admin/user-flows", NavigateOptions::default()),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let deleting = delete.pending();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed_name = value_of(name);
        if typed_name.is_empty() {
            problem.set(Some(Problem::Local(|m| m.err_flow_name)));
            focus(name);
            return;
        }
        let body = UserFlowInput {
            name: typed_name,
            kind: UserFlowKind::SignUpAndSignIn,
            identity_provider: provider.get_untracked(),
            attributes: attributes.get_untracked(),
            sspr_enabled: sspr.get_untracked(),
            applications: apps
                .get_untracked()
                .into_iter()
                .map(|a| ApplicationInput {
                    name: a.name.trim().to_owned(),
                    client_id: Some(a.client_id.trim().to_owned()).filter(|c| !c.is_empty()),
                    redirect_origins: a
                        .origins
                        .split([',', '\n', ' '])
                        .map(str::trim)
                        .filter(|o| !o.is_empty())
                        .map(str::to_owned)
                        .collect(),
                })
                .collect(),
        };
        problem.set(None);
        notice.set(None);
        save.dispatch(body);
    };
    let add_app = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        apps.update(|a| {
            a.push(AppRow {
                key,
                name: String::new(),
                client_id: String::new(),
                origins: String::new(),
            })
        });
    };
    let edit = move |key: usize, change: fn(&mut AppRow, String), value: String| {
        apps.update(|a| {
            if let Some(row) = a.iter_mut().find(|r| r.key == key) {
                change(row, value);
            }
        });
    };
    let provider_radio = move |value: IdentityProvider, input_id: &'static str| {
        view! {
            <div class="choice">
                <input type="radio" id=input_id name="provider" prop:checked=move || provider.get() == value
                    on:change=move |_| provider.set(value)/>
                <label for=input_id>{at(provider_text(value))}</label>
            </div>
        }
    };
    view! {
        <form class="panel" on:submit=submit novalidate>
            <Alert problem/>
            <Notice notice/>
            <Guarded permission=Permission::ManageAuthenticationPolicy>
            <Field id="flow-name" label=at(|m| m.col_name) node=name value=flow.as_ref().map(|f| f.name.clone()).unwrap_or_default()/>
            <fieldset>
                <legend>{at(|m| m.col_provider)}</legend>
                {provider_radio(IdentityProvider::EmailPassword, "provider-password")}
                {provider_radio(IdentityProvider::EmailOtp, "provider-otp")}
            </fieldset>
            <fieldset>
                <legend>{at(|m| m.attributes_legend)}</legend>
                {UserAttribute::ALL.into_iter().map(|attribute| {
                    let input_id = ["attr-", attribute.as_str()].concat();
                    let always = attribute == UserAttribute::DisplayName;
                    view! {
                        <div class="choice">
                            <input type="checkbox" id=input_id.clone() disabled=always
                                prop:checked=move || always || attributes.with(|a| a.contains(&attribute))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    attributes.update(|a| {
                                        a.retain(|x| *x != attribute);
                                        if on { a.push(attribute); }
                                    });
                                }/>
                            <label for=input_id>{at(attribute_text(attribute))}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <Switch id="flow-sspr" label=|m| m.flow_sspr checked=sspr hint=|m| m.flow_sspr_hint/>
            <fieldset>
                <legend>{at(|m| m.col_applications)}</legend>
                <For each=move || apps.get() key=|row| row.key let:row>
                    {
                        let key = row.key;
                        let n = key.to_string();
                        let name_id = ["app-name-", &n].concat();
                        let client_id = ["app-client-", &n].concat();
                        let origins_id = ["app-origins-", &n].concat();
                        view! {
                            <div class="app-row">
                                <div class="field">
                                    <label class="field__label" for=name_id.clone()>{at(|m| m.app_name)}</label>
                                    <input class="field__input" id=name_id type="text" value=row.name.clone()
                                        on:input=move |ev| edit(key, |r, v| r.name = v, event_target_value(&ev))/>
                                </div>
                                <div class="field">
                                    <label class="field__label" for=client_id.clone()>{at(|m| m.app_client_id)}</label>
                                    <input class="field__input" id=client_id type="text" value=row.client_id.clone()
                                        placeholder=at(|m| m.app_client_id_placeholder)
                                        on:input=move |ev| edit(key, |r, v| r.client_id = v, event_target_value(&ev))/>
                                </div>
                                <div class="field">
                                    <label class="field__label" for=origins_id.clone()>{at(|m| m.app_origins)}</label>
                                    <textarea class="field__input" id=origins_id rows="2"
                                        on:input=move |ev| edit(key, |r, v| r.origins = v, event_target_value(&ev))>{row.origins.clone()}</textarea>
                                </div>
                                <button type="button" class="button button--quiet"
                                    on:click=move |_| apps.update(|a| a.retain(|r| r.key != key))>{at(|m| m.app_remove)}</button>
                            </div>
                        }
                    }
                </For>
                <button type="button" class="button button--secondary" on:click=add_app>{at(|m| m.app_add)}</button>
            </fieldset>
            <div class="button-row">
                <Submit inline=true label=at(|m| m.save) busy=save.pending()/>
                {(flow.is_some() && !is_default).then(|| view! {
                    <button type="button" class="button button--secondary" disabled=deleting
                        on:click=move |_| {
                            if let Some(flow_id) = id.get_value() {
                                problem.set(None);
                                delete.dispatch(flow_id);
                            }
                        }>{at(|m| m.user_flow_delete)}</button>
                })}
            </div>
            </Guarded>
        </form>
    }
}
