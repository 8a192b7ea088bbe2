//! What every request passes through, and the assembly of the whole router.
//!
//! Layers, outermost first: request id → trace span → error envelope → security headers →
//! panic catcher → timeout → body limit → routes. The envelope sits outside the panic catcher and
//! the timeout so that their answers get the error shape too.

pub mod client;
pub mod cookies;
pub mod csrf;
pub mod envelope;
pub mod graph;
pub mod json;
pub mod odata;
pub mod query;
pub mod request_id;
pub mod security_headers;
pub mod spa;

use crate::{routes, AppState};
use axum::middleware;
use axum::Router;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The API under `/api` and the SPA for every other path, with every cross-cutting layer.
pub fn router(state: AppState) -> Router {
    let headers = security_headers::SecurityHeaders::new(&state.config.web_dir);
    let timeout = Duration::from_secs(state.config.request_timeout_secs);
    Router::new()
        .nest("/api", routes::api(state.clone()))
        .merge(routes::dev_outbox::page_router().with_state(state.clone()))
        .merge(routes::oidc::router(state.clone()))
        .merge(spa::theme_router(state.clone()))
        .fallback_service(spa::service(&state.config.web_dir))
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn(request_id::assign))
                .layer(TraceLayer::new_for_http().make_span_with(request_id::span))
                .layer(middleware::from_fn_with_state(
                    state.clock.clone(),
                    envelope::render,
                ))
                .layer(middleware::from_fn_with_state(
                    headers,
                    security_headers::apply,
                ))
                .layer(CatchPanicLayer::custom(envelope::panic_response))
                .layer(TimeoutLayer::with_status_code(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    timeout,
                )),
        )
}
