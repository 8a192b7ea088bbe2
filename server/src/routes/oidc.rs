//! The OpenID Connect provider's endpoints (`crate::oidc`), at the root of the public origin
//! rather than under `/api`: `/.well-known/openid-configuration` must sit at the issuer's root,
//! and the protocol endpoints take form posts from applications' servers, which carry neither
//! the API's CSRF header nor its JSON. Every other path under `/oauth2/` is a 404, so the SPA
//! never answers for one. The endpoints scripts call from other origins (discovery, keys,
//! token, userinfo, revocation) allow CORS without credentials, as single-page applications
//! need; the browser-navigation ones (authorize, resume, logout) do not.

use crate::domain::oidc::Params;
use crate::http::client::Client;
use crate::oidc::authorize::{self, Answer};
use crate::oidc::token::{self, TokenResponse};
use crate::oidc::{discovery, logout, revoke, userinfo, Failure};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{middleware, Json, Router};
use serde::Deserialize;
use tower_http::cors::{Any, CorsLayer};
use utoipa::OpenApi;

/// The endpoints, with the API's per-address rate limit.
pub fn router(state: AppState) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]);
    let scripts = Router::new()
        .route("/.well-known/openid-configuration", get(configuration))
        .route("/oauth2/keys", get(keys))
        .route("/oauth2/token", post(token))
        .route("/oauth2/userinfo", get(userinfo).post(userinfo_post))
        .route("/oauth2/revoke", post(revoke))
        .layer(cors);
    Router::new()
        .route("/oauth2/authorize", get(authorize_get).post(authorize_post))
        .route("/oauth2/resume", get(resume))
        .route("/oauth2/logout", get(logout_get).post(logout_post))
        .route("/oauth2/{*rest}", any(|| async { StatusCode::NOT_FOUND }))
        .merge(scripts)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::general_limit,
        ))
        .layer(DefaultBodyLimit::max(super::MAX_BODY_BYTES))
        .with_state(state)
}

/// The OpenAPI description of these endpoints, merged into `/api/openapi.json`.
#[derive(Debug, OpenApi)]
#[openapi(
    paths(configuration, keys, authorize_get, authorize_post, resume, token, userinfo, userinfo_post, revoke, logout_get, logout_post),
    components(schemas(TokenResponse, OAuthErrorBody, TokenForm, RevokeForm, AuthorizeForm, LogoutForm)),
    tags((name = "openid-connect", description = "The OpenID Connect provider: discovery, the authorization code flow with PKCE, tokens, userinfo, revocation and logout. Errors have OAuth's shape, `{error, error_description}`."))
)]
pub struct OidcDoc;

/// OAuth's error body (RFC 6749 §5.2).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct OAuthErrorBody {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unsupported_grant_type`, `invalid_scope` or `invalid_token`.
    pub error: String,
    pub error_description: String,
}

/// The token endpoint's form (`application/x-www-form-urlencoded`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenForm {
    /// `authorization_code` or `refresh_token`.
    pub grant_type: String,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
    /// With `client_secret_post`, or alone for a public client.
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// The revocation endpoint's form.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RevokeForm {
    pub token: String,
    pub token_type_hint: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// The authorization request as a form (`POST /oauth2/authorize`), the same parameters as the
/// query of `GET`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AuthorizeForm {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
    pub login_hint: Option<String>,
    pub ui_locales: Option<String>,
}

/// The logout request as a form (`POST /oauth2/logout`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LogoutForm {
    pub id_token_hint: Option<String>,
    pub client_id: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
    /// Set by the confirmation page's own Sign out link.
    pub confirm: Option<String>,
}

/// `?request=` of the resume address.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ResumeQuery {
    /// The pending request's id, from the authorization endpoint.
    pub request: Option<String>,
}

/// An authorization or logout answer as HTTP: a 303 to the application or the customer pages,
/// or a page.
fn answer(answer: Answer) -> Response {
    match answer {
        Answer::Redirect(url) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(location) = HeaderValue::from_str(&url) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Answer::Page(page) => page.into_response(),
    }
}

fn form_text(body: &Bytes) -> String {
    String::from_utf8_lossy(body).into_owned()
}

