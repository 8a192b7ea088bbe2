//! What the policies say about a customer flow, current for each request
//! (`policy::admin_settings`): the passcode rules in force ([`FlowRules`]), and the two facts
//! `domain::admission` weighs — what the methods allow everyone ([`FlowRules::methods`]) and
//! whether the policies' targets include one account ([`FlowRules::allows`]).
//!
//! The first becomes a refusal that is the same for every address (403 `method_disabled`); the
//! second is never shown: a flow whose user is not included starts and answers exactly as for
//! an unknown address, and no code is sent. Targets apply to members; guests are governed by
//! the guest switch (`allowExternalIdToUseEmailOtp`), as in Entra.

use super::admin_settings::AdminSettings;
use crate::domain::admission::Methods;
use crate::domain::passcode::PasscodePolicy;
use crate::domain::reset_methods;
use crate::error::ApiError;
use crate::store::groups;
use crate::store::users::User;
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::graph::{MethodConfiguration, MethodState, TargetType};
use sspr_api::{FlowPurpose, MethodKind, SsprScope, UserType};
use std::sync::Arc;

/// The rules in force for one flow request.
#[derive(Debug, Clone)]
pub struct FlowRules {
    /// The passcode rules, with the Email method's length, lifetimes and tries.
    pub passcodes: PasscodePolicy,
    /// The settings they come from, for the rest of the request (what the user may prove or
    /// register next) without reading them again.
    settings: Arc<AdminSettings>,
    purpose: FlowPurpose,
}

/// Reads the rules in force for a `purpose` flow.
pub async fn read(
    conn: &mut AnyConnection,
    state: &AppState,
    purpose: FlowPurpose,
) -> Result<FlowRules, ApiError> {
    let settings = state.admin_settings.now(conn, &state.config).await?;
    Ok(rules(&settings, state, purpose))
}

/// The rules in force for a `purpose` flow under `settings`.
pub fn rules(settings: &Arc<AdminSettings>, state: &AppState, purpose: FlowPurpose) -> FlowRules {
    let email = &settings.email;
    let mut passcodes = (*state.passcodes).clone();
    if let Some(length) = email.passcode_length {
        passcodes.length = length;
    }
    if let Some(tries) = email.passcode_max_attempts {
        passcodes.max_attempts = tries;
    }
    if let Some(secs) = email.passcode_lifetime_in_seconds {
        passcodes.lifetime_ms = i64::from(secs) * 1000;
    }
    if let Some(secs) = email.guest_passcode_lifetime_in_seconds {
        passcodes.guest_lifetime_ms = i64::from(secs) * 1000;
    }
    FlowRules {
        passcodes,
        settings: Arc::clone(settings),
        purpose,
    }
}

impl FlowRules {
    /// The settings these rules come from.
    pub fn settings(&self) -> &AdminSettings {
        &self.settings
    }

    /// What the policies set for everyone, as `domain::admission` weighs it.
    pub fn methods(&self) -> Methods {
        Methods {
            email_otp: self.settings.email.state == MethodState::Enabled,
            guest_passcodes: self
                .settings
                .email
                .allow_external_id_to_use_email_otp
                .is_none_or(|s| s.allows_guests()),
            reset_enabled: self.settings.reset().enabled_for != SsprScope::None,
            // The counted methods a customer can prove (security questions never alone).
            reset_methods_provable: u8::try_from(reset_methods::usable(
                &[
                    MethodKind::Email,
                    MethodKind::AuthenticatorApp,
                    MethodKind::SecurityQuestions,
                    MethodKind::MobilePhone,
                    MethodKind::OfficePhone,
                ],
                self.settings.reset(),
            ))
            .unwrap_or(u8::MAX),
            reset_methods_required: self.settings.reset().methods_required,
        }
    }

    /// Whether the method is on for `user` (`None`: no account with that address). A flow whose
    /// user is not allowed answers as usual and sends nothing. Known, unknown and guest
    /// addresses run the same queries, so the time taken does not tell them apart either.
    pub async fn allows(
        &self,
        conn: &mut AnyConnection,
        user: Option<&User>,
    ) -> Result<bool, sqlx::Error> {
        if matches!(self.purpose, FlowPurpose::SignUp | FlowPurpose::Guest) {
            return Ok(true);
        }
        // No account: an id no account has, so only `all_users` includes it.
        let user_id = user.map_or("", |u| u.id.as_str());
        let targeted = targets_user(conn, &self.settings.email, user_id).await?;
        let resets = matches!(
            self.purpose,
            FlowPurpose::PasswordReset | FlowPurpose::Unlock
        );
        let reset = self.settings.reset();
        let in_scope = match (&reset.enabled_for, &reset.group_id) {
            (SsprScope::Group, Some(group)) if resets => {
                groups::member_of_any(conn, user_id, std::slice::from_ref(group)).await?
                    && user.is_some()
            }
            (SsprScope::Group, None) if resets => false,
            _ => true,
        };
        // Targets apply to members; guests follow the guest switch.
        let guest = user.is_some_and(|u| u.user_type == UserType::Guest);
        Ok(guest || (targeted && in_scope))
    }
}

/// Whether `configuration`'s targets include the account `user_id` and do not exclude it; `""`
/// (no account) is included only by `all_users`.
pub async fn targets_user(
    conn: &mut AnyConnection,
    configuration: &MethodConfiguration,
    user_id: &str,
) -> Result<bool, sqlx::Error> {
    let include: Vec<(&str, TargetType)> = configuration
        .include_targets
        .iter()
        .map(|t| (t.id.as_str(), t.target_type))
        .collect();
    let exclude: Vec<(&str, TargetType)> = configuration
        .exclude_targets
        .iter()
        .map(|t| (t.id.as_str(), t.target_type))
        .collect();
    targets(conn, user_id, &include, &exclude).await
}

/// Whether `include` names `user_id` (or a group of theirs, or `all_users`) and `exclude` does
/// not: the rule of every target list (methods, the registration campaign).
pub async fn targets(
    conn: &mut AnyConnection,
    user_id: &str,
    include: &[(&str, TargetType)],
    exclude: &[(&str, TargetType)],
) -> Result<bool, sqlx::Error> {
    let included = matches_any(conn, user_id, include).await?;
    let excluded = matches_any(conn, user_id, exclude).await?;
    Ok(included && !excluded)
}

/// Whether one of `targets` is `user_id` or a group they belong to (`all_users`: everyone).
async fn matches_any(
    conn: &mut AnyConnection,
    user_id: &str,
    targets: &[(&str, TargetType)],
) -> Result<bool, sqlx::Error> {
    let named = !user_id.is_empty()
        && targets
            .iter()
            .any(|(id, kind)| *kind == TargetType::User && *id == user_id);
    let groups: Vec<String> = targets
        .iter()
        .filter(|(_, kind)| *kind == TargetType::Group)
        .map(|(id, _)| (*id).to_owned())
        .collect();
    // The group query runs even for a user named directly, so a named user's answer takes as
    // long as anybody else's.
    let in_group = groups::member_of_any(conn, user_id, &groups).await?;
    Ok(named || in_group)
}
