//! Admin sessions: a fresh 256-bit token at every sign-in in the `__Host-sspr_admin` cookie,
//! only its keyed hash stored; 12 h absolute and 15 min idle — every authenticated request slides
//! the idle window. [`AdminSession`] turns the cookie into an administrator, or a 401;
//! [`AdminSession::require`] answers 403 `forbidden` when the role lacks a permission.

use super::Permission;
use crate::error::ApiError;
use crate::http::cookies;
use crate::secrets::random_token;
use crate::store::admins::{self as store, Admin};
use crate::AppState;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sqlx::AnyConnection;
use sspr_api::ErrorCode;

/// The admin cookie's base name (`__Host-sspr_admin` when cookies are secure).
pub const COOKIE: &str = "sspr_admin";
/// Absolute lifetime: 12 h.
pub const LIFETIME_MS: i64 = 12 * 60 * 60_000;
/// Idle limit: 15 min without a request ends the session.
pub const IDLE_MS: i64 = 15 * 60_000;

/// Creates a session for `admin_id` on `conn`; answers the cookie to set.
pub async fn create(
    conn: &mut AnyConnection,
    state: &AppState,
    admin_id: &str,
) -> Result<HeaderValue, sqlx::Error> {
    let now = state.now_ms();
    let token = random_token(32);
    store::insert_session(
        conn,
        &state.secrets.token_hash(&token),
        admin_id,
        now,
        now + LIFETIME_MS,
    )
    .await?;
    Ok(cookies::set(
        COOKIE,
        &token,
        LIFETIME_MS / 1000,
        state.config.secure_cookies(),
    ))
}

/// The signed-in administrator and their session's token hash.
#[derive(Debug, Clone)]
pub struct AdminSession {
    pub admin: Admin,
    pub token_hash: String,
}

impl AdminSession {
    /// `Ok` when the administrator's role grants `permission`; 403 `forbidden` otherwise.
    pub fn require(&self, permission: Permission) -> Result<&Admin, ApiError> {
        if self.admin.role.allows(permission) {
            Ok(&self.admin)
        } else {
            Err(ApiError::new(
                ErrorCode::Forbidden,
                "Your administrator role does not allow this.",
            ))
        }
    }
}

impl<S> FromRequestParts<S> for AdminSession
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let unauthorized = || {
            ApiError::new(
                ErrorCode::Unauthorized,
                "You are not signed in as an administrator.",
            )
        };
        let token = cookies::read(&parts.headers, COOKIE, state.config.secure_cookies())
            .ok_or_else(unauthorized)?;
        let token_hash = state.secrets.token_hash(&token);
        let mut conn = state.db.pool.acquire().await?;
        let admin_id = store::live_session(&mut conn, &token_hash, state.now_ms(), IDLE_MS)
            .await?
            .ok_or_else(unauthorized)?;
        let admin = store::by_id(&mut conn, &admin_id)
            .await?
            .ok_or_else(unauthorized)?;
        Ok(AdminSession { admin, token_hash })
    }
}

/// Ends the session on the server and answers a 204 that deletes the cookie.
pub async fn sign_out(state: &AppState, session: &AdminSession) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    store::revoke_session(&mut conn, &session.token_hash, state.now_ms()).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().append(
        axum::http::header::SET_COOKIE,
        cookies::set(COOKIE, "", 0, state.config.secure_cookies()),
    );
    Ok(response)
}
