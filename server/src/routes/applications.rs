//! `/api/graph/v1.0/applications…`: application registrations in Graph's shape (issue 14), for
//! the portal's App registrations page and for scripts; an administrator's session or an API
//! token, Graph-shaped errors (mounted inside `routes::graph`). Reads need any role; changes the
//! authentication policy administrator or global administrator.

use crate::admin::{applications, Permission, Principal};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::graph;
use crate::http::json::Json;
use crate::http::query::Query;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use sspr_api::graph::GraphErrorBody;
use sspr_api::{
    AddPassword, ApplicationCreate, ApplicationPatch, GraphApplication, GraphApplicationList,
    PasswordCredential, RemovePassword,
};

/// The OpenAPI description of these endpoints, merged into `/api/openapi.json`.
#[derive(Debug, utoipa::OpenApi)]
#[openapi(paths(list, create, show, update, remove, add_password, remove_password))]
pub struct ApplicationsDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/applications", get(list).post(create))
        .route("/applications/{id}", get(show).patch(update).delete(remove))
        .route("/applications/{id}/addPassword", post(add_password))
        .route("/applications/{id}/removePassword", post(remove_password))
}

/// The query of `GET /applications`: `$filter` only; any other option is refused rather than
/// ignored, so a script never acts on a list it did not ask for.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ApplicationListParams {
    /// `appId eq '…'` or `displayName eq '…'`, joined by `and` (the lookups Graph scripts make).
    #[serde(rename = "$filter")]
    #[param(rename = "$filter")]
    pub filter: Option<String>,
}

#[utoipa::path(get, path = "/api/graph/v1.0/applications", tag = "graph", params(ApplicationListParams),
    responses((status = 200, body = GraphApplicationList), (status = 400, description = "A `$filter` other than `appId eq '…'` or `displayName eq '…'` (`invalid_filter`), or a query option other than `$filter` (`validation_failed`)", body = GraphErrorBody), (status = 401, body = GraphErrorBody)))]
async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<ApplicationListParams>,
) -> Result<Json<GraphApplicationList>, ApiError> {
    principal.require(Permission::Read)?;
    let wanted = applications::filter(params.filter.as_deref())?;
    let mut list = applications::list(&state).await?;
    list.value
        .retain(|app| wanted.iter().all(|(pick, value)| pick(app) == value));
    Ok(Json(list))
}

#[utoipa::path(post, path = "/api/graph/v1.0/applications", tag = "graph", request_body = ApplicationCreate,
    responses((status = 201, body = GraphApplication), (status = 400, description = "Bad input: a name, redirect URI, appId (malformed or taken) or user flow", body = GraphErrorBody), (status = 401, body = GraphErrorBody), (status = 403, body = GraphErrorBody)))]
async fn create(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    body: Bytes,
) -> Result<(StatusCode, Json<GraphApplication>), ApiError> {
    principal.require(Permission::ManageAuthenticationPolicy)?;
    let request: ApplicationCreate = graph::parse(&body)?;
    let created = applications::create(&state, &client, &principal, request).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/api/graph/v1.0/applications/{id}", tag = "graph",
    params(("id" = String, Path, description = "The application's object id (not its appId)")),
    responses((status = 200, body = GraphApplication), (status = 401, body = GraphErrorBody), (status = 404, body = GraphErrorBody)))]
async fn show(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<GraphApplication>, ApiError> {
    principal.require(Permission::Read)?;
    Ok(Json(applications::get(&state, &id).await?))
}

#[utoipa::path(patch, path = "/api/graph/v1.0/applications/{id}", tag = "graph", request_body = ApplicationPatch,
    params(("id" = String, Path, description = "The application's object id")),
    responses((status = 204, description = "Updated"), (status = 400, body = GraphErrorBody), (status = 401, body = GraphErrorBody), (status = 403, body = GraphErrorBody), (status = 404, body = GraphErrorBody)))]
async fn update(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    principal.require(Permission::ManageAuthenticationPolicy)?;
    let patch: ApplicationPatch = graph::parse(&body)?;
    applications::patch(&state, &client, &principal, &id, patch).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/graph/v1.0/applications/{id}", tag = "graph",
    params(("id" = String, Path, description = "The application's object id")),
    responses((status = 204, description = "Deleted"), (status = 401, body = GraphErrorBody), (status = 403, body = GraphErrorBody), (status = 404, body = GraphErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    principal.require(Permission::ManageAuthenticationPolicy)?;
    applications::delete(&state, &client, &principal, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/graph/v1.0/applications/{id}/addPassword", tag = "graph", request_body = AddPassword,
    params(("id" = String, Path, description = "The application's object id")),
    responses((status = 200, description = "The new secret, in secretText this once", body = PasswordCredential), (status = 400, body = GraphErrorBody), (status = 401, body = GraphErrorBody), (status = 403, body = GraphErrorBody), (status = 404, body = GraphErrorBody)))]
async fn add_password(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<PasswordCredential>, ApiError> {
    principal.require(Permission::ManageAuthenticationPolicy)?;
    let request: AddPassword = graph::parse(&body)?;
    let added = applications::add_password(&state, &client, &principal, &id, request).await?;
    Ok(Json(added))
}

#[utoipa::path(post, path = "/api/graph/v1.0/applications/{id}/removePassword", tag = "graph", request_body = RemovePassword,
    params(("id" = String, Path, description = "The application's object id")),
    responses((status = 204, description = "The secret no longer works"), (status = 400, body = GraphErrorBody), (status = 401, body = GraphErrorBody), (status = 403, body = GraphErrorBody), (status = 404, body = GraphErrorBody)))]
async fn remove_password(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    principal.require(Permission::ManageAuthenticationPolicy)?;
    let request: RemovePassword = graph::parse(&body)?;
    applications::remove_password(&state, &client, &principal, &id, &request.key_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
