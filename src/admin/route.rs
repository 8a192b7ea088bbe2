//! The portal's screens as a typed [`AdminRoute`], parsed from and written to `/admin/…` paths.
//! Navigation itself (history, link clicks) is the shared [`sspr_web::router::Router`]; only
//! the mapping between paths and screens is the portal's own, so it is unit-tested natively.

/// Every screen of the portal. Adding one: a variant here, its path in [`AdminRoute::parse`]
/// and [`AdminRoute::path`], its page in `app.rs`, and (if it is a section) a line in the
/// navigation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminRoute {
    /// `/admin`: the overview.
    Overview,
    /// `/admin/setup?token=…`: redeem a one-time setup token, enrol the authenticator.
    Setup(Option<String>),
    /// `/admin/sign-in`.
    SignIn,
    /// `/admin/methods`: Authentication methods → Policies.
    Methods,
    /// `/admin/methods/{id}`: one method's policy.
    Method(String),
    /// `/admin/password-reset`: the password reset policy.
    ResetPolicy,
    /// `/admin/external-identities`: guest passcodes, invitations, redemption.
    External,
    /// `/admin/users`, with search.
    Users,
    /// `/admin/users/{id}`.
    User(String),
    /// `/admin/groups`.
    Groups,
    /// `/admin/groups/{id}`.
    Group(String),
    /// `/admin/audit`.
    Audit,
    /// `/admin/administrators`: who may sign in here, with what role.
    Admins,
    /// `/admin/api-tokens`: tokens for scripts calling the Graph-compatible API.
    ApiTokens,
    /// `/admin/user-flows`.
    UserFlows,
    /// `/admin/user-flows/{id}`.
    UserFlow(String),
    NotFound,
}

