//! `/api/account/security-info`, `/api/account/proof`, `/api/account/methods`,
//! `/api/account/security-questions`: the signed-in user's security info (SPEC C7–C8);
//! `/api/account/registration`: the registration interrupt at sign-in.

use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::json::Json;
use crate::identity::registration;
use crate::identity::security_info::{
    self, alternate_email, authenticator, call_phone, mobile_phone, proof, questions,
};
use crate::identity::sessions::SignedIn;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::Router;
use sspr_api::{
    AddAlternateEmail, AddCallPhone, AddMobilePhone, ConfirmMethod, MethodKind, PendingMethod,
    PendingPhone, ProofSent, ProveIdentity, QuestionCatalog, RegisterQuestions, RegistrationPrompt,
    SecurityInfo, TotpEnrolment,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/security-info", get(show))
        .route("/account/proof/email", post(send_proof))
        .route("/account/proof", post(prove))
        .route("/account/methods/{id}", delete(remove))
        .route("/account/methods/authenticator-app", post(enrol_app))
        .route(
            "/account/methods/authenticator-app/confirm",
            post(confirm_app),
        )
        .route("/account/methods/alternate-email", post(add_email))
        .route("/account/methods/mobile-phone", post(add_phone))
        .route("/account/methods/mobile-phone/confirm", post(confirm_phone))
        .route(
            "/account/methods/alternate-phone",
            post(add_alternate_phone),
        )
        .route(
            "/account/methods/alternate-phone/confirm",
            post(confirm_alternate_phone),
        )
        .route("/account/methods/office-phone", post(add_office_phone))
        .route(
            "/account/methods/office-phone/confirm",
            post(confirm_office_phone),
        )
        .route(
            "/account/methods/alternate-email/confirm",
            post(confirm_email),
        )
        .route("/account/security-questions", get(catalog))
        .route(
            "/account/methods/security-questions",
            put(register_questions),
        )
        .route("/account/registration", get(registration_prompt))
        .route("/account/registration/skip", post(skip_registration))
        .route("/account/registration/finish", post(finish_registration))
}

#[utoipa::path(get, path = "/api/account/registration", tag = "account",
    responses((status = 200, description = "What the registration interrupt asks of this session now (no `kind`: nothing)", body = RegistrationPrompt), (status = 401, body = sspr_api::ErrorBody)))]
async fn registration_prompt(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<RegistrationPrompt>, ApiError> {
    Ok(Json(registration::prompt(&state, &signed_in).await?))
}

#[utoipa::path(post, path = "/api/account/registration/skip", tag = "account",
    responses((status = 204, description = "Skipped for this session (counted)"), (status = 401, body = sspr_api::ErrorBody), (status = 409, description = "Three skips were used, or the interrupt cannot be skipped (`skip_not_allowed`)", body = sspr_api::ErrorBody)))]
async fn skip_registration(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
) -> Result<StatusCode, ApiError> {
    registration::skip(&state, &client, &signed_in).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/account/registration/finish", tag = "account",
    responses((status = 204, description = "Registration completed or methods confirmed"), (status = 401, body = sspr_api::ErrorBody), (status = 409, description = "Not enough methods yet, or none registered again after an administrator asked (`registration_incomplete`)", body = sspr_api::ErrorBody)))]
