//! The authenticator app's side of push with number matching (issue 13): pairing, listing the
//! requests waiting for the user, and answering one.
//!
//! **Only the holder of the device's private key can act.** Pairing is the one step without a
//! signature: it needs the single-use, five-minute secret of the link the signed-in user was
//! shown, and it stores the device's public key (SEC1 point, base64url) and nothing secret.
//! From then on a device is its method id plus signatures that the server checks with that key:
//!
//! - listing (`GET /api/authenticator/requests`) sends the device id, the device's clock and a
//!   signature over `sspr_api::push::list_message(id, clock)`; the clock must be within a
//!   minute of the server's. A captured listing replays for at most that minute and only shows
//!   what it showed (never the number, which only the reset page displays);
//! - answering signs `sspr_api::push::answer_message` — the request's id, its server-chosen
//!   random nonce, the number typed and the decision — so a signature is worth one decision on
//!   one request. The request moves out of `pending` once, by one conditional `UPDATE` that also
//!   checks its expiry, so a replay, a second answer or a late one is refused.
//!
//! A signature that does not verify with the named device's key, or a device of another user,
//! is refused without touching the request (a stranger cannot deny a user's request) and
//! audited. A good signature with the wrong number, or a denial, ends the request; the right
//! number with approve proves the method for the reset in the same transaction.

use crate::domain::{push as rules, totp};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::flows::push::{expire, prove_in};
use crate::identity::limits::{self, VERIFY};
use crate::identity::security_info::record_change;
use crate::policy::registration;
use crate::secrets::looks_like_token;
use crate::store::audit::{self, Event};
use crate::store::methods::{self, Method};
use crate::store::push::{self as store, Device};
use crate::store::users;
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::push::{answer_message, list_message};
use sspr_api::{
    Email, ErrorCode, MethodKind, PairDevice, PairedDevice, PushAnswer, PushRequest, PushRequests,
    PushState, PushStatus, WireName,
};

/// `POST /api/authenticator/pair`: stores the device's public key, once.
pub async fn pair(
    state: &AppState,
    client: &Client,
    request: PairDevice,
) -> Result<PairedDevice, ApiError> {
    limits::enforce(state, VERIFY, &client.ip).await?;
    let (method_id, secret) = request
        .pairing_code
        .split_once('.')
        .filter(|(id, secret)| looks_like_token(id) && looks_like_token(secret))
        .ok_or_else(invalid_pairing)?;
    if rules::parse_key(&request.public_key).is_none() {
        return Err(ApiError::validation(
            "The public key is not a P-256 point (SEC1, base64url).",
        ));
    }
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let hash = state.secrets.token_hash(secret);
    let Some(user_id) =
        store::complete_pairing(&mut tx, method_id, &hash, &request.public_key, now).await?
    else {
        return Err(invalid_pairing());
    };
    let pending = methods::by_id(&mut tx, &user_id, method_id)
        .await?
        .filter(|m| m.kind == MethodKind::MicrosoftAuthenticator);
    let user = users::by_id(&mut tx, &user_id).await?;
    let (Some(pending), Some(user)) = (pending, user) else {
        return Err(invalid_pairing());
    };
    let sealed = pending
        .secret_sealed
        .clone()
        .ok_or_else(|| anyhow::anyhow!("a pending device without its app-code seed"))?;
    let seed = state
        .secrets
        .open(&sealed)
        .ok_or_else(|| anyhow::anyhow!("an app-code seed that does not open"))?;
    if !methods::mark_verified(&mut tx, method_id, None, now).await? {
        return Err(invalid_pairing());
    }
    // The same app shows codes: its seed is registered as an authenticator app, verified by
    // the pairing itself (the device proved it received the link the signed-in user was shown),
    // when the policies let the user use app codes (`isSoftwareOathEnabled`, or `SoftwareOath`).
    let codes = registration::read(&mut tx, state, &user_id)
        .await?
        .allows(MethodKind::AuthenticatorApp);
    let app = Method {
        id: crate::secrets::random_token(16),
        user_id: user_id.clone(),
        kind: MethodKind::AuthenticatorApp,
        address: None,
        secret_sealed: Some(sealed),
        last_step: None,
        created_at_ms: now,
        verified_at_ms: Some(now),
        last_used_ms: None,
    };
    if codes {
        methods::insert(&mut tx, &app).await?;
    }
    record_change(
        &mut tx,
        state,
        client,
        &user,
        MethodKind::MicrosoftAuthenticator,
        true,
    )
    .await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(PairedDevice {
        device_id: method_id.to_owned(),
        account: Email::parse(&user.email).map_or_else(|_| "•••".into(), |e| e.masked()),
        issuer: state.config.organisation_name.clone(),
        totp_secret: codes.then(|| totp::base32(&seed)),
    })
}

