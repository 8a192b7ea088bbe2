//! `/api/flows`: self-service flows (sign-up, reset, passwordless, guest, unlock).

use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::cookies;
use crate::http::json::Json;
use crate::identity::flows::{self, Recipient};
use crate::identity::sessions::with_cookie;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sspr_api::{
    CompleteFlow, FlowPhoneCodeSent, FlowQuestions, FlowView, ProveMethod, SendPhoneCode,
    StartFlow, VerifyCode,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/flows", post(start))
        .route("/flows/{id}", get(show))
        .route("/flows/{id}/resend", post(resend))
        .route("/flows/{id}/verify", post(verify))
        .route("/flows/{id}/questions", post(questions))
        .route("/flows/{id}/alternate-email", post(alternate_email))
        .route("/flows/{id}/phone", post(phone))
        .route("/flows/{id}/prove", post(prove))
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
    responses((status = 201, description = "Flow started; a passcode was sent if the address may receive one (the answer is the same either way)", body = sspr_api::FlowView), (status = 403, description = "The method is off for everyone or for this application (`method_disabled`), or the CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No application has this client id (`not_found`), or the invitation link is not valid (`invitation_invalid`)", body = sspr_api::ErrorBody), (status = 422, description = "No address, or an invitation outside a guest flow (`validation_failed`)", body = sspr_api::ErrorBody)))]
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
    responses((status = 200, body = sspr_api::FlowView), (status = 404, description = "No such flow in this browser (`flow_not_found`)", body = sspr_api::ErrorBody), (status = 410, description = "The flow has expired (`flow_expired`)", body = sspr_api::ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(flows::get(&state, binding(&state, &headers), &id).await?).into_response())
}

#[utoipa::path(post, path = "/api/flows/{id}/resend", tag = "flows", params(("id" = String, Path, description = "Flow id")),
    responses((status = 200, description = "A new code replaces the old one", body = sspr_api::FlowView), (status = 403, description = "The method is off for everyone (`method_disabled`), or the CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No such flow in this browser (`flow_not_found`)", body = sspr_api::ErrorBody), (status = 409, description = "The flow is past this step (`flow_wrong_state`)", body = sspr_api::ErrorBody), (status = 410, description = "The flow has expired (`flow_expired`)", body = sspr_api::ErrorBody), (status = 429, description = "Before the cooldown (`resend_too_soon`), or too many requests", body = sspr_api::ErrorBody)))]
async fn resend(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let binding = binding(&state, &headers);
    let view = flows::resend(&state, &client, binding, &id, Recipient::Account).await?;
    Ok(Json(view).into_response())
}

#[utoipa::path(post, path = "/api/flows/{id}/verify", tag = "flows", params(("id" = String, Path, description = "Flow id")), request_body = VerifyCode,
    responses((status = 200, description = "Code accepted; a session cookie is set when the flow signs in", body = sspr_api::FlowView), (status = 400, description = "A wrong code (`invalid_code`, with `attempts_left`), a dead one (`code_expired`), or not JSON", body = sspr_api::ErrorBody), (status = 403, description = "The method is off for everyone (`method_disabled`), or the CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No such flow in this browser (`flow_not_found`)", body = sspr_api::ErrorBody), (status = 409, description = "The flow is past this step (`flow_wrong_state`)", body = sspr_api::ErrorBody), (status = 410, description = "The flow has expired (`flow_expired`)", body = sspr_api::ErrorBody), (status = 422, description = "Not a code of the right length (`invalid_code`, no try used)", body = sspr_api::ErrorBody), (status = 429, description = "Too many checks from this address, or too many wrong codes for this email address", body = sspr_api::ErrorBody)))]
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

#[utoipa::path(post, path = "/api/flows/{id}/questions", tag = "flows", params(("id" = String, Path, description = "Flow id")),
    responses((status = 200, description = "The security questions to answer in this flow (the same on every call)", body = FlowQuestions), (status = 403, description = "The administrator turned security questions off, or their `SecurityQuestions` targets leave this user out (`method_disabled`), or the CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No such flow in this browser (`flow_not_found`)", body = sspr_api::ErrorBody), (status = 409, description = "Not a reset whose emailed code was right (`flow_wrong_state`)", body = sspr_api::ErrorBody), (status = 410, description = "The flow has expired (`flow_expired`)", body = sspr_api::ErrorBody), (status = 422, description = "The user has no security questions to offer (`validation_failed`)", body = sspr_api::ErrorBody)))]
