//! Starting to pair an authenticator app for push approvals (issue 13, SECURITY.md §19): with a
//! recent proof, the user gets a single-use link, valid five minutes, that the security info
//! page shows as a QR code. The link carries a pending method's id and a random pairing secret
//! (stored only as a keyed hash); the device completes the pairing with its public key through
//! `identity::push_device::pair`. The pending method already holds the app-code seed, sealed,
//! that the device receives when it pairs, so one pairing gives both push and "Mobile app code".

use super::{require_enabled, require_proof};
use crate::domain::{push as rules, totp};
use crate::error::ApiError;
use crate::identity::sessions::SignedIn;
use crate::secrets::random_token;
use crate::store::methods::{self, Method};
use crate::store::push;
use crate::AppState;
use sspr_api::{MethodKind, PushPairing};

/// Most devices one user may pair.
pub const MAX_DEVICES: usize = 5;

/// `POST /api/account/methods/authenticator-push`: a pending device and its pairing link.
pub async fn start(state: &AppState, signed_in: &SignedIn) -> Result<PushPairing, ApiError> {
    require_proof(state, signed_in)?;
    let user = &signed_in.user;
    require_enabled(state, user, MethodKind::MicrosoftAuthenticator).await?;
    let now = state.now_ms();
    let id = random_token(16);
    let secret = random_token(32);
    let mut tx = state.db.begin_write().await?;
    let registered = methods::verified(&mut tx, &user.id).await?;
    if registered
        .iter()
        .filter(|m| m.kind == MethodKind::MicrosoftAuthenticator)
        .count()
        >= MAX_DEVICES
    {
        return Err(ApiError::validation(format!(
            "You can pair at most {MAX_DEVICES} authenticator apps. Delete one first."
        )));
    }
    let method = Method {
        id: id.clone(),
        user_id: user.id.clone(),
        kind: MethodKind::MicrosoftAuthenticator,
        address: None,
        secret_sealed: Some(state.secrets.seal(&totp::new_secret())),
        last_step: None,
        created_at_ms: now,
        verified_at_ms: None,
        last_used_ms: None,
    };
    // Replaces an unfinished pairing, whose device row goes with it.
    methods::insert(&mut tx, &method).await?;
    let expires = now + rules::PAIRING_LIFETIME_MS;
    push::start_pairing(
        &mut tx,
        &id,
        &user.id,
        &state.secrets.token_hash(&secret),
        expires,
    )
    .await?;
    tx.commit().await?;
    let pairing_code = format!("{id}.{secret}");
    Ok(PushPairing {
        method_id: id,
        pairing_url: format!(
            "{}/authenticator#pair={pairing_code}",
            state.config.public_origin
        ),
        pairing_code,
        expires_in_secs: u64::try_from(rules::PAIRING_LIFETIME_MS / 1000).unwrap_or(300),
    })
}
