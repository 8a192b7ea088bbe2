//! `/api/admin/reset-policy`: the password reset policy (SPEC §4 A4) for the portal.

use crate::admin::{policies, AdminSession, Permission, Principal};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::json::Json;
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use sspr_api::ResetPolicy;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/reset-policy", get(show).put(update))
}

#[utoipa::path(get, path = "/api/admin/reset-policy", tag = "admin-policies",
    responses((status = 200, body = ResetPolicy), (status = 401, body = sspr_api::ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<ResetPolicy>, ApiError> {
    session.require(Permission::Read)?;
    Ok(Json(policies::reset_policy(&state).await?))
}

#[utoipa::path(put, path = "/api/admin/reset-policy", tag = "admin-policies", request_body = ResetPolicy,
    responses((status = 200, description = "Saved; in force at once", body = ResetPolicy), (status = 400, description = "Bad JSON", body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "Not a policy administrator, or CSRF check failed", body = sspr_api::ErrorBody), (status = 422, description = "A rule broken (the message says which)", body = sspr_api::ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Json(policy): Json<ResetPolicy>,
) -> Result<Json<ResetPolicy>, ApiError> {
    session.require(Permission::ManageAuthenticationPolicy)?;
    let by = Principal::Admin(session);
    Ok(Json(
        policies::update_reset_policy(&state, &client, &by, policy).await?,
    ))
}
