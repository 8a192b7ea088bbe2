//! Sign-in with a password, the signed-in user, and their sessions.
//!
//! ```text
//! POST   /api/session            {email, password}  → Me (sets the session cookie)
//! GET    /api/session                               → Me
//! DELETE /api/session                               → 204 (sign out)
//! GET    /api/sessions                              → SessionList
//! DELETE /api/sessions/{id}                         → 204 (revoke one of mine)
//! POST   /api/account/password   ChangePassword     → 204
//! ```

use crate::Email;
use serde::{Deserialize, Serialize};

/// `POST /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: Email,
    pub password: String,
    #[serde(default)]
    pub return_to: Option<String>,
    /// The application the user came from: `return_to` may also point at its origins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// Member or guest (B2B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserType {
    Member,
    Guest,
}

/// Active, temporarily locked out, or disabled by an administrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    Locked,
    Disabled,
}

/// A user as they see themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub user_type: UserType,
    pub status: UserStatus,
    /// Verification methods registered: `email`, `password`.
    pub methods: Vec<String>,
}

/// `GET /api/session`: who is signed in, and this session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub user: UserView,
    pub session: SessionSummary,
    /// Where to go after signing in (the checked `return_to`, or `/account`).
    #[serde(default)]
    pub return_to: Option<String>,
    /// Set when this sign-in stops for security info first (the interrupt's reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<crate::RegistrationKind>,
}

/// One session of the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionSummary {
    /// A public id (not the token).
    pub id: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub user_agent: String,
    pub client_ip: String,
    /// Whether this is the session making the request.
    pub current: bool,
}

/// `GET /api/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList {
    pub sessions: Vec<SessionSummary>,
}

/// `POST /api/account/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}
