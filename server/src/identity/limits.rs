//! Rate limits per client address, counted in the database (shared by every instance). The
//! numbers are settings (`SSPR_*_PER_MINUTE`): a site whose customers share an address (an
//! office behind one NAT) may need more.

use crate::config::Config;
use crate::domain::admission::Refusal;
use crate::error::ApiError;
use crate::store::rate_limits;
use crate::store::script::{Row, Script};
use crate::AppState;

/// A limit: at most `max(config)` hits per `window_ms` for one client address.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: fn(&Config) -> u32,
    pub window_ms: i64,
}

impl Limit {
    /// The configured maximum.
    pub fn max_for(&self, config: &Config) -> i64 {
        i64::from((self.max)(config))
    }
}

/// Starting or resending flows (passcode mail), per minute (default 20).
pub const FLOW_START: Limit = Limit {
    name: "flow_start",
    max: |c| c.flow_starts_per_minute,
    window_ms: 60_000,
};
/// Passcode checks, per minute (default 30).
pub const VERIFY: Limit = Limit {
    name: "verify",
    max: |c| c.code_checks_per_minute,
    window_ms: 60_000,
};
/// Password sign-ins and changes, per minute (default 30).
pub const PASSWORD: Limit = Limit {
    name: "password",
    max: |c| c.password_attempts_per_minute,
    window_ms: 60_000,
};
/// On-screen verification codes made, per minute (default 10).
pub const CAPTCHA: Limit = Limit {
    name: "captcha",
    max: |c| c.captchas_per_minute,
    window_ms: 60_000,
};
/// Every API request, per minute (default 300).
pub const GENERAL: Limit = Limit {
    name: "general",
    max: |c| c.requests_per_minute,
    window_ms: 60_000,
};

/// Counts one hit; `Ok(false)` when over the limit. The hit is a write of its own: on SQLite
/// it joins the next batch of the group-commit writer, so it queues for the write lock in turn
/// instead of polling for it ([`Db::count`](crate::store::Db::count)).
pub async fn allow(state: &AppState, limit: Limit, ip: &str) -> Result<(bool, i64), ApiError> {
    let now = state.now_ms();
    let mut script = Script::default();
    add_count(&mut script, limit, ip, now);
    let rows = state.db.count(script).await?;
    let row = rows.first().ok_or(sqlx::Error::RowNotFound)?;
    Ok(counted(&state.config, limit, row, now)?)
}

/// Adds one hit for client address `ip` to `script`, inside the caller's write; its one row
/// goes to [`counted`].
pub fn add_count(script: &mut Script, limit: Limit, ip: &str, now_ms: i64) {
    let key = format!("{}:{ip}", limit.name);
    rate_limits::add_hit(script, &key, limit.window_ms, now_ms);
}

/// From the row of [`add_count`]'s statement: whether the hit is within the limit, and the
/// milliseconds until its window ends.
pub fn counted(
    config: &Config,
    limit: Limit,
    row: &Row,
    now_ms: i64,
) -> Result<(bool, i64), sqlx::Error> {
    let hits = rate_limits::hits_of(row)?;
    Ok((
        hits <= limit.max_for(config),
        rate_limits::window_left_ms(limit.window_ms, now_ms),
    ))
}

/// Counts one hit and refuses with 429 `too_many_requests` when over the limit.
pub async fn enforce(state: &AppState, limit: Limit, ip: &str) -> Result<(), ApiError> {
    match allow(state, limit, ip).await? {
        (true, _) => Ok(()),
        (false, reset_in_ms) => Err(too_many(reset_in_ms)),
    }
}

/// 429 `too_many_requests` with the seconds to wait.
pub fn too_many(wait_ms: i64) -> ApiError {
    Refusal::TooMany { wait_ms }.into()
}
