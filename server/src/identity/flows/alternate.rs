//! The alternate email as a reset method (SPEC C8, issue 12 "It can receive the reset
//! passcode"): a user whose verified alternate address counts for the reset policy may choose
//! it while the policy's `email` method is unproven. [`send`] mails a passcode there, and
//! `methods::prove` takes it back ([`check`]). It is the same `email` method as the account's
//! own address (as in Entra), so once the emailed code of a reset's first step is right it is
//! neither offered nor accepted as a second method (`domain::reset_methods::offered`): both
//! endpoints then refuse it as a method not offered for the step.
//!
//! It is the flows' own passcode (`super::method_codes`), not a second mechanism: a row of `passcodes` for the flow
//! (the emailed code is used by then), stored as a keyed hash under its own name
//! ([`HASH_PURPOSE`], so no code made for the account's address can stand for it), with the
//! configured length, lifetime and tries, counted and consumed by the same single statements
//! (`store::flows::count_try`, `consume`); a new send revokes the last. The message is the
//! reset's own template, through the outbox. Sends count against the client's and the
//! alternate address's limits, and after the first, wait the resend cooldown.

use super::method_codes;
use super::methods::{offered, Progress};
use super::{event, load};
use crate::domain::passcode::PasscodePolicy;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::admission::SendCounter;
use crate::mail::outbox;
use crate::mail::Mail;
use crate::policy::enforce as policy;
use crate::secrets::random_token;
use crate::store::audit;
use crate::store::flows::{self as store, Flow, NewPasscode};
use crate::store::script::Script;
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{Email, ErrorCode, FlowCodeSent, MethodKind};

/// The name a code for the alternate address is hashed under, instead of the flow's purpose.
pub const HASH_PURPOSE: &str = "alternate_email";

/// `POST /api/flows/{id}/alternate-email`: mails a passcode to the user's alternate address.
pub async fn send(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    id: &str,
) -> Result<FlowCodeSent, ApiError> {
    let now = state.now_ms();
    let mut conn = state.db.pool.acquire().await?;
    let flow = load(&mut conn, state, binding, id).await?;
    let progress = offered(&mut conn, state, &flow, MethodKind::AlternateEmail).await?;
    let rules = policy::read(&mut conn, state, flow.purpose).await?;
    drop(conn);
    let address = address_of(&progress)?;
    let passcodes = &rules.passcodes;
    let code = passcodes.generate();
    let lifetime_ms = passcodes.lifetime_for(flow.purpose);
    let mail = Mail::Passcode {
        purpose: flow.purpose,
        code: code.clone(),
        minutes: ((lifetime_ms + 59_999) / 60_000).max(1),
    };
    let sealed = state.seal_mail(&mail, address.as_str())?;
    let hash = state.secrets.passcode_hash(&flow.id, HASH_PURPOSE, &code);
    let counter = SendCounter::new(state, &rules, client, &address.canonical());
    let user_id = flow.user_id.clone().unwrap_or_default();

    let mut tx = state.db.begin_write().await?;
    let cooldown = passcodes.resend_cooldown_ms;
    if !store::claim_alternate_send(&mut tx, &flow.id, cooldown, now).await? {
        let wait_ms = flow.last_sent_at_ms + cooldown - now;
        return Err(ApiError::new(
            ErrorCode::ResendTooSoon,
            "A new code can be sent in a moment.",
        )
        .with_retry_after(u64::try_from((wait_ms.max(0) + 999) / 1000).unwrap_or(1)));
    }
    if !counter.count(&mut tx).await? {
        // Keep the counting, send nothing.
        tx.commit().await?;
        return Err(ApiError::new(
            ErrorCode::TooManyRequests,
            "Too many codes were sent. Wait before asking for another.",
        )
        .with_retry_after(60));
    }
    let passcode_id = random_token(16);
    let mut script = Script::default();
    store::replace_passcode(
        &mut script,
        &NewPasscode {
            id: &passcode_id,
            flow_id: &flow.id,
            code_hash: &hash,
            now_ms: now,
            expires_at_ms: now + lifetime_ms,
        },
    );
    outbox::queue_sealed(&mut script, now, sealed);
    let sent = event(
        client,
        "alternate_email_code_sent",
        "success",
        &user_id,
        flow.purpose,
    );
    audit::add_record(&mut script, &sent, now);
    script.run(&mut tx).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(FlowCodeSent {
        masked_email: address.masked(),
        code_length: passcodes.length,
        resend_after_secs: u64::try_from(cooldown / 1000).unwrap_or(0),
    })
}

/// The user's verified alternate address.
fn address_of(progress: &Progress) -> Result<Email, ApiError> {
    progress
        .registered
        .iter()
        .find(|m| m.kind == MethodKind::AlternateEmail)
        .and_then(|m| m.address.as_deref())
        .and_then(|a| Email::parse(a).ok())
        .ok_or_else(super::wrong_state)
}

/// Counts a try of `typed` against the flow's code for the alternate address and, when right,
/// consumes it: `None`, or the refusal to answer once the try is committed.
pub async fn check(
    conn: &mut AnyConnection,
    state: &AppState,
    flow: &Flow,
    passcodes: &PasscodePolicy,
    code: &str,
    now: i64,
) -> Result<Option<ApiError>, ApiError> {
    let refused = method_codes::check(
        conn,
        state,
        &flow.id,
        passcodes.max_attempts,
        HASH_PURPOSE,
        code,
        now,
    )
    .await?;
    Ok(refused.map(|r| {
        r.into_error("This code no longer works. Send a new code to your alternate email address.")
    }))
}

/// A code typed for the alternate address that is not even of the right shape.
pub fn malformed(passcodes: &PasscodePolicy) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidCode,
        format!(
            "Enter the {}-digit code we sent to your alternate email address.",
            passcodes.length
        ),
    )
}
