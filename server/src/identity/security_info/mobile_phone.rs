//! Adding a mobile phone (seed 003, SECURITY 26): the number is read and normalised to E.164,
//! a passcode goes to it by text message (`Sms`) or automated call (`Voice`), and the phone
//! counts only once that code comes back. A user has one mobile phone; a newly verified one
//! replaces the old.
//!
//! Against SMS pumping, a send needs the method on for the user, the number's country in the
//! administrator's allow-list, and room under two daily caps counted atomically in the
//! database: sends to this number (whoever asks) and sends of this kind by the whole service
//! (numbers outside the allow-list are not counted, so they cannot use up the day's sends).
//! When the country is not allowed or a cap is reached nothing is sent, but the answer, and the
//! rows written, are the same as for a send: a caller cannot tell which numbers or countries
//! are worth pumping. The audit log records which it was.

use super::codes::{self, MOBILE_PHONE};
use super::{info, record_change, require_enabled, require_proof};
use crate::domain::phone::{self, Phone, PhoneError, PhoneKind};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::limits::{self, FLOW_START};
use crate::identity::sessions::SignedIn;
use crate::phone::outbox::{self as phone_outbox, Sealed};
use crate::phone::{caps, Channel, PhoneMessage};
use crate::policy::phones;
use crate::secrets::random_token;
use crate::store::methods::{self, Method};
use crate::store::script::Script;
use crate::store::users::User;
use crate::store::{account_codes, audit};
use crate::AppState;
use sspr_api::{
    AddMobilePhone, ConfirmMethod, ErrorCode, MethodKind, PendingPhone, PhoneDelivery,
    SecurityInfo, WireName,
};

/// `POST /api/account/methods/mobile-phone`: a pending phone and its passcode.
pub async fn add(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    request: AddMobilePhone,
) -> Result<PendingPhone, ApiError> {
    require_proof(state, signed_in)?;
    let user = &signed_in.user;
    require_enabled(state, user, MethodKind::MobilePhone).await?;
    let rules = {
        let mut conn = state.db.pool.acquire().await?;
        phones::rules(&mut conn, &state.config, &user.id, request.delivery).await?
    };
    let Some(rules) = rules else {
        return Err(ApiError::new(
            ErrorCode::MethodDisabled,
            match request.delivery {
                PhoneDelivery::Sms => "Codes cannot be sent by text message. Choose a call.",
                PhoneDelivery::Voice => {
                    "Codes cannot be sent by phone call. Choose a text message."
                }
            },
        ));
    };
    let number = phone::parse(
        PhoneKind::Mobile,
        &request.number,
        None,
        request.country.as_deref(),
    )
    .map_err(refusal)?;
    let channel = match request.delivery {
        PhoneDelivery::Sms => Channel::Sms,
        PhoneDelivery::Voice => Channel::Voice,
    };
    let pending = Pending {
        kind: MethodKind::MobilePhone,
        purpose: MOBILE_PHONE,
        number,
        channel,
    };
    send_code(state, client, user, &rules, pending).await
}

/// A phone about to be registered: its kind, the code's purpose, the number, and how the code
/// reaches it.
pub(super) struct Pending {
    pub kind: MethodKind,
    pub purpose: &'static str,
    pub number: Phone,
    pub channel: Channel,
}

/// Stores `pending` as a pending method of `user` and sends its passcode through the phone
/// outbox, under the caps of `rules` (the same rows and answer when held back).
pub(super) async fn send_code(
    state: &AppState,
    client: &Client,
    user: &User,
    rules: &phones::PhoneRules,
    pending: Pending,
) -> Result<PendingPhone, ApiError> {
    let Pending {
        kind,
        purpose,
        number,
        channel,
    } = pending;
    limits::enforce(state, FLOW_START, &client.ip).await?;
    let id = random_token(16);
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let withheld = caps::count(&mut tx, state, rules, &number, channel, now).await?;
    let method = Method {
        id: id.clone(),
        user_id: user.id.clone(),
        kind,
        address: Some(phone::stored(&number)),
        secret_sealed: None,
        last_step: None,
        created_at_ms: now,
        verified_at_ms: None,
        last_used_ms: None,
    };
    methods::insert(&mut tx, &method).await?;
    let (code, _) = codes::issue(&mut tx, state, &user.id, purpose, Some(&id)).await?;
    let organisation = &state.config.organisation_name;
    let message = match channel {
        Channel::Sms => {
            PhoneMessage::code_by_text(purpose, client.language, organisation, &number.e164, &code)
        }
        Channel::Voice => PhoneMessage::code_by_call(
            purpose,
            client.language,
            organisation,
            &number.e164,
            number.extension.as_deref(),
            &code,
        ),
    };
    let sealed = Sealed::seal(&state.secrets, &message)?;
    let mut script = Script::default();
    match withheld {
        None => phone_outbox::queue_sealed(&mut script, now, sealed),
        Some(_) => phone_outbox::queue_suppressed(&mut script, now, purpose, channel),
    }
    script.run(&mut tx).await?;
    let detail = serde_json::json!({
        "method": kind.as_str(),
        "channel": channel.as_str(),
        "country": number.country,
        "reason": withheld,
    });
    let event = audit::Event {
        event: "phone_code_sent",
        outcome: if withheld.is_some() {
            "suppressed"
        } else {
            "success"
        },
        actor: Some(&user.id),
        subject: Some(&user.id),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: Some(detail),
    };
    audit::record(&mut tx, &event, now).await?;
    tx.commit().await?;
    state.phone_outbox.wake();
    Ok(PendingPhone {
        method_id: id,
        masked_number: phone::mask(&number.e164),
        code_length: state.passcodes.length,
    })
}

/// A number that cannot be used, in words.
fn refusal(error: PhoneError) -> ApiError {
    ApiError::validation(match error {
        PhoneError::Unreadable => {
            "Enter the number with its country code, such as +44 7400 123456, or choose its country."
        }
        PhoneError::Invalid => "This is not a valid phone number. Check it and try again.",
        PhoneError::Unsupported => {
            "This number cannot receive codes. Enter a mobile number that is not premium-rate."
        }
        PhoneError::ExtensionNotAllowed | PhoneError::BadExtension => {
            "A mobile number has no extension. Enter the number alone."
        }
    })
}

/// `POST /api/account/methods/mobile-phone/confirm`: the texted or spoken code verifies the
/// phone.
pub async fn confirm(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    request: ConfirmMethod,
) -> Result<SecurityInfo, ApiError> {
    confirm_kind(
        state,
        client,
        signed_in,
        MethodKind::MobilePhone,
        MOBILE_PHONE,
        request,
    )
    .await
}

/// The code of a pending phone of `kind` verifies it; it replaces the user's earlier phone
/// of that kind, and both the addition and the replaced phone's removal are told and audited.
pub(super) async fn confirm_kind(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    kind: MethodKind,
    purpose: &'static str,
    request: ConfirmMethod,
) -> Result<SecurityInfo, ApiError> {
    require_proof(state, signed_in)?;
    let user = &signed_in.user;
    require_enabled(state, user, kind).await?;
    let right = codes::check(state, client, &user.id, purpose, &request.code).await?;
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
    let replaced = methods::verified(&mut tx, &user.id)
        .await?
        .iter()
        .any(|m| m.kind == kind && m.id != request.method_id);
    methods::delete_others(&mut tx, &user.id, kind, &request.method_id).await?;
    if replaced {
        record_change(&mut tx, state, client, user, kind, false).await?;
    }
    record_change(&mut tx, state, client, user, kind, true).await?;
    tx.commit().await?;
    state.outbox.wake();
    info(state, signed_in).await
}
