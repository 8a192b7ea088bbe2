//! API tokens for scripts calling the Graph-compatible API (`Authorization: Bearer …`), managed
//! by global administrators:
//!
//! ```text
//! GET    /api/admin/api-tokens                   → ApiTokenList
//! POST   /api/admin/api-tokens   CreateApiToken  → CreatedApiToken (the secret, shown once)
//! DELETE /api/admin/api-tokens/{id}              → 204 (revoked)
//! ```

use crate::AdminRole;
use serde::{Deserialize, Serialize};

/// `POST /api/admin/api-tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiToken {
    /// What the token is for, 1 to 100 characters.
    pub name: String,
    /// What the token may do: the permissions of this administrator role.
    pub role: AdminRole,
    /// 1 to 365 days.
    pub expires_in_days: u32,
}

/// A token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenView {
    pub id: String,
    pub name: String,
    pub role: AdminRole,
    pub created_by: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    pub last_used_at_ms: Option<i64>,
}

/// The answer to a creation: the secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiToken {
    pub token: ApiTokenView,
    /// Send as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// `GET /api/admin/api-tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenList {
    pub tokens: Vec<ApiTokenView>,
}
