//! The token endpoint (RFC 6749 §3.2, OpenID Connect Core §3.1.3): the `authorization_code`
//! and `refresh_token` grants.
//!
//! A code works once, for 60 seconds, for the client it was issued to, with the same redirect
//! URI and — when the authorization request had a PKCE challenge — the right verifier (a
//! verifier without a challenge is refused too, RFC 9700 §2.1.1). A code shown a second time
//! revokes the grant it was issued for, and so every token issued from it (RFC 6749 §4.1.2).
//! Refresh tokens are rotated at every use; a used one shown again revokes its grant (RFC 9700
//! §4.14.2). A confidential client (a code issued to a `web` redirect URI) must authenticate;
//! a public one proves itself with PKCE and refreshes without a secret.

use super::clients::{self, Caller};
use super::keys::{self, SigningKey};
use super::tokens::{self, Subject};
use super::{issuer, Failure, OAuthError};
use crate::domain::oidc::{self, Params, REFRESH_LIFETIME_MS, TOKEN_LIFETIME_SECS};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::secrets::{looks_like_token, random_token};
use crate::store::audit::{self, Event};
use crate::store::oidc::{self as store, Grant};
use crate::store::{user_flows, users};
use crate::AppState;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

/// A successful token answer (RFC 6749 §5.1).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds.
    pub expires_in: i64,
    pub id_token: String,
    /// Only when the grant includes `offline_access`; a new one at every refresh.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub scope: String,
}

/// `POST /oauth2/token` with the form `body`.
pub async fn exchange(
    state: &AppState,
    client: &Client,
    headers: &HeaderMap,
    body: &str,
) -> Result<TokenResponse, Failure> {
    let params = Params::parse(body);
    let get = |name: &str| {
        params
            .one(name)
            .map_err(|_| OAuthError::invalid_request(format!("{name} is given twice.")))
    };
    let (client_id, secret) =
        clients::credentials(headers, get("client_id")?, get("client_secret")?)?;
    let caller = clients::identify(state, &client_id, secret.as_deref()).await??;
    match get("grant_type")? {
        Some("authorization_code") => {
            let code =
                get("code")?.ok_or_else(|| OAuthError::invalid_request("code is missing."))?;
            let redeem = Redeem {
                code,
                redirect_uri: get("redirect_uri")?,
                verifier: get("code_verifier")?,
            };
            authorization_code(state, client, &caller, &redeem).await
        }
        Some("refresh_token") => {
            let token = get("refresh_token")?
                .ok_or_else(|| OAuthError::invalid_request("refresh_token is missing."))?;
            refresh(state, client, &caller, token, get("scope")?).await
        }
        Some(_) => Err(OAuthError::unsupported_grant_type(
            "Only authorization_code and refresh_token are supported.",
        )
        .into()),
        None => Err(OAuthError::invalid_request("grant_type is missing.").into()),
    }
}

/// What an `authorization_code` request brings besides the client.
struct Redeem<'a> {
    code: &'a str,
    redirect_uri: Option<&'a str>,
    verifier: Option<&'a str>,
}

async fn authorization_code(
    state: &AppState,
    client: &Client,
    caller: &Caller,
    redeem: &Redeem<'_>,
) -> Result<TokenResponse, Failure> {
    let unknown = || OAuthError::invalid_grant("The code is unknown, expired or already used.");
    if !looks_like_token(redeem.code) {
        return Err(unknown().into());
    }
    let key = keys::current(state, caller.app.alg).await?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let hash = state.secrets.token_hash(redeem.code);
    let code = match store::use_code(&mut tx, &hash, now).await? {
        Ok(Some(code)) => code,
        Ok(None) => return Err(unknown().into()),
        Err(grant_id) => {
            revoke_reused(&mut tx, client, &grant_id, "code", now).await?;
            tx.commit().await?;
            return Err(unknown().into());
        }
    };
    // From here on the code is used up, whatever the answer: the consumption is committed.
    let grant = store::grant(&mut tx, &code.grant_id).await?;
    let checked = grant.as_ref().ok_or_else(unknown).and_then(|grant| {
        if grant.client_id != caller.app.app_id
            || code.expires_at_ms <= now
            || grant.revoked_at_ms.is_some()
        {
            return Err(unknown());
        }
        if redeem.redirect_uri != Some(code.redirect_uri.as_str()) {
            return Err(OAuthError::invalid_grant(
                "redirect_uri differs from the authorization request's.",
            ));
        }
        if !grant.public_client && !caller.authenticated {
            return Err(OAuthError::invalid_client(
                "This client must authenticate with its client secret.",
            ));
        }
        match (&code.code_challenge, redeem.verifier) {
            (Some(challenge), Some(verifier)) if oidc::verifies(verifier, challenge) => Ok(grant),
            (None, None) => Ok(grant),
            _ => Err(OAuthError::invalid_grant(
                "The PKCE code_verifier is missing, wrong, or was not expected.",
            )),
        }
    });
    let outcome = match checked {
        Ok(grant) => {
            let scope = grant.scope.clone();
            issue(&mut tx, state, client, &key, grant, &scope, true).await?
        }
        Err(refused) => Err(refused),
    };
    tx.commit().await?;
    Ok(outcome?)
}

