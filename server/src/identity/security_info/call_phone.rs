//! Adding an alternate phone or an office phone (seed 003): numbers that are called, never
//! texted, so the `Voice` configuration rules them — on, targeting the user, the number's
//! country in its allow-list, and for an office phone `isOfficePhoneAllowed`. An office phone
//! keeps its extension, which the call dials once answered (the spoken text reads the code one
//! digit at a time). As for the mobile phone (`super::mobile_phone`, whose sending and
//! confirming these share), the number counts only once the spoken code comes back, the daily
//! caps hold sends back with the same answer, and a newly verified phone replaces the old one
//! of its kind, the user told of both.

use super::codes::{ALTERNATE_PHONE, OFFICE_PHONE};
use super::mobile_phone::{confirm_kind, send_code, Pending};
use super::{require_enabled, require_proof};
use crate::domain::phone::{self, PhoneError, PhoneKind};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::sessions::SignedIn;
use crate::phone::Channel;
use crate::policy::phones;
use crate::AppState;
use sspr_api::{
    AddCallPhone, ConfirmMethod, ErrorCode, MethodKind, PendingPhone, PhoneDelivery, SecurityInfo,
};

/// The code purpose of a phone `kind` that is called.
fn purpose_of(kind: MethodKind) -> &'static str {
    if kind == MethodKind::OfficePhone {
        OFFICE_PHONE
    } else {
        ALTERNATE_PHONE
    }
}

/// `POST /api/account/methods/alternate-phone` or `…/office-phone`: a pending phone of `kind`
/// and its spoken passcode.
pub async fn add(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    kind: MethodKind,
    request: AddCallPhone,
) -> Result<PendingPhone, ApiError> {
    require_proof(state, signed_in)?;
    let user = &signed_in.user;
    require_enabled(state, user, kind).await?;
    let rules = {
        let mut conn = state.db.pool.acquire().await?;
        phones::rules(&mut conn, &state.config, &user.id, PhoneDelivery::Voice).await?
    };
    let rules = rules
        .filter(|r| kind != MethodKind::OfficePhone || r.office_phone_allowed)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::MethodDisabled,
                "Your administrator has not enabled this method for you.",
            )
        })?;
    let phone_kind = if kind == MethodKind::OfficePhone {
        PhoneKind::Office
    } else {
        PhoneKind::Alternate
    };
    let number = phone::parse(
        phone_kind,
        &request.number,
        request.extension.as_deref(),
        request.country.as_deref(),
    )
    .map_err(refusal)?;
    let pending = Pending {
        kind,
        purpose: purpose_of(kind),
        number,
        channel: Channel::Voice,
    };
    send_code(state, client, user, &rules, pending).await
}

/// `POST /api/account/methods/alternate-phone/confirm` or `…/office-phone/confirm`: the spoken
/// code verifies the phone.
pub async fn confirm(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    kind: MethodKind,
    request: ConfirmMethod,
) -> Result<SecurityInfo, ApiError> {
    confirm_kind(state, client, signed_in, kind, purpose_of(kind), request).await
}

/// A number that cannot be used, in words.
fn refusal(error: PhoneError) -> ApiError {
    ApiError::validation(match error {
        PhoneError::Unreadable => {
            "Enter the number with its country code, such as +44 20 7946 0123, or choose its country."
        }
        PhoneError::Invalid => "This is not a valid phone number. Check it and try again.",
        PhoneError::Unsupported => {
            "This number cannot receive calls with codes. Enter a number that is not premium-rate."
        }
        PhoneError::ExtensionNotAllowed => {
            "Only an office phone has an extension. Enter the number alone."
        }
        PhoneError::BadExtension => "An extension is 1 to 10 digits.",
    })
}
