//! What each administrator role may do.

pub use sspr_api::AdminRole;

/// One thing an admin endpoint may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read anything in the portal (users, policies, logs, administrators).
    Read,
    /// Create administrators and change their roles.
    ManageAdmins,
    /// Change authentication-method and password-reset policies.
    ManageAuthenticationPolicy,
    /// Manage users, groups and guests (unlock, revoke sessions, start resets).
    ManageUsers,
}

/// Whether `role` grants `permission`.
pub fn allows(role: AdminRole, permission: Permission) -> bool {
    match role {
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

#[cfg(test)]
mod tests {
    use super::*;

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
                .map(|p| allows(role, p));
            assert_eq!(got, expected, "{role:?}");
        }
    }
}
