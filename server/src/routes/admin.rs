//! `/api/admin/…`: administrator setup, sign-in and accounts. Every handler past sign-in takes
//! an [`AdminSession`] and names the permission it needs.

use crate::admin::{admins, bootstrap, sessions, sign_in, sign_in_reset, AdminSession, Permission};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::json::Json;
use crate::identity::limits::{self, PASSWORD};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use sspr_api::{
    AdminCredentials, AdminEnrolment, AdminInvitation, AdminList, AdminSetup, AdminView,
    CreateAdmin,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/bootstrap", post(setup))
        .route("/admin/totp/confirm", post(confirm_totp))
        .route("/admin/session", post(sign_in).get(me).delete(sign_out))
        .route("/admin/admins", post(create_admin).get(list_admins))
        .route(
            "/admin/admins/{id}/reset-sign-in",
            post(reset_admin_sign_in),
        )
}

#[utoipa::path(post, path = "/api/admin/bootstrap", tag = "admin", request_body = AdminSetup,
    responses((status = 201, description = "Administrator set up; the TOTP secret is shown this once", body = AdminEnrolment), (status = 400, description = "Setup token used, expired or for another address; bad input", body = sspr_api::ErrorBody), (status = 422, description = "Password policy or display name", body = sspr_api::ErrorBody), (status = 403, description = "CSRF check failed", body = sspr_api::ErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn setup(
    State(state): State<AppState>,
    client: Client,
    Json(request): Json<AdminSetup>,
) -> Result<(StatusCode, Json<AdminEnrolment>), ApiError> {
    limits::enforce(&state, PASSWORD, &client.ip).await?;
    let enrolment = bootstrap::redeem(&state, &client, request).await?;
    Ok((StatusCode::CREATED, Json(enrolment)))
}

#[utoipa::path(post, path = "/api/admin/totp/confirm", tag = "admin", request_body = AdminCredentials,
    responses((status = 204, description = "Authenticator enrolled"), (status = 401, description = "Wrong email, password or code (the same answer for every failure)", body = sspr_api::ErrorBody), (status = 400, description = "Bad input", body = sspr_api::ErrorBody), (status = 403, description = "CSRF check failed", body = sspr_api::ErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn confirm_totp(
    State(state): State<AppState>,
    client: Client,
    Json(request): Json<AdminCredentials>,
) -> Result<StatusCode, ApiError> {
    sign_in::confirm_totp(&state, &client, request).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/admin/session", tag = "admin", request_body = AdminCredentials,
    responses((status = 200, description = "Signed in; the admin cookie is set", body = AdminView), (status = 401, description = "Wrong email, password or code, not enrolled, or locked (the same answer for every failure)", body = sspr_api::ErrorBody), (status = 400, description = "Bad input", body = sspr_api::ErrorBody), (status = 403, description = "CSRF check failed", body = sspr_api::ErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    client: Client,
    Json(request): Json<AdminCredentials>,
) -> Result<Response, ApiError> {
    let (admin, cookie) = sign_in::sign_in(&state, &client, request).await?;
    let mut response = Json(admin.view()).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

#[utoipa::path(get, path = "/api/admin/session", tag = "admin",
    responses((status = 200, body = AdminView), (status = 401, body = sspr_api::ErrorBody)))]
async fn me(session: AdminSession) -> Result<Json<AdminView>, ApiError> {
    Ok(Json(session.require(Permission::Read)?.view()))
}

#[utoipa::path(delete, path = "/api/admin/session", tag = "admin",
    responses((status = 204, description = "Signed out; the cookie is deleted"), (status = 401, body = sspr_api::ErrorBody)))]
async fn sign_out(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Response, ApiError> {
    sessions::sign_out(&state, &session).await
}

#[utoipa::path(post, path = "/api/admin/admins", tag = "admin", request_body = CreateAdmin,
    responses((status = 201, description = "Administrator created; the one-time setup token is shown this once", body = AdminInvitation), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "Not a global administrator, or CSRF check failed", body = sspr_api::ErrorBody), (status = 409, description = "An administrator with this address exists", body = sspr_api::ErrorBody), (status = 400, description = "Bad input", body = sspr_api::ErrorBody), (status = 422, body = sspr_api::ErrorBody)))]
async fn create_admin(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Json(request): Json<CreateAdmin>,
) -> Result<(StatusCode, Json<AdminInvitation>), ApiError> {
    let by = session.require(Permission::ManageAdmins)?;
    let invitation = bootstrap::invite(&state, &client, by, request).await?;
    Ok((StatusCode::CREATED, Json(invitation)))
}

#[utoipa::path(get, path = "/api/admin/admins", tag = "admin",
    responses((status = 200, description = "Every administrator, by name", body = AdminList), (status = 401, body = sspr_api::ErrorBody)))]
async fn list_admins(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<AdminList>, ApiError> {
    session.require(Permission::Read)?;
    Ok(Json(admins::list(&state).await?))
}

#[utoipa::path(post, path = "/api/admin/admins/{id}/reset-sign-in", tag = "admin",
    params(("id" = String, Path, description = "The administrator's id")),
    responses((status = 200, description = "The administrator's password and authenticator are forgotten and their sessions ended; a new one-time setup token is shown this once, and the other global administrators are told by mail", body = AdminInvitation), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "Not a global administrator, or CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No such administrator", body = sspr_api::ErrorBody), (status = 422, description = "An administrator's own sign-in", body = sspr_api::ErrorBody)))]
async fn reset_admin_sign_in(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<Json<AdminInvitation>, ApiError> {
    let by = session.require(Permission::ManageAdmins)?;
    Ok(Json(sign_in_reset::reset(&state, &client, by, &id).await?))
}
