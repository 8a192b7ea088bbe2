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

async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(flows::get(&state, binding(&state, &headers), &id).await?).into_response())
}

async fn resend(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = flows::resend(&state, &client, binding(&state, &headers), &id).await?;
    Ok(Json(view).into_response())
}

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
