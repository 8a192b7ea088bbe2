//! The admin endpoints, through the shared client [`sspr_web::api::call`] (same CSRF header,
//! same error decoding). Bodies are written with `serde_json`, which keeps maps as JSON objects.

use serde::de::DeserializeOwned;
use serde::Serialize;
use sspr_api::{AdminCredentials, AdminEnrolment, AdminSetup, AdminView};
use sspr_web::api::{call, ApiError};

/// Sends `body` as JSON with `method` to `path`.
pub async fn send<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    let text = serde_json::to_string(body).map_err(|_| ApiError::Network)?;
    call(method, path, Some(&text)).await
}

/// `GET path`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    call("GET", path, None).await
}

/// `POST /api/admin/bootstrap`.
pub async fn bootstrap(setup: &AdminSetup) -> Result<AdminEnrolment, ApiError> {
    send("POST", "/api/admin/bootstrap", setup).await
}

/// `POST /api/admin/totp/confirm`.
pub async fn confirm_totp(credentials: &AdminCredentials) -> Result<(), ApiError> {
    send("POST", "/api/admin/totp/confirm", credentials).await
}

/// `POST /api/admin/session`.
pub async fn sign_in(credentials: &AdminCredentials) -> Result<AdminView, ApiError> {
    send("POST", "/api/admin/session", credentials).await
}

/// `GET /api/admin/session`.
pub async fn me() -> Result<AdminView, ApiError> {
    get("/api/admin/session").await
}

/// `DELETE /api/admin/session`.
pub async fn sign_out() -> Result<(), ApiError> {
    call("DELETE", "/api/admin/session", None).await
}

/// `s` percent-encoded for a query value.
pub fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s)
        .as_string()
        .unwrap_or_default()
}

/// `path?name=value&…` with the empty values left out.
pub fn with_query(path: &str, params: &[(&str, String)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| [k, "=", &encode(v)].concat())
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        [path, "?", &query.join("&")].concat()
    }
}
