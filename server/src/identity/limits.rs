//! Rate limits per client address, counted in the database (shared by every instance).

use crate::error::ApiError;
use crate::store::rate_limits;
use crate::AppState;
use axum::http::StatusCode;
use sspr_api::ErrorCode;

/// A limit: `max` hits per `window_ms` for one client address.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: i64,
    pub window_ms: i64,
}

/// Starting flows (passcode mail): 20 a minute from one address.
pub const FLOW_START: Limit = Limit {
    name: "flow_start",
    max: 20,
    window_ms: 60_000,
};
/// Passcode checks: 30 a minute from one address.
pub const VERIFY: Limit = Limit {
    name: "verify",
    max: 30,
    window_ms: 60_000,
};
/// Password sign-ins and changes: 30 a minute from one address.
pub const PASSWORD: Limit = Limit {
    name: "password",
    max: 30,
    window_ms: 60_000,
};
/// Everything else: 300 a minute from one address.
pub const GENERAL: Limit = Limit {
    name: "general",
    max: 300,
    window_ms: 60_000,
};

/// Counts one hit; `Ok(false)` when over the limit.
pub async fn allow(state: &AppState, limit: Limit, ip: &str) -> Result<(bool, i64), ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let key = format!("{}:{ip}", limit.name);
    let (hits, reset_in_ms) =
        rate_limits::hit(&mut conn, &key, limit.window_ms, state.now_ms()).await?;
    Ok((hits <= limit.max, reset_in_ms))
}

/// Counts one hit and refuses with 429 `too_many_requests` when over the limit.
pub async fn enforce(state: &AppState, limit: Limit, ip: &str) -> Result<(), ApiError> {
    match allow(state, limit, ip).await? {
        (true, _) => Ok(()),
        (false, reset_in_ms) => Err(too_many(reset_in_ms)),
    }
}

/// 429 with the seconds to wait.
pub fn too_many(wait_ms: i64) -> ApiError {
    ApiError::client(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::TooManyRequests,
        "Too many attempts. Please wait and try again.",
    )
    .with_retry_after(u64::try_from((wait_ms.max(0) + 999) / 1000).unwrap_or(1))
}
