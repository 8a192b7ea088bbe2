//! Adding an alternate email address (seed 003): a passcode goes to the new address, and the
//! address counts (and can receive reset codes) only once that code comes back. A user has one
//! alternate address; a newly verified one replaces the old.

use super::codes::{self, ALTERNATE_EMAIL};
use super::{info, record_change, require_enabled, require_proof};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::limits::{self, FLOW_START};
use crate::identity::sessions::SignedIn;
use crate::mail::Mail;
use crate::secrets::random_token;
use crate::store::methods::{self, Method};
use crate::store::{account_codes, audit};
use crate::AppState;
use sspr_api::{AddAlternateEmail, ConfirmMethod, MethodKind, PendingMethod, SecurityInfo};

/// `POST /api/account/methods/alternate-email`: a pending address and its mailed code.
pub async fn add(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    request: AddAlternateEmail,
) -> Result<PendingMethod, ApiError> {
    require_proof(state, signed_in)?;
    let user = &signed_in.user;
    require_enabled(state, user, MethodKind::AlternateEmail).await?;
    if request.email.canonical() == user.email_canonical {
        return Err(ApiError::validation(
            "That is your account's own address. Enter another one.",
        ));
    }
    limits::enforce(state, FLOW_START, &client.ip).await?;
    let id = random_token(16);
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let method = Method {
        id: id.clone(),
        user_id: user.id.clone(),
        kind: MethodKind::AlternateEmail,
        address: Some(request.email.to_string()),
        secret_sealed: None,
        last_step: None,
        created_at_ms: now,
        verified_at_ms: None,
        last_used_ms: None,
    };
    methods::insert(&mut tx, &method).await?;
    let (code, minutes) =
        codes::issue(&mut tx, state, &user.id, ALTERNATE_EMAIL, Some(&id)).await?;
    let mail = Mail::AccountCode {
        code,
        minutes,
        verifying_address: true,
    };
    state
        .queue_mail(&mut tx, &mail, request.email.as_str(), client.language)
        .await?;
    let event = audit::Event {
        event: "alternate_email_code_sent",
        outcome: "success",
        actor: Some(&user.id),
        subject: Some(&user.id),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: None,
    };
    audit::record(&mut tx, &event, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(PendingMethod {
        method_id: id,
        masked_email: request.email.masked(),
        code_length: state.passcodes.length,
    })
}

/// `POST /api/account/methods/alternate-email/confirm`: the mailed code verifies the address.
pub async fn confirm(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    request: ConfirmMethod,
) -> Result<SecurityInfo, ApiError> {
    require_proof(state, signed_in)?;
    let user = &signed_in.user;
    require_enabled(state, user, MethodKind::AlternateEmail).await?;
    let right = codes::check(state, client, &user.id, ALTERNATE_EMAIL, &request.code).await?;
    if right.method_id.as_deref() != Some(request.method_id.as_str()) {
        return Err(ApiError::not_found());
    }
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    if !account_codes::consume(&mut tx, &right.id).await?
        || !methods::mark_verified(&mut tx, &request.method_id, None, now).await?
    {
        return Err(codes::expired());
    }
    methods::delete_others(
        &mut tx,
        &user.id,
        MethodKind::AlternateEmail,
        &request.method_id,
    )
    .await?;
    record_change(
        &mut tx,
        state,
        client,
        user,
        MethodKind::AlternateEmail,
        true,
    )
    .await?;
    tx.commit().await?;
    state.outbox.wake();
    info(state, signed_in).await
}
