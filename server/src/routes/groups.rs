//! `/api/admin/groups…`: groups and their members. Reading needs `Permission::Read`; changes
//! need `Permission::ManageUsers`.

use crate::admin::users::ListParams;
use crate::admin::{groups, AdminSession, Permission};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::json::Json;
use crate::http::query::Query;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::Router;
use sspr_api::{GroupChanges, GroupPage, GroupView, NewGroup, UserPage};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/groups", get(list).post(create))
        .route("/admin/groups/{id}", get(show).patch(update).delete(delete))
        .route("/admin/groups/{id}/members", get(members))
        .route(
            "/admin/groups/{id}/members/{user_id}",
            put(add_member).delete(remove_member),
        )
}

/// Paging parameters of the group list.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// 1 to 200; 50 by default.
    pub limit: Option<String>,
}

#[utoipa::path(get, path = "/api/admin/groups", tag = "directory", params(PageParams),
    responses((status = 200, description = "A page of groups by display name", body = GroupPage), (status = 400, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    session: AdminSession,
    Query(params): Query<PageParams>,
) -> Result<Json<GroupPage>, ApiError> {
    session.require(Permission::Read)?;
    Ok(Json(
        groups::page(&state, params.after.as_deref(), params.limit.as_deref()).await?,
    ))
}

#[utoipa::path(post, path = "/api/admin/groups", tag = "directory", request_body = NewGroup,
    responses((status = 201, body = GroupView), (status = 409, description = "The name is taken (`group_exists`) or reserved (`group_reserved`)", body = sspr_api::ErrorBody), (status = 422, description = "Name or description too long or empty", body = sspr_api::ErrorBody), (status = 400, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Json(request): Json<NewGroup>,
) -> Result<(StatusCode, Json<GroupView>), ApiError> {
    let admin = session.require(Permission::ManageUsers)?;
    let group = groups::create(&state, &client, admin, request).await?;
    Ok((StatusCode::CREATED, Json(group)))
}

#[utoipa::path(get, path = "/api/admin/groups/{id}", tag = "directory",
    params(("id" = String, Path, description = "The group's id")),
    responses((status = 200, body = GroupView), (status = 404, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<Json<GroupView>, ApiError> {
    session.require(Permission::Read)?;
    Ok(Json(groups::get(&state, &id).await?))
}

#[utoipa::path(patch, path = "/api/admin/groups/{id}", tag = "directory", request_body = GroupChanges,
    params(("id" = String, Path, description = "The group's id")),
    responses((status = 200, body = GroupView), (status = 404, body = sspr_api::ErrorBody), (status = 409, body = sspr_api::ErrorBody), (status = 422, body = sspr_api::ErrorBody), (status = 400, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
    Json(changes): Json<GroupChanges>,
) -> Result<Json<GroupView>, ApiError> {
    let admin = session.require(Permission::ManageUsers)?;
    Ok(Json(
        groups::update(&state, &client, admin, &id, changes).await?,
    ))
}

#[utoipa::path(delete, path = "/api/admin/groups/{id}", tag = "directory",
    params(("id" = String, Path, description = "The group's id")),
    responses((status = 204, description = "The group and its memberships are deleted"), (status = 404, body = sspr_api::ErrorBody), (status = 409, description = "`all_users` is reserved (`group_reserved`), or a policy names the group (`group_in_use`)", body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody)))]
async fn delete(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let admin = session.require(Permission::ManageUsers)?;
    groups::delete(&state, &client, admin, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/admin/groups/{id}/members", tag = "directory",
    params(("id" = String, Path, description = "The group's id"), ListParams),
    responses((status = 200, description = "A page of the group's members by email address", body = UserPage), (status = 404, body = sspr_api::ErrorBody), (status = 400, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody)))]
async fn members(
    State(state): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<Json<UserPage>, ApiError> {
    session.require(Permission::Read)?;
    Ok(Json(groups::members(&state, &id, &params).await?))
}

#[utoipa::path(put, path = "/api/admin/groups/{id}/members/{user_id}", tag = "directory",
    params(("id" = String, Path, description = "The group's id"), ("user_id" = String, Path, description = "The user's id")),
    responses((status = 204, description = "The user is a member (already, or now)"), (status = 404, description = "No such group or user", body = sspr_api::ErrorBody), (status = 409, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody)))]
async fn add_member(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let admin = session.require(Permission::ManageUsers)?;
    groups::set_member(&state, &client, admin, &id, &user_id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/admin/groups/{id}/members/{user_id}", tag = "directory",
    params(("id" = String, Path, description = "The group's id"), ("user_id" = String, Path, description = "The user's id")),
    responses((status = 204, description = "The user is not a member (any more)"), (status = 404, body = sspr_api::ErrorBody), (status = 409, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody)))]
async fn remove_member(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let admin = session.require(Permission::ManageUsers)?;
    groups::set_member(&state, &client, admin, &id, &user_id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
