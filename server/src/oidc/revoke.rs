//! Token revocation (RFC 7009). The client authenticates as at the token endpoint (a public
//! client names itself). Revoking a refresh token revokes its whole grant, the access tokens
//! issued from it included; revoking an access token ends that token. The answer is 200 for a
//! token that is unknown, already revoked or another client's too, so it tells nothing.

use super::clients;
use super::{keys, Failure, OAuthError};
use crate::domain::oidc::Params;
use crate::http::client::Client;
use crate::secrets::looks_like_token;
use crate::store::audit::{self, Event};
use crate::store::oidc as store;
use crate::AppState;
use axum::http::HeaderMap;

/// `POST /oauth2/revoke` with the form `body`.
pub async fn revoke(
    state: &AppState,
    client: &Client,
    headers: &HeaderMap,
    body: &str,
) -> Result<(), Failure> {
    let params = Params::parse(body);
    let get = |name: &str| {
        params
            .one(name)
            .map_err(|_| OAuthError::invalid_request(format!("{name} is given twice.")))
    };
    let (client_id, secret) =
        clients::credentials(headers, get("client_id")?, get("client_secret")?)?;
    let caller = clients::identify(state, &client_id, secret.as_deref()).await??;
    let token = get("token")?.ok_or_else(|| OAuthError::invalid_request("token is missing."))?;
    let now = state.now_ms();
    if token.contains('.') {
        let Some(claims) = keys::verify(state, token, "at+jwt").await? else {
            return Ok(());
        };
        let Some(jti) = claims["jti"].as_str() else {
            return Ok(());
        };
        let mut tx = state.db.begin_write().await?;
        // A confidential client's token is revoked only with its secret, as its refresh
        // tokens are (RFC 7009 §2.1); another client's, or a dead one, answers 200 unchanged.
        let Some(grant) = store::live_access(&mut tx, jti).await? else {
            return Ok(());
        };
        if grant.client_id != caller.app.app_id {
            return Ok(());
        }
        if !grant.public_client && !caller.authenticated {
            return Err(OAuthError::invalid_client("This client must authenticate.").into());
        }
        store::revoke_access(&mut tx, jti, &caller.app.app_id, now).await?;
        tx.commit().await?;
        return Ok(());
    }
    if !looks_like_token(token) {
        return Ok(());
    }
    let mut tx = state.db.begin_write().await?;
    let hash = state.secrets.token_hash(token);
    let Some(grant_id) = store::refresh_grant(&mut tx, &hash).await? else {
        return Ok(());
    };
    let Some(grant) = store::grant(&mut tx, &grant_id).await? else {
        return Ok(());
    };
    if grant.client_id != caller.app.app_id {
        return Ok(());
    }
    if !grant.public_client && !caller.authenticated {
        return Err(OAuthError::invalid_client("This client must authenticate.").into());
    }
    if store::revoke_grant(&mut tx, &grant.id, now).await? {
        let event = Event {
            event: "oidc_revoke",
            outcome: "success",
            subject: Some(&grant.user_id),
            client_ip: Some(&client.ip),
            request_id: Some(&client.request_id),
            detail: Some(serde_json::json!({ "client_id": grant.client_id })),
            ..Event::default()
        };
        audit::record(&mut tx, &event, now).await?;
    }
    tx.commit().await?;
    Ok(())
}
