//! The command line: `sspr-server [--config FILE] [serve | invite | reset-redemption |
//! bootstrap-admin | rotate-signing-key]`.
//!
//! `serve` (the default) runs the HTTP server until SIGINT or SIGTERM, then finishes the requests
//! under way and exits. `invite` and `reset-redemption` manage guests until the admin portal
//! does. `bootstrap-admin` prints the one-time setup link for the first administrator; `serve`
//! logs one itself at the first start on an empty database. `rotate-signing-key` replaces the
//! OpenID Connect signing keys, which the server makes at its first start (the old ones stay
//! published until the tokens they signed expire).

use crate::admin;
use crate::config::Config;
use crate::identity::invitations;
use crate::store::Db;
use crate::{telemetry, AppState};
use clap::{Parser, Subcommand};
use sspr_api::Email;
use std::path::PathBuf;
use std::process::ExitCode;
use tokio::net::TcpListener;

#[derive(Debug, Parser)]
#[command(name = "sspr-server", version, about = "SSPR identity service")]
pub struct Cli {
    /// TOML configuration file (default: ./sspr.toml when present). SSPR_* variables override it.
    #[arg(long, env = "SSPR_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Invite a guest by email: creates the guest account, queues the invitation mail (a running
    /// server sends it) and prints the invitation link.
    Invite {
        /// The guest's email address.
        #[arg(long)]
        email: String,
        /// Where the guest lands after redeeming: a path here or a URL on an allowed origin.
        #[arg(long, default_value = "/account")]
        redirect: String,
        /// The guest's display name (default: the part of the address before the @).
        #[arg(long)]
        name: Option<String>,
    },
    /// Reset a guest's redemption status: they must accept an invitation again.
    ResetRedemption {
        /// The guest's email address.
        #[arg(long)]
        email: String,
    },
    /// Print a one-time setup token and link for the first global administrator (valid 24 h).
    /// Refused once an administrator exists, or while an unused token exists unless --replace.
    BootstrapAdmin {
        /// Revoke the unused setup token and issue a new one.
        #[arg(long)]
        replace: bool,
    },
    /// Replace the keys that sign ID and access tokens with new ones. The old keys stop signing
    /// at once and stay in the JWKS until every token they signed has expired (about an hour).
    RotateSigningKey,
}

/// Runs the command line to completion and maps the outcome to an exit code.
pub fn main(cli: Cli) -> ExitCode {
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("sspr-server: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config.log);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("sspr-server: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::Invite {
                email,
                redirect,
                name,
            } => invite(config, &email, &redirect, name.as_deref()).await,
            Command::ResetRedemption { email } => reset_redemption(config, &email).await,
            Command::BootstrapAdmin { replace } => bootstrap_admin(config, replace).await,
            Command::RotateSigningKey => rotate_signing_key(config).await,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("sspr-server: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url, config.database_max_connections).await?;
    let listener = TcpListener::bind(config.listen).await?;
    let address = listener.local_addr()?;
    if !config.web_dir.join("index.html").is_file() {
        tracing::warn!(web_dir = %config.web_dir.display(), "no index.html in the web directory: only the API is served");
    }
    if config.dev {
        tracing::warn!("development mode is on: do not use it in production");
        if config.secret.is_none() {
            tracing::warn!(
                file = %config.data_dir().join(crate::secrets::DEVELOPMENT_FILE).display(),
                "no SSPR_SECRET: using the development secret kept in the data folder"
            );
        }
    }
    if config.smtp_url.is_none() {
        tracing::info!("no SSPR_SMTP_URL: mail goes to the development outbox");
    }
    tracing::info!(%address, backend = db.backend.as_str(), public_origin = %config.public_origin, "listening");
    let state = AppState::new(config, db)?;
    if let Some(issued) = admin::bootstrap::issue_at_start(&state).await? {
        // The only secret ever logged, by design and once: without it nobody could administer
        // a fresh installation. It is valid 24 h and only while no administrator exists.
        tracing::warn!(
            link = %issued.link,
            "no administrator yet: open this one-time link within 24 h to create the first global administrator"
        );
    }
    crate::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn invite(
    config: Config,
    email: &str,
    redirect: &str,
    name: Option<&str>,
) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let state = open(config).await?;
    let invited = invitations::invite(&state, "cli", &email, name, redirect)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("Invitation for {email} (guest {}):", invited.user_id);
    println!("{}", invited.link);
    println!("The invitation mail is queued; a running server sends it.");
    Ok(())
}

async fn reset_redemption(config: Config, email: &str) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let state = open(config).await?;
    match invitations::reset_redemption(&state, "cli", &email)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        Some(count) => {
            println!("Redemption reset for {email}: {count} invitation(s) must be accepted again.");
            Ok(())
        }
        None => anyhow::bail!("{email} is not a guest"),
    }
}

async fn bootstrap_admin(config: Config, replace: bool) -> anyhow::Result<()> {
    let state = open(config).await?;
    let issued = admin::bootstrap::issue_first(&state, replace).await?;
    println!("One-time setup token for the first global administrator (valid 24 h):");
    println!("{}", issued.token);
    println!("{}", issued.link);
    Ok(())
}

async fn rotate_signing_key(config: Config) -> anyhow::Result<()> {
    let state = open(config).await?;
    let kids = crate::oidc::keys::rotate(&state).await?;
    println!("New signing keys: {}.", kids.join(", "));
    println!("The old keys stay published until the tokens they signed expire.");
    Ok(())
}

async fn open(config: Config) -> anyhow::Result<AppState> {
    let db = Db::connect(&config.database_url, config.database_max_connections).await?;
    Ok(AppState::new(config, db)?)
}

/// Resolves at the first SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests under way");
}
