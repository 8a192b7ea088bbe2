//! The customer pages' calls for authenticator push (issue 13): starting a pairing on the
//! security info page, and sending and polling a request in a reset's method step.

use super::{http, ApiError};
use gloo_net::http::Method;
use sspr_api::{PushPairing, PushStarted, PushStatus};

/// `POST /api/account/methods/authenticator-push`.
pub async fn start_pairing() -> Result<PushPairing, ApiError> {
    http::send(
        Method::POST,
        "/api/account/methods/authenticator-push",
        None::<&()>,
    )
    .await
}

/// `POST /api/flows/{id}/push`.
pub async fn start(flow: String) -> Result<PushStarted, ApiError> {
    http::send(Method::POST, &super::flow_path(&flow, "/push"), None::<&()>).await
}

/// `GET /api/flows/{id}/push/{challenge}`.
pub async fn status(flow: String, challenge: String) -> Result<PushStatus, ApiError> {
    http::get(
        &super::flow_path(&flow, &["/push/", &challenge].concat()),
        &[],
    )
    .await
}