/// Whether `value` can be an id or token in a path: base64url characters, at most 64.
fn safe(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

impl AdminRoute {
    /// The screen a URL path (with its query) names; paths outside `/admin` are not found.
    pub fn parse(location: &str) -> AdminRoute {
        let (path, query) = location.split_once('?').unwrap_or((location, ""));
        let path = path.split('#').next().unwrap_or_default();
        let Some(rest) = path.strip_prefix("/admin") else {
            return AdminRoute::NotFound;
        };
        if !rest.is_empty() && !rest.starts_with('/') {
            return AdminRoute::NotFound;
        }
        let rest = rest.trim_matches('/');
        let mut parts = rest.splitn(2, '/');
        let first = parts.next().unwrap_or_default();
        let id = parts.next().filter(|id| safe(id)).map(str::to_owned);
        match (first, id, rest.matches('/').count()) {
            ("", _, _) => AdminRoute::Overview,
            ("setup", None, 0) => AdminRoute::Setup(
                query
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("token="))
                    .filter(|t| safe(t))
                    .map(str::to_owned),
            ),
            ("sign-in", None, 0) => AdminRoute::SignIn,
            ("methods", None, 0) => AdminRoute::Methods,
            ("methods", Some(id), 1) => AdminRoute::Method(id),
            ("password-reset", None, 0) => AdminRoute::ResetPolicy,
            ("external-identities", None, 0) => AdminRoute::External,
            ("users", None, 0) => AdminRoute::Users,
            ("users", Some(id), 1) => AdminRoute::User(id),
            ("groups", None, 0) => AdminRoute::Groups,
            ("groups", Some(id), 1) => AdminRoute::Group(id),
            ("audit", None, 0) => AdminRoute::Audit,
            ("administrators", None, 0) => AdminRoute::Admins,
            ("api-tokens", None, 0) => AdminRoute::ApiTokens,
            ("user-flows", None, 0) => AdminRoute::UserFlows,
            ("user-flows", Some(id), 1) => AdminRoute::UserFlow(id),
            _ => AdminRoute::NotFound,
        }
    }

    /// The URL of this screen.
    pub fn path(&self) -> String {
        let with_id = |base: &str, id: &str| ["/admin/", base, "/", id].concat();
        match self {
            AdminRoute::Overview => "/admin".into(),
            AdminRoute::Setup(None) => "/admin/setup".into(),
            AdminRoute::Setup(Some(token)) => ["/admin/setup?token=", token].concat(),
            AdminRoute::SignIn => "/admin/sign-in".into(),
            AdminRoute::Methods => "/admin/methods".into(),
            AdminRoute::Method(id) => with_id("methods", id),
            AdminRoute::ResetPolicy => "/admin/password-reset".into(),
            AdminRoute::External => "/admin/external-identities".into(),
            AdminRoute::Users => "/admin/users".into(),
            AdminRoute::User(id) => with_id("users", id),
            AdminRoute::Groups => "/admin/groups".into(),
            AdminRoute::Group(id) => with_id("groups", id),
            AdminRoute::Audit => "/admin/audit".into(),
            AdminRoute::Admins => "/admin/administrators".into(),
            AdminRoute::ApiTokens => "/admin/api-tokens".into(),
            AdminRoute::UserFlows => "/admin/user-flows".into(),
            AdminRoute::UserFlow(id) => with_id("user-flows", id),
            AdminRoute::NotFound => "/admin".into(),
        }
    }

    /// Whether the screen is open to someone not signed in.
    pub fn is_public(&self) -> bool {
        matches!(self, AdminRoute::Setup(_) | AdminRoute::SignIn)
    }

    /// The section of the navigation this screen belongs to (a detail page lights up its list).
    pub fn section(&self) -> AdminRoute {
        match self {
            AdminRoute::Method(_) => AdminRoute::Methods,
            AdminRoute::User(_) => AdminRoute::Users,
            AdminRoute::Group(_) => AdminRoute::Groups,
            AdminRoute::UserFlow(_) => AdminRoute::UserFlows,
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_round_trips_through_its_path() {
        let routes = [
            AdminRoute::Overview,
            AdminRoute::Setup(Some("abc_-9".into())),
            AdminRoute::Setup(None),
            AdminRoute::SignIn,
            AdminRoute::Methods,
            AdminRoute::Method("email".into()),
            AdminRoute::ResetPolicy,
            AdminRoute::External,
            AdminRoute::Users,
            AdminRoute::User("u1".into()),
            AdminRoute::Groups,
            AdminRoute::Group("g1".into()),
            AdminRoute::Audit,
            AdminRoute::Admins,
            AdminRoute::ApiTokens,
            AdminRoute::UserFlows,
            AdminRoute::UserFlow("f1".into()),
        ];
        for route in routes {
            assert_eq!(AdminRoute::parse(&route.path()), route, "{}", route.path());
        }
        assert_eq!(AdminRoute::parse("/admin/"), AdminRoute::Overview);
        assert_eq!(AdminRoute::parse("/admin/users/"), AdminRoute::Users);
    }

    #[test]
    fn unknown_or_unsafe_paths_are_not_found() {
        assert_eq!(AdminRoute::parse("/administrator"), AdminRoute::NotFound);
        assert_eq!(AdminRoute::parse("/reset"), AdminRoute::NotFound);
        assert_eq!(AdminRoute::parse("/admin/nope"), AdminRoute::NotFound);
        assert_eq!(AdminRoute::parse("/admin/users/a/b"), AdminRoute::NotFound);
        assert_eq!(AdminRoute::parse("/admin/users/<x>"), AdminRoute::NotFound);
        assert_eq!(
            AdminRoute::parse("/admin/setup?token=<x>"),
            AdminRoute::Setup(None)
        );
    }

    #[test]
    fn detail_pages_belong_to_their_list() {
        assert_eq!(
            AdminRoute::Method("email".into()).section(),
            AdminRoute::Methods
        );
        assert_eq!(AdminRoute::User("u".into()).section(), AdminRoute::Users);
        assert!(AdminRoute::SignIn.is_public());
        assert!(!AdminRoute::Users.is_public());
    }
}
