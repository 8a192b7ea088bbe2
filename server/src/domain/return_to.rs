//! Where a user may be sent after a flow: a path on this origin, or a URL on an allowed
//! application origin. Anything else (other hosts, `//host`, `javascript:`) falls back to the
//! account page, so a link cannot turn SSPR into an open redirect.

/// The page users land on when no (acceptable) `return_to` was given.
pub const DEFAULT: &str = "/account";

/// `requested` if it is safe, else `None`.
pub fn check(requested: &str, allowed_origins: &[String]) -> Option<String> {
    let requested = requested.trim();
    if requested.len() > 2048 || requested.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    if requested.starts_with('/') && !requested.starts_with("//") {
        return Some(requested.to_owned());
    }
    allowed_origins
        .iter()
        .find(|origin| {
            requested == origin.as_str()
                || requested
                    .strip_prefix(origin.as_str())
                    .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('?'))
        })
        .map(|_| requested.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_and_allowed_origins_pass() {
        let allowed = vec!["https://app.example.com".to_owned()];
        assert_eq!(check("/account", &allowed).as_deref(), Some("/account"));
        assert_eq!(
            check("https://app.example.com/home?x=1", &allowed).as_deref(),
            Some("https://app.example.com/home?x=1")
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
            assert_eq!(check(bad, &allowed), None, "{bad}");
        }
    }
}
