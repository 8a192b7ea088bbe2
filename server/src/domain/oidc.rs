//! The rules of the OpenID Connect provider, free of HTTP and SQL: what an authorization request
//! must hold (OpenID Connect Core 1.0 §3.1.2, RFC 6749 §4.1, RFC 7636, RFC 9700), how the
//! answer to it is written into the redirect URI (with `iss`, RFC 9207), PKCE's check, and
//! which claims each scope releases.
//!
//! The order matters for safety: the client and its redirect URI are checked first and a fault
//! there is never redirected (the URI is not trusted yet); every later fault goes back to the
//! application as `error=…` on its registered redirect URI.

use super::language::Language;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// An authorization code works this long, once.
pub const CODE_LIFETIME_MS: i64 = 60_000;
/// ID and access tokens live this long.
pub const TOKEN_LIFETIME_SECS: i64 = 3600;
/// A refresh token lives this long (each use gives a new one).
pub const REFRESH_LIFETIME_MS: i64 = 14 * 24 * 60 * 60_000;
/// A request waiting for the user to sign in lives this long.
pub const PENDING_LIFETIME_MS: i64 = 30 * 60_000;

/// The scopes this provider knows; others in a request are ignored (RFC 6749 §3.3).
pub const SCOPES: [&str; 5] = ["openid", "profile", "email", "address", "offline_access"];

/// What `prompt` asks for (`consent` and `select_account` are accepted and change nothing:
/// consent is implicit for the organisation's own applications, and a browser holds one session).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prompt {
    /// Never show a page: answer `login_required` when the user must sign in.
    None,
    /// Sign in again, whatever session there is.
    Login,
    /// Start at sign-up.
    Create,
}

/// An authorization request, checked: what waits while the user signs in, and what the code
/// is issued for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub client_id: String,
    pub redirect_uri: String,
    /// The redirect URI is a public client's (`spa` or `publicClient`).
    pub public_client: bool,
    /// The known scopes asked for, `openid` first.
    pub scope: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt: Option<Prompt>,
    /// Seconds.
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
    /// The first language of `ui_locales` the pages speak.
    pub ui_locale: Option<String>,
}

/// The languages the pages speak.
pub const UI_LOCALES: [&str; 2] = [Language::En.tag(), Language::Fr.tag()];

/// An error sent back to the application (RFC 6749 §4.1.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub error: &'static str,
    pub description: String,
}

impl Refusal {
    pub fn new(error: &'static str, description: impl Into<String>) -> Self {
        Refusal {
            error,
            description: description.into(),
        }
    }
}

/// The request's parameters, each at most once (RFC 6749 §3.1).
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

/// A parameter given more than once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repeated;

