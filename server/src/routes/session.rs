//! `/api/session`, `/api/sessions`, `/api/account`: signing in and out, the signed-in user's
//! sessions and password.

use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::json::Json;
use crate::identity::sessions::{signed_out, with_cookie, SignedIn};
use crate::identity::{account, sign_in};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use sspr_api::{ChangePassword, Me, SessionList, SignIn};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/session", get(me).post(sign_in).delete(sign_out))
        .route("/sessions", get(sessions))
        .route("/sessions/{id}", delete(revoke))
        .route("/account/password", post(change_password))
}

#[utoipa::path(post, path = "/api/session", tag = "session", request_body = SignIn,
    responses((status = 200, description = "Signed in; the session cookie is set", body = Me), (status = 401, description = "Wrong email or password (also for unknown, locked and disabled accounts)", body = sspr_api::ErrorBody), (status = 403, description = "This application signs in with a code only (`method_disabled`), or the CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No application has this client id (`not_found`)", body = sspr_api::ErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    client: Client,
    Json(request): Json<SignIn>,
) -> Result<Response, ApiError> {
    let signed_in = sign_in::password(&state, &client, request).await?;
    Ok(with_cookie(
        Json(signed_in.me).into_response(),
        signed_in.session.cookie(&state),
    ))
}

#[utoipa::path(get, path = "/api/session", tag = "session",
    responses((status = 200, body = Me), (status = 401, body = sspr_api::ErrorBody)))]
async fn me(State(state): State<AppState>, signed_in: SignedIn) -> Result<Json<Me>, ApiError> {
    Ok(Json(account::current(&state, &signed_in).await?))
}

#[utoipa::path(delete, path = "/api/session", tag = "session",
    responses((status = 204, description = "Signed out; the cookie is deleted"), (status = 401, body = sspr_api::ErrorBody)))]
async fn sign_out(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
) -> Result<Response, ApiError> {
    account::sign_out(&state, &client, &signed_in).await?;
    Ok(signed_out(&state))
}

#[utoipa::path(get, path = "/api/sessions", tag = "session",
    responses((status = 200, body = SessionList), (status = 401, body = sspr_api::ErrorBody)))]
async fn sessions(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<SessionList>, ApiError> {
    Ok(Json(account::sessions(&state, &signed_in).await?))
}

#[utoipa::path(delete, path = "/api/sessions/{id}", tag = "session", params(("id" = String, Path, description = "Public session id")),
    responses((status = 204, description = "Session ended"), (status = 401, body = sspr_api::ErrorBody), (status = 404, body = sspr_api::ErrorBody)))]
async fn revoke(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    account::revoke(&state, &client, &signed_in, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/account/password", tag = "account", request_body = ChangePassword,
    responses((status = 204, description = "Password changed; other sessions signed out"), (status = 401, body = sspr_api::ErrorBody), (status = 422, body = sspr_api::ErrorBody), (status = 400, description = "Bad input", body = sspr_api::ErrorBody), (status = 403, description = "CSRF check failed", body = sspr_api::ErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<ChangePassword>,
) -> Result<StatusCode, ApiError> {
    account::change_password(&state, &client, &signed_in, request).await?;
    Ok(StatusCode::NO_CONTENT)
}
