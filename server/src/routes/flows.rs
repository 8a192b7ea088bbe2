//! `/api/flows`: self-service flows (sign-up, reset, passwordless, guest, unlock).

use crate::error::{ApiError, Json};
use crate::http::client::Client;
use crate::http::cookies;
use crate::identity::flows;
use crate::identity::sessions::with_cookie;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sspr_api::{CompleteFlow, StartFlow, VerifyCode};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/flows", post(start))
        .route("/flows/{id}", get(show))
        .route("/flows/{id}/resend", post(resend))
        .route("/flows/{id}/verify", post(verify))
        .route("/flows/{id}/complete", post(complete))
}

fn binding(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookies::read(
        headers,
        cookies::FLOW_BINDING,
        state.config.secure_cookies(),
    )
}

#[utoipa::path(post, path = "/api/flows", tag = "flows", request_body = StartFlow,
    responses((status = 201, description = "Flow started; a passcode was sent if the address may receive one (the answer is the same either way)", body = sspr_api::FlowView), (status = 400, description = "Bad input", body = sspr_api::ErrorBody), (status = 403, description = "CSRF check failed", body = sspr_api::ErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn start(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Json(request): Json<StartFlow>,
) -> Result<Response, ApiError> {
    let started = flows::start(&state, &client, binding(&state, &headers), request).await?;
    let response = (StatusCode::CREATED, Json(started.view)).into_response();
    Ok(match started.binding_cookie {
        Some(cookie) => with_cookie(response, cookie),
        None => response,
    })
}

#[utoipa::path(get, path = "/api/flows/{id}", tag = "flows", params(("id" = String, Path, description = "Flow id")),
    responses((status = 200, body = sspr_api::FlowView), (status = 404, body = sspr_api::ErrorBody), (status = 410, body = sspr_api::ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(flows::get(&state, binding(&state, &headers), &id).await?).into_response())
}

#[utoipa::path(post, path = "/api/flows/{id}/resend", tag = "flows", params(("id" = String, Path, description = "Flow id")),
    responses((status = 200, description = "A new code replaces the old one", body = sspr_api::FlowView), (status = 404, body = sspr_api::ErrorBody), (status = 409, body = sspr_api::ErrorBody), (status = 400, description = "Bad input", body = sspr_api::ErrorBody), (status = 403, description = "CSRF check failed", body = sspr_api::ErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn resend(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = flows::resend(&state, &client, binding(&state, &headers), &id).await?;
    Ok(Json(view).into_response())
}

#[utoipa::path(post, path = "/api/flows/{id}/verify", tag = "flows", params(("id" = String, Path, description = "Flow id")), request_body = VerifyCode,
    responses((status = 200, description = "Code accepted; a session cookie is set when the flow signs in", body = sspr_api::FlowView), (status = 404, body = sspr_api::ErrorBody), (status = 409, body = sspr_api::ErrorBody), (status = 410, body = sspr_api::ErrorBody), (status = 400, description = "Bad input", body = sspr_api::ErrorBody), (status = 403, description = "CSRF check failed", body = sspr_api::ErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn verify(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(request): Json<VerifyCode>,
) -> Result<Response, ApiError> {
    let verified = flows::verify(
        &state,
        &client,
        binding(&state, &headers),
        &id,
        &request.code,
    )
    .await?;
    let response = Json(verified.view).into_response();
    Ok(match verified.session {
        Some(session) => with_cookie(response, session.cookie(&state)),
        None => response,
    })
}

#[utoipa::path(post, path = "/api/flows/{id}/complete", tag = "flows", params(("id" = String, Path, description = "Flow id")), request_body = CompleteFlow,
    responses((status = 200, description = "Flow done; a session cookie is set when signed in", body = sspr_api::FlowDone), (status = 404, body = sspr_api::ErrorBody), (status = 409, body = sspr_api::ErrorBody), (status = 422, description = "Password refused", body = sspr_api::ErrorBody), (status = 400, description = "Bad input", body = sspr_api::ErrorBody), (status = 403, description = "CSRF check failed", body = sspr_api::ErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn complete(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(request): Json<CompleteFlow>,
) -> Result<Response, ApiError> {
    let completed =
        flows::complete(&state, &client, binding(&state, &headers), &id, request).await?;
    let response = Json(completed.done).into_response();
    Ok(match completed.session {
        Some(session) => with_cookie(response, session.cookie(&state)),
        None => response,
    })
}
