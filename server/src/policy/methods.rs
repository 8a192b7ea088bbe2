//! The authentication methods policy: one configuration per method (document `method:<Id>`) and
//! the policy's own settings (document `methods`), in Graph's shapes (`sspr_api::graph`).
//!
//! Email OTP, the authenticator app (`SoftwareOath`, `MicrosoftAuthenticator`: its codes unless
//! `isSoftwareOathEnabled` is false, and its push approvals) and the security questions are used
//! by this service's flows; the other methods Graph lists are stored and
//! answered so Graph scripts that read or set them work, and wait for their features. The
//! security questions' configuration (`SecurityQuestions`) is this product's own type in the
//! same collection, since Graph has none: on for everyone by default, so the reset policy's
//! methods alone decide as before until an administrator targets it. The phone methods (Sms,
//! Voice) carry the country allow-list and the daily caps against SMS pumping (SECURITY 26) as
//! extension properties; with no country allowed, the default, they are off whatever their
//! state.

use crate::config::Config;
use crate::domain::passcode::{
    ATTEMPTS_BOUNDS, DEFAULT_LENGTH, DEFAULT_MAX_ATTEMPTS, GUEST_LIFETIME_BOUNDS, LENGTH_BOUNDS,
    LIFETIME_BOUNDS,
};
use crate::domain::phone::{
    is_country, DEFAULT_SENDS_PER_DAY, DEFAULT_SENDS_PER_NUMBER_PER_DAY, SENDS_PER_DAY_BOUNDS,
    SENDS_PER_NUMBER_PER_DAY_BOUNDS,
};
use crate::store::groups::{self, ALL_USERS};
use crate::store::policies::{self as store, Document};
use crate::store::users;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use sspr_api::graph::{
    AdvancedConfigState, CampaignIncludeTarget, ExcludeTarget, ExternalEmailOtpState,
    IncludeTarget, MethodConfiguration, MethodConfigurationPatch, MethodId, MethodState,
    MethodsPolicyPatch, PolicyMigrationState, RegistrationCampaign, RegistrationEnforcement,
    TargetType,
};

/// The document id of the policy's own settings.
pub const SETTINGS_ID: &str = "methods";

/// Most targets one list may hold.
const MAX_TARGETS: usize = 100;

/// Most countries an allow-list may hold (there are about 250).
const MAX_COUNTRIES: usize = 300;

/// The document id of `method`'s configuration.
pub fn document_id(method: MethodId) -> String {
    format!("method:{}", method.as_str())
}

/// The policy's own settings (Graph's top-level writable properties).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub policy_migration_state: PolicyMigrationState,
    pub reconfirmation_in_days: Option<u32>,
    pub registration_enforcement: RegistrationEnforcement,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            policy_migration_state: PolicyMigrationState::MigrationComplete,
            reconfirmation_in_days: None,
            registration_enforcement: RegistrationEnforcement {
                authentication_methods_registration_campaign: RegistrationCampaign {
                    snooze_duration_in_days: 1,
                    state: AdvancedConfigState::Default,
                    exclude_targets: Vec::new(),
                    include_targets: vec![CampaignIncludeTarget {
                        id: ALL_USERS.into(),
                        target_type: TargetType::Group,
                        targeted_authentication_method: "email".into(),
                    }],
                },
            },
        }
    }
}

fn everyone() -> Vec<IncludeTarget> {
    vec![IncludeTarget {
        odata_type: None,
        id: ALL_USERS.into(),
        target_type: TargetType::Group,
        is_registration_required: false,
        is_usable_for_sign_in: None,
    }]
}

