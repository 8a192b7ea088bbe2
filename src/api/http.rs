//! The one HTTP transport of both bundles: `gloo-net` requests with the CSRF header on every
//! state change, JSON bodies through serde, and every failure as one [`ApiError`].
//!
//! Each bundle's client module (this crate's [`crate::api`], the portal's `api.rs`) has one
//! function per endpoint built on [`get`], [`send`] and [`exchange`]; pages never see a path.

use gloo_net::http::{Method, Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sspr_api::ErrorBody;

/// Why an API call did not give the expected answer.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with an error body (`{code, message, request_id, …}`), boxed to
    /// keep every `Result` of the client small.
    Server { status: u16, body: Box<ErrorBody> },
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

    /// The HTTP status of a server answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Server { status, .. } | ApiError::Decode { status } => Some(*status),
            ApiError::Network => None,
        }
    }
}

/// For `ErrorBoundary`, which holds errors as `std::error::Error`. What a person reads comes
/// from the message catalog (`components::alert`), never from this text.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the API call failed")
    }
}

impl std::error::Error for ApiError {}

/// `GET path` (with `query` pairs, empty values left out), decoded into `T`.
pub async fn get<T: DeserializeOwned>(path: &str, query: &[(&str, &str)]) -> Result<T, ApiError> {
    let request = in_language(
        Request::get(path)
            .query(query.iter().copied().filter(|(_, v)| !v.is_empty()))
            .header("accept", "application/json"),
    )
    .build()
    .map_err(|_| ApiError::Network)?;
    decode(exchange(request).await?).await
}

/// `method path` with `body` as JSON (none: no body), decoded into `T`; a `204 No Content`
/// answer decodes as `()`.
pub async fn send<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&impl Serialize>,
) -> Result<T, ApiError> {
    decode(exchange(json_request(method, path, body)?).await?).await
}

/// The header every state change carries, with the value `1` (SECURITY.md §29).
pub const CSRF_HEADER: &str = "x-sspr-csrf";

/// A state-changing request: the CSRF header the server requires (SECURITY.md §29), and
/// `body` as JSON.
pub fn json_request(
    method: Method,
    path: &str,
    body: Option<&impl Serialize>,
) -> Result<Request, ApiError> {
    let builder = in_language(
        RequestBuilder::new(path)
            .method(method)
            .header("accept", "application/json")
            .header(CSRF_HEADER, "1"),
    );
    match body {
        Some(body) => builder.json(body),
        None => builder.build(),
    }
    .map_err(|_| ApiError::Network)
}

/// `builder` with `Accept-Language` the page's language ([`crate::i18n::chosen_tag`]), which
/// the server answers in and sends mail, notices and texts in. Every request the SPA builds goes
/// through it, including the few built by hand for a body that is not JSON.
pub fn in_language(builder: RequestBuilder) -> RequestBuilder {
    match crate::i18n::chosen_tag() {
        "" => builder,
        tag => builder.header("accept-language", tag),
    }
}

/// Sends `request` and answers the response, whatever its status: the one place that calls
/// the network. Only a transport failure is an error here.
pub async fn exchange(request: Request) -> Result<Response, ApiError> {
    request.send().await.map_err(|_| ApiError::Network)
}

/// A successful answer's body as `T` (`()` for `204 No Content`), or an error answer's body
/// as [`ApiError::Server`].
pub async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    if !response.ok() {
        let body = response
            .json::<ErrorBody>()
            .await
            .map_err(|_| ApiError::Decode { status })?;
        return Err(ApiError::Server {
            status,
            body: Box::new(body),
        });
    }
    let text = if status == 204 {
        "null".to_owned()
    } else {
        response
            .text()
            .await
            .map_err(|_| ApiError::Decode { status })?
    };
    serde_json::from_str(&text).map_err(|_| ApiError::Decode { status })
}
