//! SSPR's backend: the identity JSON API under `/api` and the built SPA on the same origin.
//!
//! The layout follows the request: [`http`] holds what every request passes through (request
//! ids, the error envelope, security headers, the static SPA), [`routes`] the feature routers,
//! [`store`] the database behind one interface for SQLite and PostgreSQL, [`config`] the typed
//! settings. [`app`] builds the whole router from an [`AppState`], which is what tests drive.

pub mod cli;
pub mod config;
pub mod error;
pub mod http;
pub mod routes;
pub mod state;
pub mod store;
pub mod telemetry;

pub use config::Config;
pub use error::ApiError;
pub use state::AppState;

use std::net::SocketAddr;
use tokio::net::TcpListener;

/// The whole application: the API under `/api`, the SPA for every other path.
pub fn app(state: AppState) -> axum::Router {
    http::router(state)
}

/// Serves `app(state)` on `listener` until `shutdown` resolves, then drains open requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
