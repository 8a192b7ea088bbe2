//! The admin portal's directory: users, groups and the audit log (SPEC §4 A7, A9).
//!
//! ```text
//! GET    /api/admin/users?search=&type=&status=&after=&limit=   → UserPage
//! GET    /api/admin/users/{id}                                  → UserDetail
//! POST   /api/admin/users/{id}/unlock                           → 204
//! POST   /api/admin/users/{id}/revoke-sessions                  → 204
//! POST   /api/admin/users/{id}/disable | /enable                → 204
//! POST   /api/admin/users/{id}/require-reregistration           → 204
//! POST   /api/admin/users/{id}/reset-password                   → 204 (mails the user a link)
//! GET    /api/admin/groups?after=&limit=                        → GroupPage
//! POST   /api/admin/groups              NewGroup                → 201 GroupView
//! GET    /api/admin/groups/{id}                                 → GroupView
//! PATCH  /api/admin/groups/{id}         GroupChanges            → GroupView
//! DELETE /api/admin/groups/{id}                                 → 204
//! GET    /api/admin/groups/{id}/members?after=&limit=           → UserPage
//! PUT    /api/admin/groups/{id}/members/{user_id}               → 204
//! DELETE /api/admin/groups/{id}/members/{user_id}               → 204
//! GET    /api/admin/audit?user=&actor=&event=&outcome=&from=&to=&before=&limit= → AuditPage
//! GET    /api/admin/audit.csv?(the same filters)                → text/csv
//! ```
//!
//! Lists page by keyset: each page answers `next`, an opaque cursor to pass back as `after`
//! (`before` for the audit log, which runs newest first); `next` is absent on the last page.
//! `limit` is 1 to 200, 50 when absent. Times are unix milliseconds.

use crate::{UserStatus, UserType};
use serde::{Deserialize, Serialize};

/// Page size when `limit` is absent.
pub const DEFAULT_PAGE: u32 = 50;
/// The largest `limit` a list accepts.
pub const MAX_PAGE: u32 = 200;

/// A guest's invitation: accepted, or waiting (never accepted, or reset by an administrator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Redemption {
    Redeemed,
    Pending,
}

/// One user in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub user_type: UserType,
    pub status: UserStatus,
    /// For a guest: whether they accepted their invitation. Absent for members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redemption: Option<Redemption>,
    pub created_at_ms: i64,
    #[serde(default)]
    pub last_sign_in_ms: Option<i64>,
}

/// A page of users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserPage {
    pub items: Vec<UserSummary>,
    /// The cursor of the next page (`after`); absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// A group a user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupRef {
    pub id: String,
    pub display_name: String,
}

/// One of a user's live sessions, as an administrator sees it: never its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSession {
    pub created_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub expires_at_ms: i64,
    pub user_agent: String,
    pub client_ip: String,
}

/// `GET /api/admin/users/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserDetail {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub user_type: UserType,
    pub status: UserStatus,
    /// When the status is `locked`: until when.
    #[serde(default)]
    pub locked_until_ms: Option<i64>,
    pub created_at_ms: i64,
    #[serde(default)]
    pub last_sign_in_ms: Option<i64>,
    #[serde(default)]
    pub password_changed_ms: Option<i64>,
    /// Verification methods registered: `email`, `password`.
    pub methods: Vec<String>,
    /// The methods registered on the security info page, their details masked.
    #[serde(default)]
    pub registered_methods: Vec<crate::RegisteredMethod>,
    pub groups: Vec<GroupRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redemption: Option<Redemption>,
    /// Since when the user must register their methods again at the next sign-in.
    #[serde(default)]
    pub reregistration_required_ms: Option<i64>,
    /// Live sessions, newest first.
    pub sessions: Vec<UserSession>,
}

/// A group, the target of authentication-method and password-reset policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupView {
    pub id: String,
    pub display_name: String,
    pub description: String,
    pub created_at_ms: i64,
    pub member_count: i64,
}

/// A page of groups, by display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupPage {
    pub items: Vec<GroupView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// `POST /api/admin/groups`: a display name of 1 to 100 characters (unique without regard to
/// case) and a description of at most 1,000.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    pub display_name: String,
    #[serde(default)]
    pub description: String,
}

/// `PATCH /api/admin/groups/{id}`: the fields to change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupChanges {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// One audit-log entry. `detail` is the event's JSON details (never a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at_ms: i64,
    pub event: String,
    pub outcome: String,
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub client_ip: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
    pub detail: String,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// The cursor of the next (older) page, to pass as `before`; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}