/// `method`'s configuration before any administrator changed it. Email OTP is on for everyone
/// (the reset needs it) with the configured lifetimes and guest switch, and so are the security
/// questions (the reset policy's methods still decide whether they count); the others are off.
pub fn default_for(method: MethodId, config: &Config) -> MethodConfiguration {
    let mut configuration = MethodConfiguration {
        odata_type: method.odata_type(),
        id: method.as_str().into(),
        state: MethodState::Disabled,
        include_targets: everyone(),
        exclude_targets: Vec::new(),
        allow_external_id_to_use_email_otp: None,
        is_office_phone_allowed: None,
        is_software_oath_enabled: None,
        passcode_length: None,
        passcode_lifetime_in_seconds: None,
        guest_passcode_lifetime_in_seconds: None,
        passcode_max_attempts: None,
        allowed_countries: None,
        max_sends_per_number_per_day: None,
        max_sends_per_day: None,
    };
    match method {
        MethodId::Email => {
            configuration.state = MethodState::Enabled;
            configuration.allow_external_id_to_use_email_otp = Some(if config.guest_passcodes {
                ExternalEmailOtpState::Default
            } else {
                ExternalEmailOtpState::Disabled
            });
            configuration.passcode_length = Some(DEFAULT_LENGTH);
            configuration.passcode_lifetime_in_seconds = Some(config.passcode_lifetime_secs);
            configuration.guest_passcode_lifetime_in_seconds =
                Some(config.guest_passcode_lifetime_secs);
            configuration.passcode_max_attempts = Some(DEFAULT_MAX_ATTEMPTS);
        }
        MethodId::Sms => configuration.include_targets[0].is_usable_for_sign_in = Some(true),
        MethodId::Voice => configuration.is_office_phone_allowed = Some(false),
        MethodId::MicrosoftAuthenticator => configuration.is_software_oath_enabled = Some(true),
        MethodId::SecurityQuestions => configuration.state = MethodState::Enabled,
        _ => {}
    }
    with_phone_defaults(method, configuration)
}

/// The phone settings a stored Sms or Voice configuration lacks (written before they
/// existed), at their defaults: no country, the default caps.
fn with_phone_defaults(
    method: MethodId,
    mut configuration: MethodConfiguration,
) -> MethodConfiguration {
    if matches!(method, MethodId::Sms | MethodId::Voice) {
        configuration.allowed_countries.get_or_insert_with(Vec::new);
        configuration
            .max_sends_per_number_per_day
            .get_or_insert(DEFAULT_SENDS_PER_NUMBER_PER_DAY);
        configuration
            .max_sends_per_day
            .get_or_insert(DEFAULT_SENDS_PER_DAY);
    }
    configuration
}

/// The configuration in `document`, or the default when there is none or it cannot be read.
pub fn from_document(
    method: MethodId,
    document: Option<&Document>,
    config: &Config,
) -> MethodConfiguration {
    document
        .and_then(|d| match serde_json::from_str(&d.body) {
            Ok(configuration) => Some(with_phone_defaults(method, configuration)),
            Err(error) => {
                tracing::error!(%error, id = %d.id, "unreadable policy document: using defaults");
                None
            }
        })
        .unwrap_or_else(|| default_for(method, config))
}

/// The whole policy as stored, and when it last changed (0: never).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub settings: Settings,
    pub methods: Vec<MethodConfiguration>,
    pub last_modified_ms: i64,
}

/// Reads the whole policy.
pub async fn load(conn: &mut AnyConnection, config: &Config) -> Result<Snapshot, sqlx::Error> {
    let documents = store::load_prefixed(conn, "method").await?;
    let find = |id: &str| documents.iter().find(|d| d.id == id);
    let settings = find(SETTINGS_ID)
        .and_then(|d| serde_json::from_str(&d.body).ok())
        .unwrap_or_default();
    let methods = MethodId::ALL
        .into_iter()
        .map(|m| from_document(m, find(&document_id(m)), config))
        .collect();
    let last_modified_ms = documents.iter().map(|d| d.updated_at_ms).max().unwrap_or(0);
    Ok(Snapshot {
        settings,
        methods,
        last_modified_ms,
    })
}

/// Reads one method's configuration.
pub async fn load_one(
    conn: &mut AnyConnection,
    config: &Config,
    method: MethodId,
) -> Result<MethodConfiguration, sqlx::Error> {
    let id = document_id(method);
    let documents = store::load(conn, &[&id]).await?;
    Ok(from_document(method, documents.first(), config))
}

