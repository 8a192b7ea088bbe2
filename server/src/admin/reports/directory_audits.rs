//! Directory audits (Graph's `directoryAudit`): the changes administrators and API tokens made,
//! from the audit log's `admin_change` events (`admin::audit::record_change`), newest first.
//!
//! The change's name (`what`, e.g. `user.unlock`) gives the category, the activity's name and
//! the kind of thing changed; its before and after become `modifiedProperties`, one per
//! top-level property that changed. `$filter` takes `activityDateTime` (`ge`, `gt`, `le`, `lt`,
//! `eq`), `category eq`, `result eq` and `initiatedBy/user/id eq`.

use super::{decode_event_key, event_key, like_escaped, narrow, GraphListParams, List};
use crate::error::ApiError;
use crate::http::graph;
use crate::http::odata;
use crate::store::reports::{self, EventFilter, EventRow};
use crate::AppState;
use serde_json::Value;
use sspr_api::reports::{
    AuditAppIdentity, AuditUserIdentity, DirectoryAudit, DirectoryAuditPage, InitiatedBy,
    ModifiedProperty, TargetResource,
};

/// The report's path under `/api/graph/v1.0/`.
pub const PATH: &str = "auditLogs/directoryAudits";

/// Each change name's prefix, with its category and the type of what it changes.
const KINDS: &[(&str, &str, &str)] = &[
    ("admin.", "RoleManagement", "Administrator"),
    ("api_token.", "DirectoryManagement", "ApiToken"),
    ("application.", "ApplicationManagement", "Application"),
    ("authentication_method", "Policy", "Policy"),
    ("password_reset_policy", "Policy", "Policy"),
    ("branding", "DirectoryManagement", "Branding"),
    ("group.", "GroupManagement", "Group"),
    ("guest.", "UserManagement", "User"),
    ("user.", "UserManagement", "User"),
    ("user_flow.", "ApplicationManagement", "UserFlow"),
];

/// The categories `category eq` takes.
pub const CATEGORIES: &[&str] = &[
    "ApplicationManagement",
    "DirectoryManagement",
    "GroupManagement",
    "Policy",
    "RoleManagement",
    "UserManagement",
];

/// Names for people of the changes the audit log records.
const ACTIVITIES: &[(&str, &str)] = &[
    ("admin.create", "Add administrator"),
    ("admin.reset_sign_in", "Reset administrator sign-in"),
    ("api_token.create", "Create API token"),
    ("api_token.revoke", "Revoke API token"),
    ("application.create", "Add application"),
    ("application.update", "Update application"),
    ("application.delete", "Delete application"),
    ("application.add_password", "Add application secret"),
    ("application.remove_password", "Remove application secret"),
    ("authentication_method", "Update authentication method"),
    (
        "authentication_methods_policy",
        "Update authentication methods policy",
    ),
    ("password_reset_policy", "Update password reset policy"),
    ("group.create", "Add group"),
    ("group.update", "Update group"),
    ("group.delete", "Delete group"),
    ("group.member_add", "Add member to group"),
    ("group.member_remove", "Remove member from group"),
    ("guest.invite", "Invite guest"),
    ("guest.resend_invitation", "Resend guest invitation"),
    ("guest.reset_redemption", "Reset guest redemption"),
    ("user.unlock", "Unlock user"),
    ("user.disable", "Disable user"),
    ("user.enable", "Enable user"),
    ("user.revoke_sessions", "Revoke user sessions"),
    (
        "user.require_reregistration",
        "Require user to register security info again",
    ),
    ("user.reset_password", "Reset user password"),
    ("user.delete_method", "Delete user authentication method"),
    ("user_flow.create", "Add user flow"),
    ("user_flow.update", "Update user flow"),
    ("user_flow.delete", "Delete user flow"),
];

const FILTERABLE: &str = "activityDateTime, category, result and initiatedBy/user/id";

fn kind(what: &str) -> (&'static str, &'static str) {
    // `user_flow.` before `user.`: the longest prefix wins.
    KINDS
        .iter()
        .filter(|(prefix, _, _)| what.starts_with(prefix))
        .max_by_key(|(prefix, _, _)| prefix.len())
        .map_or(("DirectoryManagement", "Other"), |(_, c, t)| (*c, *t))
}

fn activity(what: &str) -> String {
    if let Some(branding) = what.strip_prefix("branding") {
        return if branding.contains("localization_deleted") {
            "Delete company branding localization".into()
        } else {
            "Update company branding".into()
        };
    }
    ACTIVITIES
        .iter()
        .find(|(name, _)| *name == what)
        .map_or_else(|| what.to_owned(), |(_, text)| (*text).to_owned())
}

async fn filter(params: &GraphListParams) -> Result<EventFilter, ApiError> {
    let mut filter = EventFilter {
        events: vec!["admin_change"],
        limit: params.top()?,
        ..EventFilter::default()
    };
    let mut range = (None, None);
    for clause in odata::parse(params.filter.as_deref())? {
        match clause.property.as_str() {
            "activityDateTime" => narrow(&mut range, &clause)?,
            "category" => {
                let category = clause.text_eq()?;
                if !CATEGORIES.contains(&category) {
                    return Err(odata::invalid(format!(
                        "category is one of {}.",
                        CATEGORIES.join(", ")
                    )));
                }
                filter.detail_like = KINDS
                    .iter()
                    .filter(|(_, c, _)| *c == category)
                    .map(|(prefix, _, _)| format!("%\"what\":\"{}%", like_escaped(prefix)))
                    .collect();
            }
            "result" => {
                let result = clause.text_eq()?;
                if result != "success" && result != "failure" {
                    return Err(odata::invalid("result is 'success' or 'failure'."));
                }
                filter.outcome = Some(result.to_owned());
            }
            "initiatedBy/user/id" => {
                let id = clause.text_eq()?;
                if !crate::admin::users::plausible_id(id) {
                    return Err(odata::invalid(
                        "initiatedBy/user/id takes an administrator's id.",
                    ));
                }
                filter.actor = Some(format!("admin:{id}"));
            }
            _ => return Err(odata::unsupported(&clause, FILTERABLE)),
        }
    }
    (filter.from_ms, filter.to_ms) = range;
    if let Some(token) = params.token(List::DirectoryAudits)? {
        filter.before = Some(decode_event_key(&token)?);
    }
    Ok(filter)
}

