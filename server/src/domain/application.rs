//! The rules of application registrations, free of SQL: what a registration holds, which
//! redirect URIs it may list (absolute, no fragment, no wildcard, `https` except on the local
//! machine; native apps may also use a private-use scheme, RFC 8252 §7.1), and what kind of
//! client a redirect URI makes (a `web` URI a confidential client, `spa` and `publicClient`
//! URIs a public one, which must use PKCE).

use sspr_api::{GraphApplication, PasswordCredential, RedirectUris, SigningAlgorithm};

/// Most redirect URIs one platform may list.
const MAX_URIS: usize = 50;
/// Longest redirect URI (Entra's limit).
const MAX_URI_LEN: usize = 256;

/// A registered application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub user_flow_id: String,
    pub web: Vec<String>,
    pub spa: Vec<String>,
    pub public_client: Vec<String>,
    pub alg: SigningAlgorithm,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A client secret as stored: its keyed hash, never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub key_id: String,
    pub display_name: String,
    pub hint: String,
    pub secret_hash: String,
    pub start_at_ms: i64,
    pub end_at_ms: i64,
}

/// Which platform a redirect URI is registered under, which says how the client authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectKind {
    /// A confidential client: redeems codes with its client secret.
    Web,
    /// A public client in a browser: PKCE, no secret.
    Spa,
    /// A public native client: PKCE, no secret.
    PublicClient,
}

impl RedirectKind {
    /// Whether the client cannot keep a secret, so PKCE is its only proof.
    pub fn is_public(self) -> bool {
        !matches!(self, RedirectKind::Web)
    }
}

impl Registration {
    /// The platform `uri` is registered under, compared exactly (RFC 9700 §4.1.3).
    pub fn redirect_kind(&self, uri: &str) -> Option<RedirectKind> {
        if self.web.iter().any(|u| u == uri) {
            Some(RedirectKind::Web)
        } else if self.spa.iter().any(|u| u == uri) {
            Some(RedirectKind::Spa)
        } else if self.public_client.iter().any(|u| u == uri) {
            Some(RedirectKind::PublicClient)
        } else {
            None
        }
    }

    /// The origins of its web and single-page redirect URIs: where the customer pages'
    /// `return_to` may send users of this application.
    pub fn origins(&self) -> Vec<String> {
        let mut origins: Vec<String> = Vec::new();
        for uri in self.web.iter().chain(&self.spa) {
            if let Some(origin) = origin_of(uri) {
                if !origins.contains(&origin) {
                    origins.push(origin);
                }
            }
        }
        origins
    }

    /// The Graph view, with its secrets' public parts.
    pub fn graph(&self, secrets: &[Secret]) -> GraphApplication {
        GraphApplication {
            id: self.id.clone(),
            app_id: self.app_id.clone(),
            display_name: self.display_name.clone(),
            created_date_time: crate::http::graph::iso8601(self.created_at_ms),
            web: uris(&self.web),
            spa: uris(&self.spa),
            public_client: uris(&self.public_client),
            password_credentials: secrets.iter().map(Secret::graph).collect(),
            user_flow_id: self.user_flow_id.clone(),
            id_token_signed_response_alg: self.alg,
        }
    }
}

impl Secret {
    /// The Graph view, without the secret.
    pub fn graph(&self) -> PasswordCredential {
        PasswordCredential {
            key_id: self.key_id.clone(),
            display_name: self.display_name.clone(),
            hint: self.hint.clone(),
            start_date_time: crate::http::graph::iso8601(self.start_at_ms),
            end_date_time: crate::http::graph::iso8601(self.end_at_ms),
            secret_text: None,
        }
    }
}

fn uris(list: &[String]) -> RedirectUris {
    RedirectUris {
        redirect_uris: list.to_vec(),
    }
}

/// `scheme://host[:port]` of an http(s) URI, lower-cased.
fn origin_of(uri: &str) -> Option<String> {
    let parsed = axum::http::Uri::try_from(uri).ok()?;
    let scheme = parsed.scheme_str()?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = parsed.authority()?.as_str().to_ascii_lowercase();
    Some(format!("{scheme}://{authority}"))
}

/// A display name: trimmed, 1 to 100 characters, no control characters.
pub fn display_name(given: &str) -> Result<String, String> {
    crate::domain::user_flow::display_name(given)
        .ok_or_else(|| "Enter an application name of 1 to 100 characters.".to_owned())
}

