//! The error envelope: every error answer under `/api` leaves with the JSON body
//! `{code, message, request_id}` (and the optional fields of `sspr_api::ErrorBody` that its
//! error filled in) and nothing else.
//!
//! Handlers describe errors with an [`ErrorDetails`] extension (see `crate::error`); answers that
//! nobody described — the router's 405, the timeout's 408, a caught panic — get a generic code
//! for their status. Outside `/api` (the SPA's files) answers pass untouched.

use crate::clock::Clock;
use crate::error::{generic, ErrorDetails};
use crate::http::request_id::RequestId;
use axum::extract::Request;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sspr_api::ErrorBody;
use sspr_api::WireName;
use std::sync::Arc;

pub async fn render(State(clock): State<Arc<dyn Clock>>, request: Request, next: Next) -> Response {
    let is_api = request.uri().path() == "/api" || request.uri().path().starts_with("/api/");
    // The Graph-compatible paths answer errors in Graph's shape instead (`http::graph`).
    let is_graph = request.uri().path().starts_with(super::graph::PREFIX);
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let response = next.run(request).await;
    let details = response.extensions().get::<ErrorDetails>().cloned();
    let status = response.status();
    let (status, details) = match details {
        Some(d) => (status, d),
        None if is_api && (status.is_client_error() || status.is_server_error()) => generic(status),
        None => return response,
    };
    let retry_after_secs = details.retry_after_secs;
    let (status, json) = if is_graph {
        super::graph::error_body(
            status,
            details.code,
            details.message,
            details.details,
            request_id,
            clock.now_ms(),
        )
    } else {
        let body = ErrorBody {
            code: details.code.as_str().to_owned(),
            message: details.message,
            request_id,
            attempts_left: details.attempts_left,
            retry_after_secs: details.retry_after_secs,
            violations: details.violations,
            details: details.details,
        };
        (status, serde_json::to_vec(&body).unwrap_or_default())
    };
    let (mut parts, _) = response.into_parts();
    parts.extensions.remove::<ErrorDetails>();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.status = status;
    if let Some(secs) = retry_after_secs {
        parts
            .headers
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    Response::from_parts(parts, axum::body::Body::from(json))
}

/// The answer to a panic inside a handler: an opaque 500; the payload goes to the log only.
pub fn panic_response(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %detail, "handler panicked");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}
