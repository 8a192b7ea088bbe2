//! The API's feature routers, mounted under `/api`. Each feature module owns its `router()`.

mod health;

use crate::error::ApiError;
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::Router;

/// Largest request body any endpoint accepts; identity requests are a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Every API route, with a JSON 404 for unknown paths.
pub fn api(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .fallback(|| async { ApiError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
