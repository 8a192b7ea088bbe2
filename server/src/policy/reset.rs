//! The password reset policy (document `password_reset`; `sspr_api::ResetPolicy`).
//!
//! Its "re-confirm after N days", "require registration at sign-in" and the days a skipped
//! registration waits are the authentication methods policy's `reconfirmationInDays` and
//! registration campaign (its state and `snoozeDurationInDays`): one stored value each (in the
//! `methods` document), read and written from both places.

use super::methods::{self, Settings};
use crate::store::groups::ALL_USERS;
use crate::store::policies as store;
use sqlx::AnyConnection;
use sspr_api::graph::{AdvancedConfigState, RegistrationCampaign};
use sspr_api::{ResetMethod, ResetPolicy, SsprScope};

/// The document id.
pub const DOCUMENT_ID: &str = "password_reset";

/// Self-service reset for everyone with one method (Email OTP), every notification on.
pub fn default_policy() -> ResetPolicy {
    ResetPolicy {
        enabled_for: SsprScope::All,
        group_id: None,
        methods_required: 1,
        methods: vec![ResetMethod::Email],
        notify_users_on_reset: true,
        notify_admins_on_admin_reset: true,
        notify_users_on_unlock: true,
        notify_users_on_disable: true,
        notify_users_on_method_change: true,
        reconfirm_after_days: 0,
        require_registration: false,
        registration_snooze_days: sspr_api::reset_policy::DEFAULT_SNOOZE_DAYS,
        questions_to_register: sspr_api::reset_policy::DEFAULT_QUESTIONS,
        questions_to_reset: sspr_api::reset_policy::DEFAULT_QUESTIONS,
        custom_questions: Vec::new(),
    }
}

/// The stored policy from `body`, or the default.
pub fn from_body(body: Option<&str>) -> ResetPolicy {
    body.and_then(|b| match serde_json::from_str(b) {
        Ok(policy) => Some(policy),
        Err(error) => {
            tracing::error!(%error, "unreadable password reset policy: using defaults");
            None
        }
    })
    .unwrap_or_else(default_policy)
}

/// The policy, with the two values it shares with the methods policy.
pub async fn load(conn: &mut AnyConnection) -> Result<ResetPolicy, sqlx::Error> {
    let documents = store::load(conn, &[DOCUMENT_ID, methods::SETTINGS_ID]).await?;
    let body = |id: &str| {
        documents
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.body.as_str())
    };
    let mut policy = from_body(body(DOCUMENT_ID));
    let settings: Settings = body(methods::SETTINGS_ID)
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or_default();
    policy.reconfirm_after_days = settings.reconfirmation_in_days.unwrap_or(0);
    let campaign = &settings
        .registration_enforcement
        .authentication_methods_registration_campaign;
    policy.require_registration = campaign.state == AdvancedConfigState::Enabled;
    policy.registration_snooze_days = campaign.snooze_duration_in_days;
    Ok(policy)
}

/// The registration campaign (the methods policy's `registrationEnforcement`): whom registration
/// at sign-in asks, and how long a skip holds it off.
pub async fn campaign(conn: &mut AnyConnection) -> Result<RegistrationCampaign, sqlx::Error> {
    let documents = store::load(conn, &[methods::SETTINGS_ID]).await?;
    let settings: Settings = documents
        .first()
        .and_then(|d| serde_json::from_str(&d.body).ok())
        .unwrap_or_default();
    Ok(settings
        .registration_enforcement
        .authentication_methods_registration_campaign)
}

/// Checks `policy`'s rules; the error is a sentence. The group's existence is checked by the
/// caller.
pub fn check(policy: &ResetPolicy) -> Result<(), String> {
    match (policy.enabled_for, policy.group_id.as_deref()) {
        (SsprScope::Group, None) => {
            return Err("Choose the group whose members may reset their password.".into())
        }
        (SsprScope::Group, Some(ALL_USERS)) => {
            return Err("For every user, choose \"all\" rather than a group.".into())
        }
        (SsprScope::None | SsprScope::All, Some(_)) => {
            return Err("A group applies only when reset is enabled for a group.".into())
        }
        _ => {}
    }
    if !(1..=2).contains(&policy.methods_required) {
        return Err("The number of methods required must be 1 or 2.".into());
    }
    let mut distinct = policy.methods.clone();
    distinct.sort_by_key(|m| *m as u8);
    distinct.dedup();
    if distinct.len() != policy.methods.len() {
        return Err("Each method may be listed once.".into());
    }
    if policy.methods.len() < usize::from(policy.methods_required) {
        return Err(format!(
            "Choose at least {} methods that count towards a reset.",
            policy.methods_required
        ));
    }
    crate::domain::security_questions::check_settings(
        policy.questions_to_register,
        policy.questions_to_reset,
        &policy.custom_questions,
    )?;
    if policy.reconfirm_after_days > 730 {
        return Err("Re-confirmation must be within 0 (never) to 730 days.".into());
    }
    if policy.registration_snooze_days > 14 {
        return Err("A skipped registration waits 0 to 14 days.".into());
    }
    Ok(())
}

/// Writes `policy` (and its two shared values into the methods policy's settings).
pub async fn save(
    conn: &mut AnyConnection,
    policy: &ResetPolicy,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let body = serde_json::to_string(policy).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    store::save(conn, DOCUMENT_ID, &body, now_ms).await?;
    let documents = store::load(conn, &[methods::SETTINGS_ID]).await?;
    let mut settings: Settings = documents
        .first()
        .and_then(|d| serde_json::from_str(&d.body).ok())
        .unwrap_or_default();
    let days = (policy.reconfirm_after_days > 0).then_some(policy.reconfirm_after_days);
    let campaign = &mut settings
        .registration_enforcement
        .authentication_methods_registration_campaign;
    let state = match (policy.require_registration, campaign.state) {
        (true, _) => AdvancedConfigState::Enabled,
        (false, AdvancedConfigState::Enabled) => AdvancedConfigState::Disabled,
        (false, other) => other,
    };
    let snooze = policy.registration_snooze_days;
    if settings.reconfirmation_in_days != days
        || campaign.state != state
        || campaign.snooze_duration_in_days != snooze
    {
        campaign.state = state;
        campaign.snooze_duration_in_days = snooze;
        settings.reconfirmation_in_days = days;
        methods::save_settings(conn, &settings, now_ms).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_passes_and_broken_policies_are_named() {
        assert_eq!(check(&default_policy()), Ok(()));
        let mut p = default_policy();
        p.methods_required = 2;
        assert!(check(&p).is_err(), "two required, one method");
        p.methods.push(ResetMethod::MobilePhone);
        assert_eq!(check(&p), Ok(()));
        p.methods.push(ResetMethod::Email);
        assert!(check(&p).is_err(), "duplicate");
        let mut g = default_policy();
        g.enabled_for = SsprScope::Group;
        assert!(check(&g).is_err(), "group without id");
        g.group_id = Some("g1".into());
        assert_eq!(check(&g), Ok(()));
        g.methods_required = 3;
        assert!(check(&g).is_err());
    }
}
