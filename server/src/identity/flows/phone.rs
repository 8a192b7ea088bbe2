//! A phone as a reset method (SPEC C8, seed 003: "Text my mobile phone", "Call my mobile
//! phone", "Call my alternate phone", "Call my office phone"): once the emailed code is right,
//! a user whose verified phone the reset policy counts is offered it once for each way the `Sms` and `Voice` configurations let a
//! code reach them there — the configuration on and targeting them, and the number's country
//! in its allow-list, and for an office phone `isOfficePhoneAllowed` ([`choices`]); alternate
//! and office phones are called only, an office phone's call dialling its extension. Only
//! the masked number is ever shown.
//!
//! [`send`] texts or calls a passcode through the phone outbox (the provider is never called
//! inside the request), counted against the same daily caps as a registration
//! (`phone::caps`); when a cap holds it back, the rows written and the answer are the same as
//! for a send, and only the audit log (`phone_code_sent`, `success` or `suppressed`) tells.
//! The code is the flows' own method passcode (`super::method_codes`), hashed under the
//! phone's kind ([`hash_purpose`]), so a texted code cannot stand for another method; it is
//! proven with `POST /api/flows/{id}/prove` like the alternate address's code, each try
//! counted atomically, single use. After the first send, another waits the resend cooldown.

use super::methods::{offered, Progress};
use super::{event, load_with_rules, wrong_state};
use crate::domain::phone::{self as numbers, Phone};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::limits::{self, FLOW_START};
use crate::phone::outbox::{self as phone_outbox, Sealed};
use crate::phone::{caps, Channel, PhoneMessage};
use crate::policy::phones;
use crate::secrets::random_token;
use crate::store::audit;
use crate::store::flows::{self as store, NewPasscode};
use crate::store::methods::Method;
use crate::store::script::Script;
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{
    ErrorCode, FlowPhoneCodeSent, MethodChoice, MethodKind, PhoneDelivery, SendPhoneCode, WireName,
};

/// Whether `kind` is a phone.
pub fn is_phone(kind: MethodKind) -> bool {
    matches!(
        kind,
        MethodKind::MobilePhone | MethodKind::AlternatePhone | MethodKind::OfficePhone
    )
}

/// The name a code for a phone of `kind` is hashed under, instead of the flow's purpose.
pub fn hash_purpose(kind: MethodKind) -> &'static str {
    match kind {
        MethodKind::MobilePhone => "phone:mobile_phone",
        MethodKind::AlternatePhone => "phone:alternate_phone",
        MethodKind::OfficePhone => "phone:office_phone",
        _ => "phone:other",
    }
}

/// How a phone of `kind` may receive a code: a mobile phone by text or call, the others by
/// call only.
fn deliveries(kind: MethodKind) -> &'static [PhoneDelivery] {
    match kind {
        MethodKind::MobilePhone => &[PhoneDelivery::Sms, PhoneDelivery::Voice],
        MethodKind::AlternatePhone | MethodKind::OfficePhone => &[PhoneDelivery::Voice],
        _ => &[],
    }
}

/// The choices a verified phone gives the method step: one per way the policies let a code
/// reach it (none when its country is not allowed, or the method is off for the user).
pub async fn choices(
    conn: &mut AnyConnection,
    config: &crate::Config,
    user_id: &str,
    method: &Method,
) -> Result<Vec<MethodChoice>, sqlx::Error> {
    let Some(phone) = method.address.as_deref().and_then(numbers::read_stored) else {
        return Ok(Vec::new());
    };
    let mut choices = Vec::new();
    for &delivery in deliveries(method.kind) {
        if let Some(rules) = phones::rules(conn, config, user_id, delivery).await? {
            let office_ok = method.kind != MethodKind::OfficePhone || rules.office_phone_allowed;
            if office_ok && rules.allowed_countries.contains(&phone.country) {
                choices.push(MethodChoice {
                    kind: method.kind,
                    detail: numbers::mask(&phone.e164),
                    delivery: Some(delivery),
                });
            }
        }
    }
    Ok(choices)
}

