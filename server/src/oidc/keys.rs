//! The keys that sign ID and access tokens: one current key per algorithm (ES256 for every
//! application by default, RS256 for those that ask), generated when first needed — at the
//! first start of `sspr-server serve` — and rotated by `sspr-server rotate-signing-key`.
//!
//! Private keys are stored sealed with the server secret (`Secrets::seal_signing_key`), so a
//! database dump cannot forge tokens; opened keys are kept in memory by key id. A rotated key
//! stops signing at once but stays in the JWKS for [`PUBLISHED_AFTER_RETIREMENT_MS`], until
//! every token it signed has expired. A key that does not open (sealed under another secret, as
//! after a development-mode restart with a random secret) is passed over, and a new one made.

use crate::domain::oidc::TOKEN_LIFETIME_SECS;
use crate::store::signing_keys::{self as store, StoredKey};
use crate::AppState;
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey};
use sqlx::AnyConnection;
use sspr_api::SigningAlgorithm;
use sspr_api::WireName;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How long a retired key stays published: the longest a token it signed lives, and a margin
/// for clocks.
pub const PUBLISHED_AFTER_RETIREMENT_MS: i64 = TOKEN_LIFETIME_SECS * 1000 + 5 * 60_000;

/// RSA keys are this long.
const RSA_BITS: usize = 2048;

/// A key that can sign.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    pub algorithm: Algorithm,
    pub key: Arc<EncodingKey>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({}, {:?})", self.kid, self.algorithm)
    }
}

/// Opened keys by key id, so a key is unsealed and parsed once per process.
#[derive(Default)]
pub struct KeyCache(Mutex<HashMap<String, Arc<EncodingKey>>>);

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyCache(..)")
    }
}

fn algorithm(alg: SigningAlgorithm) -> Algorithm {
    match alg {
        SigningAlgorithm::ES256 => Algorithm::ES256,
        SigningAlgorithm::RS256 => Algorithm::RS256,
    }
}

/// The current key for `alg`, made now if there is none that opens.
pub async fn current(state: &AppState, alg: SigningAlgorithm) -> anyhow::Result<SigningKey> {
    let mut conn = state.db.pool.acquire().await?;
    if let Some(key) = first_usable(state, &store::unretired(&mut conn, alg.as_str()).await?) {
        return Ok(key);
    }
    drop(conn);
    let made = generate(state, alg).await?;
    let mut tx = state.db.begin_write().await?;
    // Another request (or instance) may have made one meanwhile: use the newest that opens.
    if let Some(key) = first_usable(state, &store::unretired(&mut tx, alg.as_str()).await?) {
        return Ok(key);
    }
    store::insert(&mut tx, &made.0).await?;
    tx.commit().await?;
    Ok(made.1)
}

/// Makes sure every algorithm has a current key (at the server's start).
pub async fn ensure(state: &AppState) -> anyhow::Result<()> {
    for alg in SigningAlgorithm::ALL {
        current(state, alg).await?;
    }
    Ok(())
}

/// Replaces the current key of every algorithm with a new one; the old ones stay published
/// until their tokens expire. Answers the new key ids.
pub async fn rotate(state: &AppState) -> anyhow::Result<Vec<String>> {
    let mut made = Vec::new();
    for alg in SigningAlgorithm::ALL {
        made.push(generate(state, alg).await?);
    }
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    for (stored, key) in &made {
        store::insert(&mut tx, stored).await?;
        store::retire_others(&mut tx, &stored.algorithm, &key.kid, now).await?;
    }
    tx.commit().await?;
    Ok(made.into_iter().map(|(_, key)| key.kid).collect())
}

/// The published keys (current and recently retired) as a JWK set.
pub async fn jwks(conn: &mut AnyConnection, now_ms: i64) -> anyhow::Result<JwkSet> {
    let keys = store::published(conn, now_ms - PUBLISHED_AFTER_RETIREMENT_MS).await?;
    let keys = keys
        .iter()
        .map(|k| serde_json::from_str::<Jwk>(&k.public_jwk))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(JwkSet { keys })
}

