//! User flows as administrators manage them (SPEC §4 A5): list, create, replace and delete
//! (the customer side is `identity::user_flow`, the rules of a flow's settings
//! `domain::user_flow`). Every change is written with its
//! audit record (before and after) in one transaction.

use super::audit::{record_change, Change};
use crate::domain::user_flow as validate;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::store::admins::Admin;
use crate::store::{applications, user_flows as store};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{Application, ErrorCode, UserFlow, UserFlowInput, UserFlowList};

/// Every user flow with the applications registered to it, the default first.
pub async fn list(state: &AppState) -> Result<UserFlowList, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let mut flows = store::list(&mut conn).await?;
    for flow in &mut flows {
        with_applications(&mut conn, flow).await?;
    }
    Ok(UserFlowList { flows })
}

/// The user flow `id` with the applications registered to it.
pub async fn get(state: &AppState, id: &str) -> Result<UserFlow, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    found(&mut conn, id).await
}

/// The user flow `id` with its applications, or 404.
async fn found(conn: &mut AnyConnection, id: &str) -> Result<UserFlow, ApiError> {
    let mut flow = store::by_id(conn, id).await?.ok_or_else(not_found)?;
    with_applications(conn, &mut flow).await?;
    Ok(flow)
}

/// Fills in the applications registered to `flow` (their name, client id and origins).
async fn with_applications(conn: &mut AnyConnection, flow: &mut UserFlow) -> Result<(), ApiError> {
    flow.applications = applications::of_user_flow(conn, &flow.id)
        .await?
        .into_iter()
        .map(|app| Application {
            redirect_origins: app.origins(),
            name: app.display_name,
            client_id: app.app_id,
        })
        .collect();
    Ok(())
}

/// Creates a user flow from `input`.
pub async fn create(
    state: &AppState,
    admin: &Admin,
    client: &Client,
    input: UserFlowInput,
) -> Result<UserFlow, ApiError> {
    let checked = validate::check(&input, &[]).map_err(ApiError::validation)?;
    let now = state.now_ms();
    let flow = UserFlow {
        id: uuid::Uuid::new_v4().to_string(),
        name: checked.name,
        kind: input.kind,
        identity_provider: input.identity_provider,
        attributes: checked.attributes,
        sspr_enabled: input.sspr_enabled,
        applications: Vec::new(),
        is_default: false,
        created_at_ms: now,
        updated_at_ms: now,
    };
    let mut tx = state.db.begin_write().await?;
    name_free(&mut tx, &flow).await?;
    if !store::insert(&mut tx, &flow).await? {
        return Err(name_taken(&flow.name));
    }
    let change = Change {
        what: "user_flow.create",
        subject: &flow.id,
        before: serde_json::Value::Null,
        after: serde_json::to_value(&flow).map_err(anyhow::Error::from)?,
    };
    record_change(&mut tx, admin, client, change, now).await?;
    tx.commit().await?;
    Ok(flow)
}

/// Replaces the user flow `id` with `input` (its id, creation time and default flag stay).
pub async fn update(
    state: &AppState,
    admin: &Admin,
    client: &Client,
    id: &str,
    input: UserFlowInput,
) -> Result<UserFlow, ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let before = found(&mut tx, id).await?;
    let checked = validate::check(&input, &before.applications).map_err(ApiError::validation)?;
    let after = UserFlow {
        name: checked.name,
        kind: input.kind,
        identity_provider: input.identity_provider,
        attributes: checked.attributes,
        sspr_enabled: input.sspr_enabled,
        updated_at_ms: now,
        ..before.clone()
    };
    name_free(&mut tx, &after).await?;
    store::update(&mut tx, &after).await?;
    let change = Change {
        what: "user_flow.update",
        subject: id,
        before: serde_json::to_value(&before).map_err(anyhow::Error::from)?,
        after: serde_json::to_value(&after).map_err(anyhow::Error::from)?,
    };
    record_change(&mut tx, admin, client, change, now).await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes the user flow `id`: not the default, and only when no application uses it.
pub async fn delete(
    state: &AppState,
    admin: &Admin,
    client: &Client,
    id: &str,
) -> Result<(), ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let before = found(&mut tx, id).await?;
    if before.is_default {
        return Err(in_use(
            "The default user flow serves every request that names no application; it cannot be deleted.",
        ));
    }
    if !before.applications.is_empty() {
        return Err(in_use(
            "Applications use this user flow. Move them to another user flow first.",
        ));
    }
    store::delete(&mut tx, id).await?;
    let change = Change {
        what: "user_flow.delete",
        subject: id,
        before: serde_json::to_value(&before).map_err(anyhow::Error::from)?,
        after: serde_json::Value::Null,
    };
    record_change(&mut tx, admin, client, change, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn name_free(conn: &mut AnyConnection, flow: &UserFlow) -> Result<(), ApiError> {
    if store::name_taken(conn, &flow.name, &flow.id).await? {
        return Err(name_taken(&flow.name));
    }
    Ok(())
}

fn name_taken(name: &str) -> ApiError {
    ApiError::validation(format!(
        "Another user flow is named {name:?}. Choose another name."
    ))
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "There is no user flow with this id.")
}

fn in_use(message: &str) -> ApiError {
    ApiError::new(ErrorCode::UserFlowInUse, message)
}
