//! SSPR's backend: the identity JSON API under `/api` and the built SPA on the same origin.
//!
//! A request runs down these layers, and no arrow points back up:
//!
//! ```text
//!   http      what every request passes through: request ids, the error envelope, CSRF,
//!    │        cookies, security headers, Graph's wire conventions, the static SPA
//!   routes    one thin handler per endpoint: extract the input, call one use-case, map the
//!    │        result (no transaction, audit record or SQL here)
//!   use-cases identity (customer flows, sign-in, sessions, account, invitations, the
//!    │        customer side of user flows) · admin (administrators, the directory, policies,
//!    │        guests, API tokens, user flows, the audit log)
//!   policy    what the stored authentication-methods and reset policies say
//!    │
//!   domain    the rules, free of HTTP and SQL and unit-tested: flow steps and admission,
//!    │        passcodes, password rules and hashing, lockout, TOTP, return addresses,
//!    │        user flows
//!   store     every SQL statement, one file per table group, for SQLite and PostgreSQL alike
//! ```
//!
//! That is [`http`] → [`routes`] → [`identity`] and [`admin`] → [`policy`] → [`domain`] →
//! [`store`].
//!
//! Beside them: [`mail`] (templates, the outbox and its worker, the development outbox),
//! [`phone`] (texts and calls: their outbox, worker and providers),
//! [`notify`] (the security notifications: their switches and recipients),
//! [`janitor`] (housekeeping), [`config`] (settings), [`state`] ([`AppState`], what handlers
//! share), [`error`] ([`ApiError`]: one constructor per refusal, the status chosen in one
//! place), [`clock`] (injectable time), [`secrets`] (keys from the server secret),
//! [`telemetry`] (logging), [`cli`] (the command line). [`app`] builds the whole router from an
//! [`AppState`], which is what tests drive; a unit test (`layout`) checks that SQL stays in
//! [`store`] and handlers stay short.

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
pub mod notify;
pub mod oidc;
pub mod phone;
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
/// The mail and phone workers, the janitor and the refresher of the branding mail carries
/// (`mail::look`) run beside it and stop with it. The OpenID Connect signing
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
    let phone_provider = phone::provider::from_config(&state.config)?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let until_stopped = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        }
    };
    let worker = tokio::spawn(mail::worker::run(state.clone(), transport, until_stopped()));
    let phones = tokio::spawn(phone::worker::run(
        state.clone(),
        phone_provider,
        until_stopped(),
    ));
    let janitor = tokio::spawn(janitor::run(state.clone(), until_stopped()));
    let look = tokio::spawn(mail::look::run(state.clone(), until_stopped()));
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await;
    let _ = stop.send(true);
    let _ = worker.await;
    let _ = phones.await;
    let _ = janitor.await;
    let _ = look.await;
    Ok(served?)
}
