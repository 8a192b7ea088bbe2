//! CSRF defence (SECURITY.md §29): every state-changing `/api` request must carry the header
//! `X-SSPR-CSRF: 1` and, when the browser sends an `Origin`, it must be the public origin.
//!
//! A cross-site page cannot add a custom header without a CORS preflight, which this server
//! never grants, so a forged form post (`text/plain` or otherwise) is refused before any
//! handler runs. The session cookie's SameSite=Lax is a second line.
//!
//! Scripts calling with an API token (`Authorization: Bearer …`) and no cookie are not checked:
//! CSRF rides on cookies a browser adds by itself, and such a request carries none — its
//! authority is the token, which a cross-site page cannot read or add (`Authorization` is not a
//! CORS-safelisted header either). A request with a cookie is always checked, Bearer or not.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sspr_api::ErrorCode;

pub const HEADER: &str = "x-sspr-csrf";

pub async fn check(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let no_cookie = request
        .headers()
        .get_all(axum::http::header::COOKIE)
        .iter()
        .all(|c| c.as_bytes().trim_ascii().is_empty());
    // A script with an API token: no cookie carries authority, and a browser cannot add an
    // `Authorization` header cross-site without a preflight this server never grants.
    let token_only = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .is_some_and(|v| v.as_bytes().starts_with(b"Bearer "))
        && no_cookie;
    if !safe && !token_only {
        let headers = request.headers();
        let has_header = headers.get(HEADER).is_some_and(|v| v.as_bytes() == b"1");
        let origin_ok = headers
            .get(axum::http::header::ORIGIN)
            .is_none_or(|o| o.as_bytes() == state.config.public_origin.as_bytes());
        if !has_header || !origin_ok {
            return ApiError::new(
                ErrorCode::CsrfFailed,
                "This request did not come from this site's pages, so it was refused.",
            )
            .into_response();
        }
    }
    next.run(request).await
}