/// The first of `keys` (newest first) that opens with this server's secret.
fn first_usable(state: &AppState, keys: &[StoredKey]) -> Option<SigningKey> {
    keys.iter().find_map(|stored| {
        let algorithm = match SigningAlgorithm::parse(&stored.algorithm)? {
            SigningAlgorithm::ES256 => Algorithm::ES256,
            SigningAlgorithm::RS256 => Algorithm::RS256,
        };
        let mut cache = state.signing_keys.0.lock().ok()?;
        let key = match cache.get(&stored.kid) {
            Some(key) => key.clone(),
            None => {
                let der = state.secrets.open_signing_key(&stored.sealed)?;
                let key = Arc::new(match algorithm {
                    Algorithm::ES256 => EncodingKey::from_ec_der(&der),
                    _ => EncodingKey::from_rsa_der(&der),
                });
                cache.insert(stored.kid.clone(), key.clone());
                key
            }
        };
        Some(SigningKey {
            kid: stored.kid.clone(),
            algorithm,
            key,
        })
    })
}

/// A new key for `alg`: what to store, and the key ready to sign. RSA key generation takes a
/// while, so it runs off the async workers.
async fn generate(
    state: &AppState,
    alg: SigningAlgorithm,
) -> anyhow::Result<(StoredKey, SigningKey)> {
    let der = tokio::task::spawn_blocking(move || private_der(alg)).await??;
    let algorithm = algorithm(alg);
    let key = match alg {
        SigningAlgorithm::ES256 => EncodingKey::from_ec_der(&der),
        SigningAlgorithm::RS256 => EncodingKey::from_rsa_der(&der),
    };
    let kid = crate::secrets::random_token(16);
    let mut jwk = Jwk::from_encoding_key(&key, algorithm)?;
    jwk.common.key_id = Some(kid.clone());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    let stored = StoredKey {
        kid: kid.clone(),
        algorithm: alg.as_str().to_owned(),
        sealed: state.secrets.seal_signing_key(&der),
        public_jwk: serde_json::to_string(&jwk)?,
        created_at_ms: state.now_ms(),
        retired_at_ms: None,
    };
    let key = Arc::new(key);
    if let Ok(mut cache) = state.signing_keys.0.lock() {
        cache.insert(kid.clone(), key.clone());
    }
    Ok((
        stored,
        SigningKey {
            kid,
            algorithm,
            key,
        },
    ))
}

/// A fresh private key's DER: PKCS#8 for P-256, PKCS#1 for RSA (what `jsonwebtoken` reads).
fn private_der(alg: SigningAlgorithm) -> anyhow::Result<Vec<u8>> {
    let mut rng = getrandom::SysRng;
    match alg {
        SigningAlgorithm::ES256 => {
            use p256::elliptic_curve::Generate;
            use p256::pkcs8::EncodePrivateKey;
            let key = p256::ecdsa::SigningKey::try_generate_from_rng(&mut rng)
                .map_err(|e| anyhow::anyhow!("no randomness for a key: {e}"))?;
            Ok(key
                .to_pkcs8_der()
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .as_bytes()
                .to_vec())
        }
        SigningAlgorithm::RS256 => {
            use rsa::pkcs1::EncodeRsaPrivateKey;
            let key =
                rsa::PrivateKey::new(&mut rng, RSA_BITS).map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(key
                .to_pkcs1_der()
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .as_bytes()
                .to_vec())
        }
    }
}

/// The claims of `token` if it is a JWT of type `typ` signed by one of the published keys with
/// this issuer; expiry is the caller's to check, with the service's clock.
pub async fn verify(
    state: &AppState,
    token: &str,
    typ: &str,
) -> anyhow::Result<Option<serde_json::Value>> {
    let Ok(header) = jsonwebtoken::decode_header(token) else {
        return Ok(None);
    };
    let typ_matches = header
        .typ
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case(typ));
    if !typ_matches || !matches!(header.alg, Algorithm::ES256 | Algorithm::RS256) {
        return Ok(None);
    }
    let Some(kid) = header.kid else {
        return Ok(None);
    };
    let mut conn = state.db.pool.acquire().await?;
    let set = jwks(&mut conn, state.now_ms()).await?;
    let Some(jwk) = set.find(&kid) else {
        return Ok(None);
    };
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk)?;
    let mut validation = jsonwebtoken::Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    validation.set_issuer(&[super::issuer(state)]);
    Ok(
        jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)
            .ok()
            .map(|data| data.claims),
    )
}
