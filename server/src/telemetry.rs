//! Logging: `tracing` to standard error, filtered by `RUST_LOG` if set, else by `SSPR_LOG`.
//!
//! Nothing secret is ever passed to a log macro (SECURITY.md §12): passcodes, passwords, tokens
//! and answers stay out of fields and messages, and request spans record the path, never the
//! query string.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; a second call (as in tests) is a no-op.
/// `default_filter` is `SSPR_LOG`, which the configuration has checked; a `RUST_LOG` that is set
/// but not a filter is ignored, and said so in the log.
pub fn init(default_filter: &str) {
    let from_env = EnvFilter::try_from_default_env();
    let ignored = from_env.is_err() && std::env::var_os("RUST_LOG").is_some();
    let filter = from_env
        .or_else(|_| EnvFilter::try_new(default_filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init()
        .is_ok();
    if installed && ignored {
        tracing::warn!("RUST_LOG is not a tracing filter and was ignored: SSPR_LOG is used");
    }
}