/// `GET /api/graph/v1.0/auditLogs/directoryAudits`: one page, newest first.
pub async fn page(
    state: &AppState,
    params: &GraphListParams,
) -> Result<DirectoryAuditPage, ApiError> {
    let filter = filter(params).await?;
    let mut conn = state.db.pool.acquire().await?;
    let (rows, more) = reports::events(&mut conn, &filter).await?;
    let actors = |prefix: &str| -> Vec<String> {
        let mut ids: Vec<String> = rows
            .iter()
            .filter_map(|r| r.actor.as_deref()?.strip_prefix(prefix).map(str::to_owned))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let admins = reports::admin_names(&mut conn, &actors("admin:")).await?;
    let tokens = reports::token_names(&mut conn, &actors("api_token:")).await?;
    let value = rows
        .iter()
        .map(|row| entry(row, &admins, &tokens))
        .collect();
    let next = more.then(|| rows.last()).flatten().map(|last| {
        params.next_link(
            state,
            PATH,
            filter.limit,
            List::DirectoryAudits,
            &event_key(last.at_ms, last.id),
        )
    });
    Ok(DirectoryAuditPage {
        odata_context: graph::odata_context(&state.config.public_origin, PATH),
        next_link: next,
        value,
    })
}

fn entry(
    row: &EventRow,
    admins: &[(String, String, String)],
    tokens: &[(String, String)],
) -> DirectoryAudit {
    let detail: Value = serde_json::from_str(&row.detail).unwrap_or_default();
    let what = detail["what"].as_str().unwrap_or("change").to_owned();
    let (category, resource_type) = kind(&what);
    let actor = row.actor.as_deref().unwrap_or_default();
    let initiated_by = if let Some(id) = actor.strip_prefix("api_token:") {
        InitiatedBy {
            user: None,
            app: Some(AuditAppIdentity {
                app_id: id.to_owned(),
                display_name: tokens
                    .iter()
                    .find(|(t, _)| t == id)
                    .map_or_else(|| "API token".to_owned(), |(_, name)| name.clone()),
            }),
        }
    } else {
        let id = actor.strip_prefix("admin:").unwrap_or(actor);
        let known = admins.iter().find(|(a, _, _)| a == id);
        InitiatedBy {
            user: Some(AuditUserIdentity {
                id: id.to_owned(),
                display_name: known.map(|(_, _, name)| name.clone()),
                user_principal_name: known.map(|(_, email, _)| email.clone()),
                ip_address: row.client_ip.clone(),
            }),
            app: None,
        }
    };
    DirectoryAudit {
        id: row.id.to_string(),
        activity_date_time: graph::iso8601(row.at_ms),
        activity_display_name: activity(&what),
        category: category.to_owned(),
        result: if row.outcome == "success" {
            "success"
        } else {
            "failure"
        }
        .to_owned(),
        operation_type: what.clone(),
        initiated_by,
        target_resources: vec![TargetResource {
            id: row.subject.clone().unwrap_or_default(),
            resource_type: resource_type.to_owned(),
            modified_properties: modified(&what, &detail["before"], &detail["after"]),
        }],
    }
}

/// The properties that changed, as JSON text; a value that is not an object is one property
/// named after the change.
fn modified(what: &str, before: &Value, after: &Value) -> Vec<ModifiedProperty> {
    let text = |v: Option<&Value>| {
        v.filter(|v| !v.is_null())
            .map_or_else(String::new, Value::to_string)
    };
    match (before.as_object(), after.as_object()) {
        (Some(b), Some(a)) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| b.get(*k) != a.get(*k))
                .map(|k| ModifiedProperty {
                    display_name: k.clone(),
                    old_value: text(b.get(k)),
                    new_value: text(a.get(k)),
                })
                .collect()
        }
        _ if before.is_null() && after.is_null() => Vec::new(),
        _ => vec![ModifiedProperty {
            display_name: what.to_owned(),
            old_value: text(Some(before)),
            new_value: text(Some(after)),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_names_give_a_category_and_a_type() {
        assert_eq!(kind("user.unlock"), ("UserManagement", "User"));
        assert_eq!(
            kind("user_flow.create"),
            ("ApplicationManagement", "UserFlow")
        );
        assert_eq!(kind("authentication_methods_policy"), ("Policy", "Policy"));
        assert_eq!(
            kind("branding.bannerLogo"),
            ("DirectoryManagement", "Branding")
        );
        assert_eq!(kind("something_new"), ("DirectoryManagement", "Other"));
        assert_eq!(
            activity("password_reset_policy"),
            "Update password reset policy"
        );
        assert_eq!(activity("group.member_add"), "Add member to group");
        assert_eq!(activity("something_new"), "something_new");
    }

    #[test]
    fn only_the_properties_that_changed_are_listed() {
        let before = serde_json::json!({"a": 1, "b": "x"});
        let after = serde_json::json!({"a": 2, "b": "x", "c": true});
        let changed = modified("p", &before, &after);
        let names: Vec<&str> = changed.iter().map(|m| m.display_name.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
        assert_eq!(changed[1].old_value, "");
        assert_eq!(changed[1].new_value, "true");
    }
}
