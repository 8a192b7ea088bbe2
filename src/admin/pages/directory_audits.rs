//! `/admin/reports/directory-audits`: every change administrators and API tokens made (Graph's
//! `directoryAudits`), newest first, filtered by category, result and time, 50 a page, each with
//! the properties it changed.
//!
//! The activity, the category and the type of what changed read from the portal's catalog (by
//! `operationType`, `category` and `resourceType`), so they follow the portal's language; Graph's
//! English names are shown only for what this portal does not know yet.

use super::reports::{date_filter, Pager, ReportNav};
use crate::api;
use crate::i18n::{at, AText};
use crate::ui::{text_or, when_iso, Loaded};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::reports::DirectoryAuditPage;
use sspr_web::components::form::value_of;

/// The categories, as Graph names them, with the catalog's name for each.
const CATEGORIES: [(&str, AText); 6] = [
    ("ApplicationManagement", |m| {
        m.category_application_management
    }),
    ("DirectoryManagement", |m| m.category_directory_management),
    ("GroupManagement", |m| m.category_group_management),
    ("Policy", |m| m.category_policy),
    ("RoleManagement", |m| m.category_role_management),
    ("UserManagement", |m| m.category_user_management),
];

#[component]
pub fn DirectoryAudits() -> impl IntoView {
    let category = NodeRef::<leptos::html::Select>::new();
    let result = NodeRef::<leptos::html::Select>::new();
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
    let page = LocalResource::new(move || api::directory_audits(filter.get(), pager.current()));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut clauses = Vec::new();
        let chosen = |node: NodeRef<leptos::html::Select>| {
            node.get_untracked().map(|s| s.value()).unwrap_or_default()
        };
        let category = chosen(category);
        if !category.is_empty() {
            clauses.push(["category eq '", &category, "'"].concat());
        }
        let result = chosen(result);
        if !result.is_empty() {
            clauses.push(["result eq '", &result, "'"].concat());
        }
        let from = date_filter(&value_of(from), false);
        if !from.is_empty() {
            clauses.push(["activityDateTime ge ", &from].concat());
        }
        let to = date_filter(&value_of(to), true);
        if !to.is_empty() {
            clauses.push(["activityDateTime lt ", &to].concat());
        }
        filter.set(clauses.join(" and "));
        pager.first();
    };
    view! {
        <h1 tabindex="-1">{at(|m| m.nav_report_audits)}</h1>
        <ReportNav/>
        <p>{at(|m| m.audits_intro)}</p>
        <form class="toolbar" node_ref=form on:submit=submit aria-label=at(|m| m.report_filters)>
            <div class="field">
                <label class="field__label" for="audits-category">{at(|m| m.col_category)}</label>
                <select class="field__input" id="audits-category" node_ref=category>
                    <option value="">{at(|m| m.audit_any)}</option>
                    {CATEGORIES.iter().map(|(value, text)| view! { <option value=*value>{at(*text)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="audits-result">{at(|m| m.col_outcome)}</label>
                <select class="field__input" id="audits-result" node_ref=result>
                    <option value="">{at(|m| m.audit_any)}</option>
                    <option value="success">{at(|m| m.outcome_success)}</option>
                    <option value="failure">{at(|m| m.outcome_failure)}</option>
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="audits-from">{at(|m| m.audit_from)}</label>
                <input class="field__input" id="audits-from" type="date" node_ref=from/>
            </div>
            <div class="field">
                <label class="field__label" for="audits-to">{at(|m| m.audit_to)}</label>
                <input class="field__input" id="audits-to" type="date" node_ref=to/>
            </div>
            <button type="submit" class="button button--secondary">{at(|m| m.audit_apply)}</button>
        </form>
        <Loaded resource=page children=move |found: DirectoryAuditPage| {
            let next = api::skiptoken(&found.next_link);
            if found.value.is_empty() {
                return view! { <p role="status">{at(|m| m.report_none)}</p> }.into_any();
            }
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.nav_report_audits)>
                    <table class="table" data-testid="audits-table">
                        <caption class="visually-hidden">{at(|m| m.nav_report_audits)}</caption>
                        <thead><tr>
                            <th scope="col">{at(|m| m.col_time)}</th>
                            <th scope="col">{at(|m| m.col_activity)}</th>
                            <th scope="col">{at(|m| m.col_category)}</th>
                            <th scope="col">{at(|m| m.col_actor)}</th>
                            <th scope="col">{at(|m| m.col_subject)}</th>
                            <th scope="col">{at(|m| m.col_outcome)}</th>
                            <th scope="col">{at(|m| m.col_detail)}</th>
                        </tr></thead>
                        <tbody>
                            {found.value.into_iter().map(|row| {
                                let by = match (&row.initiated_by.user, &row.initiated_by.app) {
                                    (Some(user), _) => user.user_principal_name.clone().unwrap_or_else(|| user.id.clone()),
                                    (None, Some(app)) => app.display_name.clone(),
                                    (None, None) => String::new(),
                                };
                                let target = row.target_resources.first().cloned();
                                let changed = target.as_ref().map(|t| t.modified_properties.clone()).unwrap_or_default();
                                let activity = text_or(activity_text(&row.operation_type), row.activity_display_name);
                                let category_text = CATEGORIES.iter().find(|(value, _)| *value == row.category).map(|(_, text)| *text);
                                let category = text_or(category_text, row.category);
                                view! {
                                    <tr>
                                        <td>{when_iso(&row.activity_date_time)}</td>
                                        <td>{activity}</td>
                                        <td>{category}</td>
                                        <td class="cell--wrap">{by}</td>
                                        <td class="cell--wrap">{target.map(|t| {
                                            let kind = text_or(resource_text(&t.resource_type), t.resource_type);
                                            view! { {kind} " " {t.id} }
                                        })}</td>
                                        <td>{at(if row.result == "success" { |m| m.outcome_success } else { |m| m.outcome_failure })}</td>
                                        <td class="cell--wrap">
                                            {(!changed.is_empty()).then(|| view! {
                                                <details>
                                                    <summary>{at(|m| m.audit_show_detail)}</summary>
                                                    <dl>
                                                        {changed.into_iter().map(|p| view! {
                                                            <dt>{p.display_name}</dt>
                                                            <dd><code>{p.old_value}</code> " → " <code>{p.new_value}</code></dd>
                                                        }).collect_view()}
                                                    </dl>
                                                </details>
                                            })}
                                        </td>
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

/// The catalog's name for a change (`operationType`, the audit log's name for it); `None` for a
/// change this portal does not know, whose English `activityDisplayName` is shown instead.
fn activity_text(operation_type: &str) -> Option<AText> {
    if let Some(branding) = operation_type.strip_prefix("branding") {
        return Some(if branding.contains("localization_deleted") {
            |m| m.activity_branding_localization_deleted
        } else {
            |m| m.activity_branding
        });
    }
    Some(match operation_type {
        "admin.create" => |m| m.activity_admin_create,
        "admin.reset_sign_in" => |m| m.activity_admin_reset_sign_in,
        "api_token.create" => |m| m.activity_api_token_create,
        "api_token.revoke" => |m| m.activity_api_token_revoke,
        "application.create" => |m| m.activity_application_create,
        "application.update" => |m| m.activity_application_update,
        "application.delete" => |m| m.activity_application_delete,
        "application.add_password" => |m| m.activity_application_add_password,
        "application.remove_password" => |m| m.activity_application_remove_password,
        "authentication_method" => |m| m.activity_authentication_method,
        "authentication_methods_policy" => |m| m.activity_authentication_methods_policy,
        "password_reset_policy" => |m| m.activity_password_reset_policy,
        "group.create" => |m| m.activity_group_create,
        "group.update" => |m| m.activity_group_update,
        "group.delete" => |m| m.activity_group_delete,
        "group.member_add" => |m| m.activity_group_member_add,
        "group.member_remove" => |m| m.activity_group_member_remove,
        "guest.invite" => |m| m.activity_guest_invite,
        "guest.resend_invitation" => |m| m.activity_guest_resend_invitation,
        "guest.reset_redemption" => |m| m.activity_guest_reset_redemption,
        "user.unlock" => |m| m.activity_user_unlock,
        "user.disable" => |m| m.activity_user_disable,
        "user.enable" => |m| m.activity_user_enable,
        "user.revoke_sessions" => |m| m.activity_user_revoke_sessions,
        "user.require_reregistration" => |m| m.activity_user_require_reregistration,
        "user.reset_password" => |m| m.activity_user_reset_password,
        "user.delete_method" => |m| m.activity_user_delete_method,
        "user_flow.create" => |m| m.activity_user_flow_create,
        "user_flow.update" => |m| m.activity_user_flow_update,
        "user_flow.delete" => |m| m.activity_user_flow_delete,
        _ => return None,
    })
}

/// The catalog's name for the type of what changed (`resourceType`); `None` for any other.
fn resource_text(resource_type: &str) -> Option<AText> {
    Some(match resource_type {
        "Administrator" => |m| m.resource_administrator,
        "ApiToken" => |m| m.resource_api_token,
        "Application" => |m| m.resource_application,
        "Policy" => |m| m.resource_policy,
        "Branding" => |m| m.resource_branding,
        "Group" => |m| m.resource_group,
        "User" => |m| m.resource_user,
        "UserFlow" => |m| m.resource_user_flow,
        "Other" => |m| m.resource_other,
        _ => return None,
    })
}
