//! `/admin/user-flows/{id}` (and `/admin/user-flows/new`): edit a user flow — its name, the
//! identity provider (email with password, or email one-time passcode), the attributes collected
//! at sign-up, SSPR on or off — and the applications that use it, listed (an application chooses
//! its user flow in App registrations). **Save** is `PUT` (or `POST` for a new flow); **Delete**
//! is `DELETE`.

use crate::api;
use crate::i18n::{at, AText};
use crate::pages::user_flows::{provider_text, NEW};
use crate::ui::{Alert, Guarded, Invalid, Loaded, Notice, Problem, Switch};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use sspr_api::{
    Application, IdentityProvider, Permission, UserAttribute, UserFlow, UserFlowInput,
    UserFlowKind, WireName,
};
use sspr_web::components::form::{value_of, Field, Submit};

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
    let apps: Vec<Application> = flow
        .as_ref()
        .map(|f| f.applications.clone())
        .unwrap_or_default();
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let invalid = Invalid::new(problem, notice);
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
                    Ok(_) => notice.set(Some(|m| m.saved)),
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
            invalid.flag("flow-name", Problem::Local(|m| m.err_flow_name), name);
            return;
        }
        let body = UserFlowInput {
            name: typed_name,
            kind: UserFlowKind::SignUpAndSignIn,
            identity_provider: provider.get_untracked(),
            attributes: attributes.get_untracked(),
            sspr_enabled: sspr.get_untracked(),
            // Left out: applications are registered apart (App registrations).
            applications: Vec::new(),
        };
        problem.set(None);
        notice.set(None);
        save.dispatch(body);
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
            <Field id="flow-name" label=at(|m| m.col_name) node=name value=flow.as_ref().map(|f| f.name.clone()).unwrap_or_default() invalid=invalid.of("flow-name")/>
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
            <section aria-labelledby="flow-apps">
                <h2 id="flow-apps">{at(|m| m.col_applications)}</h2>
                {(!apps.is_empty()).then(|| view! {
                    <ul>
                        {apps.into_iter().map(|a| view! { <li>{a.name} " " <code>{a.client_id}</code></li> }).collect_view()}
                    </ul>
                })}
                <p><A href="/admin/applications" exact=true>{at(|m| m.flow_apps_note)}</A></p>
            </section>
            <div class="button-row">
                <Submit inline=true label=at(|m| m.save) busy=save.pending()/>
                {(flow.is_some() && !is_default).then(|| view! {
                    <button type="button" class="button button--secondary" disabled=deleting
                        on:click=move |_| {
                            if let Some(flow_id) = id.get_value() {
                                problem.set(None);
                                notice.set(None);
                                delete.dispatch(flow_id);
                            }
                        }>{at(|m| m.user_flow_delete)}</button>
                })}
            </div>
            </Guarded>
        </form>
    }
}
