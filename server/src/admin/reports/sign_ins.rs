//! Sign-in logs (Graph's `signIn`), from the audit log's `sign_in` events (a password, or a
//! passcode that ends a passwordless or guest flow) and `oidc_authorize` events (an
//! application signed in with the user's session), newest first.
//!
//! A failure carries Entra's error code for its reason: 50126 (wrong password), 50034 (no
//! account has the address), 50053 (locked), 50057 (disabled). `$filter` takes
//! `createdDateTime` (`ge`, `gt`, `le`, `lt`, `eq`), `userPrincipalName eq`, `userId eq`,
//! `appId eq` and `status/errorCode eq|ne 0`.

use super::{
    decode_event_key, event_key, like_escaped, narrow, subjects_of, GraphListParams, List,
};
use crate::error::ApiError;
use crate::http::graph;
use crate::http::odata::{self, Op, Value};
use crate::store::reports::{self, EventFilter, EventRow};
use crate::AppState;
use sspr_api::reports::{SignInEntry, SignInPage, SignInStatus};

/// The report's path under `/api/graph/v1.0/`.
pub const PATH: &str = "auditLogs/signIns";
/// The name shown for sign-ins on the customer pages themselves (no application).
pub const PORTAL_APP: &str = "Self-service portal";

const FILTERABLE: &str =
    "createdDateTime, userPrincipalName, userId, appId and status/errorCode (eq 0 or ne 0)";

/// The rows to read, and the exact client id an `appId` filter asks for (SQLite's `LIKE`
/// ignores case, so the rows it finds are checked again).
async fn filter(
    state: &AppState,
    params: &GraphListParams,
) -> Result<(EventFilter, Option<String>), ApiError> {
    let mut app_id = None;
    let mut filter = EventFilter {
        events: vec!["sign_in", "oidc_authorize"],
        limit: params.top()?,
        ..EventFilter::default()
    };
    let mut range = (None, None);
    for clause in odata::parse(params.filter.as_deref())? {
        match clause.property.as_str() {
            "createdDateTime" => narrow(&mut range, &clause)?,
            "userPrincipalName" => {
                let who = clause.text_eq()?;
                if !who.contains('@') || who.chars().count() > 320 {
                    return Err(odata::invalid("userPrincipalName takes an email address."));
                }
                filter.subjects = subjects_of(state, who).await?;
            }
            "userId" => {
                let id = clause.text_eq()?;
                if !crate::admin::users::plausible_id(id) {
                    return Err(odata::invalid("userId takes a user's id."));
                }
                filter.subjects = subjects_of(state, id).await?;
            }
            "appId" => {
                let app = clause.text_eq()?;
                if !crate::domain::user_flow::is_client_id(app) {
                    return Err(odata::invalid("appId takes an application's client id."));
                }
                filter.detail_like = vec![format!("%\"client_id\":\"{}\"%", like_escaped(app))];
                app_id = Some(app.to_owned());
            }
            "status/errorCode" => {
                filter.outcome =
                    Some(
                        match (clause.op, &clause.value) {
                            (Op::Eq, Value::Int(0)) => "success",
                            (Op::Ne, Value::Int(0)) => "failure",
                            _ => return Err(odata::invalid(
                                "status/errorCode takes `eq 0` (successes) or `ne 0` (failures).",
                            )),
                        }
                        .to_owned(),
                    );
            }
            _ => return Err(odata::unsupported(&clause, FILTERABLE)),
        }
    }
    (filter.from_ms, filter.to_ms) = range;
    if let Some(token) = params.token(List::SignIns)? {
        filter.before = Some(decode_event_key(&token)?);
    }
    Ok((filter, app_id))
}

/// `GET /api/graph/v1.0/auditLogs/signIns`: one page, newest first.
pub async fn page(state: &AppState, params: &GraphListParams) -> Result<SignInPage, ApiError> {
    let (filter, app_id) = filter(state, params).await?;
    let mut conn = state.db.pool.acquire().await?;
    let (rows, more) = reports::events(&mut conn, &filter).await?;
    let details: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| serde_json::from_str(&row.detail).unwrap_or_default())
        .collect();
    let mut app_ids: Vec<String> = details
        .iter()
        .filter_map(|d| d["client_id"].as_str().map(str::to_owned))
        .collect();
    app_ids.sort();
    app_ids.dedup();
    let names = reports::application_names(&mut conn, &app_ids).await?;
    let value = rows
        .iter()
        .zip(&details)
        .filter(|(_, detail)| {
            app_id
                .as_deref()
                .is_none_or(|id| detail["client_id"].as_str() == Some(id))
        })
        .map(|(row, detail)| entry(row, detail, &names))
        .collect();
    let next = more.then(|| rows.last()).flatten().map(|last| {
        params.next_link(
            state,
            PATH,
            filter.limit,
            List::SignIns,
            &event_key(last.at_ms, last.id),
        )
    });
    Ok(SignInPage {
        odata_context: graph::odata_context(&state.config.public_origin, PATH),
        next_link: next,
        value,
    })
}

fn entry(row: &EventRow, detail: &serde_json::Value, names: &[(String, String)]) -> SignInEntry {
    let app_id = detail["client_id"].as_str().map(str::to_owned);
    let app_display_name = match &app_id {
        None => PORTAL_APP.to_owned(),
        Some(id) => names
            .iter()
            .find(|(app, _)| app == id)
            .map_or_else(|| id.clone(), |(_, name)| name.clone()),
    };
    let authentication_method = match (row.event.as_str(), detail["method"].as_str()) {
        ("oidc_authorize", _) => "session",
        (_, Some("password")) => "password",
        _ => "emailPasscode",
    };
    let status = if row.outcome == "success" {
        SignInStatus {
            error_code: 0,
            failure_reason: None,
        }
    } else {
        let (code, reason) = match detail["reason"].as_str() {
            Some("unknown_account") => (50034, "The user account does not exist."),
            Some("locked") => (
                50053,
                "The account is locked after too many wrong passwords.",
            ),
            Some("disabled") => (50057, "The account is disabled by an administrator."),
            _ => (50126, "Invalid username or password."),
        };
        SignInStatus {
            error_code: code,
            failure_reason: Some(reason.to_owned()),
        }
    };
    let subject = row.subject.clone().unwrap_or_default();
    SignInEntry {
        id: row.id.to_string(),
        created_date_time: graph::iso8601(row.at_ms),
        user_principal_name: row.subject_email.clone().unwrap_or_else(|| subject.clone()),
        user_id: row.subject_email.as_ref().map(|_| subject),
        app_id,
        app_display_name,
        ip_address: row.client_ip.clone().unwrap_or_default(),
        client_app_used: "Browser".to_owned(),
        authentication_method: authentication_method.to_owned(),
        status,
    }
}