/// Applies `patch` to `current` (method `method`), checking every rule; the error is a sentence
/// for the caller. Target ids are checked against the database by [`check_targets`].
pub fn apply(
    method: MethodId,
    current: &MethodConfiguration,
    patch: MethodConfigurationPatch,
) -> Result<MethodConfiguration, String> {
    let expected = method.odata_type();
    match patch.odata_type.as_deref() {
        None => {
            return Err(format!(
                "The property '@odata.type' is required: use \"{expected}\"."
            ))
        }
        Some(t) if t != expected => {
            return Err(format!(
                "'@odata.type' is \"{t}\" but this is the {} method: use \"{expected}\".",
                method.as_str()
            ))
        }
        Some(_) => {}
    }
    if let Some(id) = &patch.id {
        if !id.eq_ignore_ascii_case(method.as_str()) {
            return Err(format!(
                "The 'id' \"{id}\" does not match the address's \"{}\".",
                method.as_str()
            ));
        }
    }
    let email_only = [
        (
            "allowExternalIdToUseEmailOtp",
            patch.allow_external_id_to_use_email_otp.is_some(),
        ),
        ("passcodeLength", patch.passcode_length.is_some()),
        (
            "passcodeLifetimeInSeconds",
            patch.passcode_lifetime_in_seconds.is_some(),
        ),
        (
            "guestPasscodeLifetimeInSeconds",
            patch.guest_passcode_lifetime_in_seconds.is_some(),
        ),
        ("passcodeMaxAttempts", patch.passcode_max_attempts.is_some()),
    ];
    if method != MethodId::Email {
        if let Some((name, _)) = email_only.iter().find(|(_, set)| *set) {
            return Err(format!(
                "The property '{name}' applies only to the Email method."
            ));
        }
    }
    if method != MethodId::Voice && patch.is_office_phone_allowed.is_some() {
        return Err("The property 'isOfficePhoneAllowed' applies only to the Voice method.".into());
    }
    if method != MethodId::MicrosoftAuthenticator && patch.is_software_oath_enabled.is_some() {
        return Err(
            "The property 'isSoftwareOathEnabled' applies only to the MicrosoftAuthenticator method."
                .into(),
        );
    }
    let phone_only = [
        ("allowedCountries", patch.allowed_countries.is_some()),
        (
            "maxSendsPerNumberPerDay",
            patch.max_sends_per_number_per_day.is_some(),
        ),
        ("maxSendsPerDay", patch.max_sends_per_day.is_some()),
    ];
    if !matches!(method, MethodId::Sms | MethodId::Voice) {
        if let Some((name, _)) = phone_only.iter().find(|(_, set)| *set) {
            return Err(format!(
                "The property '{name}' applies only to the Sms and Voice methods."
            ));
        }
    }
    let mut next = current.clone();
    if let Some(state) = patch.state {
        next.state = state;
    }
    if let Some(targets) = patch.include_targets {
        check_list(targets.len(), "includeTargets")?;
        for target in &targets {
            check_target_id(&target.id, target.target_type)?;
            if method != MethodId::Sms && target.is_usable_for_sign_in.is_some() {
                return Err("'isUsableForSignIn' applies only to the Sms method's targets.".into());
            }
        }
        next.include_targets = targets;
    }
    if let Some(targets) = patch.exclude_targets {
        check_list(targets.len(), "excludeTargets")?;
        for target in &targets {
            check_target_id(&target.id, target.target_type)?;
            if target.id == ALL_USERS {
                return Err("'all_users' cannot be excluded: turn the method off instead.".into());
            }
        }
        next.exclude_targets = targets;
    }
    if let Some(value) = patch.allow_external_id_to_use_email_otp {
        next.allow_external_id_to_use_email_otp = Some(value);
    }
    if let Some(value) = patch.is_office_phone_allowed {
        next.is_office_phone_allowed = Some(value);
    }
    if let Some(value) = patch.is_software_oath_enabled {
        next.is_software_oath_enabled = Some(value);
    }
    if let Some(value) = patch.passcode_length {
        within("passcodeLength", value, &LENGTH_BOUNDS)?;
        next.passcode_length = Some(value);
    }
    if let Some(value) = patch.passcode_lifetime_in_seconds {
        within("passcodeLifetimeInSeconds", value, &LIFETIME_BOUNDS)?;
        next.passcode_lifetime_in_seconds = Some(value);
    }
    if let Some(value) = patch.guest_passcode_lifetime_in_seconds {
        within(
            "guestPasscodeLifetimeInSeconds",
            value,
            &GUEST_LIFETIME_BOUNDS,
        )?;
        next.guest_passcode_lifetime_in_seconds = Some(value);
    }
    if let Some(value) = patch.passcode_max_attempts {
        within("passcodeMaxAttempts", value, &ATTEMPTS_BOUNDS)?;
        next.passcode_max_attempts = Some(value);
    }
    if let Some(countries) = patch.allowed_countries {
        next.allowed_countries = Some(allowed_countries(countries)?);
    }
    if let Some(value) = patch.max_sends_per_number_per_day {
        within(
            "maxSendsPerNumberPerDay",
            value,
            &SENDS_PER_NUMBER_PER_DAY_BOUNDS,
        )?;
        next.max_sends_per_number_per_day = Some(value);
    }
    if let Some(value) = patch.max_sends_per_day {
        within("maxSendsPerDay", value, &SENDS_PER_DAY_BOUNDS)?;
        next.max_sends_per_day = Some(value);
    }
    Ok(next)
}

