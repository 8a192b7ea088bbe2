//! Application registrations as administrators manage them, through the Graph-compatible
//! `/applications` (issue 14): list, create, change, delete, and add or remove client secrets.
//! A secret is shown once, in the answer to `addPassword`, and stored only as a keyed hash
//! (like API tokens). Every change is written with its audit record in one transaction; no
//! secret or hash is ever in the record.

use super::audit::Change;
use super::Principal;
use crate::domain::application::{self as rules, Registration, Secret};
use crate::domain::user_flow::is_client_id;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::graph::odata_context;
use crate::http::odata;
use crate::secrets::random_token;
use crate::store::{applications as store, user_flows};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{
    AddPassword, ApplicationCreate, ApplicationPatch, ErrorCode, GraphApplication,
    GraphApplicationList, PasswordCredential, DEFAULT_USER_FLOW,
};

/// A secret's longest life, and its life when none is asked for (Entra recommends under two
/// years).
const MAX_SECRET_LIFE_MS: i64 = 2 * 365 * 24 * 60 * 60_000;
const DEFAULT_SECRET_LIFE_MS: i64 = 180 * 24 * 60 * 60_000;

/// `GET /applications`.
/// A property of an application that `$filter` compares.
pub type Pick = fn(&GraphApplication) -> &str;

/// The comparisons of a `GET /applications` `$filter`: `appId eq '…'` and `displayName eq
/// '…'`, joined by `and`; 400 `invalid_filter` for anything else.
pub fn filter(raw: Option<&str>) -> Result<Vec<(Pick, String)>, ApiError> {
    odata::parse(raw)?
        .into_iter()
        .map(|clause| {
            let pick: Pick = match clause.property.as_str() {
                "appId" => |app| &app.app_id,
                "displayName" => |app| &app.display_name,
                other => {
                    return Err(odata::invalid(format!(
                        "Applications are filtered on appId or displayName, not {other}."
                    )))
                }
            };
            match (clause.op, clause.value) {
                (odata::Op::Eq, odata::Value::Text(value)) => Ok((pick, value)),
                _ => Err(odata::invalid(format!(
                    "{} is compared with eq and a quoted text.",
                    clause.property
                ))),
            }
        })
        .collect()
}

pub async fn list(state: &AppState) -> Result<GraphApplicationList, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let apps = store::list(&mut conn).await?;
    let secrets = store::all_secrets(&mut conn).await?;
    let value = apps
        .iter()
        .map(|app| {
            let own: Vec<Secret> = secrets
                .iter()
                .filter(|(id, _)| *id == app.id)
                .map(|(_, s)| s.clone())
                .collect();
            app.graph(&own)
        })
        .collect();
    Ok(GraphApplicationList {
        odata_context: odata_context(&state.config.public_origin, "applications"),
        value,
    })
}

/// `GET /applications/{id}`.
pub async fn get(state: &AppState, id: &str) -> Result<GraphApplication, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let app = found(&mut conn, id).await?;
    let secrets = store::secrets(&mut conn, &app.id).await?;
    Ok(app.graph(&secrets))
}

/// `POST /applications`.
pub async fn create(
    state: &AppState,
    client: &Client,
    principal: &Principal,
    request: ApplicationCreate,
) -> Result<GraphApplication, ApiError> {
    let app_id = match request.app_id {
        Some(given) if is_client_id(&given) => given,
        Some(_) => {
            return Err(ApiError::validation(
                "An appId has 3 to 64 letters, digits, hyphens or underscores.",
            ))
        }
        None => uuid::Uuid::new_v4().to_string(),
    };
    let now = state.now_ms();
    let app = Registration {
        id: uuid::Uuid::new_v4().simple().to_string(),
        app_id,
        display_name: rules::display_name(&request.display_name).map_err(ApiError::validation)?,
        user_flow_id: request
            .user_flow_id
            .unwrap_or_else(|| DEFAULT_USER_FLOW.to_owned()),
        web: request.web.unwrap_or_default().redirect_uris,
        spa: request.spa.unwrap_or_default().redirect_uris,
        public_client: request.public_client.unwrap_or_default().redirect_uris,
        alg: request.id_token_signed_response_alg.unwrap_or_default(),
        created_at_ms: now,
        updated_at_ms: now,
    };
    rules::redirect_uris(&app.web, &app.spa, &app.public_client).map_err(ApiError::validation)?;
    let mut tx = state.db.begin_write().await?;
    user_flow_exists(&mut tx, &app.user_flow_id).await?;
    if !store::insert(&mut tx, &app).await? {
        return Err(ApiError::validation(format!(
            "Another application has the appId {}.",
            app.app_id
        )));
    }
    let view = app.graph(&[]);
    let change = change("application.create", &app.id, None, Some(&view));
    principal
        .record_change(&mut tx, client, change, now)
        .await?;
    tx.commit().await?;
    Ok(view)
}