#[utoipa::path(get, path = "/.well-known/openid-configuration", tag = "openid-connect",
    responses((status = 200, description = "The provider's metadata (OpenID Connect Discovery 1.0)", body = Object), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn configuration(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(discovery::configuration(&state))
}

#[utoipa::path(get, path = "/oauth2/keys", tag = "openid-connect",
    responses((status = 200, description = "The JWK set that verifies ID and access tokens: the current keys and the rotated ones whose tokens may still be valid", body = Object), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn keys(State(state): State<AppState>) -> Result<Json<serde_json::Value>, crate::ApiError> {
    Ok(Json(discovery::jwks(&state).await?))
}

#[utoipa::path(get, path = "/oauth2/authorize", tag = "openid-connect",
    params(
        ("client_id" = Option<String>, Query, description = "The application's appId"),
        ("redirect_uri" = Option<String>, Query, description = "One of its registered redirect URIs, exactly"),
        ("response_type" = Option<String>, Query, description = "`code`"),
        ("scope" = Option<String>, Query, description = "`openid`, and `profile`, `email`, `address`, `offline_access`"),
        ("state" = Option<String>, Query), ("nonce" = Option<String>, Query),
        ("code_challenge" = Option<String>, Query, description = "PKCE S256 challenge; required of public clients"),
        ("code_challenge_method" = Option<String>, Query, description = "`S256`"),
        ("prompt" = Option<String>, Query, description = "`none`, `login`, `create`"),
        ("max_age" = Option<String>, Query), ("login_hint" = Option<String>, Query), ("ui_locales" = Option<String>, Query),
    ),
    responses((status = 303, description = "To the application's redirect URI (code or error, with state and iss), or to the sign-in pages"), (status = 400, description = "An HTML page: unknown client or unregistered redirect URI (never redirected)", content_type = "text/html"), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn authorize_get(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, crate::ApiError> {
    let query = query.unwrap_or_default();
    let outcome = authorize::authorize(&state, &client, &headers, &query).await?;
    Ok(answer(outcome))
}

#[utoipa::path(post, path = "/oauth2/authorize", tag = "openid-connect",
    request_body(content = Option<AuthorizeForm>, content_type = "application/x-www-form-urlencoded", description = "The parameters of GET /oauth2/authorize as a form"),
    responses((status = 303, description = "As for GET"), (status = 400, description = "An HTML page, as for GET", content_type = "text/html"), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn authorize_post(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, crate::ApiError> {
    let outcome = authorize::authorize(&state, &client, &headers, &form_text(&body)).await?;
    Ok(answer(outcome))
}

#[utoipa::path(get, path = "/oauth2/resume", tag = "openid-connect", params(ResumeQuery),
    responses((status = 303, description = "To the application with a code, or back to the sign-in pages"), (status = 400, description = "An HTML page: the pending sign-in expired or was used", content_type = "text/html"), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn resume(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, crate::ApiError> {
    let params = Params::parse(&query.unwrap_or_default());
    let id = params.one("request").ok().flatten().unwrap_or_default();
    Ok(answer(
        authorize::resume(&state, &client, &headers, id).await?,
    ))
}

#[utoipa::path(post, path = "/oauth2/token", tag = "openid-connect",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = TokenResponse), (status = 400, body = OAuthErrorBody), (status = 401, description = "invalid_client", body = OAuthErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn token(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let issued = token::exchange(&state, &client, &headers, &form_text(&body)).await?;
    let mut response = Json(issued).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(response)
}

#[utoipa::path(get, path = "/oauth2/userinfo", tag = "openid-connect",
    responses((status = 200, description = "sub, and the claims of the token's scopes", body = Object), (status = 401, description = "invalid_token", body = OAuthErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn userinfo(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, Failure> {
    Ok(Json(userinfo::userinfo(&state, &headers).await?))
}

#[utoipa::path(post, path = "/oauth2/userinfo", tag = "openid-connect",
    responses((status = 200, description = "As for GET", body = Object), (status = 401, description = "invalid_token", body = OAuthErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn userinfo_post(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, Failure> {
    Ok(Json(userinfo::userinfo(&state, &headers).await?))
}

#[utoipa::path(post, path = "/oauth2/revoke", tag = "openid-connect",
    request_body(content = RevokeForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "Revoked, or nothing to revoke (RFC 7009)"), (status = 400, body = OAuthErrorBody), (status = 401, description = "invalid_client", body = OAuthErrorBody), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn revoke(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, Failure> {
    revoke::revoke(&state, &client, &headers, &form_text(&body)).await?;
    Ok(StatusCode::OK)
}

#[utoipa::path(get, path = "/oauth2/logout", tag = "openid-connect",
    params(
        ("id_token_hint" = Option<String>, Query), ("client_id" = Option<String>, Query),
        ("post_logout_redirect_uri" = Option<String>, Query, description = "One of the application's registered redirect URIs, exactly"),
        ("state" = Option<String>, Query),
        ("confirm" = Option<String>, Query, description = "Set by the confirmation page's own Sign out link"),
    ),
    responses((status = 303, description = "Signed out, back to the application"), (status = 200, description = "Signed out, or (without the signed-in user's own id_token_hint) asked to confirm: an HTML page", content_type = "text/html"), (status = 400, description = "An HTML page: a foreign ID token or an unregistered address; nobody signed out", content_type = "text/html"), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn logout_get(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, crate::ApiError> {
    let query = query.unwrap_or_default();
    signed_out(
        &state,
        logout::logout(&state, &client, &headers, &query).await?,
    )
}

#[utoipa::path(post, path = "/oauth2/logout", tag = "openid-connect",
    request_body(content = LogoutForm, content_type = "application/x-www-form-urlencoded", description = "The parameters of GET /oauth2/logout as a form; an empty form is refused (GET without parameters is the plain sign-out)"),
    responses((status = 303, description = "As for GET"), (status = 200, description = "As for GET", content_type = "text/html"), (status = 400, description = "As for GET", content_type = "text/html"), (status = 429, description = "Throttled", body = sspr_api::ErrorBody)))]
async fn logout_post(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, crate::ApiError> {
    if body.is_empty() {
        return Ok(
            crate::oidc::pages::Page::error("The sign-out request is not valid.").into_response(),
        );
    }
    let outcome = logout::logout(&state, &client, &headers, &form_text(&body)).await?;
    signed_out(&state, outcome)
}

/// The logout's answer, deleting the session cookie when a session ended.
fn signed_out(state: &AppState, outcome: logout::LoggedOut) -> Result<Response, crate::ApiError> {
    let response = answer(outcome.answer);
    Ok(match outcome.signed_out {
        true => crate::identity::sessions::with_cookie(
            response,
            crate::identity::sessions::clear_cookie(state),
        ),
        false => response,
    })
}