/// Applies a top-level `patch` to `current`.
pub fn apply_settings(current: &Settings, patch: MethodsPolicyPatch) -> Result<Settings, String> {
    if let Some(t) = patch.odata_type.as_deref() {
        if t != "#microsoft.graph.authenticationMethodsPolicy" {
            return Err(format!(
                "'@odata.type' is \"{t}\": use \"#microsoft.graph.authenticationMethodsPolicy\"."
            ));
        }
    }
    if let Some(id) = &patch.id {
        if id != sspr_api::graph::METHODS_POLICY_ID {
            return Err(format!(
                "The 'id' \"{id}\" is not \"authenticationMethodsPolicy\"."
            ));
        }
    }
    let mut next = current.clone();
    if let Some(state) = patch.policy_migration_state {
        next.policy_migration_state = state;
    }
    if let Some(days) = patch.reconfirmation_in_days {
        if let Some(d) = days {
            // The portal's reset policy holds the same value (`reconfirm_after_days`, 0–730).
            within("reconfirmationInDays", d, &(0..=730))?;
        }
        next.reconfirmation_in_days = days;
    }
    if let Some(enforcement) = patch.registration_enforcement {
        let campaign = &enforcement.authentication_methods_registration_campaign;
        within(
            "snoozeDurationInDays",
            campaign.snooze_duration_in_days,
            &(0..=14),
        )?;
        check_list(campaign.include_targets.len(), "includeTargets")?;
        check_list(campaign.exclude_targets.len(), "excludeTargets")?;
        for target in &campaign.include_targets {
            check_target_id(&target.id, target.target_type)?;
        }
        for target in &campaign.exclude_targets {
            check_target_id(&target.id, target.target_type)?;
        }
        next.registration_enforcement = enforcement;
    }
    Ok(next)
}

/// Every target id that names no group or user, as a sentence; `Ok` when all exist.
pub async fn check_targets(
    conn: &mut AnyConnection,
    targets: impl Iterator<Item = (&str, TargetType)>,
) -> Result<Result<(), String>, sqlx::Error> {
    for (id, kind) in targets {
        if kind == TargetType::Group && id == ALL_USERS {
            continue;
        }
        let found = match kind {
            TargetType::Group => groups::exists(conn, id).await?,
            TargetType::User => users::exists(conn, id).await?,
        };
        if !found {
            let what = match kind {
                TargetType::Group => "group",
                TargetType::User => "user",
            };
            return Ok(Err(format!("There is no {what} with the id \"{id}\".")));
        }
    }
    Ok(Ok(()))
}

/// Writes `configuration` as `method`'s document.
pub async fn save(
    conn: &mut AnyConnection,
    method: MethodId,
    configuration: &MethodConfiguration,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let body =
        serde_json::to_string(configuration).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    store::save(conn, &document_id(method), &body, now_ms).await
}

