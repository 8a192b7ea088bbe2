//! The typed API client: every call to `/api` goes through here.
//!
//! Answers are decoded into the contract crate's types; an error answer's body
//! (`{code, message, request_id}`) becomes [`ApiError::Server`], so pages branch on the stable
//! code and can show the request id. Network failures and undecodable answers have their own
//! variants, so a page can offer "retry" rather than a raw error.
//!
//! Size matters here (SPEC §7 gives every customer page together 60 KB): requests go through the
//! browser's `fetch` directly and JSON is parsed by the browser (`Response.json()`) and mapped onto
//! the Rust types by `serde-wasm-bindgen`, which is smaller in wasm than a JSON parser. Transport
//! error details are not kept as text, which would link Rust's formatting machinery.

use serde::de::DeserializeOwned;
use sspr_api::{ErrorBody, Health};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why an API call did not give the expected answer.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with an error body.
    Server { status: u16, body: ErrorBody },
    /// The request did not reach the server or the answer did not arrive.
    Network,
    /// The server's answer was not in the expected shape (HTTP status kept).
    Decode { status: u16 },
}

impl ApiError {
    /// The request id to quote to support, when the server gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ApiError::Server { body, .. } if !body.request_id.is_empty() => Some(&body.request_id),
            _ => None,
        }
    }
}

/// Sends `method path` (with `body` as JSON if given) and decodes the answer into `T`, or the
/// error body into [`ApiError::Server`].
async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&str>,
) -> Result<T, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| ApiError::Network)?;
    let _ = headers.set("accept", "application/json");
    if let Some(body) = body {
        let _ = headers.set("content-type", "application/json");
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let response: web_sys::Response = JsFuture::from(
        web_sys::window()
            .ok_or(ApiError::Network)?
            .fetch_with_str_and_init(path, &init),
    )
    .await
    .map_err(|_| ApiError::Network)?
    .unchecked_into();
    let status = response.status();
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    let json = json.ok_or(ApiError::Decode { status })?;
    if response.ok() {
        serde_wasm_bindgen::from_value(json).map_err(|_| ApiError::Decode { status })
    } else {
        match serde_wasm_bindgen::from_value::<ErrorBody>(json) {
            Ok(body) => Err(ApiError::Server { status, body }),
            Err(_) => Err(ApiError::Decode { status }),
        }
    }
}

/// `GET /api/health`.
pub async fn health() -> Result<Health, ApiError> {
    call("GET", "/api/health", None).await
}
