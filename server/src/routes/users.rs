//! `/api/admin/users…`: the directory's users. Reading needs `Permission::Read`; every action
//! needs `Permission::ManageUsers` and answers 204.

use crate::admin::users::{self, Action, ListParams};
use crate::admin::{AdminSession, Permission};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::json::Json;
use crate::http::query::Query;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::Router;
use sspr_api::{UserDetail, UserPage};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list))
        .route("/admin/users/{id}", get(detail))
        .route("/admin/users/{id}/unlock", post(unlock))
        .route("/admin/users/{id}/revoke-sessions", post(revoke_sessions))
        .route("/admin/users/{id}/disable", post(disable))
        .route("/admin/users/{id}/enable", post(enable))
        .route(
            "/admin/users/{id}/require-reregistration",
            post(require_reregistration),
        )
        .route("/admin/users/{id}/reset-password", post(reset_password))
        .route(
            "/admin/users/{id}/methods/{method_id}",
            delete(delete_method),
        )
}

#[utoipa::path(delete, path = "/api/admin/users/{id}/methods/{method_id}", tag = "directory",
    params(("id" = String, Path, description = "The user's id"), ("method_id" = String, Path, description = "The registered method's id")),
    responses((status = 204, description = "Deleted, audited, and the user is mailed"), (status = 404, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "The role may not manage users, or CSRF check failed", body = sspr_api::ErrorBody)))]
async fn delete_method(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path((id, method_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let admin = session.require(Permission::ManageUsers)?;
    crate::admin::user_methods::delete(&state, &client, admin, &id, &method_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/admin/users", tag = "directory", params(ListParams),
    responses((status = 200, description = "A page of users by email address; `next` is the cursor of the following page", body = UserPage), (status = 400, description = "A bad filter, limit or cursor (`validation_failed`, `invalid_cursor`)", body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    session: AdminSession,
    Query(params): Query<ListParams>,
) -> Result<Json<UserPage>, ApiError> {
    session.require(Permission::Read)?;
    Ok(Json(users::list(&state, &params).await?))
}

#[utoipa::path(get, path = "/api/admin/users/{id}", tag = "directory",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, description = "Status, methods, groups, redemption and live sessions (never their tokens)", body = UserDetail), (status = 404, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody)))]
async fn detail(
    State(state): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<Json<UserDetail>, ApiError> {
    session.require(Permission::Read)?;
    Ok(Json(users::detail(&state, &id).await?))
}

async fn run(
    state: &AppState,
    client: &Client,
    session: &AdminSession,
    id: &str,
    action: Action,
) -> Result<StatusCode, ApiError> {
    let admin = session.require(Permission::ManageUsers)?;
    users::act(state, client, admin, id, action).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/admin/users/{id}/unlock", tag = "directory",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 204, description = "The lockout and failure count are cleared"), (status = 404, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "The role may not manage users, or CSRF check failed", body = sspr_api::ErrorBody)))]
async fn unlock(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    run(&state, &client, &session, &id, Action::Unlock).await
}

#[utoipa::path(post, path = "/api/admin/users/{id}/revoke-sessions", tag = "directory",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 204, description = "Every session of the user is ended"), (status = 404, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody)))]
async fn revoke_sessions(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    run(&state, &client, &session, &id, Action::RevokeSessions).await
}

#[utoipa::path(post, path = "/api/admin/users/{id}/disable", tag = "directory",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 204, description = "The user can no longer sign in (answered like an unknown account) and every session is ended"), (status = 404, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody)))]
async fn disable(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    run(&state, &client, &session, &id, Action::Disable).await
}

#[utoipa::path(post, path = "/api/admin/users/{id}/enable", tag = "directory",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 204, description = "The user can sign in again"), (status = 404, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody)))]
async fn enable(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    run(&state, &client, &session, &id, Action::Enable).await
}

#[utoipa::path(post, path = "/api/admin/users/{id}/require-reregistration", tag = "directory",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 204, description = "The user must register their methods again at the next sign-in"), (status = 404, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody)))]
async fn require_reregistration(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    run(
        &state,
        &client,
        &session,
        &id,
        Action::RequireReregistration,
    )
    .await
}

#[utoipa::path(post, path = "/api/admin/users/{id}/reset-password", tag = "directory",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 204, description = "The user is mailed a link to the reset page; the administrator never sees or sets a password"), (status = 422, description = "The user is disabled, or a guest (no password)", body = sspr_api::ErrorBody), (status = 404, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody)))]
async fn reset_password(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    run(&state, &client, &session, &id, Action::ResetPassword).await
}
