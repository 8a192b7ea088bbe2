//! The admin portal's sign-in and administrator accounts (SPEC §4 A1).
//!
//! ```text
//! POST   /api/admin/bootstrap     AdminSetup         → AdminEnrolment (once per setup token)
//! POST   /api/admin/totp/confirm  AdminCredentials   → 204 (authenticator enrolled)
//! POST   /api/admin/session       AdminCredentials   → AdminView (sets the admin cookie)
//! GET    /api/admin/session                          → AdminView
//! DELETE /api/admin/session                          → 204 (sign out)
//! GET    /api/admin/admins                           → AdminList
//! POST   /api/admin/admins        CreateAdmin        → AdminInvitation (global administrators)
//! ```

use crate::Email;
use serde::{Deserialize, Serialize};

/// What an administrator may do depends on their role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AdminRole {
    /// Everything, including other administrators.
    GlobalAdministrator,
    /// Authentication methods and password reset policy; reads everything.
    AuthenticationPolicyAdministrator,
    /// Users, groups, guests; reads everything.
    UserAdministrator,
    /// Reads everything, changes nothing.
    Reader,
}

impl AdminRole {
    pub const ALL: [AdminRole; 4] = [
        AdminRole::GlobalAdministrator,
        AdminRole::AuthenticationPolicyAdministrator,
        AdminRole::UserAdministrator,
        AdminRole::Reader,
    ];

    /// Whether this role grants `permission`. The server enforces it on every admin endpoint;
    /// the portal uses the same table to disable what the role cannot change.
    pub fn allows(self, permission: Permission) -> bool {
        match self {
            AdminRole::GlobalAdministrator => true,
            AdminRole::AuthenticationPolicyAdministrator => matches!(
                permission,
                Permission::Read | Permission::ManageAuthenticationPolicy
            ),
            AdminRole::UserAdministrator => {
                matches!(permission, Permission::Read | Permission::ManageUsers)
            }
            AdminRole::Reader => permission == Permission::Read,
        }
    }
}

/// One thing an admin endpoint may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read anything in the portal (users, policies, logs, administrators).
    Read,
    /// Create administrators and change their roles; manage API tokens.
    ManageAdmins,
    /// Change authentication-method and password-reset policies, and user flows.
    ManageAuthenticationPolicy,
    /// Manage users, groups and guests (unlock, revoke sessions, start resets, invite).
    ManageUsers,
}

/// `POST /api/admin/bootstrap`: a one-time setup token, and the new administrator's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdminSetup {
    pub token: String,
    pub email: Email,
    pub display_name: String,
    pub password: String,
}

/// The answer to a setup: the authenticator secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminEnrolment {
    pub admin: AdminView,
    /// The TOTP secret in base32 (SHA-1, 6 digits, 30 s).
    pub totp_secret: String,
    /// The same as an `otpauth://totp/…` URI for a QR code.
    pub otpauth_uri: String,
}

/// `POST /api/admin/totp/confirm` and `POST /api/admin/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdminCredentials {
    pub email: Email,
    pub password: String,
    /// The authenticator app's current six-digit code.
    pub code: String,
}

/// An administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: AdminRole,
}

/// `POST /api/admin/admins`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateAdmin {
    pub email: Email,
    pub display_name: String,
    pub role: AdminRole,
}

/// The answer to `POST /api/admin/admins`: a one-time setup token for the new administrator,
/// who sets a password and enrols an authenticator with it through `POST /api/admin/bootstrap`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminInvitation {
    pub admin: AdminView,
    pub setup_token: String,
    pub setup_link: String,
    pub expires_at_ms: i64,
}

/// `GET /api/admin/admins`: every administrator, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminList {
    pub admins: Vec<AdminEntry>,
}

/// One administrator in [`AdminList`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminEntry {
    pub admin: AdminView,
    /// Whether they finished setting up (password and authenticator app); `false` while the
    /// setup link is unused.
    pub set_up: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WireName;

    #[test]
    fn each_role_grants_exactly_its_permissions() {
        use AdminRole::*;
        use Permission::*;
        let table = [
            (GlobalAdministrator, [true, true, true, true]),
            (
                AuthenticationPolicyAdministrator,
                [true, false, true, false],
            ),
            (UserAdministrator, [true, false, false, true]),
            (Reader, [true, false, false, false]),
        ];
        for (role, expected) in table {
            let got = [Read, ManageAdmins, ManageAuthenticationPolicy, ManageUsers]
                .map(|p| role.allows(p));
            assert_eq!(got, expected, "{role:?}");
        }
    }

    #[test]
    fn roles_round_trip_through_their_wire_form() {
        for role in AdminRole::ALL {
            assert_eq!(AdminRole::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).expect("serialises");
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(AdminRole::parse("root"), None);
    }
}