async fn refresh(
    state: &AppState,
    client: &Client,
    caller: &Caller,
    token: &str,
    scope: Option<&str>,
) -> Result<TokenResponse, Failure> {
    let unknown =
        || OAuthError::invalid_grant("The refresh token is unknown, expired, used or revoked.");
    if !looks_like_token(token) {
        return Err(unknown().into());
    }
    let key = keys::current(state, caller.app.alg).await?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let hash = state.secrets.token_hash(token);
    let grant_id = match store::use_refresh(&mut tx, &hash, now).await? {
        Ok(Some(grant_id)) => grant_id,
        Ok(None) => return Err(unknown().into()),
        Err(grant_id) => {
            revoke_reused(&mut tx, client, &grant_id, "refresh_token", now).await?;
            tx.commit().await?;
            return Err(unknown().into());
        }
    };
    let grant = store::grant(&mut tx, &grant_id).await?;
    let checked = grant.as_ref().ok_or_else(unknown).and_then(|grant| {
        if grant.client_id != caller.app.app_id || grant.revoked_at_ms.is_some() {
            return Err(unknown());
        }
        if !grant.public_client && !caller.authenticated {
            return Err(OAuthError::invalid_client(
                "This client must authenticate with its client secret.",
            ));
        }
        let narrowed = match scope {
            None => grant.scope.clone(),
            Some(asked) if asked.split(' ').all(|s| oidc::has_scope(&grant.scope, s)) => {
                asked.to_owned()
            }
            Some(_) => {
                return Err(OAuthError::invalid_scope(
                    "A refresh may only ask for scopes the grant has.",
                ))
            }
        };
        Ok((grant, narrowed))
    });
    // A refusal keeps nothing: the token stays unused, so the client that holds it can try
    // again the right way without being taken for a replay.
    let (grant, scope) = checked?;
    let outcome = issue(&mut tx, state, client, &key, grant, &scope, false).await?;
    tx.commit().await?;
    Ok(outcome?)
}

/// A code or refresh token shown again: everything issued from its grant is revoked.
async fn revoke_reused(
    conn: &mut AnyConnection,
    client: &Client,
    grant_id: &str,
    what: &str,
    now: i64,
) -> Result<(), ApiError> {
    let grant = store::grant(conn, grant_id).await?;
    store::revoke_grant(conn, grant_id, now).await?;
    let event = Event {
        event: "oidc_token_reuse",
        outcome: "failure",
        subject: grant.as_ref().map(|g| g.user_id.as_str()),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: Some(serde_json::json!({
            "reused": what,
            "client_id": grant.as_ref().map(|g| g.client_id.as_str()),
            "grant_revoked": true,
        })),
        ..Event::default()
    };
    audit::record(conn, &event, now).await?;
    Ok(())
}

/// Signs and records the tokens for `grant` (access token with `scope`), with a new refresh
/// token when the grant includes `offline_access`. A disabled or deleted account gets none.
async fn issue(
    conn: &mut AnyConnection,
    state: &AppState,
    client: &Client,
    key: &SigningKey,
    grant: &Grant,
    scope: &str,
    with_nonce: bool,
) -> Result<Result<TokenResponse, OAuthError>, ApiError> {
    let Some(user) = users::by_id(conn, &grant.user_id)
        .await?
        .filter(|u| !u.disabled)
    else {
        return Ok(Err(OAuthError::invalid_grant(
            "The account cannot sign in.",
        )));
    };
    let attributes = user_flows::user_attributes(conn, &user.id).await?;
    let now = state.now_ms();
    let now_secs = now / 1000;
    let issuer = issuer(state);
    let jti = random_token(16);
    let access_token = tokens::access_token(key, &issuer, grant, scope, &jti, now_secs)?;
    let token_expiry = now + TOKEN_LIFETIME_SECS * 1000;
    store::insert_access(conn, &jti, &grant.id, token_expiry).await?;
    let subject = Subject {
        user: &user,
        attributes: &attributes,
    };
    let id_token = tokens::id_token(key, &issuer, grant, &subject, now_secs, with_nonce)?;
    let refresh_token = if oidc::has_scope(&grant.scope, "offline_access") {
        let token = random_token(32);
        let expiry = now + REFRESH_LIFETIME_MS;
        store::insert_refresh(
            conn,
            &state.secrets.token_hash(&token),
            &grant.id,
            now,
            expiry,
        )
        .await?;
        store::extend_grant(conn, &grant.id, expiry).await?;
        Some(token)
    } else {
        store::extend_grant(conn, &grant.id, token_expiry).await?;
        None
    };
    let event = Event {
        event: "oidc_token",
        outcome: "success",
        subject: Some(&user.id),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: Some(serde_json::json!({
            "client_id": grant.client_id,
            "grant": if with_nonce { "authorization_code" } else { "refresh_token" },
        })),
        ..Event::default()
    };
    audit::record(conn, &event, now).await?;
    Ok(Ok(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: TOKEN_LIFETIME_SECS,
        id_token,
        refresh_token,
        scope: scope.to_owned(),
    }))
}
