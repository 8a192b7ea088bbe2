//! Proving who the user is before changing their security info (SECURITY.md §19): a passcode
//! mailed to the account's address, or a code from an authenticator app they registered. A
//! proof holds for ten minutes in this session. A wrong app code counts towards the account's
//! lockout as a wrong password does, and while the account is locked no app code is checked.

use super::codes::{self, PROOF};
use super::{info_on, SecurityInfo};
use crate::domain::totp;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::limits::{self, FLOW_START, VERIFY};
use crate::identity::sessions::SignedIn;
use crate::identity::sign_in::{count_failure, refuse_while_locked};
use crate::mail::Mail;
use crate::store::audit::{self, Event};
use crate::store::{account_codes, methods, sessions, WriteTx};
use crate::AppState;
use sspr_api::{Email, ErrorCode, MethodKind, ProofSent, ProveIdentity, WireName};

/// `POST /api/account/proof/email`: mails a passcode to the account's address.
pub async fn send_email(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
) -> Result<ProofSent, ApiError> {
    limits::enforce(state, FLOW_START, &client.ip).await?;
    let user = &signed_in.user;
    let mut tx = state.db.begin_write().await?;
    let (code, minutes) = codes::issue(&mut tx, state, &user.id, PROOF, None).await?;
    let mail = Mail::AccountCode {
        code,
        minutes,
        verifying_address: false,
    };
    state
        .queue_mail(&mut tx, &mail, &user.email, client.language)
        .await?;
    let event = event(
        client,
        &user.id,
        "proof_code_sent",
        MethodKind::Email,
        "success",
    );
    audit::record(&mut tx, &event, state.now_ms()).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(ProofSent {
        masked_email: Email::parse(&user.email).map_or_else(|_| "•••".into(), |e| e.masked()),
        code_length: state.passcodes.length,
    })
}

/// `POST /api/account/proof`: checks the mailed passcode or an app's code and records the
/// proof in the session.
pub async fn prove(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    request: ProveIdentity,
) -> Result<SecurityInfo, ApiError> {
    let user = &signed_in.user;
    let now = state.now_ms();
    let mut tx = match request.method {
        MethodKind::Email => {
            let right = codes::check(state, client, &user.id, PROOF, &request.code).await?;
            let mut tx = state.db.begin_write().await?;
            if !account_codes::consume(&mut tx, &right.id).await? {
                return Err(codes::expired());
            }
            tx
        }
        MethodKind::AuthenticatorApp => {
            // Kept while the method is off, but not usable (403 `method_disabled`).
            super::require_enabled(state, user, MethodKind::AuthenticatorApp).await?;
            app_code(state, client, signed_in, &request.code).await?
        }
        _ => {
            return Err(ApiError::validation(
                "Prove it is you with a code from your email or your authenticator app.",
            ))
        }
    };
    sessions::record_proof(&mut tx, &signed_in.session.token_hash, now).await?;
    let event = event(
        client,
        &user.id,
        "security_info_proof",
        request.method,
        "success",
    );
    audit::record(&mut tx, &event, now).await?;
    tx.commit().await?;
    let mut conn = state.db.pool.acquire().await?;
    Ok(info_on(&mut conn, state, user, now).await?)
}

/// Accepts a current code of one of the user's apps (each step once); the open transaction
/// that recorded it.
async fn app_code(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    code: &str,
) -> Result<WriteTx, ApiError> {
    limits::enforce(state, VERIFY, &client.ip).await?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let user_id = &signed_in.user.id;
    refuse_while_locked(&mut tx, user_id, now).await?;
    let apps = methods::verified(&mut tx, user_id).await?;
    for app in apps
        .iter()
        .filter(|m| m.kind == MethodKind::AuthenticatorApp)
    {
        let Some(secret) = app
            .secret_sealed
            .as_deref()
            .and_then(|s| state.secrets.open(s))
        else {
            continue;
        };
        if let Some(step) = totp::verify(&secret, code, now, app.last_step) {
            if methods::accept_step(&mut tx, &app.id, step, now).await? {
                return Ok(tx);
            }
        }
    }
    let failed = event(
        client,
        &signed_in.user.id,
        "security_info_proof",
        MethodKind::AuthenticatorApp,
        "failure",
    );
    audit::record(&mut tx, &failed, now).await?;
    count_failure(&mut tx, state, client, user_id, now).await?;
    tx.commit().await?;
    Err(wrong_app_code())
}

/// An app code that is not right now (or was used already).
pub fn wrong_app_code() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidCode,
        "That code is not right. Enter the current six-digit code from your authenticator app.",
    )
}

fn event<'a>(
    client: &'a Client,
    user_id: &'a str,
    name: &'a str,
    method: MethodKind,
    outcome: &'a str,
) -> Event<'a> {
    Event {
        event: name,
        outcome,
        actor: Some(user_id),
        subject: Some(user_id),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: Some(serde_json::json!({ "method": method.as_str() })),
    }
}