/// Writes the policy's own settings.
pub async fn save_settings(
    conn: &mut AnyConnection,
    settings: &Settings,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let body = serde_json::to_string(settings).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    store::save(conn, SETTINGS_ID, &body, now_ms).await
}

fn within<T: PartialOrd + std::fmt::Display>(
    name: &str,
    value: T,
    bounds: &std::ops::RangeInclusive<T>,
) -> Result<(), String> {
    if bounds.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "'{name}' must be from {} to {}.",
            bounds.start(),
            bounds.end()
        ))
    }
}

/// The allow-list as stored: each a known country code (upper case, ISO 3166 alpha-2), once,
/// sorted.
fn allowed_countries(countries: Vec<String>) -> Result<Vec<String>, String> {
    if countries.len() > MAX_COUNTRIES {
        return Err(format!(
            "'allowedCountries' may hold at most {MAX_COUNTRIES} countries."
        ));
    }
    let mut list = Vec::with_capacity(countries.len());
    for country in countries {
        if !is_country(&country) {
            return Err(format!(
                "'allowedCountries' holds \"{}\", which is not a country code such as \"US\" or \"FR\".",
                country.chars().take(20).collect::<String>()
            ));
        }
        list.push(country);
    }
    list.sort();
    list.dedup();
    Ok(list)
}

fn check_list(len: usize, name: &str) -> Result<(), String> {
    if len > MAX_TARGETS {
        return Err(format!("'{name}' may hold at most {MAX_TARGETS} targets."));
    }
    Ok(())
}

fn check_target_id(id: &str, kind: TargetType) -> Result<(), String> {
    if id.is_empty() || id.chars().count() > 100 || id.chars().any(char::is_control) {
        return Err("A target's 'id' must have 1 to 100 characters.".into());
    }
    if kind == TargetType::User && id == ALL_USERS {
        return Err("'all_users' is a group: use \"targetType\": \"group\".".into());
    }
    Ok(())
}

/// A configuration's exclude targets, for [`check_targets`].
pub fn exclude_ids(targets: &[ExcludeTarget]) -> impl Iterator<Item = (&str, TargetType)> {
    targets.iter().map(|t| (t.id.as_str(), t.target_type))
}

/// The registration campaign's include targets, for [`check_targets`] and
/// `enforce::targets`.
pub fn campaign_include_ids(
    targets: &[CampaignIncludeTarget],
) -> impl Iterator<Item = (&str, TargetType)> {
    targets.iter().map(|t| (t.id.as_str(), t.target_type))
}

