//! Where a user may be sent after a flow: a path on this origin, a URL on this origin (its
//! public origin — clients such as Microsoft's Graph SDK send absolute URLs), or a URL on an
//! allowed application origin. Anything else (other hosts, `//host`, `javascript:`) falls back
//! to the account page, so a link cannot turn SSPR into an open redirect.

/// The page users land on when no (acceptable) `return_to` was given.
pub const DEFAULT: &str = "/account";

/// `requested` if it is safe, else `None`: a path here, a URL on `own_origin` (the service's
/// public origin, always allowed), or a URL on one of `allowed_origins`.
pub fn check(requested: &str, own_origin: &str, allowed_origins: &[String]) -> Option<String> {
    let requested = requested.trim();
    if requested.len() > 2048 || requested.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    if requested.starts_with('/') && !requested.starts_with("//") {
        return Some(requested.to_owned());
    }
    std::iter::once(own_origin)
        .chain(allowed_origins.iter().map(String::as_str))
        .filter(|origin| !origin.is_empty())
        .find(|origin| {
            requested == *origin
                || requested
                    .strip_prefix(*origin)
                    .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('?'))
        })
        .map(|_| requested.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: &str = "https://id.example.com";

    #[test]
    fn local_paths_and_allowed_origins_pass() {
        let allowed = vec!["https://app.example.com".to_owned()];
        assert_eq!(
            check("/account", OWN, &allowed).as_deref(),
            Some("/account")
        );
        assert_eq!(
            check("https://app.example.com/home?x=1", OWN, &allowed).as_deref(),
            Some("https://app.example.com/home?x=1")
        );
    }

    #[test]
    fn the_services_own_origin_is_always_allowed() {
        for own in ["https://id.example.com/account", "https://id.example.com"] {
            assert_eq!(check(own, OWN, &[]).as_deref(), Some(own));
        }
        assert_eq!(
            check("https://id.example.com.evil.example/", OWN, &[]),
            None
        );
        assert_eq!(
            check("https://id.example.com@evil.example/", OWN, &[]),
            None
        );
    }

    #[test]
    fn other_hosts_and_tricks_are_refused() {
        let allowed = vec!["https://app.example.com".to_owned()];
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "https://app.example.com.evil.example/",
            "https://app.example.com@evil.example/",
            "javascript:alert(1)",
            "/\\evil.example",
            "/a\nb",
        ] {
            assert_eq!(check(bad, OWN, &allowed), None, "{bad}");
        }
    }
}
