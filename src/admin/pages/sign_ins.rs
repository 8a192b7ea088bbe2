//! `/admin/reports/sign-ins`: the sign-in logs (Graph's `signIns`), newest first, filtered by
//! user, outcome and time, 50 a page; a failure shows its reason and Entra's error code.

use super::reports::{date_filter, Pager, ReportNav};
use crate::api;
use crate::i18n::{at, AText};
use crate::ui::{text_or, when_iso, Loaded};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::reports::SignInPage;
use sspr_web::components::form::value_of;

/// `text` as an OData string literal (a quote doubled).
pub fn quoted(text: &str) -> String {
    ["'", &text.replace('\'', "''"), "'"].concat()
}

#[component]
pub fn SignIns() -> impl IntoView {
    let user = NodeRef::<leptos::html::Input>::new();
    let status = NodeRef::<leptos::html::Select>::new();
    let from = NodeRef::<leptos::html::Input>::new();
    let to = NodeRef::<leptos::html::Input>::new();
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
    let page = LocalResource::new(move || api::sign_ins(filter.get(), pager.current()));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut clauses = Vec::new();
        let who = value_of(user).trim().to_owned();
        if !who.is_empty() {
            clauses.push(["userPrincipalName eq ", &quoted(&who)].concat());
        }
        match status.get_untracked().map(|s| s.value()).as_deref() {
            Some("success") => clauses.push("status/errorCode eq 0".to_owned()),
            Some("failure") => clauses.push("status/errorCode ne 0".to_owned()),
            _ => {}
        }
        let from = date_filter(&value_of(from), false);
        if !from.is_empty() {
            clauses.push(["createdDateTime ge ", &from].concat());
        }
        let to = date_filter(&value_of(to), true);
        if !to.is_empty() {
            clauses.push(["createdDateTime lt ", &to].concat());
        }
        filter.set(clauses.join(" and "));
        pager.first();
    };
    view! {
        <h1 tabindex="-1">{at(|m| m.nav_report_sign_ins)}</h1>
        <ReportNav/>
        <p>{at(|m| m.sign_ins_intro)}</p>
        <form class="toolbar" node_ref=form on:submit=submit aria-label=at(|m| m.report_filters)>
            <div class="field">
                <label class="field__label" for="signins-user">{at(|m| m.col_email)}</label>
                <input class="field__input" id="signins-user" type="email" node_ref=user/>
            </div>
            <div class="field">
                <label class="field__label" for="signins-status">{at(|m| m.col_outcome)}</label>
                <select class="field__input" id="signins-status" node_ref=status>
                    <option value="">{at(|m| m.audit_any)}</option>
                    <option value="success">{at(|m| m.outcome_success)}</option>
                    <option value="failure">{at(|m| m.outcome_failure)}</option>
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="signins-from">{at(|m| m.audit_from)}</label>
                <input class="field__input" id="signins-from" type="date" node_ref=from/>
            </div>
            <div class="field">
                <label class="field__label" for="signins-to">{at(|m| m.audit_to)}</label>
                <input class="field__input" id="signins-to" type="date" node_ref=to/>
            </div>
            <button type="submit" class="button button--secondary">{at(|m| m.audit_apply)}</button>
        </form>
        <Loaded resource=page children=move |found: SignInPage| {
            let next = api::skiptoken(&found.next_link);
            if found.value.is_empty() {
                return view! { <p role="status">{at(|m| m.report_none)}</p> }.into_any();
            }
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.nav_report_sign_ins)>
                    <table class="table" data-testid="sign-ins-table">
                        <caption class="visually-hidden">{at(|m| m.nav_report_sign_ins)}</caption>
                        <thead><tr>
                            <th scope="col">{at(|m| m.col_time)}</th>
                            <th scope="col">{at(|m| m.col_email)}</th>
                            <th scope="col">{at(|m| m.col_application)}</th>
                            <th scope="col">{at(|m| m.col_method)}</th>
                            <th scope="col">{at(|m| m.col_ip)}</th>
                            <th scope="col">{at(|m| m.col_outcome)}</th>
                        </tr></thead>
                        <tbody>
                            {found.value.into_iter().map(|row| {
                                let outcome = match row.status.failure_reason {
                                    None => view! { <span>{at(|m| m.outcome_success)}</span> }.into_any(),
                                    Some(reason) => {
                                        let reason = text_or(failure_text(row.status.error_code), reason);
                                        view! {
                                            <span>{at(|m| m.sign_in_failed_because)} " " {reason} " (" {row.status.error_code} ")"</span>
                                        }.into_any()
                                    }
                                };
                                let method = text_or(method_text(&row.authentication_method), row.authentication_method);
                                view! {
                                    <tr>
                                        <td>{when_iso(&row.created_date_time)}</td>
                                        <td class="cell--wrap">{row.user_principal_name}</td>
                                        <td>{row.app_display_name}</td>
                                        <td>{method}</td>
                                        <td>{row.ip_address}</td>
                                        <td>{outcome}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {pager.buttons(next)}
            }.into_any()
        }/>
    }
}

/// The catalog's sentence for a sign-in failure's Graph error code; the server's English
/// `failureReason` for any other.
fn failure_text(error_code: i64) -> Option<AText> {
    Some(match error_code {
        50034 => |m| m.sign_in_unknown_account,
        50053 => |m| m.sign_in_locked,
        50057 => |m| m.sign_in_disabled,
        50126 => |m| m.sign_in_wrong_credentials,
        _ => return None,
    })
}

/// The catalog's name for a sign-in's `authenticationMethod`; the value itself for any other.
fn method_text(method: &str) -> Option<AText> {
    Some(match method {
        "password" => |m| m.method_password,
        "emailPasscode" => |m| m.method_email,
        "session" => |m| m.method_session,
        _ => return None,
    })
}
