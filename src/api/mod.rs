//! The typed API client: every call to `/api` goes through here.
//!
//! Answers are decoded into the contract crate's types; an error answer's body
//! (`{code, message, request_id}`) becomes [`ApiError::Server`], so pages branch on the stable
//! code and can show the request id. Network failures and undecodable answers have their own
//! variants, so a page can offer "retry" rather than a raw error.
//!
//! Size matters here (SPEC §7 gives a customer page's cold load 60 KB): requests go through the
//! browser's `fetch` directly, the browser parses the JSON (`Response.json()`), and [`decode`]
//! picks the fields without serde. Transport error details are not kept as text, which would
//! link Rust's formatting machinery.

pub mod decode;

use decode::Decode;
use serde::Serialize;
use sspr_api::{
    CompleteFlow, CustomerUserFlow, ErrorBody, FlowDone, FlowPurpose, FlowView, Health, Me,
    PasswordPolicy, SessionList, SignIn, StartFlow, VerifyCode,
};
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
/// error body into [`ApiError::Server`]. A `204 No Content` answer decodes as `()`.
pub async fn call<T: Decode>(method: &str, path: &str, body: Option<&str>) -> Result<T, ApiError> {
    let (status, json) = fetch_json(method, path, body).await?;
    T::decode(&json).ok_or(ApiError::Decode { status })
}

/// Sends `method path` (with `body` as JSON if given) and answers the HTTP status with the
/// parsed JSON of a successful answer (`null` for `204 No Content`). An error answer becomes
/// [`ApiError::Server`] with its decoded body. The admin portal decodes the JSON with serde.
pub async fn fetch_json(
    method: &str,
    path: &str,
    body: Option<&str>,
) -> Result<(u16, JsValue), ApiError> {
    let answer = request(method, path, body).await?;
    if answer.ok {
        return Ok((answer.status, answer.json));
    }
    match ErrorBody::decode(&answer.json) {
        Some(body) => Err(ApiError::Server {
            status: answer.status,
            body,
        }),
        None => Err(ApiError::Decode {
            status: answer.status,
        }),
    }
}

/// An HTTP answer: its status, whether it is a success, and its parsed JSON body (`null` for
/// `204 No Content`).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub ok: bool,
    pub json: JsValue,
}

/// Sends `method path` (with `body` as JSON if given), with the CSRF header on every state
/// change, and answers whatever came back, error bodies included: the one place that calls
/// `fetch`. A transport failure is [`ApiError::Network`]; a body that is not JSON,
/// [`ApiError::Decode`].
pub async fn request(method: &str, path: &str, body: Option<&str>) -> Result<Answer, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| ApiError::Network)?;
    let _ = headers.set("accept", "application/json");
    if method != "GET" {
        // The server refuses state changes without it (CSRF defence).
        let _ = headers.set("x-sspr-csrf", "1");
    }
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
    let ok = response.ok();
    if status == 204 {
        return Ok(Answer {
            status,
            ok,
            json: JsValue::NULL,
        });
    }
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    let json = json.ok_or(ApiError::Decode { status })?;
    Ok(Answer { status, ok, json })
}

async fn post<T: Decode>(path: &str, body: &impl Serialize) -> Result<T, ApiError> {
    // Maps (sign-up attributes) as plain objects, as JSON has them (not JS `Map`s).
    let value = body
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|_| ApiError::Network)?;
    let text = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or(ApiError::Network)?;
    call("POST", path, Some(&text)).await
}

/// `GET /api/health`.
pub async fn health() -> Result<Health, ApiError> {
    call("GET", "/api/health", None).await
}

/// `POST /api/flows`.
pub async fn start_flow(
    purpose: FlowPurpose,
    email: Option<sspr_api::Email>,
    invitation: Option<String>,
    return_to: Option<String>,
    client_id: Option<String>,
) -> Result<FlowView, ApiError> {
    let body = StartFlow {
        purpose,
        email,
        invitation,
        return_to,
        client_id,
    };
    post("/api/flows", &body).await
}

/// `GET /api/user-flow?client_id=…`: the user flow of the application (none: the default).
pub async fn user_flow(client_id: Option<&str>) -> Result<CustomerUserFlow, ApiError> {
    let path = match client_id {
        // The SPA only keeps ids made of URL-safe characters; encode anyway.
        Some(id) => [
            "/api/user-flow?client_id=",
            &String::from(js_sys::encode_uri_component(id)),
        ]
        .concat(),
        None => "/api/user-flow".to_owned(),
    };
    call("GET", &path, None).await
}

/// `GET /api/flows/{id}`.
pub async fn flow(id: &str) -> Result<FlowView, ApiError> {
    call("GET", &["/api/flows/", id].concat(), None).await
}

/// `POST /api/flows/{id}/resend`.
pub async fn resend(id: &str) -> Result<FlowView, ApiError> {
    call("POST", &["/api/flows/", id, "/resend"].concat(), Some("{}")).await
}

/// `POST /api/flows/{id}/verify`.
pub async fn verify(id: &str, code: String) -> Result<FlowView, ApiError> {
    post(
        &["/api/flows/", id, "/verify"].concat(),
        &VerifyCode { code },
    )
    .await
}

/// `POST /api/flows/{id}/complete`.
pub async fn complete(id: &str, body: &CompleteFlow) -> Result<FlowDone, ApiError> {
    post(&["/api/flows/", id, "/complete"].concat(), body).await
}

/// `POST /api/session`.
pub async fn sign_in(body: &SignIn) -> Result<Me, ApiError> {
    post("/api/session", body).await
}

/// `GET /api/session`.
pub async fn me() -> Result<Me, ApiError> {
    call("GET", "/api/session", None).await
}

/// `DELETE /api/session`.
pub async fn sign_out() -> Result<(), ApiError> {
    call("DELETE", "/api/session", None).await
}

/// `GET /api/sessions`.
pub async fn sessions() -> Result<SessionList, ApiError> {
    call("GET", "/api/sessions", None).await
}

/// `DELETE /api/sessions/{id}`.
pub async fn revoke(id: &str) -> Result<(), ApiError> {
    call("DELETE", &["/api/sessions/", id].concat(), None).await
}

/// `GET /api/password-policy`.
pub async fn password_policy() -> Result<PasswordPolicy, ApiError> {
    call("GET", "/api/password-policy", None).await
}
