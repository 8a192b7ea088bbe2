//! The password reset policy (SPEC §4 A4), read and written by the portal:
//!
//! ```text
//! GET /api/admin/reset-policy               → ResetPolicy
//! PUT /api/admin/reset-policy  ResetPolicy  → ResetPolicy
//! ```
//!
//! Enforced: `enabled_for` (who may reset; anyone else gets the same answer as an unknown
//! address and no code), the `notify_…` switches (one per security notification),
//! `methods_required` and `methods` (after the emailed code, a reset proves the user's other
//! counted methods until it has enough different ones; phones cannot be proven yet, so a policy
//! needing them refuses every reset alike), and the security question counts. Stored and shown,
//! waiting for what they need: `reconfirm_after_days` and `require_registration` (Graph's
//! `reconfirmationInDays` and registration campaign, the same stored values).

use serde::{Deserialize, Serialize};

/// Who may reset their password by themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SsprScope {
    /// Nobody: reset and unlock are refused with `method_disabled`.
    None,
    /// Members of `group_id` only.
    Group,
    /// Every user.
    All,
}

/// A method that counts towards a reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResetMethod {
    Email,
    MobilePhone,
    OfficePhone,
    SecurityQuestions,
    AuthenticatorApp,
}

/// The whole password reset policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPolicy {
    pub enabled_for: SsprScope,
    /// The group when `enabled_for` is `group`; must exist.
    #[serde(default)]
    pub group_id: Option<String>,
    /// 1 or 2.
    pub methods_required: u8,
    /// At least `methods_required` distinct methods.
    pub methods: Vec<ResetMethod>,
    /// Tell the user when their password is reset or changed.
    pub notify_users_on_reset: bool,
    /// Tell every global administrator when another administrator's password and authenticator
    /// are reset.
    pub notify_admins_on_admin_reset: bool,
    /// Tell the user when an administrator unlocks their account.
    #[serde(default = "yes")]
    pub notify_users_on_unlock: bool,
    /// Tell the user when an administrator disables their account.
    #[serde(default = "yes")]
    pub notify_users_on_disable: bool,
    /// Tell the user when a verification method is added to or removed from their account.
    #[serde(default = "yes")]
    pub notify_users_on_method_change: bool,
    /// Ask users to re-confirm their methods after this many days (0 = never), at most 730.
    pub reconfirm_after_days: u32,
    /// Ask users to register their methods when they sign in.
    pub require_registration: bool,
    /// Days a skipped registration waits before it is asked again (0–14; 0: at the next
    /// sign-in): the registration campaign's `snoozeDurationInDays`.
    #[serde(default = "default_snooze")]
    pub registration_snooze_days: u32,
    /// Security questions a user registers (3–5).
    #[serde(default = "default_questions")]
    pub questions_to_register: u8,
    /// Security questions asked at a reset (1–5, at most `questions_to_register`).
    #[serde(default = "default_questions")]
    pub questions_to_reset: u8,
    /// The administrator's own questions, offered beside the built-in ones (at most 20, each
    /// 5–200 characters).
    #[serde(default)]
    pub custom_questions: Vec<String>,
}

/// Entra's default: a skipped registration is asked again a day later.
pub const DEFAULT_SNOOZE_DAYS: u32 = 1;

fn default_snooze() -> u32 {
    DEFAULT_SNOOZE_DAYS
}

/// Seed 003: three questions registered and three asked, unless the administrator says
/// otherwise.
pub const DEFAULT_QUESTIONS: u8 = 3;

fn default_questions() -> u8 {
    DEFAULT_QUESTIONS
}

/// The notification switches a stored policy or a request leaves out are on.
fn yes() -> bool {
    true
}
