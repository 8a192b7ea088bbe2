//! What the OpenID Connect tests share: registering applications, a relying party built with
//! the `openidconnect` crate (a client nobody on this project wrote) whose clock is the test
//! server's, and a browser walked through the authorization endpoint by hand.

use crate::helpers::{Answer, Browser, TestApp};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreIdTokenClaims, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};
use serde_json::{json, Value};
use sspr_api::{AdminRole, ApplicationCreate};
use sspr_server::admin::{applications, Principal};
use sspr_server::http::client::Client as Caller;

/// A confidential client's redirect URI.
pub const WEB_REDIRECT: &str = "https://app.contoso.example/callback";
/// A single-page application's redirect URI.
pub const SPA_REDIRECT: &str = "http://localhost:3000/callback";

/// The client as `openidconnect` builds it from discovery.
pub type Rp = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A registered application.
#[derive(Debug, Clone)]
pub struct Registered {
    pub object_id: String,
    pub app_id: String,
    pub secret: Option<String>,
}

/// Registers an application from the Graph body `body` (as a global administrator's API token
/// would), with a client secret when `with_secret`.
pub async fn register(app: &TestApp, body: Value, with_secret: bool) -> Registered {
    let principal = Principal::Token {
        id: "test".into(),
        name: "test".into(),
        role: AdminRole::GlobalAdministrator,
    };
    let caller = Caller {
        ip: "127.0.0.1".into(),
        user_agent: "test".into(),
        language: Default::default(),
        request_id: "test".into(),
    };
    let request: ApplicationCreate = serde_json::from_value(body).expect("a valid registration");
    let created = applications::create(&app.state, &caller, &principal, request)
        .await
        .expect("registered");
    let secret = match with_secret {
        true => {
            applications::add_password(
                &app.state,
                &caller,
                &principal,
                &created.id,
                Default::default(),
            )
            .await
            .expect("a secret")
            .secret_text
        }
        false => None,
    };
    Registered {
        object_id: created.id,
        app_id: created.app_id,
        secret,
    }
}

/// A confidential web application with a secret.
pub async fn web_app(app: &TestApp) -> Registered {
    let body = json!({"displayName": "Contoso shop", "web": {"redirectUris": [WEB_REDIRECT]}});
    register(app, body, true).await
}

/// A public single-page application.
pub async fn spa_app(app: &TestApp) -> Registered {
    let body = json!({"displayName": "Contoso SPA", "spa": {"redirectUris": [SPA_REDIRECT]}});
    register(app, body, false).await
}

/// An HTTP client for the relying party: it never follows redirects.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The provider's metadata, discovered the standard way.
pub async fn discover(app: &TestApp) -> CoreProviderMetadata {
    let issuer = IssuerUrl::new(app.origin.clone()).expect("issuer");
    CoreProviderMetadata::discover_async(issuer, &http())
        .await
        .expect("discovery")
}

/// The relying party for `registered` with `redirect`, from fresh discovery.
pub async fn rp(app: &TestApp, registered: &Registered, redirect: &str) -> Rp {
    let metadata = discover(app).await;
    CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(registered.app_id.clone()),
        registered.secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(RedirectUrl::new(redirect.to_owned()).expect("redirect"))
}

/// An authorization request: its URL, and what the relying party keeps.
pub struct Started {
    pub url: String,
    pub state: CsrfToken,
    pub nonce: Nonce,
    pub verifier: PkceCodeVerifier,
}

/// Starts an authorization with PKCE for `scopes`, plus `extra` parameters.
pub fn start(rp: &Rp, scopes: &[&str], extra: &[(&str, &str)]) -> Started {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for scope in scopes {
        request = request.add_scope(Scope::new((*scope).to_owned()));
    }
    for (name, value) in extra {
        request = request.add_extra_param(*name, *value);
    }
    let (url, state, nonce) = request.url();
    Started {
        url: url.to_string(),
        state,
        nonce,
        verifier,
    }
}

/// GETs the absolute `url` of this app in `browser`.
pub async fn visit(app: &TestApp, browser: &Browser, url: &str) -> Answer {
    let path = url.strip_prefix(&app.origin).unwrap_or(url);
    browser.get(path).await
}

/// The `Location` of a 303.
#[track_caller]
pub fn location(answer: &Answer) -> String {
    assert_eq!(answer.status, 303, "{}", answer.text);
    answer
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location")
        .to_owned()
}

/// The query parameter `name` of `url`.
pub fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Walks a signed-in `browser` through `started` and answers the code from the redirect,
/// checking `state` and `iss` (RFC 9207) on the way.
pub async fn code(app: &TestApp, browser: &Browser, started: &Started, redirect: &str) -> String {
    let back = location(&visit(app, browser, &started.url).await);
    assert!(back.starts_with(redirect), "{back}");
    assert_eq!(
        param(&back, "state").as_deref(),
        Some(started.state.secret().as_str())
    );
    assert_eq!(param(&back, "iss").as_deref(), Some(app.origin.as_str()));
    param(&back, "code").unwrap_or_else(|| panic!("no code in {back}"))
}

/// The ID token verifier of `rp`, on the test server's clock.
pub fn verify(
    app: &TestApp,
    rp: &Rp,
    token: &CoreIdToken,
    nonce: &Nonce,
) -> Result<CoreIdTokenClaims, String> {
    let clock = app.clock.clone();
    let verifier = rp.id_token_verifier().set_time_fn(move || {
        use sspr_server::clock::Clock;
        chrono::DateTime::from_timestamp_millis(clock.now_ms()).expect("a time")
    });
    token
        .claims(&verifier, nonce)
        .cloned()
        .map_err(|e| e.to_string())
}

/// Redeems `code` for tokens with `verifier` (none: without PKCE).
pub async fn redeem(
    rp: &Rp,
    code: &str,
    verifier: Option<PkceCodeVerifier>,
) -> Result<openidconnect::core::CoreTokenResponse, String> {
    let mut request = rp
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .expect("a token endpoint");
    if let Some(verifier) = verifier {
        request = request.set_pkce_verifier(verifier);
    }
    request.request_async(&http()).await.map_err(|e| match e {
        openidconnect::RequestTokenError::ServerResponse(r) => r.error().to_string(),
        other => other.to_string(),
    })
}

/// POSTs the form `fields` to `path` of the app, as an application's server does.
pub async fn post_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, Value) {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let response = http()
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// GET /oauth2/userinfo with `access_token`: the status and body.
pub async fn userinfo(app: &TestApp, access_token: &str) -> (u16, Value) {
    let response = http()
        .get(app.url("/oauth2/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}
