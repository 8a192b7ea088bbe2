//! Logging: `tracing` to standard error, filtered by `RUST_LOG` if it is set and a filter, else
//! by `SSPR_LOG`.
//!
//! Nothing secret is ever passed to a log macro (SECURITY.md §12): passcodes, passwords, tokens
//! and answers stay out of fields and messages, and request spans record the path, never the
//! query string.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; a second call (as in tests) is a no-op.
/// `default_filter` is `SSPR_LOG`, which the configuration has checked ([`filter`]); a
/// `RUST_LOG` that is set but not a filter is ignored, and said so on standard error (not
/// through the log, whose filter might hide it).
pub fn init(default_filter: &str) {
    let from_env = std::env::var("RUST_LOG").ok().map(|spec| filter(&spec));
    if let Some(Err(_)) = &from_env {
        eprintln!("RUST_LOG is not a tracing filter and was ignored: SSPR_LOG is used");
    }
    let filter = match from_env {
        Some(Ok(filter)) => filter,
        _ => filter(default_filter).unwrap_or_else(|_| EnvFilter::new("info")),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// A log filter in `tracing` syntax (`info`, `warn,sspr_server::store=debug`), spaces around
/// its commas allowed.
pub fn filter(spec: &str) -> Result<EnvFilter, tracing_subscriber::filter::ParseError> {
    let directives: Vec<&str> = spec.split(',').map(str::trim).collect();
    EnvFilter::try_new(directives.join(","))
}
