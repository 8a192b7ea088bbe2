//! An application that signs its users in with SSPR: the authorization code flow with PKCE
//! through the `openidconnect` crate, then a page with the ID token's claims.
//!
//! Configuration (environment): `SSPR_ISSUER` (the server's public origin, default
//! `http://127.0.0.1:8080`), `CLIENT_ID`, `CLIENT_SECRET` (a confidential web application; leave
//! it out for a public client), `APP_URL` (where this app is reached, default
//! `http://127.0.0.1:3000`; register `<APP_URL>/callback` and, for the way back after signing
//! out, `<APP_URL>/` as its redirect URIs) and `APP_LISTEN`.
//! Sessions live in memory: this is an example, not a framework.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{routing::get, Router};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

struct App {
    client: Client,
    http: reqwest::Client,
    issuer: String,
    app_url: String,
    /// Sign-ins under way, by `state`: the PKCE verifier and the nonce.
    pending: Mutex<HashMap<String, (PkceCodeVerifier, Nonce)>>,
    /// Signed-in browsers, by session cookie: the ID token and its claims.
    sessions: Mutex<HashMap<String, (String, serde_json::Value)>>,
}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let issuer = env("SSPR_ISSUER", "http://127.0.0.1:8080");
    let app_url = env("APP_URL", "http://127.0.0.1:3000");
    // No redirects: the crate's advice against server-side request forgery.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let metadata =
        CoreProviderMetadata::discover_async(IssuerUrl::new(issuer.clone())?, &http).await?;
    let secret = std::env::var("CLIENT_SECRET").ok().map(ClientSecret::new);
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(std::env::var("CLIENT_ID")?),
        secret,
    )
    .set_redirect_uri(RedirectUrl::new(format!("{app_url}/callback"))?);
    let state = Arc::new(App {
        client,
        http,
        issuer,
        app_url,
        pending: Mutex::default(),
        sessions: Mutex::default(),
    });
    let routes = Router::new()
        .route("/", get(home))
        .route("/login", get(login))
        .route("/callback", get(callback))
        .route("/logout", get(logout))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind(env("APP_LISTEN", "127.0.0.1:3000")).await?;
    println!("sign-in example on {}", state.app_url);
    axum::serve(listener, routes).await?;
    Ok(())
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

async fn home(State(app): State<Arc<App>>, headers: HeaderMap) -> Html<String> {
    let session = cookie(&headers, "example_session");
    let claims = session.and_then(|s| app.sessions.lock().ok()?.get(&s).map(|(_, c)| c.clone()));
    Html(match claims {
        Some(claims) => format!(
            "<h1>Signed in</h1><p>Hello, <span id=\"email\">{}</span>.</p><p>Your subject: <code id=\"sub\">{}</code></p>\
             <h2>ID token claims</h2><pre id=\"claims\">{}</pre><p><a href=\"/logout\">Sign out</a></p>",
            escape(claims["email"].as_str().unwrap_or("")),
            escape(claims["sub"].as_str().unwrap_or("")),
            escape(&serde_json::to_string_pretty(&claims).unwrap_or_default()),
        ),
        None => "<h1>Example application</h1><p><a href=\"/login\">Sign in</a></p>".to_owned(),
    })
}

/// Starts a sign-in: PKCE, a nonce, and `state` (also in a cookie, so the callback comes from
/// this browser).
async fn login(State(app): State<Arc<App>>) -> Response {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = app
        .client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    app.pending
        .lock()
        .expect("lock")
        .insert(state.secret().clone(), (verifier, nonce));
    let cookie = format!(
        "example_state={}; Path=/; HttpOnly; SameSite=Lax",
        state.secret()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(url.as_str())).into_response()
}

async fn callback(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, String> {
    if let Some(error) = query.get("error") {
        return Err(format!("sign-in failed: {error}"));
    }
    let state = query
        .get("state")
        .filter(|s| cookie(&headers, "example_state").as_ref() == Some(*s))
        .ok_or("bad state")?;
    if query.get("iss") != Some(&app.issuer) {
        return Err("the answer is not from our issuer (RFC 9207)".into());
    }
    let (verifier, nonce) = app
        .pending
        .lock()
        .expect("lock")
        .remove(state)
        .ok_or("unknown state")?;
    let code = AuthorizationCode::new(query.get("code").ok_or("no code")?.clone());
    let tokens = app
        .client
        .exchange_code(code)
        .map_err(|e| e.to_string())?
        .set_pkce_verifier(verifier)
        .request_async(&app.http)
        .await
        .map_err(|e| format!("token request failed: {e}"))?;
    let id_token = tokens.id_token().ok_or("no ID token")?;
    let claims = id_token
        .claims(&app.client.id_token_verifier(), &nonce)
        .map_err(|e| e.to_string())?;
    let claims = serde_json::to_value(claims).map_err(|e| e.to_string())?;
    let session = CsrfToken::new_random().secret().clone();
    app.sessions
        .lock()
        .expect("lock")
        .insert(session.clone(), (id_token.to_string(), claims));
    let cookie = format!("example_session={session}; Path=/; HttpOnly; SameSite=Lax");
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}

/// Signs out here and at SSPR (RP-initiated logout), then comes back to the home page.
async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Redirect, String> {
    let session = cookie(&headers, "example_session");
    let ended = session.and_then(|s| app.sessions.lock().ok()?.remove(&s));
    let mut params = vec![("client_id", app.client.client_id().to_string())];
    if let Some((id_token, _)) = ended {
        params.push(("id_token_hint", id_token));
        params.push(("post_logout_redirect_uri", format!("{}/", app.app_url)));
    }
    let end_session = format!("{}/oauth2/logout", app.issuer);
    let url = openidconnect::url::Url::parse_with_params(&end_session, &params)
        .map_err(|e| e.to_string())?;
    Ok(Redirect::to(url.as_str()))
}
