//! SSPR's backend: the identity JSON API under `/api` and the built SPA on the same origin.
//!
//! The layout follows the request: [`http`] holds what every request passes through (request
//! ids, the error envelope, CSRF, cookies, security headers, the static SPA); [`routes`] the
//! thin feature handlers; [`identity`] the use-cases (flows, sign-in, sessions, account);
//! [`domain`] the rules free of HTTP and SQL (passcodes, passwords, lockout, the flow state
//! machine); [`store`] the database behind one interface for SQLite and PostgreSQL; [`mail`]
//! templates, the outbox and its worker. [`app`] builds the whole router from an [`AppState`],
//! which is what tests drive.

pub mod admin;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod identity;
pub mod janitor;
#[cfg(test)]
mod layout;
pub mod mail;
pub mod oidc;
pub mod policy;
pub mod routes;
pub mod secrets;
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
/// The mail worker and the janitor run beside it and stop with it. The OpenID Connect signing
/// keys are made first when there are none yet, so the JWKS never lags behind a token (if the
/// database cannot be reached yet, they are made when first needed).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    if let Err(error) = oidc::keys::ensure(&state).await {
        tracing::warn!(%error, "could not make the token signing keys yet");
    }
    let transport = mail::transport::Transport::from_config(
        state.config.smtp_url.as_deref(),
        &state.config.mail_from,
    )?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let until_stopped = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        }
    };
    let worker = tokio::spawn(mail::worker::run(state.clone(), transport, until_stopped()));
    let janitor = tokio::spawn(janitor::run(state.clone(), until_stopped()));
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await;
    let _ = stop.send(true);
    let _ = worker.await;
    let _ = janitor.await;
    Ok(served?)
}
