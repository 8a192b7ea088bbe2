//! The authenticator app's calls (`sspr_api::push`): pairing, then the signed listing of the
//! requests waiting for the user and the signed answer to one. Built on the shared transport
//! ([`sspr_web::api::http`]); pages never see a path.

use crate::device::{Account, DeviceError};
use gloo_net::http::{Method, Request};
use sspr_api::push::{
    answer_message, list_message, DEVICE_HEADER, DEVICE_SIGNATURE_HEADER, DEVICE_TIME_HEADER,
};
use sspr_api::{PairDevice, PairedDevice, PushAnswer, PushDecision, PushRequests, PushStatus};
use sspr_web::api::http::{self, ApiError};

/// A call that failed on the device (its key or storage) or at the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    Device,
    Api(ApiError),
}

impl From<DeviceError> for Failure {
    fn from(_: DeviceError) -> Self {
        Failure::Device
    }
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure::Api(error)
    }
}

/// `POST /api/authenticator/pair`.
pub async fn pair(pairing_code: String, public_key: String) -> Result<PairedDevice, ApiError> {
    let body = PairDevice {
        pairing_code,
        public_key,
    };
    http::send(Method::POST, "/api/authenticator/pair", Some(&body)).await
}

/// `GET /api/authenticator/requests`, signed with the device key over its clock.
pub async fn requests(account: &Account) -> Result<PushRequests, Failure> {
    let now = js_sys::Date::now() as i64;
    let signature = account.sign(&list_message(&account.device_id, now)).await?;
    let request = http::in_language(Request::get("/api/authenticator/requests"))
        .header("accept", "application/json")
        .header(DEVICE_HEADER, &account.device_id)
        .header(DEVICE_TIME_HEADER, &now.to_string())
        .header(DEVICE_SIGNATURE_HEADER, &signature)
        .build()
        .map_err(|_| ApiError::Network)?;
    Ok(http::decode(http::exchange(request).await?).await?)
}

/// `POST /api/authenticator/requests/{id}/answer`, signed over the request's nonce, the number
/// typed and the decision.
pub async fn answer(
    account: &Account,
    challenge_id: &str,
    nonce: &str,
    number: u8,
    decision: PushDecision,
) -> Result<PushStatus, Failure> {
    let signature = account
        .sign(&answer_message(challenge_id, nonce, number, decision))
        .await?;
    let body = PushAnswer {
        device_id: account.device_id.clone(),
        number,
        decision,
        signature,
    };
    let path = [
        "/api/authenticator/requests/",
        &js_sys::encode_uri_component(challenge_id)
            .as_string()
            .unwrap_or_default(),
        "/answer",
    ]
    .concat();
    Ok(http::send(Method::POST, &path, Some(&body)).await?)
}
