//! `/api/flows/access` ("Can't access your account?") and `/api/captcha` (its on-screen
//! verification code): see `identity::access`.

use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::cookies;
use crate::http::json::Json;
use crate::identity::access;
use crate::identity::sessions::with_cookie;
use crate::store::captchas::Media;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sspr_api::{AccessPrompt, AccessRequest, CaptchaChallenge};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/flows/access", get(prompt).post(start))
        .route("/captcha", post(challenge))
        .route("/captcha/{id}/image", get(image))
        .route("/captcha/{id}/audio", get(audio))
}

#[utoipa::path(post, path = "/api/flows/access", tag = "flows", request_body = AccessRequest,
    responses((status = 201, description = "The chosen flow (password reset or unlock) started, as `POST /api/flows` starts it; the answer is the same whether or not the address has an account", body = sspr_api::FlowView), (status = 400, description = "A verification code is required (always with `SSPR_CAPTCHA_FREE_TRIES` 0, the default; otherwise once this client address or email address has tried more than that many times in 15 minutes) and none came with the try (`captcha_required`), or the verification code was wrong, used already or expired (`captcha_invalid`; it is used either way), or the body is not an email address and a choice of `reset` or `unlock` (`invalid_json`)", body = sspr_api::ErrorBody), (status = 403, description = "The method is off for everyone or for this application (`method_disabled`), or the CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No application has this client id (`not_found`)", body = sspr_api::ErrorBody)))]
async fn start(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Json(request): Json<AccessRequest>,
) -> Result<Response, ApiError> {
    let binding = cookies::read(
        &headers,
        cookies::FLOW_BINDING,
        state.config.secure_cookies(),
    );
    let started = access::access(&state, &client, binding, request).await?;
    let response = (StatusCode::CREATED, Json(started.view)).into_response();
    Ok(match started.binding_cookie {
        Some(cookie) => with_cookie(response, cookie),
        None => response,
    })
}

#[utoipa::path(get, path = "/api/flows/access", tag = "flows",
    responses((status = 200, description = "Whether this client's next try must carry a verification code: always with `SSPR_CAPTCHA_FREE_TRIES` 0 (the default), otherwise once this client address has used its free tries in 15 minutes", body = AccessPrompt)))]
async fn prompt(
    State(state): State<AppState>,
    client: Client,
) -> Result<Json<AccessPrompt>, ApiError> {
    Ok(Json(access::prompt(&state, &client).await?))
}

#[utoipa::path(post, path = "/api/captcha", tag = "flows",
    responses((status = 201, description = "A new verification code, valid for 5 minutes and one answer; its picture and spoken form are at `/api/captcha/{captcha_id}/image` and `/audio`", body = CaptchaChallenge), (status = 403, description = "The CSRF check failed", body = sspr_api::ErrorBody), (status = 429, description = "This client address made more verification codes this minute than `SSPR_CAPTCHAS_PER_MINUTE` allows (`too_many_requests`, with `Retry-After`)", body = sspr_api::ErrorBody)))]
async fn challenge(State(state): State<AppState>, client: Client) -> Result<Response, ApiError> {
    let made = access::challenge(&state, &client).await?;
    Ok((StatusCode::CREATED, Json(made)).into_response())
}

#[utoipa::path(get, path = "/api/captcha/{id}/image", tag = "flows", params(("id" = String, Path, description = "Verification code id")),
    responses((status = 200, description = "The picture (PNG)"), (status = 404, description = "No such verification code, or it was used or expired (`not_found`)", body = sspr_api::ErrorBody)))]
async fn image(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let bytes = access::media(&state, &id, Media::Image).await?;
    Ok(media_response("image/png", bytes))
}

#[utoipa::path(get, path = "/api/captcha/{id}/audio", tag = "flows", params(("id" = String, Path, description = "Verification code id")),
    responses((status = 200, description = "The characters spoken one by one (WAV)"), (status = 404, description = "No such verification code, or it was used or expired (`not_found`)", body = sspr_api::ErrorBody)))]
async fn audio(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let bytes = access::media(&state, &id, Media::Audio).await?;
    Ok(media_response("audio/wav", bytes))
}

fn media_response(content_type: &'static str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