impl Params {
    /// From `application/x-www-form-urlencoded` text (a query string or a form body).
    pub fn parse(text: &str) -> Self {
        Params(
            form_urlencoded::parse(text.as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// Whether `text` is a sequence of `name=value` pairs (or empty): `AAA` is not a form.
    pub fn well_formed(text: &str) -> bool {
        text.is_empty() || text.split('&').all(|pair| pair.contains('='))
    }

    /// The value of `name`: `Err` when it is given twice, `Ok(None)` when missing or empty.
    pub fn one(&self, name: &str) -> Result<Option<&str>, Repeated> {
        let mut found = self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
        let first = found.next();
        if found.next().is_some() {
            return Err(Repeated);
        }
        Ok(first.map(String::as_str).filter(|v| !v.is_empty()))
    }

    fn get(&self, name: &str) -> Result<Option<&str>, Refusal> {
        self.one(name)
            .map_err(|Repeated| Refusal::new("invalid_request", format!("{name} is given twice.")))
    }
}

/// Checks everything but the client and the redirect URI (already found registered, of a
/// public client when `public_client`).
pub fn check(
    params: &Params,
    client_id: &str,
    redirect_uri: &str,
    public_client: bool,
) -> Result<Request, Refusal> {
    if params.get("request")?.is_some() {
        return Err(Refusal::new(
            "request_not_supported",
            "Request objects are not supported.",
        ));
    }
    if params.get("request_uri")?.is_some() {
        return Err(Refusal::new(
            "request_uri_not_supported",
            "request_uri is not supported.",
        ));
    }
    match params.get("response_type")? {
        Some("code") => {}
        Some(_) => {
            return Err(Refusal::new(
                "unsupported_response_type",
                "Only the authorization code flow (response_type=code) is supported.",
            ))
        }
        None => return Err(Refusal::new("invalid_request", "response_type is missing.")),
    }
    if !matches!(params.get("response_mode")?, None | Some("query")) {
        return Err(Refusal::new(
            "invalid_request",
            "Only response_mode=query is supported.",
        ));
    }
    let asked: Vec<&str> = params
        .get("scope")?
        .unwrap_or_default()
        .split(' ')
        .collect();
    if !asked.contains(&"openid") {
        return Err(Refusal::new(
            "invalid_scope",
            "The scope must include openid.",
        ));
    }
    let scope = SCOPES
        .iter()
        .filter(|s| asked.contains(s))
        .map(|s| (*s).to_owned())
        .collect();
    let code_challenge = challenge(params, public_client)?;
    let prompt = prompt(params.get("prompt")?)?;
    let max_age = match params.get("max_age")? {
        None => None,
        Some(text) => Some(
            text.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| {
                    Refusal::new("invalid_request", "max_age must be a number of seconds.")
                })?,
        ),
    };
    let bounded = |name: &str, max: usize| -> Result<Option<String>, Refusal> {
        match params.get(name)? {
            Some(v) if v.len() > max || v.chars().any(char::is_control) => Err(Refusal::new(
                "invalid_request",
                format!("{name} is too long or holds control characters."),
            )),
            v => Ok(v.map(str::to_owned)),
        }
    };
    let ui_locale = params.get("ui_locales")?.and_then(|tags| {
        tags.split(' ')
            .find_map(Language::parse)
            .map(|l| l.tag().to_owned())
    });
    Ok(Request {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        public_client,
        scope,
        state: bounded("state", 2048)?,
        nonce: bounded("nonce", 512)?,
        code_challenge,
        prompt,
        max_age,
        login_hint: bounded("login_hint", 256)?,
        ui_locale,
    })
}

/// The PKCE challenge: S256 only (`plain` is refused, RFC 9700 §2.1.1), required of public
/// clients, accepted from every client.
fn challenge(params: &Params, public_client: bool) -> Result<Option<String>, Refusal> {
    let challenge = params.get("code_challenge")?;
    let method = params.get("code_challenge_method")?;
    match (challenge, method) {
        (None, None) if public_client => Err(Refusal::new(
            "invalid_request",
            "This client must use PKCE: send code_challenge with code_challenge_method=S256.",
        )),
        (None, None) => Ok(None),
        (Some(c), Some("S256")) if is_pkce_text(c) && c.len() == 43 => Ok(Some(c.to_owned())),
        (Some(_), Some("S256")) => Err(Refusal::new(
            "invalid_request",
            "code_challenge must be the base64url SHA-256 of the verifier (43 characters).",
        )),
        _ => Err(Refusal::new(
            "invalid_request",
            "Send code_challenge with code_challenge_method=S256; plain is not supported.",
        )),
    }
}

fn prompt(value: Option<&str>) -> Result<Option<Prompt>, Refusal> {
    let Some(value) = value else {
        return Ok(None);
    };
    let values: Vec<&str> = value.split(' ').filter(|v| !v.is_empty()).collect();
    if values.contains(&"none") && values.len() > 1 {
        return Err(Refusal::new(
            "invalid_request",
            "prompt=none cannot be combined with another value.",
        ));
    }
    let mut chosen = None;
    for v in values {
        chosen = match v {
            "none" => Some(Prompt::None),
            "login" => Some(Prompt::Login),
            "create" => Some(Prompt::Create),
            "consent" | "select_account" => chosen,
            other => {
                return Err(Refusal::new(
                    "invalid_request",
                    format!("prompt={other} is not supported."),
                ))
            }
        };
    }
    Ok(chosen)
}

/// Whether `text` uses only PKCE's characters (RFC 7636 §4.1: unreserved URI characters).
fn is_pkce_text(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Whether `verifier` answers `challenge` (S256).
pub fn verifies(verifier: &str, challenge: &str) -> bool {
    if !(43..=128).contains(&verifier.len()) || !is_pkce_text(verifier) {
        return false;
    }
    let digest = Sha256::digest(verifier.as_bytes());
    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    crate::domain::passcode::hashes_match(&computed, challenge)
}

/// Whether a sign-in at `auth_time_ms` is fresh enough for `request` at `now_ms` (`max_age`).
pub fn fresh_enough(request: &Request, auth_time_ms: i64, now_ms: i64) -> bool {
    request
        .max_age
        .is_none_or(|secs| now_ms - auth_time_ms <= secs.saturating_mul(1000))
}

/// `redirect_uri` with `params` added to its query.
pub fn redirect(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        query.append_pair(k, v);
    }
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    format!("{redirect_uri}{separator}{}", query.finish())
}

/// The answer to an authorization request that failed after the redirect URI was trusted.
pub fn error_redirect(
    request_uri: &str,
    state: Option<&str>,
    issuer: &str,
    refusal: &Refusal,
) -> String {
    let mut params = vec![
        ("error", refusal.error),
        ("error_description", refusal.description.as_str()),
    ];
    if let Some(state) = state {
        params.push(("state", state));
    }
    params.push(("iss", issuer));
    redirect(request_uri, &params)
}

/// Whether the space-separated `scope` includes `name`.
pub fn has_scope(scope: &str, name: &str) -> bool {
    scope.split(' ').any(|s| s == name)
}

/// The user claims `scope` releases (OpenID Connect Core §5.4), from the account's email,
/// display name and the attributes its user flow collected (`givenName`, `surname`, `jobTitle`,
/// and the address parts).
pub fn claims(
    scope: &str,
    email: &str,
    display_name: &str,
    attributes: &serde_json::Value,
) -> serde_json::Map<String, serde_json::Value> {
    let mut claims = serde_json::Map::new();
    let attribute = |name: &str| {
        attributes
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    if has_scope(scope, "email") {
        claims.insert("email".into(), email.into());
        // Every account's address was proven with a passcode before the account existed.
        claims.insert("email_verified".into(), true.into());
    }
    if has_scope(scope, "profile") {
        claims.insert("name".into(), display_name.into());
        for (claim, name) in [
            ("given_name", "givenName"),
            ("family_name", "surname"),
            ("job_title", "jobTitle"),
        ] {
            if let Some(value) = attribute(name) {
                claims.insert(claim.into(), value.into());
            }
        }
    }
    if has_scope(scope, "address") {
        let mut address = serde_json::Map::new();
        for (claim, name) in [
            ("street_address", "streetAddress"),
            ("locality", "city"),
            ("region", "state"),
            ("postal_code", "postalCode"),
            ("country", "country"),
        ] {
            if let Some(value) = attribute(name) {
                address.insert(claim.into(), value.into());
            }
        }
        if !address.is_empty() {
            claims.insert("address".into(), address.into());
        }
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    fn params(query: &str) -> Params {
        Params::parse(query)
    }

    #[test]
    fn a_form_is_name_value_pairs() {
        assert!(Params::well_formed(""));
        assert!(Params::well_formed("a=1&b="));
        assert!(!Params::well_formed("AAA"));
        assert!(!Params::well_formed("a=1&junk"));
    }

    #[test]
    fn the_rfc_7636_example_verifier_matches_its_challenge() {
        assert!(verifies(VERIFIER, CHALLENGE));
        assert!(!verifies(&VERIFIER.replace('d', "e"), CHALLENGE));
        assert!(!verifies("short", CHALLENGE));
    }

    #[test]
    fn a_good_request_is_read_whole() {
        let query = format!(
            "response_type=code&scope=openid%20email%20unknown&state=s&nonce=n&code_challenge={CHALLENGE}\
             &code_challenge_method=S256&prompt=login&max_age=60&login_hint=a%40b.example&ui_locales=fr-CA%20en"
        );
        let request = check(&params(&query), "app", "https://a.example/cb", true).expect("valid");
        assert_eq!(request.scope, ["openid", "email"]);
        assert_eq!(request.state.as_deref(), Some("s"));
        assert_eq!(request.prompt, Some(Prompt::Login));
        assert_eq!(request.max_age, Some(60));
        assert_eq!(request.login_hint.as_deref(), Some("a@b.example"));
        assert_eq!(request.ui_locale.as_deref(), Some("fr"));
    }

    #[test]
    fn faults_after_the_redirect_uri_have_the_oauth_error_codes() {
        let cases = [
            (
                "response_type=token&scope=openid",
                "unsupported_response_type",
            ),
            ("scope=openid", "invalid_request"),
            ("response_type=code&scope=email", "invalid_scope"),
            (
                "response_type=code&scope=openid&scope=openid",
                "invalid_request",
            ),
            (
                "response_type=code&scope=openid&prompt=none%20login",
                "invalid_request",
            ),
            (
                "response_type=code&scope=openid&max_age=-1",
                "invalid_request",
            ),
            (
                "response_type=code&scope=openid&request=x",
                "request_not_supported",
            ),
            (
                "response_type=code&scope=openid&code_challenge=abc&code_challenge_method=plain",
                "invalid_request",
            ),
        ];
        for (query, error) in cases {
            let refused =
                check(&params(query), "app", "https://a.example/cb", false).expect_err(query);
            assert_eq!(refused.error, error, "{query}");
        }
        let public = check(&params("response_type=code&scope=openid"), "app", "x", true);
        assert_eq!(public.expect_err("pkce").error, "invalid_request");
        assert!(check(
            &params("response_type=code&scope=openid"),
            "app",
            "x",
            false
        )
        .is_ok());
    }

    #[test]
    fn answers_keep_the_redirect_uris_own_query_and_carry_the_issuer() {
        let refusal = Refusal::new("login_required", "Sign in first.");
        let url = error_redirect(
            "https://a.example/cb?x=1",
            Some("st"),
            "https://id.example",
            &refusal,
        );
        assert_eq!(
            url,
            "https://a.example/cb?x=1&error=login_required&error_description=Sign+in+first.&state=st&iss=https%3A%2F%2Fid.example"
        );
    }

    #[test]
    fn scopes_release_their_claims_only() {
        let attributes = serde_json::json!({"givenName": "Ada", "city": "London"});
        let openid = claims("openid", "a@b.example", "Ada L", &attributes);
        assert!(openid.is_empty());
        let all = claims(
            "openid email profile address",
            "a@b.example",
            "Ada L",
            &attributes,
        );
        assert_eq!(all["email"], "a@b.example");
        assert_eq!(all["email_verified"], true);
        assert_eq!(all["name"], "Ada L");
        assert_eq!(all["given_name"], "Ada");
        assert_eq!(all["address"]["locality"], "London");
    }

    #[test]
    fn max_age_compares_with_the_sign_in_time() {
        let mut request = check(
            &params("response_type=code&scope=openid&max_age=60"),
            "a",
            "b",
            false,
        )
        .expect("valid");
        assert!(fresh_enough(&request, 0, 60_000));
        assert!(!fresh_enough(&request, 0, 60_001));
        request.max_age = None;
        assert!(fresh_enough(&request, 0, i64::MAX));
    }
}
