//! The API's feature routers, mounted under `/api`. Each feature module owns its `router()`.
//! Every route passes the CSRF check (state-changing methods) and a per-address rate limit.

pub mod dev_outbox;
mod flows;
mod health;
mod policy;
mod session;

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
        .merge(session::router())
        .merge(policy::router())
        .merge(dev_outbox::api_router())
        .fallback(|| async { ApiError::NotFound })
        .layer(middleware::from_fn_with_state(state.clone(), general_limit))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::check))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// A generous ceiling per client address on every endpoint; the sensitive ones have tighter
/// limits of their own. The health check is exempt (load balancers poll it).
async fn general_limit(
    State(state): State<AppState>,
    client: Client,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path() != "/health" {
        if let Err(error) = limits::enforce(&state, GENERAL, &client.ip).await {
            return error.into_response();
        }
    }
    next.run(request).await
}
