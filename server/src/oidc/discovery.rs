//! OpenID Connect Discovery 1.0: `/.well-known/openid-configuration`, served at the root of
//! the public origin, which is the issuer; and the JWKS its `jwks_uri` names.

use super::{issuer, keys};
use crate::error::ApiError;
use crate::AppState;
use serde_json::{json, Value};

/// The provider's metadata.
pub fn configuration(state: &AppState) -> Value {
    let issuer = issuer(state);
    let at = |path: &str| format!("{issuer}{path}");
    json!({
        "issuer": issuer,
        "authorization_endpoint": at("/oauth2/authorize"),
        "token_endpoint": at("/oauth2/token"),
        "userinfo_endpoint": at("/oauth2/userinfo"),
        "jwks_uri": at("/oauth2/keys"),
        "revocation_endpoint": at("/oauth2/revoke"),
        "end_session_endpoint": at("/oauth2/logout"),
        "scopes_supported": crate::domain::oidc::SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "userinfo_signing_alg_values_supported": ["none"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "create", "consent", "select_account"],
        "ui_locales_supported": crate::domain::oidc::UI_LOCALES,
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "azp", "email",
            "email_verified", "name", "given_name", "family_name", "job_title", "address",
        ],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true,
    })
}

/// The published signing keys.
pub async fn jwks(state: &AppState) -> Result<Value, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let set = keys::jwks(&mut conn, state.now_ms()).await?;
    Ok(serde_json::to_value(set).map_err(anyhow::Error::from)?)
}
