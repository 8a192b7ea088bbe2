//! User flows as administrators manage them (SPEC §4 A5): list, create, replace and delete
//! (the customer side is `identity::user_flow`, the rules of a flow's settings
//! `domain::user_flow`). Every change is written with its
//! audit record (before and after) in one transaction.

use super::audit::{record_change, Change};
use crate::domain::user_flow as validate;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::store::admins::Admin;
use crate::store::user_flows as store;
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{ErrorCode, UserFlow, UserFlowInput, UserFlowList};

/// Every user flow, the default first.
pub async fn list(state: &AppState) -> Result<UserFlowList, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(UserFlowList {
        flows: store::list(&mut conn).await?,
    })
}

/// The user flow `id`.
pub async fn get(state: &AppState, id: &str) -> Result<UserFlow, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    store::by_id(&mut conn, id).await?.ok_or_else(not_found)
}

/// Creates a user flow from `input`.
pub async fn create(
    state: &AppState,
    admin: &Admin,
    client: &Client,
    input: UserFlowInput,
) -> Result<UserFlow, ApiError> {
    let checked = validate::check(&input).map_err(ApiError::validation)?;
    let now = state.now_ms();
    let flow = UserFlow {
        id: uuid::Uuid::new_v4().to_string(),
        name: checked.name,
        kind: input.kind,
        identity_provider: input.identity_provider,
        attributes: checked.attributes,
        sspr_enabled: input.sspr_enabled,
        applications: checked.applications,
        is_default: false,
        created_at_ms: now,
        updated_at_ms: now,
    };
    let mut tx = state.db.begin_write().await?;
    name_free(&mut tx, &flow).await?;
    if !store::insert(&mut tx, &flow).await? {
        return Err(name_taken(&flow.name));
    }
    apps_free(store::replace_apps(&mut tx, &flow.id, &flow.applications).await?)?;
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
    let checked = validate::check(&input).map_err(ApiError::validation)?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let before = store::by_id(&mut tx, id).await?.ok_or_else(not_found)?;
    let after = UserFlow {
        name: checked.name,
        kind: input.kind,
        identity_provider: input.identity_provider,
        attributes: checked.attributes,
        sspr_enabled: input.sspr_enabled,
        applications: checked.applications,
        updated_at_ms: now,
        ..before.clone()
    };
    name_free(&mut tx, &after).await?;
    store::update(&mut tx, &after).await?;
    apps_free(store::replace_apps(&mut tx, id, &after.applications).await?)?;
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
    let before = store::by_id(&mut tx, id).await?.ok_or_else(not_found)?;
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

/// Turns the store's "this client id is taken" into a refusal (the transaction is dropped).
fn apps_free(taken: Option<String>) -> Result<(), ApiError> {
    match taken {
        Some(client_id) => Err(ApiError::validation(format!(
            "The client id {client_id} is already used by another user flow."
        ))),
        None => Ok(()),
    }
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "There is no user flow with this id.")
}

fn in_use(message: &str) -> ApiError {
    ApiError::new(ErrorCode::UserFlowInUse, message)
}
