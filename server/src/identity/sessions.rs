//! Sessions: created at every sign-in with a fresh 256-bit token, 24 h absolute, revocable on
//! the server. [`SignedIn`] is the extractor that turns the cookie into a user, or a 401.

use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::cookies;
use crate::secrets::random_token;
use crate::store::sessions::{self, Session};
use crate::store::users::{self, User};
use crate::AppState;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sqlx::AnyConnection;
use sspr_api::ErrorCode;

/// Session lifetime (SPEC §6: 24 h absolute; guest sessions too, seed 001).
pub const LIFETIME_MS: i64 = 24 * 60 * 60_000;

/// A session just created: the token goes into the cookie and nowhere else.
#[derive(Debug)]
pub struct NewSession {
    token: String,
}

impl NewSession {
    /// The `Set-Cookie` header value for this session.
    pub fn cookie(&self, state: &AppState) -> HeaderValue {
        cookies::set(
            cookies::SESSION,
            &self.token,
            LIFETIME_MS / 1000,
            state.config.secure_cookies(),
        )
    }

    /// The token's keyed hash (the session's key in the table).
    pub fn hash(&self, state: &AppState) -> String {
        state.secrets.token_hash(&self.token)
    }
}

/// Creates a session for `user_id` on `conn`.
pub async fn create(
    conn: &mut AnyConnection,
    state: &AppState,
    user_id: &str,
    client: &Client,
) -> Result<NewSession, sqlx::Error> {
    let now = state.now_ms();
    let token = random_token(32);
    sessions::insert(
        conn,
        &Session {
            token_hash: state.secrets.token_hash(&token),
            public_id: random_token(12),
            user_id: user_id.to_owned(),
            created_at_ms: now,
            expires_at_ms: now + LIFETIME_MS,
            last_seen_ms: now,
            user_agent: client.user_agent.clone(),
            client_ip: client.ip.clone(),
            proved_at_ms: 0,
            registration_pending: false,
        },
    )
    .await?;
    users::signed_in(conn, user_id, now, client.language.tag()).await?;
    Ok(NewSession { token })
}

/// Adds the session cookie to `response`.
pub fn with_cookie(mut response: Response, cookie: HeaderValue) -> Response {
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

/// The signed-in user and their current session; a 401 `unauthorized` otherwise.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub session: Session,
}

impl<S> FromRequestParts<S> for SignedIn
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        current(&state, &parts.headers)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, "You are not signed in."))
    }
}

/// The signed-in user of a request with `headers`, if its session cookie names a live session
/// of an enabled user.
pub async fn current(state: &AppState, headers: &HeaderMap) -> Result<Option<SignedIn>, ApiError> {
    let Some(token) = cookies::read(headers, cookies::SESSION, state.config.secure_cookies())
    else {
        return Ok(None);
    };
    let hash = state.secrets.token_hash(&token);
    let mut conn = state.db.pool.acquire().await?;
    let Some(session) = sessions::live(&mut conn, &hash, state.now_ms()).await? else {
        return Ok(None);
    };
    let user = users::by_id(&mut conn, &session.user_id)
        .await?
        .filter(|u| !u.disabled);
    Ok(user.map(|user| SignedIn { user, session }))
}

/// A 204 that also deletes the session cookie.
pub fn signed_out(state: &AppState) -> Response {
    with_cookie(StatusCode::NO_CONTENT.into_response(), clear_cookie(state))
}

/// The `Set-Cookie` header value that deletes the session cookie.
pub fn clear_cookie(state: &AppState) -> HeaderValue {
    cookies::set(cookies::SESSION, "", 0, state.config.secure_cookies())
}