async fn questions(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<FlowQuestions>, ApiError> {
    let binding = binding(&state, &headers);
    Ok(Json(flows::methods::questions(&state, binding, &id).await?))
}

#[utoipa::path(post, path = "/api/flows/{id}/alternate-email", tag = "flows", params(("id" = String, Path, description = "Flow id")),
    responses((status = 200, description = "The code step of a reset or unlock, resent to the account's verified alternate address when it has one that the Email method and the reset policy allow (the new code replaces the old one); otherwise nothing is sent and the last code keeps working. The answer is the same either way, and for an address with no account", body = sspr_api::FlowView), (status = 403, description = "The method is off for everyone (`method_disabled`), or the CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No such flow in this browser (`flow_not_found`)", body = sspr_api::ErrorBody), (status = 409, description = "Not the code step of a reset or unlock (`flow_wrong_state`)", body = sspr_api::ErrorBody), (status = 410, description = "The flow has expired (`flow_expired`)", body = sspr_api::ErrorBody), (status = 429, description = "Before the cooldown (`resend_too_soon`), or too many requests", body = sspr_api::ErrorBody)))]
async fn alternate_email(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<FlowView>, ApiError> {
    let binding = binding(&state, &headers);
    let to = Recipient::AlternateEmail;
    Ok(Json(
        flows::resend(&state, &client, binding, &id, to).await?,
    ))
}

#[utoipa::path(post, path = "/api/flows/{id}/phone", tag = "flows", params(("id" = String, Path, description = "Flow id")), request_body = SendPhoneCode,
    responses((status = 200, description = "A passcode is on its way to the phone by text or call (a new one replaces the last); prove it with `POST /api/flows/{id}/prove`. The answer is the same when a daily cap held the send back", body = FlowPhoneCodeSent), (status = 403, description = "The administrator turned the phone's method off, or no allowed country covers its number (`method_disabled`), or the CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No such flow in this browser (`flow_not_found`)", body = sspr_api::ErrorBody), (status = 409, description = "Not a reset whose emailed code was right (`flow_wrong_state`)", body = sspr_api::ErrorBody), (status = 410, description = "The flow has expired (`flow_expired`)", body = sspr_api::ErrorBody), (status = 422, description = "Not a phone offered for this step, or not that way (`validation_failed`)", body = sspr_api::ErrorBody), (status = 429, description = "Before the cooldown (`resend_too_soon`), or too many requests from this client", body = sspr_api::ErrorBody)))]
async fn phone(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(request): Json<SendPhoneCode>,
) -> Result<Json<FlowPhoneCodeSent>, ApiError> {
    let binding = binding(&state, &headers);
    Ok(Json(
        flows::phone::send(&state, &client, binding, &id, request).await?,
    ))
}

#[utoipa::path(post, path = "/api/flows/{id}/prove", tag = "flows", params(("id" = String, Path, description = "Flow id")), request_body = ProveMethod,
    responses((status = 200, description = "The method is proven; the flow's new view", body = FlowView), (status = 400, description = "Wrong answers (`invalid_answers`, not saying which), a wrong code mailed to the alternate address or sent to a phone (`invalid_code`, with `attempts_left`) or a dead one (`code_expired`), or not JSON", body = sspr_api::ErrorBody), (status = 403, description = "The administrator turned the method off, or its targets leave this user out (`method_disabled`), or the CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No such flow in this browser (`flow_not_found`)", body = sspr_api::ErrorBody), (status = 409, description = "Not a reset whose emailed code was right (`flow_wrong_state`)", body = sspr_api::ErrorBody), (status = 410, description = "The flow has expired (`flow_expired`)", body = sspr_api::ErrorBody), (status = 422, description = "A wrong app code, or an alternate address's or phone's code of the wrong shape (`invalid_code`, no try used), or a method not offered (among them the alternate email once the emailed code proved the email method), or not the questions' number of answers (`validation_failed`)", body = sspr_api::ErrorBody), (status = 429, description = "Too many checks from this address", body = sspr_api::ErrorBody)))]
async fn prove(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(request): Json<ProveMethod>,
) -> Result<Json<FlowView>, ApiError> {
    let binding = binding(&state, &headers);
    Ok(Json(
        flows::methods::prove(&state, &client, binding, &id, request).await?,
    ))
}

#[utoipa::path(post, path = "/api/flows/{id}/complete", tag = "flows", params(("id" = String, Path, description = "Flow id")), request_body = CompleteFlow,
    responses((status = 200, description = "Flow done; a session cookie is set when signed in", body = sspr_api::FlowDone), (status = 403, description = "The account was disabled (`forbidden`) or the method turned off (`method_disabled`) while the flow ran, or the CSRF check failed", body = sspr_api::ErrorBody), (status = 404, description = "No such flow in this browser (`flow_not_found`)", body = sspr_api::ErrorBody), (status = 409, description = "The flow is not at this step, or it was completed meanwhile (`flow_wrong_state`), or the reset needs another method proven first (`more_methods_required`)", body = sspr_api::ErrorBody), (status = 410, description = "The flow has expired (`flow_expired`)", body = sspr_api::ErrorBody), (status = 422, description = "Password refused (`password_policy`, `password_mismatch`), or a display name, attribute or unlock choice missing or not valid (`validation_failed`)", body = sspr_api::ErrorBody)))]
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