/// Checks the redirect URIs of the three platforms together: each well-formed for its
/// platform, none twice (a URI in two platforms would make the client's kind ambiguous).
pub fn redirect_uris(
    web: &[String],
    spa: &[String],
    public_client: &[String],
) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for (list, native) in [(web, false), (spa, false), (public_client, true)] {
        if list.len() > MAX_URIS {
            return Err(format!(
                "A platform may list at most {MAX_URIS} redirect URIs."
            ));
        }
        for uri in list {
            redirect_uri(uri, native)?;
            if seen.contains(&uri.as_str()) {
                return Err(format!("The redirect URI {uri:?} is listed twice."));
            }
            seen.push(uri);
        }
    }
    Ok(())
}

/// One redirect URI: absolute, at most 256 characters, no fragment, user name or wildcard;
/// `https`, or `http` on the local machine; for a native app (`native`) also a private-use
/// scheme with a dot (`com.example.app:/callback`).
pub fn redirect_uri(uri: &str, native: bool) -> Result<(), String> {
    let refuse = |why: &str| format!("{uri:?} cannot be a redirect URI: {why}.");
    if uri.is_empty() || uri.len() > MAX_URI_LEN {
        return Err(refuse("give an absolute URI of at most 256 characters"));
    }
    if uri.chars().any(|c| c.is_control() || c.is_whitespace()) || uri.contains('*') {
        return Err(refuse("no spaces, control characters or wildcards"));
    }
    if uri.contains('#') {
        return Err(refuse("a redirect URI has no fragment"));
    }
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Err(refuse("give an absolute URI"));
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme == "https" || scheme == "http" {
        let parsed = axum::http::Uri::try_from(uri).map_err(|_| refuse("it does not parse"))?;
        let authority = parsed.authority().ok_or_else(|| refuse("it has no host"))?;
        if authority.as_str().contains('@') {
            return Err(refuse("a redirect URI has no user name"));
        }
        let host = authority.host().to_ascii_lowercase();
        let local = matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]");
        if scheme == "http" && !local {
            return Err(refuse(
                "use https (plain http is allowed only for localhost)",
            ));
        }
        return Ok(());
    }
    let private_use = native
        && scheme.contains('.')
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
        && !rest.is_empty();
    if private_use {
        Ok(())
    } else {
        Err(refuse(
            "use https, http on localhost, or for a native app a reverse domain scheme such as com.example.app:/callback",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration() -> Registration {
        Registration {
            id: "o1".into(),
            app_id: "shop".into(),
            display_name: "Shop".into(),
            user_flow_id: "default".into(),
            web: vec!["https://shop.example.com/callback".into()],
            spa: vec!["http://localhost:3000/".into()],
            public_client: vec!["com.example.shop:/cb".into()],
            alg: SigningAlgorithm::ES256,
            created_at_ms: 0,
            updated_at_ms: 0,
        }
    }

    #[test]
    fn redirect_uris_match_exactly_and_say_the_kind_of_client() {
        let app = registration();
        assert_eq!(
            app.redirect_kind("https://shop.example.com/callback"),
            Some(RedirectKind::Web)
        );
        assert_eq!(
            app.redirect_kind("https://shop.example.com/callback/"),
            None
        );
        assert_eq!(app.redirect_kind("https://SHOP.example.com/callback"), None);
        assert_eq!(
            app.redirect_kind("https://shop.example.com/callback?x"),
            None
        );
        assert!(app
            .redirect_kind("http://localhost:3000/")
            .is_some_and(RedirectKind::is_public));
        assert!(app
            .redirect_kind("com.example.shop:/cb")
            .is_some_and(RedirectKind::is_public));
        assert_eq!(
            app.origins(),
            ["https://shop.example.com", "http://localhost:3000"]
        );
    }

    #[test]
    fn bad_redirect_uris_are_refused() {
        for bad in [
            "",
            "/callback",
            "https://shop.example.com/cb#x",
            "https://*.example.com/cb",
            "http://shop.example.com/cb",
            "https://user@shop.example.com/cb",
            "javascript:alert(1)",
            "https://shop.example.com/a b",
        ] {
            assert!(redirect_uri(bad, false).is_err(), "{bad}");
        }
        assert!(redirect_uri("com.example.app:/cb", false).is_err());
        assert!(redirect_uri("com.example.app:/cb", true).is_ok());
        assert!(redirect_uri("http://127.0.0.1:8400/cb", false).is_ok());
        assert!(redirect_uri(&format!("https://a.example/{}", "x".repeat(260)), false).is_err());
        let one = vec!["https://a.example/cb".to_owned()];
        assert!(redirect_uris(&one, &one, &[]).is_err(), "twice");
        assert!(redirect_uris(&one, &[], &[]).is_ok());
    }
}
