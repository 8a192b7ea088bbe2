//! The command line: `sspr-server [--config FILE] [serve]`.
//!
//! `serve` (the default) runs the HTTP server until SIGINT or SIGTERM, then finishes the requests
//! under way and exits.

use crate::config::Config;
use crate::store::Db;
use crate::{telemetry, AppState};
use clap::{Parser, Subcommand};
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
    }
    tracing::info!(%address, backend = db.backend.as_str(), public_origin = %config.public_origin, "listening");
    crate::serve(listener, AppState::new(config, db), shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
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