async fn finish_registration(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
) -> Result<StatusCode, ApiError> {
    registration::finish(&state, &client, &signed_in).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/account/security-info", tag = "account",
    responses((status = 200, description = "The methods, or `proof_required` and how to prove it is you", body = SecurityInfo), (status = 401, body = sspr_api::ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<SecurityInfo>, ApiError> {
    Ok(Json(security_info::info(&state, &signed_in).await?))
}

#[utoipa::path(post, path = "/api/account/proof/email", tag = "account",
    responses((status = 200, description = "A passcode was mailed to the account's address", body = ProofSent), (status = 401, body = sspr_api::ErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn send_proof(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
) -> Result<Json<ProofSent>, ApiError> {
    Ok(Json(proof::send_email(&state, &client, &signed_in).await?))
}

#[utoipa::path(post, path = "/api/account/proof", tag = "account", request_body = ProveIdentity,
    responses((status = 200, description = "Proven for ten minutes", body = SecurityInfo), (status = 400, description = "A wrong code (`invalid_code` with `attempts_left`), or an expired one (`code_expired`)", body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 422, description = "Not a code, a wrong app code (`invalid_code`), or a method that cannot prove it", body = sspr_api::ErrorBody)))]
async fn prove(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<ProveIdentity>,
) -> Result<Json<SecurityInfo>, ApiError> {
    Ok(Json(
        proof::prove(&state, &client, &signed_in, request).await?,
    ))
}

#[utoipa::path(delete, path = "/api/account/methods/{id}", tag = "account", params(("id" = String, Path, description = "The method's id")),
    responses((status = 200, description = "Deleted; the user is mailed", body = SecurityInfo), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`)", body = sspr_api::ErrorBody), (status = 404, body = sspr_api::ErrorBody), (status = 409, description = "The last method that can reset the password (`last_reset_method`)", body = sspr_api::ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<SecurityInfo>, ApiError> {
    Ok(Json(
        security_info::delete(&state, &client, &signed_in, &id).await?,
    ))
}

#[utoipa::path(post, path = "/api/account/methods/authenticator-app", tag = "account",
    responses((status = 200, description = "A pending app: its secret, shown once", body = TotpEnrolment), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`), or the method is off for this user (`method_disabled`)", body = sspr_api::ErrorBody), (status = 422, description = "Too many apps", body = sspr_api::ErrorBody)))]
async fn enrol_app(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<TotpEnrolment>, ApiError> {
    Ok(Json(authenticator::enrol(&state, &signed_in).await?))
}

#[utoipa::path(post, path = "/api/account/methods/authenticator-app/confirm", tag = "account", request_body = ConfirmMethod,
    responses((status = 200, description = "The app is saved; the user is mailed", body = SecurityInfo), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`), or the method is off (`method_disabled`)", body = sspr_api::ErrorBody), (status = 404, description = "No such pending app", body = sspr_api::ErrorBody), (status = 422, description = "A wrong code (`invalid_code`)", body = sspr_api::ErrorBody)))]
async fn confirm_app(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<ConfirmMethod>,
) -> Result<Json<SecurityInfo>, ApiError> {
    Ok(Json(
        authenticator::confirm(&state, &client, &signed_in, request).await?,
    ))
}

#[utoipa::path(post, path = "/api/account/methods/alternate-email", tag = "account", request_body = AddAlternateEmail,
    responses((status = 200, description = "A passcode was mailed to the new address", body = PendingMethod), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`), or the method is off (`method_disabled`)", body = sspr_api::ErrorBody), (status = 422, description = "The account's own address", body = sspr_api::ErrorBody)))]
async fn add_email(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<AddAlternateEmail>,
) -> Result<Json<PendingMethod>, ApiError> {
    Ok(Json(
        alternate_email::add(&state, &client, &signed_in, request).await?,
    ))
}

#[utoipa::path(post, path = "/api/account/methods/alternate-email/confirm", tag = "account", request_body = ConfirmMethod,
    responses((status = 200, description = "The address is verified; the user is mailed", body = SecurityInfo), (status = 400, description = "A wrong code (`invalid_code` with `attempts_left`), or an expired one (`code_expired`)", body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`), or the method is off (`method_disabled`)", body = sspr_api::ErrorBody), (status = 404, description = "The code is for another address", body = sspr_api::ErrorBody), (status = 422, description = "Not a code", body = sspr_api::ErrorBody)))]
async fn confirm_email(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<ConfirmMethod>,
) -> Result<Json<SecurityInfo>, ApiError> {
    Ok(Json(
        alternate_email::confirm(&state, &client, &signed_in, request).await?,
    ))
}

#[utoipa::path(post, path = "/api/account/methods/mobile-phone", tag = "account", request_body = AddMobilePhone,
    responses((status = 200, description = "A passcode is on its way by text or call; the same answer when the number's country is not allowed or a daily cap held the send back", body = PendingPhone), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`), or the method or this way of sending is off (`method_disabled`)", body = sspr_api::ErrorBody), (status = 422, description = "Not a usable mobile number (`validation_failed`)", body = sspr_api::ErrorBody)))]
async fn add_phone(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<AddMobilePhone>,
) -> Result<Json<PendingPhone>, ApiError> {
    Ok(Json(
        mobile_phone::add(&state, &client, &signed_in, request).await?,
    ))
}

#[utoipa::path(post, path = "/api/account/methods/mobile-phone/confirm", tag = "account", request_body = ConfirmMethod,
    responses((status = 200, description = "The phone is verified; the user is mailed", body = SecurityInfo), (status = 400, description = "A wrong code (`invalid_code` with `attempts_left`), or an expired one (`code_expired`)", body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`), or the method is off (`method_disabled`)", body = sspr_api::ErrorBody), (status = 404, description = "The code is for another phone", body = sspr_api::ErrorBody), (status = 422, description = "Not a code", body = sspr_api::ErrorBody)))]
async fn confirm_phone(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<ConfirmMethod>,
) -> Result<Json<SecurityInfo>, ApiError> {
    Ok(Json(
        mobile_phone::confirm(&state, &client, &signed_in, request).await?,
    ))
}

#[utoipa::path(get, path = "/api/account/security-questions", tag = "account",
    responses((status = 200, description = "The questions to choose from", body = QuestionCatalog), (status = 401, body = sspr_api::ErrorBody)))]
async fn catalog(
    State(state): State<AppState>,
    _signed_in: SignedIn,
) -> Result<Json<QuestionCatalog>, ApiError> {
    Ok(Json(questions::catalog(&state).await?))
}

#[utoipa::path(put, path = "/api/account/methods/security-questions", tag = "account", request_body = RegisterQuestions,
    responses((status = 200, description = "Registered; the user is sent a security notice", body = SecurityInfo), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`), or the method is off: not among the reset policy's methods, or `SecurityQuestions` off or not targeting this user (`method_disabled`)", body = sspr_api::ErrorBody), (status = 422, description = "Not the right number of different questions from the list, or an answer too short", body = sspr_api::ErrorBody)))]
async fn register_questions(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<RegisterQuestions>,
) -> Result<Json<SecurityInfo>, ApiError> {
    Ok(Json(
        questions::register(&state, &client, &signed_in, request).await?,
    ))
}

#[utoipa::path(post, path = "/api/account/methods/alternate-phone", tag = "account", request_body = AddCallPhone,
    responses((status = 200, description = "A passcode is on its way by a call that reads it digit by digit; the same answer when the number's country is not allowed or a daily cap held the call back", body = PendingPhone), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`), or the Voice method is off for the user or allows no country (`method_disabled`)", body = sspr_api::ErrorBody), (status = 422, description = "Not a usable number, or one with an extension (`validation_failed`)", body = sspr_api::ErrorBody)))]
async fn add_alternate_phone(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<AddCallPhone>,
) -> Result<Json<PendingPhone>, ApiError> {
    Ok(Json(
        call_phone::add(
            &state,
            &client,
            &signed_in,
            MethodKind::AlternatePhone,
            request,
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/api/account/methods/alternate-phone/confirm", tag = "account", request_body = ConfirmMethod,
    responses((status = 200, description = "The phone is verified (replacing the user's earlier one of its kind); the user is mailed", body = SecurityInfo), (status = 400, description = "A wrong code (`invalid_code` with `attempts_left`), or an expired one (`code_expired`)", body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`), or the method is off (`method_disabled`)", body = sspr_api::ErrorBody), (status = 404, description = "The code is for another phone", body = sspr_api::ErrorBody), (status = 422, description = "Not a code", body = sspr_api::ErrorBody)))]
async fn confirm_alternate_phone(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<ConfirmMethod>,
) -> Result<Json<SecurityInfo>, ApiError> {
    Ok(Json(
        call_phone::confirm(
            &state,
            &client,
            &signed_in,
            MethodKind::AlternatePhone,
            request,
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/api/account/methods/office-phone", tag = "account", request_body = AddCallPhone,
    responses((status = 200, description = "A passcode is on its way by a call that reads it digit by digit, then dials the extension; the same answer when the number's country is not allowed or a daily cap held the call back", body = PendingPhone), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`), or the Voice method is off for the user, or `isOfficePhoneAllowed` is not set (`method_disabled`)", body = sspr_api::ErrorBody), (status = 422, description = "Not a usable number, or an extension that is not 1 to 10 digits (`validation_failed`)", body = sspr_api::ErrorBody)))]
async fn add_office_phone(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<AddCallPhone>,
) -> Result<Json<PendingPhone>, ApiError> {
    Ok(Json(
        call_phone::add(
            &state,
            &client,
            &signed_in,
            MethodKind::OfficePhone,
            request,
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/api/account/methods/office-phone/confirm", tag = "account", request_body = ConfirmMethod,
    responses((status = 200, description = "The phone is verified (replacing the user's earlier one of its kind); the user is mailed", body = SecurityInfo), (status = 400, description = "A wrong code (`invalid_code` with `attempts_left`), or an expired one (`code_expired`)", body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "No recent proof (`reauthentication_required`), or the method is off (`method_disabled`)", body = sspr_api::ErrorBody), (status = 404, description = "The code is for another phone", body = sspr_api::ErrorBody), (status = 422, description = "Not a code", body = sspr_api::ErrorBody)))]
async fn confirm_office_phone(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<ConfirmMethod>,
) -> Result<Json<SecurityInfo>, ApiError> {
    Ok(Json(
        call_phone::confirm(
            &state,
            &client,
            &signed_in,
            MethodKind::OfficePhone,
            request,
        )
        .await?,
    ))
}
