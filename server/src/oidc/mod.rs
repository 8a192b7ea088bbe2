//! The OpenID Connect provider (issue 14): the organisation's applications sign their users in
//! here with the authorization code flow (OpenID Connect Core 1.0, RFC 6749, RFC 7636, RFC
//! 9700, RFC 9207), and get ID tokens and RFC 9068 access tokens signed with [`keys`].
//!
//! [`authorize`] checks a request and either answers it at once (a live session) or keeps it
//! while the user goes through the customer pages, which come back to its resume address;
//! [`token`] redeems codes and refresh tokens ([`tokens`] signs what it issues); [`userinfo`],
//! [`revoke`] and [`logout`] are the other endpoints, [`discovery`] describes them all;
//! [`clients`] authenticates applications. The rules free of HTTP and SQL are `domain::oidc`;
//! the tables `store::oidc` and `store::signing_keys`.
//!
//! These endpoints speak OAuth's error shape (`{"error", "error_description"}`, RFC 6749 §5.2)
//! rather than the API's, because OAuth clients read that one; only a failure of the service
//! itself (the database) keeps the API's shape.

pub mod authorize;
pub mod clients;
pub mod discovery;
pub mod keys;
pub mod logout;
pub mod pages;
pub mod revoke;
pub mod token;
pub mod tokens;
pub mod userinfo;

use crate::error::ApiError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The issuer: the public origin, exactly as the discovery document and every token say it.
pub fn issuer(state: &crate::AppState) -> String {
    state.config.public_origin.trim_end_matches('/').to_owned()
}

/// An OAuth error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
    /// A request that carried no token at all: its challenge names no error (RFC 6750 §3.1).
    pub no_credentials: bool,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            status,
            error,
            description: description.into(),
            no_credentials: false,
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// 401, with `WWW-Authenticate: Basic` (RFC 6749 §5.2).
    pub fn invalid_client(description: impl Into<String>) -> Self {
        OAuthError::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    pub fn unsupported_grant_type(description: impl Into<String>) -> Self {
        OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            description,
        )
    }

    pub fn invalid_scope(description: impl Into<String>) -> Self {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }

    /// 401 for a bearer token that does not work (RFC 6750 §3.1).
    pub fn invalid_token(description: impl Into<String>) -> Self {
        OAuthError::new(StatusCode::UNAUTHORIZED, "invalid_token", description)
    }

    /// 401 for a request with no bearer token: the challenge says only which scheme to use.
    pub fn no_token(description: impl Into<String>) -> Self {
        OAuthError {
            no_credentials: true,
            ..OAuthError::invalid_token(description)
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": self.error,
            "error_description": self.description,
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        let challenge = match self.error {
            "invalid_client" => Some("Basic realm=\"sspr\"".to_owned()),
            "invalid_token" if self.no_credentials => Some("Bearer realm=\"sspr\"".to_owned()),
            "invalid_token" => Some(format!(
                "Bearer realm=\"sspr\", error=\"invalid_token\", error_description=\"{}\"",
                self.description.replace(['"', '\\'], "")
            )),
            _ => None,
        };
        if let Some(value) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            headers.insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

/// What a protocol endpoint fails with: a refusal in OAuth's shape, or a failure of the
/// service in the API's.
#[derive(Debug)]
pub enum Failure {
    OAuth(OAuthError),
    Api(ApiError),
}

impl From<OAuthError> for Failure {
    fn from(error: OAuthError) -> Self {
        Failure::OAuth(error)
    }
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure::Api(error)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Self {
        Failure::Api(error.into())
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure::Api(error.into())
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::OAuth(error) => error.into_response(),
            Failure::Api(error) => error.into_response(),
        }
    }
}
