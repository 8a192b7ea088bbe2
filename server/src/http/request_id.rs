//! A fresh request id for every request, in the `x-request-id` header both ways and in the
//! trace span. An id sent by the client is replaced: it would be attacker-chosen text in logs.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

pub const HEADER: &str = "x-request-id";

/// The request id, also stored as a request extension for handlers (audit records carry it).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let value = HeaderValue::from_str(&id).expect("a uuid is a valid header value");
    request.headers_mut().insert(HEADER, value.clone());
    request.extensions_mut().insert(RequestId(id));
    let mut response = next.run(request).await;
    response.headers_mut().insert(HEADER, value);
    response
}

/// The trace span of a request: method, path (never the query, which may hold tokens) and id.
pub fn span(request: &Request) -> tracing::Span {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
}
