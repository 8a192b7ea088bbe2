//! Who is calling an endpoint that scripts may use too (the Graph-compatible API): a signed-in
//! administrator (the admin cookie) or an API token (`Authorization: Bearer …`). A request that
//! carries a Bearer header is judged by the token alone — a wrong token is a 401 even beside a
//! valid cookie — so a token request never rides on a browser's session.

use super::api_tokens;
use super::audit::{self, Change};
use super::sessions::AdminSession;
use super::Permission;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::AppState;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use sqlx::AnyConnection;
use sspr_api::{AdminRole, ErrorCode};

/// The caller: an administrator's session, or an API token.
#[derive(Debug, Clone)]
pub enum Principal {
    Admin(AdminSession),
    Token {
        id: String,
        name: String,
        role: AdminRole,
    },
}

impl Principal {
    pub fn role(&self) -> AdminRole {
        match self {
            Principal::Admin(session) => session.admin.role,
            Principal::Token { role, .. } => *role,
        }
    }

    /// `Ok` when the caller's role grants `permission`; 403 `forbidden` otherwise.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.role().allows(permission) {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::Forbidden,
                "Your role does not allow this.",
            ))
        }
    }

    /// The audit log's actor: `admin:<id>` or `api_token:<id>`.
    pub fn actor(&self) -> String {
        match self {
            Principal::Admin(session) => format!("admin:{}", session.admin.id),
            Principal::Token { id, .. } => format!("api_token:{id}"),
        }
    }

    /// Records `change` by this caller (see `audit::record_change`).
    pub async fn record_change(
        &self,
        conn: &mut AnyConnection,
        client: &Client,
        change: Change<'_>,
        now_ms: i64,
    ) -> Result<(), sqlx::Error> {
        match self {
            Principal::Admin(session) => {
                audit::record_change(conn, &session.admin, client, change, now_ms).await
            }
            Principal::Token { .. } => {
                audit::record_change_by(conn, &self.actor(), client, change, now_ms).await
            }
        }
    }
}

/// The Bearer token of `parts`, if the request sends an `Authorization` header at all
/// (`Some("")` for a header that is not a Bearer token).
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?;
    let text = value.to_str().unwrap_or_default();
    Some(match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => "",
    })
}

impl<S> FromRequestParts<S> for Principal
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        let Some(secret) = bearer(&parts.headers) else {
            return AdminSession::from_request_parts(parts, state)
                .await
                .map(Principal::Admin);
        };
        let mut conn = app.db.pool.acquire().await?;
        match api_tokens::authenticate(&mut conn, &app, secret).await? {
            Some(token) => Ok(Principal::Token {
                id: token.id,
                name: token.name,
                role: token.role,
            }),
            None => Err(ApiError::new(
                ErrorCode::Unauthorized,
                "The access token is missing, unknown, expired or revoked.",
            )),
        }
    }
}