/// `GET /api/authenticator/requests`: the requests waiting for the device's user.
pub async fn requests(
    state: &AppState,
    device_id: &str,
    time_ms: i64,
    signature: &str,
) -> Result<PushRequests, ApiError> {
    let now = state.now_ms();
    let mut conn = state.db.pool.acquire().await?;
    let device = signed_by(
        &mut conn,
        device_id,
        &list_message(device_id, time_ms),
        signature,
    )
    .await?
    .ok_or_else(refused)?;
    if !rules::fresh(time_ms, now) {
        return Err(ApiError::new(
            ErrorCode::Unauthorized,
            "This device's clock is more than a minute off. Set it right and try again.",
        ));
    }
    let pending = store::pending_for(&mut conn, &device.user_id, now).await?;
    Ok(PushRequests {
        requests: pending
            .into_iter()
            .map(|c| PushRequest {
                challenge_id: c.id,
                nonce: c.nonce,
                application: c.application,
                location: c.location,
                created_at_ms: c.created_at_ms,
                expires_at_ms: c.expires_at_ms,
            })
            .collect(),
    })
}

/// `POST /api/authenticator/requests/{id}/answer`: the device's signed decision.
pub async fn answer(
    state: &AppState,
    client: &Client,
    challenge_id: &str,
    request: PushAnswer,
) -> Result<PushStatus, ApiError> {
    limits::enforce(state, VERIFY, &client.ip).await?;
    if !looks_like_token(challenge_id) {
        return Err(ApiError::not_found());
    }
    let mut conn = state.db.pool.acquire().await?;
    let challenge = store::challenge(&mut conn, challenge_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let message = answer_message(
        &challenge.id,
        &challenge.nonce,
        request.number,
        request.decision,
    );
    let device = signed_by(&mut conn, &request.device_id, &message, &request.signature)
        .await?
        .filter(|d| d.user_id == challenge.user_id);
    drop(conn);
    let now = state.now_ms();
    let Some(device) = device else {
        let mut tx = state.db.begin_write().await?;
        let event = push_event(client, &challenge.user_id, "refused", &challenge.id, None);
        audit::record(&mut tx, &event, now).await?;
        tx.commit().await?;
        return Err(refused());
    };
    let outcome = rules::outcome(challenge.number, request.number, request.decision);
    let mut tx = state.db.begin_write().await?;
    if store::settle(&mut tx, &challenge.id, outcome, &device.method_id, now).await? {
        if outcome == PushState::Approved {
            prove_in(&mut tx, &challenge.flow_id).await?;
            methods::touch(&mut tx, &device.method_id, now).await?;
        }
        let event = push_event(
            client,
            &challenge.user_id,
            outcome.as_str(),
            &challenge.id,
            Some(&device.method_id),
        );
        audit::record(&mut tx, &event, now).await?;
        tx.commit().await?;
        return Ok(PushStatus { state: outcome });
    }
    drop(tx);
    if challenge.state == PushState::Pending && challenge.expires_at_ms <= now {
        expire(state, client, &challenge, now).await?;
    }
    let mut conn = state.db.pool.acquire().await?;
    let after = store::challenge(&mut conn, challenge_id)
        .await?
        .map_or(PushState::Expired, |c| c.state);
    Err(match after {
        PushState::Expired | PushState::Pending => ApiError::new(
            ErrorCode::CodeExpired,
            "This request has expired. Start again on the page that sent it.",
        ),
        _ => ApiError::new(
            ErrorCode::FlowWrongState,
            "This request was already answered or replaced.",
        ),
    })
}

/// The paired device `device_id` if `signature` is its key's over `message`.
async fn signed_by(
    conn: &mut AnyConnection,
    device_id: &str,
    message: &[u8],
    signature: &str,
) -> Result<Option<Device>, sqlx::Error> {
    if !looks_like_token(device_id) {
        return Ok(None);
    }
    let device = store::device(conn, device_id).await?;
    Ok(device.filter(|d| {
        d.public_key
            .as_deref()
            .is_some_and(|key| rules::verify(key, message, signature))
    }))
}

/// The audit record of an answer: `outcome` is the request's new state, or `refused`.
fn push_event<'a>(
    client: &'a Client,
    user_id: &'a str,
    outcome: &'a str,
    challenge_id: &str,
    device_id: Option<&str>,
) -> Event<'a> {
    Event {
        event: "push_answered",
        outcome,
        actor: None,
        subject: Some(user_id),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: Some(serde_json::json!({
            "method": MethodKind::MicrosoftAuthenticator.as_str(),
            "challenge": challenge_id,
            "device": device_id,
        })),
    }
}

fn invalid_pairing() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "This pairing link is not valid any more. Start again on your security info page.",
    )
}

fn refused() -> ApiError {
    ApiError::new(
        ErrorCode::Unauthorized,
        "This device is not paired with this account, or its signature is not valid.",
    )
}
