//! `/admin/reports/registration`: registration details per user (Graph's
//! `userRegistrationDetails`), filtered by address, type and what is registered, 50 a page, and the
//! same filters as a CSV built by the server (`/api/admin/reports/registration.csv`).

use super::reports::{yes_no, Pager, ReportNav};
use super::sign_ins::quoted;
use crate::api;
use crate::i18n::{at, catalog, AText};
use crate::ui::Loaded;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::reports::RegistrationDetailsPage;
use sspr_web::components::form::value_of;

/// The `$filter` for the choices made: each select is `""` (any), or a clause.
fn filter_of(choices: &[(&str, String)]) -> String {
    choices
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(property, value)| match *property {
            "userType" => ["userType eq '", value, "'"].concat(),
            "userPrincipalName" => ["userPrincipalName eq ", &quoted(value)].concat(),
            property => [property, " eq ", value].concat(),
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

fn selected(node: NodeRef<leptos::html::Select>) -> String {
    node.get_untracked().map(|s| s.value()).unwrap_or_default()
}

/// A select of "Any", "Yes", "No" for a boolean property.
#[component]
fn YesNoAny(
    id: &'static str,
    label: crate::i18n::AText,
    node: NodeRef<leptos::html::Select>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label class="field__label" for=id>{at(label)}</label>
            <select class="field__input" id=id node_ref=node>
                <option value="">{at(|m| m.audit_any)}</option>
                <option value="true">{at(|m| m.yes)}</option>
                <option value="false">{at(|m| m.no)}</option>
            </select>
        </div>
    }
}

#[component]
pub fn Registration() -> impl IntoView {
    let email = NodeRef::<leptos::html::Input>::new();
    let user_type = NodeRef::<leptos::html::Select>::new();
    let registered = NodeRef::<leptos::html::Select>::new();
    let capable = NodeRef::<leptos::html::Select>::new();
    let mfa = NodeRef::<leptos::html::Select>::new();
    let filter = RwSignal::new(String::new());
    let pager = Pager::new();
    let form = NodeRef::<leptos::html::Form>::new();
    // The router may keep the form elements of the report shown before; start from the
    // defaults, not from the filters chosen there.
    Effect::new(move || {
        if let Some(form) = form.get() {
            form.reset();
        }
    });
    let page = LocalResource::new(move || api::registration_details(filter.get(), pager.current()));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        filter.set(filter_of(&[
            ("userPrincipalName", value_of(email).trim().to_owned()),
            ("userType", selected(user_type)),
            ("isSsprRegistered", selected(registered)),
            ("isSsprCapable", selected(capable)),
            ("isMfaRegistered", selected(mfa)),
        ]));
        pager.first();
    };
    let csv = move || filter.with(|f| api::registration_csv(f));
    view! {
        <h1 tabindex="-1">{at(|m| m.nav_report_registration)}</h1>
        <ReportNav/>
        <p>{at(|m| m.registration_intro)}</p>
        <form class="toolbar" node_ref=form on:submit=submit aria-label=at(|m| m.report_filters)>
            <div class="field">
                <label class="field__label" for="reg-email">{at(|m| m.col_email)}</label>
                <input class="field__input" id="reg-email" type="email" node_ref=email/>
            </div>
            <div class="field">
                <label class="field__label" for="reg-type">{at(|m| m.col_type)}</label>
                <select class="field__input" id="reg-type" node_ref=user_type>
                    <option value="">{at(|m| m.audit_any)}</option>
                    <option value="member">{at(|m| m.type_member)}</option>
                    <option value="guest">{at(|m| m.type_guest)}</option>
                </select>
            </div>
            <YesNoAny id="reg-sspr" label=|m| m.col_sspr_registered node=registered/>
            <YesNoAny id="reg-capable" label=|m| m.col_sspr_capable node=capable/>
            <YesNoAny id="reg-mfa" label=|m| m.col_mfa_registered node=mfa/>
            <button type="submit" class="button button--secondary">{at(|m| m.audit_apply)}</button>
            <a class="button button--quiet" href=csv download="registration-details.csv">{at(|m| m.audit_csv)}</a>
        </form>
        <Loaded resource=page children=move |found: RegistrationDetailsPage| {
            let next = api::skiptoken(&found.next_link);
            if found.value.is_empty() {
                return view! { <p role="status">{at(|m| m.report_none)}</p> }.into_any();
            }
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.nav_report_registration)>
                    <table class="table" data-testid="registration-table">
                        <caption class="visually-hidden">{at(|m| m.nav_report_registration)}</caption>
                        <thead><tr>
                            <th scope="col">{at(|m| m.col_name)}</th>
                            <th scope="col">{at(|m| m.col_email)}</th>
                            <th scope="col">{at(|m| m.col_type)}</th>
                            <th scope="col">{at(|m| m.col_sspr_registered)}</th>
                            <th scope="col">{at(|m| m.col_sspr_enabled)}</th>
                            <th scope="col">{at(|m| m.col_sspr_capable)}</th>
                            <th scope="col">{at(|m| m.col_mfa_registered)}</th>
                            <th scope="col">{at(|m| m.col_methods)}</th>
                        </tr></thead>
                        <tbody>
                            {found.value.into_iter().map(|row| view! {
                                <tr>
                                    <td class="cell--wrap">{row.user_display_name}</td>
                                    <td class="cell--wrap">{row.user_principal_name}</td>
                                    <td>{at(if row.user_type == "guest" { |m| m.type_guest } else { |m| m.type_member })}</td>
                                    <td>{at(yes_no(row.is_sspr_registered))}</td>
                                    <td>{at(yes_no(row.is_sspr_enabled))}</td>
                                    <td>{at(yes_no(row.is_sspr_capable))}</td>
                                    <td>{at(yes_no(row.is_mfa_registered))}</td>
                                    <td>{move || methods_text(&row.methods_registered)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {pager.buttons(next)}
            }.into_any()
        }/>
    }
}

/// The methods a user registered (Graph's `methodsRegistered`), named from the catalog in the
/// current language; a name this portal does not know is shown as it is.
fn methods_text(methods: &[String]) -> String {
    let m = catalog();
    let names: Vec<&str> = methods
        .iter()
        .map(|method| match method_text(method) {
            Some(text) => text(m),
            None => method.as_str(),
        })
        .collect();
    names.join(", ")
}

/// The catalog's name for one of Graph's `methodsRegistered`.
fn method_text(method: &str) -> Option<AText> {
    Some(match method {
        "email" => |m| m.kind_email,
        "mobilePhone" => |m| m.kind_mobile_phone,
        "alternateMobilePhone" => |m| m.kind_alternate_phone,
        "officePhone" => |m| m.kind_office_phone,
        "securityQuestion" => |m| m.kind_questions,
        "microsoftAuthenticatorPush" => |m| m.kind_push,
        "softwareOneTimePasscode" => |m| m.kind_app,
        _ => return None,
    })
}
