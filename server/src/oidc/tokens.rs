//! What the token endpoint hands out, signed: ID tokens (OpenID Connect Core §2, with the
//! user's claims for the scopes granted) and access tokens in the JWT profile of RFC 9068
//! (`typ: at+jwt`), which any API can verify from the JWKS. An access token's `aud` is the
//! application's client id (the application and its own API share one registration); its
//! `jti` is recorded so that userinfo and revocation can end it early.

use super::keys::SigningKey;
use crate::domain::oidc::{self, TOKEN_LIFETIME_SECS};
use crate::store::oidc::Grant;
use crate::store::users::User;
use jsonwebtoken::{encode, Header};
use serde_json::{json, Value};

/// The account an ID token speaks for, with the attributes its user flow collected.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub user: &'a User,
    pub attributes: &'a Value,
}

fn header(key: &SigningKey, typ: &str) -> Header {
    let mut header = Header::new(key.algorithm);
    header.kid = Some(key.kid.clone());
    header.typ = Some(typ.to_owned());
    header
}

/// An ID token for `grant`, issued at `now_secs`. The nonce goes only into the token answering
/// the code (a refreshed ID token carries none, OpenID Connect Core §12.2).
pub fn id_token(
    key: &SigningKey,
    issuer: &str,
    grant: &Grant,
    subject: &Subject<'_>,
    now_secs: i64,
    with_nonce: bool,
) -> anyhow::Result<String> {
    let mut claims = serde_json::Map::new();
    claims.insert("iss".into(), issuer.into());
    claims.insert("sub".into(), subject.user.id.clone().into());
    claims.insert("aud".into(), grant.client_id.clone().into());
    claims.insert("azp".into(), grant.client_id.clone().into());
    claims.insert("iat".into(), now_secs.into());
    claims.insert("exp".into(), (now_secs + TOKEN_LIFETIME_SECS).into());
    claims.insert("auth_time".into(), (grant.auth_time_ms / 1000).into());
    if let (true, Some(nonce)) = (with_nonce, &grant.nonce) {
        claims.insert("nonce".into(), nonce.clone().into());
    }
    claims.extend(oidc::claims(
        &grant.scope,
        &subject.user.email,
        &subject.user.display_name,
        subject.attributes,
    ));
    Ok(encode(
        &header(key, "JWT"),
        &Value::Object(claims),
        &key.key,
    )?)
}

/// An access token (RFC 9068 §2.2) for `grant` with the id `jti`.
pub fn access_token(
    key: &SigningKey,
    issuer: &str,
    grant: &Grant,
    scope: &str,
    jti: &str,
    now_secs: i64,
) -> anyhow::Result<String> {
    let claims = json!({
        "iss": issuer,
        "sub": grant.user_id,
        "aud": grant.client_id,
        "client_id": grant.client_id,
        "iat": now_secs,
        "exp": now_secs + TOKEN_LIFETIME_SECS,
        "auth_time": grant.auth_time_ms / 1000,
        "jti": jti,
        "scope": scope,
    });
    Ok(encode(&header(key, "at+jwt"), &claims, &key.key)?)
}