/// `POST /api/flows/{id}/phone`: texts or calls a passcode to one of the user's phones.
pub async fn send(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    id: &str,
    request: SendPhoneCode,
) -> Result<FlowPhoneCodeSent, ApiError> {
    if !is_phone(request.method) {
        return Err(not_offered());
    }
    let now = state.now_ms();
    let mut conn = state.db.pool.acquire().await?;
    let (flow, rules) = load_with_rules(&mut conn, state, binding, id).await?;
    let progress = offered(&mut conn, state, rules.settings(), &flow, request.method).await?;
    if !progress
        .choices
        .iter()
        .any(|c| c.kind == request.method && c.delivery == Some(request.delivery))
    {
        return Err(not_offered());
    }
    let user_id = flow.user_id.clone().ok_or_else(wrong_state)?;
    let phone_rules = phones::rules(&mut conn, &state.config, &user_id, request.delivery)
        .await?
        .ok_or_else(not_offered)?;
    drop(conn);
    let phone = phone_of(&progress, request.method)?;
    limits::enforce(state, FLOW_START, &client.ip).await?;

    let passcodes = &rules.passcodes;
    let code = passcodes.generate();
    let lifetime_ms = passcodes.lifetime_for(flow.purpose);
    let organisation = &state.config.organisation_name;
    let purpose = flow.purpose.as_str();
    let (channel, message) = match request.delivery {
        PhoneDelivery::Sms => (
            Channel::Sms,
            PhoneMessage::code_by_text(purpose, client.language, organisation, &phone.e164, &code),
        ),
        PhoneDelivery::Voice => (
            Channel::Voice,
            PhoneMessage::code_by_call(
                purpose,
                client.language,
                organisation,
                &phone.e164,
                phone.extension.as_deref(),
                &code,
            ),
        ),
    };
    let sealed = Sealed::seal(&state.secrets, &message)?;
    let hash = state
        .secrets
        .passcode_hash(&flow.id, hash_purpose(request.method), &code);

    let mut tx = state.db.begin_write().await?;
    let cooldown = passcodes.resend_cooldown_ms;
    if !store::claim_method_send(&mut tx, &flow.id, cooldown, now).await? {
        let wait_ms = flow.last_sent_at_ms + cooldown - now;
        return Err(ApiError::new(
            ErrorCode::ResendTooSoon,
            "A new code can be sent in a moment.",
        )
        .with_retry_after(u64::try_from((wait_ms.max(0) + 999) / 1000).unwrap_or(1)));
    }
    let withheld = caps::count(&mut tx, state, &phone_rules, &phone, channel, now).await?;
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
    match withheld {
        None => phone_outbox::queue_sealed(&mut script, now, sealed),
        Some(_) => phone_outbox::queue_suppressed(&mut script, now, purpose, channel),
    }
    let outcome = if withheld.is_some() {
        "suppressed"
    } else {
        "success"
    };
    let mut sent = event(client, "phone_code_sent", outcome, &user_id, flow.purpose);
    sent.detail = Some(serde_json::json!({
        "purpose": purpose,
        "method": request.method.as_str(),
        "channel": channel.as_str(),
        "country": phone.country,
        "reason": withheld,
    }));
    audit::add_record(&mut script, &sent, now);
    script.run(&mut tx).await?;
    tx.commit().await?;
    state.phone_outbox.wake();
    Ok(FlowPhoneCodeSent {
        masked_number: numbers::mask(&phone.e164),
        code_length: passcodes.length,
        resend_after_secs: u64::try_from(cooldown / 1000).unwrap_or(0),
    })
}

/// The user's verified phone of `kind`.
fn phone_of(progress: &Progress, kind: MethodKind) -> Result<Phone, ApiError> {
    progress
        .registered
        .iter()
        .find(|m| m.kind == kind)
        .and_then(|m| m.address.as_deref())
        .and_then(numbers::read_stored)
        .ok_or_else(wrong_state)
}

/// A code typed for a phone that is not even of the right shape.
pub fn malformed(length: u8) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidCode,
        format!("Enter the {length}-digit code we sent to your phone."),
    )
}

/// What a dead phone code's refusal says.
pub const DEAD: &str = "This code no longer works. Send a new code to your phone.";

fn not_offered() -> ApiError {
    ApiError::validation("Choose one of the phones offered for this step, and how to reach it.")
}
