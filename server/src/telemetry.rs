//! Logging: `tracing` to standard error, filtered by `RUST_LOG` if set, else by `SSPR_LOG`.
//!
//! Nothing secret is ever passed to a log macro (SECURITY.md §12): passcodes, passwords, tokens
//! and answers stay out of fields and messages, and request spans record the path, never the
//! query string.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; a second call (as in tests) is a no-op.
pub fn init(default_filter: &str) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(default_filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