/// `PATCH /applications/{id}`: the properties given replace the stored ones.
pub async fn patch(
    state: &AppState,
    client: &Client,
    principal: &Principal,
    id: &str,
    patch: ApplicationPatch,
) -> Result<(), ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let before = found(&mut tx, id).await?;
    let mut after = before.clone();
    if let Some(name) = &patch.display_name {
        after.display_name = rules::display_name(name).map_err(ApiError::validation)?;
    }
    if let Some(web) = patch.web {
        after.web = web.redirect_uris;
    }
    if let Some(spa) = patch.spa {
        after.spa = spa.redirect_uris;
    }
    if let Some(public_client) = patch.public_client {
        after.public_client = public_client.redirect_uris;
    }
    if let Some(flow) = patch.user_flow_id {
        after.user_flow_id = flow;
    }
    if let Some(alg) = patch.id_token_signed_response_alg {
        after.alg = alg;
    }
    after.updated_at_ms = now;
    rules::redirect_uris(&after.web, &after.spa, &after.public_client)
        .map_err(ApiError::validation)?;
    user_flow_exists(&mut tx, &after.user_flow_id).await?;
    store::update(&mut tx, &after).await?;
    let (old, new) = (before.graph(&[]), after.graph(&[]));
    let change = change("application.update", id, Some(&old), Some(&new));
    principal
        .record_change(&mut tx, client, change, now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// `DELETE /applications/{id}`: its users can no longer sign in to it; tokens already issued
/// expire on their own.
pub async fn delete(
    state: &AppState,
    client: &Client,
    principal: &Principal,
    id: &str,
) -> Result<(), ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let before = found(&mut tx, id).await?;
    store::delete(&mut tx, id).await?;
    let old = before.graph(&[]);
    let change = change("application.delete", id, Some(&old), None);
    principal
        .record_change(&mut tx, client, change, now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// `POST /applications/{id}/addPassword`: a new client secret, whose text is in this answer
/// and nowhere else.
pub async fn add_password(
    state: &AppState,
    client: &Client,
    principal: &Principal,
    id: &str,
    request: AddPassword,
) -> Result<PasswordCredential, ApiError> {
    let now = state.now_ms();
    let asked = request.password_credential;
    let end = match asked.end_date_time.as_deref() {
        Some(text) => parse_date(text)?,
        None => now + DEFAULT_SECRET_LIFE_MS,
    };
    if end <= now || end > now + MAX_SECRET_LIFE_MS {
        return Err(ApiError::validation(
            "endDateTime must be in the future and at most two years away.",
        ));
    }
    let display_name = match asked.display_name.as_deref() {
        Some(name) => rules::display_name(name).map_err(ApiError::validation)?,
        None => "Client secret".to_owned(),
    };
    let text = random_token(32);
    let secret = Secret {
        key_id: uuid::Uuid::new_v4().to_string(),
        display_name,
        hint: text.chars().take(3).collect(),
        secret_hash: state.secrets.token_hash(&text),
        start_at_ms: now,
        end_at_ms: end,
    };
    let mut tx = state.db.begin_write().await?;
    let app = found(&mut tx, id).await?;
    store::insert_secret(&mut tx, &app.id, &secret).await?;
    let shown = secret.graph();
    let change = Change {
        what: "application.add_password",
        subject: &app.id,
        before: serde_json::Value::Null,
        after: serde_json::to_value(&shown).map_err(anyhow::Error::from)?,
    };
    principal
        .record_change(&mut tx, client, change, now)
        .await?;
    tx.commit().await?;
    Ok(PasswordCredential {
        secret_text: Some(text),
        ..shown
    })
}

/// `POST /applications/{id}/removePassword`.
pub async fn remove_password(
    state: &AppState,
    client: &Client,
    principal: &Principal,
    id: &str,
    key_id: &str,
) -> Result<(), ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let app = found(&mut tx, id).await?;
    if !store::delete_secret(&mut tx, &app.id, key_id).await? {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "This application has no secret with this keyId.",
        ));
    }
    let change = Change {
        what: "application.remove_password",
        subject: &app.id,
        before: serde_json::json!({ "keyId": key_id }),
        after: serde_json::Value::Null,
    };
    principal
        .record_change(&mut tx, client, change, now)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn found(conn: &mut AnyConnection, id: &str) -> Result<Registration, ApiError> {
    let not_found = || ApiError::new(ErrorCode::NotFound, "There is no application with this id.");
    if !crate::secrets::looks_like_token(id) {
        return Err(not_found());
    }
    store::by_id(conn, id).await?.ok_or_else(not_found)
}

async fn user_flow_exists(conn: &mut AnyConnection, id: &str) -> Result<(), ApiError> {
    let exists =
        crate::secrets::looks_like_token(id) && user_flows::by_id(conn, id).await?.is_some();
    if exists {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "There is no user flow {id:?}."
        )))
    }
}

fn change<'a>(
    what: &'a str,
    subject: &'a str,
    before: Option<&GraphApplication>,
    after: Option<&GraphApplication>,
) -> Change<'a> {
    let value = |v: Option<&GraphApplication>| {
        v.and_then(|v| serde_json::to_value(v).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    let (before, after) = match (before, after) {
        (Some(_), Some(_)) => super::audit::changed(&value(before), &value(after)),
        _ => (value(before), value(after)),
    };
    Change {
        what,
        subject,
        before,
        after,
    }
}

/// An ISO 8601 date-time as unix milliseconds.
fn parse_date(text: &str) -> Result<i64, ApiError> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok())
        .ok_or_else(|| ApiError::validation("endDateTime must be an ISO 8601 date and time."))
}
