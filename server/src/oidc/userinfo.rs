//! The userinfo endpoint (OpenID Connect Core §5.3): the signed-in user's claims for the
//! scopes of the access token — `sub` always, `email` and `email_verified` for `email`, `name`
//! and the user flow's attributes for `profile` and `address` (see `domain::oidc::claims`).
//! The access token must be one of ours, unexpired, and neither it nor its grant revoked.

use super::{keys, Failure, OAuthError};
use crate::domain::oidc;
use crate::store::oidc as store;
use crate::store::{user_flows, users};
use crate::AppState;
use axum::http::{header, HeaderMap};

/// `GET` or `POST /oauth2/userinfo` with `Authorization: Bearer <access token>`.
pub async fn userinfo(state: &AppState, headers: &HeaderMap) -> Result<serde_json::Value, Failure> {
    let token = bearer(headers)
        .ok_or_else(|| OAuthError::no_token("Send the access token as a Bearer token."))?;
    let grant = live_grant(state, token).await?.ok_or_else(|| {
        OAuthError::invalid_token("The access token is invalid, expired or revoked.")
    })?;
    let (scope, grant) = grant;
    let mut conn = state.db.pool.acquire().await?;
    let user = users::by_id(&mut conn, &grant.user_id)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| OAuthError::invalid_token("The account cannot sign in."))?;
    let attributes = user_flows::user_attributes(&mut conn, &user.id).await?;
    let mut claims = serde_json::Map::new();
    claims.insert("sub".into(), user.id.clone().into());
    claims.extend(oidc::claims(
        &scope,
        &user.email,
        &user.display_name,
        &attributes,
    ));
    Ok(claims.into())
}

/// The scope and grant of the access token `token` if it still works.
pub async fn live_grant(
    state: &AppState,
    token: &str,
) -> Result<Option<(String, store::Grant)>, Failure> {
    let Some(claims) = keys::verify(state, token, "at+jwt").await? else {
        return Ok(None);
    };
    let now_secs = state.now_ms() / 1000;
    let unexpired = claims["exp"].as_i64().is_some_and(|exp| exp > now_secs);
    let (Some(jti), Some(scope)) = (claims["jti"].as_str(), claims["scope"].as_str()) else {
        return Ok(None);
    };
    if !unexpired || !oidc::has_scope(scope, "openid") {
        return Ok(None);
    }
    let mut conn = state.db.pool.acquire().await?;
    let grant = store::live_access(&mut conn, jti).await?;
    Ok(grant.map(|g| (scope.to_owned(), g)))
}

/// The Bearer token of the `Authorization` header (RFC 6750 §2.1).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}