/// A configuration's include targets, for [`check_targets`].
pub fn include_ids(targets: &[IncludeTarget]) -> impl Iterator<Item = (&str, TargetType)> {
    targets.iter().map(|t| (t.id.as_str(), t.target_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> MethodConfiguration {
        default_for(MethodId::Email, &Config::default())
    }

    fn patch(json: &str) -> MethodConfigurationPatch {
        serde_json::from_str(json).expect("patch parses")
    }

    #[test]
    fn email_is_on_for_everyone_by_default_with_the_configured_lifetimes() {
        let config = Config {
            passcode_lifetime_secs: 3,
            guest_passcodes: false,
            ..Config::default()
        };
        let email = default_for(MethodId::Email, &config);
        assert_eq!(email.state, MethodState::Enabled);
        assert_eq!(email.include_targets[0].id, ALL_USERS);
        assert_eq!(email.passcode_lifetime_in_seconds, Some(3));
        assert_eq!(
            email.allow_external_id_to_use_email_otp,
            Some(ExternalEmailOtpState::Disabled)
        );
        assert_eq!(
            default_for(MethodId::Sms, &config).state,
            MethodState::Disabled
        );
    }

    #[test]
    fn the_type_is_required_and_must_be_the_methods() {
        let missing = apply(MethodId::Email, &email(), patch(r#"{"state": "disabled"}"#));
        assert!(missing.expect_err("refused").contains("@odata.type"));
        let wrong = apply(
            MethodId::Email,
            &email(),
            patch(r##"{"@odata.type": "#microsoft.graph.smsAuthenticationMethodConfiguration"}"##),
        );
        assert!(wrong.is_err());
    }

    #[test]
    fn settings_stay_within_safe_bounds_and_on_their_method() {
        let t = r##""@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration""##;
        for bad in [
            r#""passcodeLength": 4"#,
            r#""passcodeLength": 11"#,
            r#""passcodeLifetimeInSeconds": 0"#,
            r#""passcodeLifetimeInSeconds": 3601"#,
            r#""passcodeMaxAttempts": 11"#,
            r#""isOfficePhoneAllowed": true"#,
            r#""excludeTargets": [{"id": "all_users", "targetType": "group"}]"#,
        ] {
            let result = apply(MethodId::Email, &email(), patch(&format!("{{{t}, {bad}}}")));
            assert!(result.is_err(), "{bad} accepted");
        }
        let ok = apply(
            MethodId::Email,
            &email(),
            patch(&format!(
                "{{{t}, \"passcodeLength\": 6, \"state\": \"disabled\"}}"
            )),
        )
        .expect("accepted");
        assert_eq!(ok.passcode_length, Some(6));
        assert_eq!(ok.state, MethodState::Disabled);
        let sms = default_for(MethodId::Sms, &Config::default());
        let refused = apply(
            MethodId::Sms,
            &sms,
            patch(
                r##"{"@odata.type": "#microsoft.graph.smsAuthenticationMethodConfiguration", "passcodeLength": 8}"##,
            ),
        );
        assert!(refused.is_err());
    }

    #[test]
    fn phone_methods_allow_no_country_by_default_and_check_their_caps() {
        let sms = default_for(MethodId::Sms, &Config::default());
        assert_eq!(sms.allowed_countries, Some(Vec::new()));
        assert_eq!(
            sms.max_sends_per_number_per_day,
            Some(DEFAULT_SENDS_PER_NUMBER_PER_DAY)
        );
        assert_eq!(sms.max_sends_per_day, Some(DEFAULT_SENDS_PER_DAY));
        let t = r##""@odata.type": "#microsoft.graph.voiceAuthenticationMethodConfiguration""##;
        let voice = default_for(MethodId::Voice, &Config::default());
        for bad in [
            r#""allowedCountries": ["ZZ"]"#,
            r#""allowedCountries": ["fr"]"#,
            r#""maxSendsPerNumberPerDay": 0"#,
            r#""maxSendsPerNumberPerDay": 21"#,
            r#""maxSendsPerDay": 0"#,
            r#""maxSendsPerDay": 100001"#,
        ] {
            let result = apply(MethodId::Voice, &voice, patch(&format!("{{{t}, {bad}}}")));
            assert!(result.is_err(), "{bad} accepted");
        }
        let ok = apply(
            MethodId::Voice,
            &voice,
            patch(&format!(
                "{{{t}, \"allowedCountries\": [\"US\", \"FR\", \"US\"], \"maxSendsPerDay\": 50, \"isOfficePhoneAllowed\": true}}"
            )),
        )
        .expect("accepted");
        assert_eq!(ok.allowed_countries, Some(vec!["FR".into(), "US".into()]));
        assert_eq!(ok.max_sends_per_day, Some(50));
        assert_eq!(ok.is_office_phone_allowed, Some(true));
        let refused = apply(
            MethodId::Email,
            &email(),
            patch(
                r##"{"@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration", "allowedCountries": []}"##,
            ),
        );
        assert!(refused.is_err());
        // A configuration stored before these settings existed reads with their defaults.
        let old = Document {
            id: document_id(MethodId::Sms),
            body: r##"{"@odata.type": "#microsoft.graph.smsAuthenticationMethodConfiguration", "id": "Sms", "state": "enabled"}"##.into(),
            updated_at_ms: 1,
        };
        let read = from_document(MethodId::Sms, Some(&old), &Config::default());
        assert_eq!(read.state, MethodState::Enabled);
        assert_eq!(read.allowed_countries, Some(Vec::new()));
        assert_eq!(read.max_sends_per_day, Some(DEFAULT_SENDS_PER_DAY));
    }
}
