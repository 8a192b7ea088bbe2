//! Authenticator push with number matching (issue 13): pairing from the security info page
//! (`/api/account/methods/authenticator-push`), the device's own endpoints
//! (`/api/authenticator/…`, authenticated by its signatures, see `identity::push_device`), and
//! the reset page's request and poll (`/api/flows/{id}/push`).

use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::cookies;
use crate::http::json::Json;
use crate::identity::flows::push as flow_push;
use crate::identity::push_device;
use crate::identity::security_info::push_pairing;
use crate::identity::sessions::SignedIn;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::Router;
use sspr_api::push::{DEVICE_HEADER, DEVICE_SIGNATURE_HEADER, DEVICE_TIME_HEADER};
use sspr_api::{
    ErrorCode, PairDevice, PairedDevice, PushAnswer, PushPairing, PushRequests, PushStarted,
    PushStatus,
};

/// The OpenAPI description of these endpoints, merged into `/api/openapi.json`.
#[derive(Debug, utoipa::OpenApi)]
#[openapi(paths(start_pairing, pair, requests, answer, start_push, push_status))]
pub struct PushDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/methods/authenticator-push", post(start_pairing))
        .route("/authenticator/pair", post(pair))
        .route("/authenticator/requests", get(requests))
        .route("/authenticator/requests/{id}/answer", post(answer))
        .route("/flows/{id}/push", post(start_push))
        .route("/flows/{id}/push/{challenge}", get(push_status))
}

#[utoipa::path(post, path = "/api/account/methods/authenticator-push", tag = "account",
    responses((status = 200, description = "A pending device and its single-use pairing link (five minutes), for the QR code", body = PushPairing), (status = 401, description = "Not signed in", body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`), the `MicrosoftAuthenticator` method is off for this user (`method_disabled`), or the CSRF check failed", body = sspr_api::ErrorBody), (status = 422, description = "Too many devices paired (`validation_failed`)", body = sspr_api::ErrorBody)))]
async fn start_pairing(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<PushPairing>, ApiError> {
    Ok(Json(push_pairing::start(&state, &signed_in).await?))
}

#[utoipa::path(post, path = "/api/authenticator/pair", tag = "authenticator", request_body = PairDevice,
    responses((status = 200, description = "Paired: the device id for signed requests and the app-code seed", body = PairedDevice), (status = 403, description = "The CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "A wrong, expired or used pairing code (`not_found`)", body = sspr_api::ErrorBody), (status = 422, description = "The public key is not a P-256 SEC1 point in base64url (`validation_failed`)", body = sspr_api::ErrorBody), (status = 429, description = "Too many checks from this address", body = sspr_api::ErrorBody)))]
async fn pair(
    State(state): State<AppState>,
    client: Client,
    Json(request): Json<PairDevice>,
) -> Result<Json<PairedDevice>, ApiError> {
    Ok(Json(push_device::pair(&state, &client, request).await?))
}

#[utoipa::path(get, path = "/api/authenticator/requests", tag = "authenticator",
    params(
        ("x-sspr-device" = String, Header, description = "The device id"),
        ("x-sspr-device-time" = i64, Header, description = "The device's clock, Unix milliseconds (within a minute of the server's)"),
        ("x-sspr-device-signature" = String, Header, description = "ECDSA P-256/SHA-256 over `sspr-push-list-v1\\n{device}\\n{time}`, r‖s, base64url"),
    ),
    responses((status = 200, description = "The requests waiting for this device's user", body = PushRequests), (status = 401, description = "An unknown device, a signature that does not verify, or a clock more than a minute off (`unauthorized`)", body = sspr_api::ErrorBody)))]
async fn requests(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<PushRequests>, ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(device), Some(time), Some(signature)) = (
        header(DEVICE_HEADER),
        header(DEVICE_TIME_HEADER).and_then(|t| t.parse::<i64>().ok()),
        header(DEVICE_SIGNATURE_HEADER),
    ) else {
        return Err(ApiError::new(
            ErrorCode::Unauthorized,
            "Sign this request with the device's key (device, time and signature headers).",
        ));
    };
    Ok(Json(
        push_device::requests(&state, device, time, signature).await?,
    ))
}

#[utoipa::path(post, path = "/api/authenticator/requests/{id}/answer", tag = "authenticator", params(("id" = String, Path, description = "Request id")), request_body = PushAnswer,
    responses((status = 200, description = "The request's end: `approved` (the right number), `wrong_number` or `denied`", body = PushStatus), (status = 400, description = "The request expired (`code_expired`)", body = sspr_api::ErrorBody), (status = 401, description = "The signature does not verify with this device's key, or the device is not the user's (`unauthorized`); the request is left as it was", body = sspr_api::ErrorBody), (status = 403, description = "The CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No such request (`not_found`)", body = sspr_api::ErrorBody), (status = 409, description = "Already answered, or replaced by a newer request (`flow_wrong_state`)", body = sspr_api::ErrorBody), (status = 429, description = "Too many checks from this address", body = sspr_api::ErrorBody)))]
async fn answer(
    State(state): State<AppState>,
    client: Client,
    Path(id): Path<String>,
    Json(request): Json<PushAnswer>,
) -> Result<Json<PushStatus>, ApiError> {
    Ok(Json(
        push_device::answer(&state, &client, &id, request).await?,
    ))
}

fn binding(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookies::read(
        headers,
        cookies::FLOW_BINDING,
        state.config.secure_cookies(),
    )
}

#[utoipa::path(post, path = "/api/flows/{id}/push", tag = "flows", params(("id" = String, Path, description = "Flow id")),
    responses((status = 200, description = "A request was sent to the user's paired devices (a newer one cancels the last); show `number`", body = PushStarted), (status = 403, description = "The administrator turned `MicrosoftAuthenticator` off, or its targets leave this user out (`method_disabled`), or the CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No such flow in this browser (`flow_not_found`)", body = sspr_api::ErrorBody), (status = 409, description = "Not a reset whose emailed code was right (`flow_wrong_state`)", body = sspr_api::ErrorBody), (status = 410, description = "The flow has expired (`flow_expired`)", body = sspr_api::ErrorBody), (status = 422, description = "The user has no paired device, or the method it proves is proven already (`validation_failed`)", body = sspr_api::ErrorBody), (status = 429, description = "Too many checks from this address", body = sspr_api::ErrorBody)))]
async fn start_push(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<PushStarted>, ApiError> {
    let binding = binding(&state, &headers);
    Ok(Json(flow_push::start(&state, &client, binding, &id).await?))
}

#[utoipa::path(get, path = "/api/flows/{id}/push/{challenge}", tag = "flows", params(("id" = String, Path, description = "Flow id"), ("challenge" = String, Path, description = "Request id")),
    responses((status = 200, description = "Where the request stands; once `approved`, `GET /api/flows/{id}` shows the method proven", body = PushStatus), (status = 404, description = "No such flow in this browser (`flow_not_found`), or no such request of this flow (`not_found`)", body = sspr_api::ErrorBody), (status = 410, description = "The flow has expired (`flow_expired`)", body = sspr_api::ErrorBody)))]
async fn push_status(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path((id, challenge)): Path<(String, String)>,
) -> Result<Json<PushStatus>, ApiError> {
    let binding = binding(&state, &headers);
    Ok(Json(
        flow_push::status(&state, &client, binding, &id, &challenge).await?,
    ))
}
