//! What the Sms and Voice configurations let one user do with a phone (SECURITY 26): whether
//! a passcode may be texted (`Sms`) or spoken in a call (`Voice`) to them, to which countries,
//! and under which daily caps. A method that is off, does not target the user, or allows no
//! country (the default) gives nothing.

use super::{enforce::targets_user, methods};
use crate::domain::phone::{DEFAULT_SENDS_PER_DAY, DEFAULT_SENDS_PER_NUMBER_PER_DAY};
use sqlx::AnyConnection;
use sspr_api::graph::{MethodConfiguration, MethodId, MethodState};
use sspr_api::PhoneDelivery;

/// The rules for sending to a user's phone one way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneRules {
    /// ISO 3166 alpha-2 codes; never empty.
    pub allowed_countries: Vec<String>,
    pub sends_per_number_per_day: i64,
    pub sends_per_day: i64,
    /// Voice: whether an office phone may be registered.
    pub office_phone_allowed: bool,
}

/// The configuration that rules `delivery`.
pub fn method_of(delivery: PhoneDelivery) -> MethodId {
    match delivery {
        PhoneDelivery::Sms => MethodId::Sms,
        PhoneDelivery::Voice => MethodId::Voice,
    }
}

/// Whether a phone method's configuration can deliver at all: it allows at least one country.
pub fn usable(configuration: &MethodConfiguration) -> bool {
    configuration
        .allowed_countries
        .as_ref()
        .is_some_and(|c| !c.is_empty())
}

/// The rules for `delivery` to `user_id`, or `None` when it is not allowed at all.
pub async fn rules(
    conn: &mut AnyConnection,
    config: &crate::Config,
    user_id: &str,
    delivery: PhoneDelivery,
) -> Result<Option<PhoneRules>, sqlx::Error> {
    let configuration = methods::load_one(conn, config, method_of(delivery)).await?;
    if configuration.state != MethodState::Enabled
        || !usable(&configuration)
        || !targets_user(conn, &configuration, user_id).await?
    {
        return Ok(None);
    }
    let countries = configuration.allowed_countries.clone().unwrap_or_default();
    Ok(Some(PhoneRules {
        allowed_countries: countries,
        sends_per_number_per_day: i64::from(
            configuration
                .max_sends_per_number_per_day
                .unwrap_or(DEFAULT_SENDS_PER_NUMBER_PER_DAY),
        ),
        sends_per_day: i64::from(
            configuration
                .max_sends_per_day
                .unwrap_or(DEFAULT_SENDS_PER_DAY),
        ),
        office_phone_allowed: configuration.is_office_phone_allowed == Some(true),
    }))
}

/// Whether a mobile phone may be registered by `user_id`: by text or by call.
pub async fn mobile_allowed(
    conn: &mut AnyConnection,
    config: &crate::Config,
    user_id: &str,
) -> Result<bool, sqlx::Error> {
    for delivery in [PhoneDelivery::Sms, PhoneDelivery::Voice] {
        if rules(conn, config, user_id, delivery).await?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}
