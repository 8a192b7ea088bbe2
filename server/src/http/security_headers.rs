//! Security headers on every answer (SPEC §6 Requests, SECURITY.md §30).
//!
//! The Content-Security-Policy allows scripts from this origin only, plus `'wasm-unsafe-eval'`
//! (needed to compile the SPA's wasm) and the SHA-256 hash of each inline script in the built
//! `index.html` (Trunk's bootstrap) and in each other bundle's (`admin/index.html`,
//! `authenticator/index.html`). The hashes are
//! computed when the server starts, from the files it will serve; a rebuilt SPA needs a restart. No `unsafe-inline`, no `unsafe-eval`.

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// The header values, computed once.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    csp: Arc<HeaderValue>,
}

impl SecurityHeaders {
    /// Builds the policy, hashing the inline scripts of `web_dir/index.html` and of each
    /// bundle's `index.html`, those that exist.
    pub fn new(web_dir: &Path) -> Self {
        let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
        let mut html = read(&web_dir.join("index.html"));
        for bundle in super::spa::BUNDLES {
            html += &read(&web_dir.join(bundle).join("index.html"));
        }
        let csp = content_security_policy(&html);
        SecurityHeaders {
            csp: Arc::new(HeaderValue::from_str(&csp).expect("the policy is ASCII")),
        }
    }
}

/// The policy for a page whose HTML is `index_html`.
pub fn content_security_policy(index_html: &str) -> String {
    let hashes: String = inline_scripts(index_html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The text of every `<script>` element without a `src` attribute.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|chunk| {
        let (attributes, rest) = chunk.split_once('>')?;
        if attributes.contains("src=") {
            return None;
        }
        let (body, _) = rest.split_once("</script>")?;
        Some(body)
    })
}

/// Where the content-addressed branding files are served (`routes::branding`).
pub const BRANDING_ASSETS: &str = "/api/branding/assets/";

pub async fn apply(
    State(headers): State<SecurityHeaders>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    // Branding images and CSS are named by their content hash and public: cached for a year.
    // The OpenID Connect endpoints answer with codes, tokens and claims (userinfo), except the
    // published keys.
    let no_store = (path.starts_with("/api") && !path.starts_with(BRANDING_ASSETS))
        || (path.starts_with("/oauth2/") && path != "/oauth2/keys");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, (*headers.csp).clone());
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if no_store {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<html><head><script src="/a.js"></script>
<script type="module">import init from '/x.js'; init();</script></head></html>"#;
        let csp = content_security_policy(html);
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import init from '/x.js'; init();"));
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert_eq!(csp.matches("'sha256-").count(), 1);
    }

    #[test]
    fn the_policy_never_allows_inline_or_eval() {
        let csp = content_security_policy("");
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("'unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
    }
}
