//! Reports for administrators (issue 15, SPEC §4 A9): whether SSPR is actually working.
//!
//! ```text
//! GET /api/graph/v1.0/reports/authenticationMethods/userRegistrationDetails → RegistrationDetailsPage
//! GET /api/graph/v1.0/auditLogs/signIns                                     → SignInPage
//! GET /api/graph/v1.0/auditLogs/directoryAudits                             → DirectoryAuditPage
//! GET /api/admin/reports/registration.csv                                   → text/csv
//! GET /api/admin/reports/usage?days=7|30                                    → UsageReport
//! ```
//!
//! The three Graph lists carry Microsoft Graph v1.0's names (`userRegistrationDetails`,
//! `signIn`, `directoryAudit`), take `$top` (1 to [`MAX_TOP`]) and a small `$filter` subset, and
//! page with `@odata.nextLink`. Every value is derived from the directory, the registered methods,
//! the policies and the audit log; nothing is stored twice.

use serde::{Deserialize, Serialize};

/// The most rows one page of a Graph report holds.
pub const MAX_TOP: u32 = 999;
/// Rows per page when `$top` is not given.
pub const DEFAULT_TOP: u32 = 100;

/// One user's registration state, in Graph's `userRegistrationDetails` shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserRegistrationDetails {
    /// The user's id.
    pub id: String,
    /// The user's sign-in address.
    pub user_principal_name: String,
    pub user_display_name: String,
    /// `member` or `guest`.
    pub user_type: String,
    /// Whether the address is also an administrator's (administrators are a separate directory).
    pub is_admin: bool,
    /// The user holds as many of the reset policy's methods as it requires.
    pub is_sspr_registered: bool,
    /// The reset policy lets this user reset their password (its scope includes them).
    pub is_sspr_enabled: bool,
    /// Both of the above, and the account is not disabled.
    pub is_sspr_capable: bool,
    /// The user registered a second factor (an authenticator app).
    pub is_mfa_registered: bool,
    /// … and the methods policy lets them use it.
    pub is_mfa_capable: bool,
    /// Always `false`: no passwordless-capable authenticator (FIDO2, Windows Hello) exists here.
    pub is_passwordless_capable: bool,
    /// Graph's names: `email` (the account's or an alternate address),
    /// `softwareOneTimePasscode` (an authenticator app), `securityQuestion`.
    pub methods_registered: Vec<String>,
    /// Graph's `defaultMfaMethodType`: `microsoftAuthenticatorPush`, else
    /// `softwareOneTimePasscode` (an authenticator app), else `mobilePhone`, else `none`.
    pub default_mfa_method: String,
    /// ISO 8601: the last change to the account or its methods.
    pub last_updated_date_time: String,
}

/// A page of [`UserRegistrationDetails`], by `userPrincipalName`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationDetailsPage {
    #[serde(rename = "@odata.context")]
    pub odata_context: String,
    /// The URL of the next page; absent on the last one.
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    pub value: Vec<UserRegistrationDetails>,
}

/// A sign-in's outcome, in Graph's `signInStatus` shape: `errorCode` 0 is a success; a failure
/// carries Entra's code for the reason (50126 wrong password, 50034 unknown account, 50053
/// locked, 50057 disabled, 50076 a wrong passcode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SignInStatus {
    pub error_code: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

/// One sign-in, in Graph's `signIn` shape (the properties that fit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SignInEntry {
    /// The audit-log entry's id.
    pub id: String,
    /// ISO 8601.
    pub created_date_time: String,
    /// The address typed (the account's, when there is one).
    pub user_principal_name: String,
    /// The account's id; absent when no account has the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The application's client id; absent for the customer pages themselves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The application's name, or `Self-service portal` for the customer pages.
    pub app_display_name: String,
    pub ip_address: String,
    /// `Browser`.
    pub client_app_used: String,
    /// How: `password` or `emailPasscode`.
    pub authentication_method: String,
    pub status: SignInStatus,
}

/// A page of [`SignInEntry`], newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInPage {
    #[serde(rename = "@odata.context")]
    pub odata_context: String,
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    pub value: Vec<SignInEntry>,
}

/// Who made a directory change: an administrator (`user`) or an API token (`app`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InitiatedBy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<AuditUserIdentity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<AuditAppIdentity>,
}

/// An administrator, in Graph's `userIdentity` shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditUserIdentity {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_principal_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
}

/// An API token, in Graph's `appIdentity` shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditAppIdentity {
    /// The token's id.
    pub app_id: String,
    pub display_name: String,
}

/// One setting that changed: its old and new values as JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ModifiedProperty {
    pub display_name: String,
    pub old_value: String,
    pub new_value: String,
}

/// What a change was made to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TargetResource {
    pub id: String,
    /// `User`, `Group`, `Application`, `Policy`, `Administrator`, `ApiToken`, `UserFlow`,
    /// `Branding` or `Other`.
    #[serde(rename = "type")]
    pub resource_type: String,
    pub modified_properties: Vec<ModifiedProperty>,
}

/// One administrator change, in Graph's `directoryAudit` shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DirectoryAudit {
    pub id: String,
    /// ISO 8601.
    pub activity_date_time: String,
    /// What was done, e.g. `Update password reset policy`.
    pub activity_display_name: String,
    /// `UserManagement`, `GroupManagement`, `ApplicationManagement`, `Policy`,
    /// `RoleManagement` or `DirectoryManagement`.
    pub category: String,
    /// `success` or `failure`.
    pub result: String,
    /// The change's name as the audit log keeps it, e.g. `password_reset_policy`.
    pub operation_type: String,
    pub initiated_by: InitiatedBy,
    pub target_resources: Vec<TargetResource>,
}

/// A page of [`DirectoryAudit`], newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryAuditPage {
    #[serde(rename = "@odata.context")]
    pub odata_context: String,
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    pub value: Vec<DirectoryAudit>,
}

/// Counts of one kind of flow (password reset or unlock).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowCounts {
    /// Flows that mailed their first passcode to an account.
    pub started: u64,
    /// Flows that ended with the password reset or the account unlocked.
    pub completed: u64,
    /// Started and not completed (`started - completed`, never below zero): flows still under
    /// way count here until they complete.
    pub abandoned: u64,
}

/// One UTC day of [`UsageReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageDay {
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    pub resets: FlowCounts,
    pub unlocks: FlowCounts,
}

/// How often one method was used to prove who someone is during a reset or an unlock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MethodUsage {
    /// `email`, `authenticator_app`, `security_questions`.
    pub method: String,
    pub succeeded: u64,
    pub failed: u64,
}

/// `GET /api/admin/reports/usage`: resets and unlocks over the last `days` UTC days (today
/// included), by day and by method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageReport {
    /// 7 or 30.
    pub days: u32,
    /// Unix ms of the first day's start (UTC midnight).
    pub from_ms: i64,
    /// Unix ms of the report's end (now).
    pub to_ms: i64,
    pub resets: FlowCounts,
    pub unlocks: FlowCounts,
    /// Oldest first, one entry per day, days without events included.
    pub by_day: Vec<UsageDay>,
    /// Every method, used or not, in a fixed order.
    pub by_method: Vec<MethodUsage>,
}
