//! Adding an authenticator app (SECURITY.md §23–24): a fresh 160-bit seed, sealed with the
//! server secret, shown once as text and as an `otpauth://` URI for the QR code; the app counts
//! only once one of its codes is confirmed, and that code's step is used up, so it cannot sign
//! in again.

use super::{info, proof::wrong_app_code, record_change, require_enabled, require_proof};
use crate::domain::totp;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::limits::{self, VERIFY};
use crate::identity::sessions::SignedIn;
use crate::secrets::random_token;
use crate::store::methods::{self, Method};
use crate::AppState;
use sspr_api::{ConfirmMethod, MethodKind, SecurityInfo, TotpEnrolment};

/// Most apps one user may register.
pub const MAX_APPS: usize = 5;

/// `POST /api/account/methods/authenticator-app`: a pending app and its secret.
pub async fn enrol(state: &AppState, signed_in: &SignedIn) -> Result<TotpEnrolment, ApiError> {
    require_proof(state, signed_in)?;
    let user = &signed_in.user;
    require_enabled(state, user, MethodKind::AuthenticatorApp).await?;
    let secret = totp::new_secret();
    let id = random_token(16);
    let mut tx = state.db.begin_write().await?;
    let apps = methods::verified(&mut tx, &user.id).await?;
    if apps
        .iter()
        .filter(|m| m.kind == MethodKind::AuthenticatorApp)
        .count()
        >= MAX_APPS
    {
        return Err(ApiError::validation(format!(
            "You can register at most {MAX_APPS} authenticator apps. Delete one first."
        )));
    }
    let method = Method {
        id: id.clone(),
        user_id: user.id.clone(),
        kind: MethodKind::AuthenticatorApp,
        address: None,
        secret_sealed: Some(state.secrets.seal(&secret)),
        last_step: None,
        created_at_ms: state.now_ms(),
        verified_at_ms: None,
        last_used_ms: None,
    };
    methods::insert(&mut tx, &method).await?;
    tx.commit().await?;
    Ok(TotpEnrolment {
        method_id: id,
        secret: totp::base32(&secret),
        otpauth_uri: totp::otpauth_uri(&secret, &state.config.organisation_name, &user.email),
    })
}

/// `POST /api/account/methods/authenticator-app/confirm`: one current code saves the app.
pub async fn confirm(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    request: ConfirmMethod,
) -> Result<SecurityInfo, ApiError> {
    require_proof(state, signed_in)?;
    let user = &signed_in.user;
    require_enabled(state, user, MethodKind::AuthenticatorApp).await?;
    limits::enforce(state, VERIFY, &client.ip).await?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let pending = methods::by_id(&mut tx, &user.id, &request.method_id)
        .await?
        .filter(|m| m.kind == MethodKind::AuthenticatorApp && m.verified_at_ms.is_none());
    let Some(pending) = pending else {
        return Err(ApiError::not_found());
    };
    let secret = pending
        .secret_sealed
        .as_deref()
        .and_then(|s| state.secrets.open(s))
        .ok_or_else(|| anyhow::anyhow!("an authenticator secret that does not open"))?;
    let Some(step) = totp::verify(&secret, &request.code, now, None) else {
        return Err(wrong_app_code());
    };
    if !methods::mark_verified(&mut tx, &pending.id, Some(step), now).await? {
        return Err(ApiError::not_found());
    }
    record_change(
        &mut tx,
        state,
        client,
        user,
        MethodKind::AuthenticatorApp,
        true,
    )
    .await?;
    tx.commit().await?;
    state.outbox.wake();
    info(state, signed_in).await
}
