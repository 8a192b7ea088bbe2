//! The API's feature routers, mounted under `/api`. Each feature module owns its `router()`.
//! Every route passes the CSRF check (state-changing methods) and a per-address rate limit.

mod access;
mod admin;
mod api_tokens;
pub mod applications;
mod audit_log;
pub mod branding;
pub mod dev_outbox;
mod flows;
mod graph;
mod groups;
mod guests;
mod health;
pub mod oidc;
pub mod openapi;
mod password_policy;
pub mod push;
pub mod reports;
mod reset_policy;
mod security_info;
mod session;
mod user_flows;
mod users;

use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::csrf;
use crate::identity::limits::{self, GENERAL};
use crate::AppState;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;

/// Largest request body any endpoint accepts; identity requests are a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Every API route, with a JSON 404 for unknown paths.
pub fn api(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(flows::router())
        .merge(access::router())
        .merge(session::router())
        .merge(security_info::router())
        .merge(push::router())
        .merge(password_policy::router())
        .merge(admin::router())
        .merge(users::router())
        .merge(groups::router())
        .merge(audit_log::router())
        .merge(reports::router())
        .merge(graph::router())
        .merge(branding::router())
        .merge(reset_policy::router())
        .merge(api_tokens::router())
        .merge(guests::router())
        .merge(user_flows::router())
        .merge(dev_outbox::api_router())
        .merge(openapi::router())
        .fallback(|| async { ApiError::not_found() })
        .layer(middleware::from_fn_with_state(state.clone(), general_limit))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::check))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// A generous ceiling per client address on every endpoint. Exempt: the health check (load
/// balancers poll it) and the endpoints that count against a tighter limit of their own
/// (starting and resending flows, checking codes, password sign-in and change), which would
/// otherwise pay for two counter writes per request.
pub(crate) async fn general_limit(
    State(state): State<AppState>,
    client: Client,
    request: Request,
    next: Next,
) -> Response {
    if !exempt(request.method(), request.uri().path()) {
        if let Err(error) = limits::enforce(&state, GENERAL, &client.ip).await {
            return error.into_response();
        }
    }
    next.run(request).await
}

fn exempt(method: &axum::http::Method, path: &str) -> bool {
    let own_limit = *method == axum::http::Method::POST
        && (path == "/flows"
            || path == "/session"
            || path == "/account/password"
            || (path.starts_with("/flows/")
                && (path.ends_with("/resend") || path.ends_with("/verify"))));
    path == "/health" || own_limit
}

#[cfg(test)]
mod tests {
    use super::exempt;
    use axum::http::Method;

    #[test]
    fn only_the_health_check_and_endpoints_with_their_own_limit_skip_the_general_one() {
        assert!(exempt(&Method::GET, "/health"));
        assert!(exempt(&Method::POST, "/flows"));
        assert!(exempt(&Method::POST, "/flows/abc/verify"));
        assert!(exempt(&Method::POST, "/flows/abc/resend"));
        assert!(exempt(&Method::POST, "/session"));
        assert!(!exempt(&Method::POST, "/flows/abc/complete"));
        assert!(!exempt(&Method::GET, "/session"));
        assert!(!exempt(&Method::DELETE, "/session"));
        assert!(!exempt(&Method::GET, "/flows/abc"));
    }
}
