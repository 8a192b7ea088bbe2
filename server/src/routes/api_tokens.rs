//! `/api/admin/api-tokens`: tokens for scripts calling the Graph-compatible API; global
//! administrators only.

use crate::admin::{api_tokens, AdminSession, Permission};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::json::Json;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::Router;
use sspr_api::{ApiTokenList, CreateApiToken, CreatedApiToken};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/api-tokens", get(list).post(create))
        .route("/admin/api-tokens/{id}", delete(revoke))
}

#[utoipa::path(get, path = "/api/admin/api-tokens", tag = "admin-policies",
    responses((status = 200, body = ApiTokenList), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "Not a global administrator", body = sspr_api::ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<ApiTokenList>, ApiError> {
    session.require(Permission::ManageAdmins)?;
    Ok(Json(ApiTokenList {
        tokens: api_tokens::list(&state).await?,
    }))
}

#[utoipa::path(post, path = "/api/admin/api-tokens", tag = "admin-policies", request_body = CreateApiToken,
    responses((status = 201, description = "Created; the secret is shown this once", body = CreatedApiToken), (status = 400, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "Not a global administrator, or CSRF check failed", body = sspr_api::ErrorBody), (status = 422, body = sspr_api::ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Json(request): Json<CreateApiToken>,
) -> Result<(StatusCode, Json<CreatedApiToken>), ApiError> {
    let admin = session.require(Permission::ManageAdmins)?;
    let created = api_tokens::create(&state, &client, admin, request).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(delete, path = "/api/admin/api-tokens/{id}", tag = "admin-policies",
    params(("id" = String, Path, description = "The token's id")),
    responses((status = 204, description = "Revoked: refused from the next request on"), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody), (status = 404, description = "No such live token", body = sspr_api::ErrorBody)))]
async fn revoke(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let admin = session.require(Permission::ManageAdmins)?;
    api_tokens::revoke(&state, &client, admin, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
