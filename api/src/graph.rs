//! Microsoft Graph v1.0 shapes (SPEC §8), with Microsoft's property names and enum values, so
//! scripts written for Graph work unchanged and the portal reads the same JSON.
//!
//! ```text
//! GET   /api/graph/v1.0/policies/authenticationMethodsPolicy                → AuthenticationMethodsPolicy
//! PATCH /api/graph/v1.0/policies/authenticationMethodsPolicy                  MethodsPolicyPatch → 204
//! GET   /api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}
//!                                                                             → MethodConfiguration
//! PATCH /api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}
//!                                                                               MethodConfigurationPatch → 204
//! POST  /api/graph/v1.0/invitations                                           GraphInvitationRequest → 201 GraphInvitation
//! ```
//!
//! Settings Graph lacks (the Email passcode's length, lifetimes and tries; the phone methods'
//! country allow-list and daily caps) are extension properties beside Graph's
//! (`passcodeLength`, `allowedCountries`, …): Graph clients ignore them. Errors on these
//! paths have Graph's shape, [`GraphErrorBody`].

use serde::{Deserialize, Serialize};

/// The policy's one id.
pub const METHODS_POLICY_ID: &str = "authenticationMethodsPolicy";
/// The `@odata.type` prefix and suffix of every method configuration.
const TYPE_PREFIX: &str = "#microsoft.graph.";
const TYPE_SUFFIX: &str = "AuthenticationMethodConfiguration";

/// The `@odata.type` of the security questions' configuration: this product's own, since Graph
/// has none (a Graph SDK reads it as the base `authenticationMethodConfiguration`).
pub const SECURITY_QUESTIONS_TYPE: &str =
    "#sspr.securityQuestionsAuthenticationMethodConfiguration";

/// The authentication methods Graph v1.0 lists, by their configuration id, and the security
/// questions (`SecurityQuestions`, [`SECURITY_QUESTIONS_TYPE`]) beside them in the same
/// collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MethodId {
    Email,
    Sms,
    Voice,
    SoftwareOath,
    MicrosoftAuthenticator,
    Fido2,
    TemporaryAccessPass,
    SecurityQuestions,
}

impl MethodId {
    pub const ALL: [MethodId; 8] = [
        MethodId::Email,
        MethodId::Sms,
        MethodId::Voice,
        MethodId::SoftwareOath,
        MethodId::MicrosoftAuthenticator,
        MethodId::Fido2,
        MethodId::TemporaryAccessPass,
        MethodId::SecurityQuestions,
    ];

    /// The configuration's `id` as Graph spells it (`Email`, `Sms`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            MethodId::Email => "Email",
            MethodId::Sms => "Sms",
            MethodId::Voice => "Voice",
            MethodId::SoftwareOath => "SoftwareOath",
            MethodId::MicrosoftAuthenticator => "MicrosoftAuthenticator",
            MethodId::Fido2 => "Fido2",
            MethodId::TemporaryAccessPass => "TemporaryAccessPass",
            MethodId::SecurityQuestions => "SecurityQuestions",
        }
    }

    /// The `@odata.type` of its configuration, e.g.
    /// `#microsoft.graph.emailAuthenticationMethodConfiguration` (the security questions':
    /// [`SECURITY_QUESTIONS_TYPE`]).
    pub fn odata_type(self) -> String {
        if self == MethodId::SecurityQuestions {
            return SECURITY_QUESTIONS_TYPE.to_owned();
        }
        let id = self.as_str();
        let mut chars = id.chars();
        let first = chars.next().map(|c| c.to_ascii_lowercase());
        format!(
            "{TYPE_PREFIX}{}{}{TYPE_SUFFIX}",
            first.map(String::from).unwrap_or_default(),
            chars.as_str()
        )
    }

    /// Parses an id as Graph accepts it in a URL: case-insensitive (`email` and `Email`).
    pub fn parse(text: &str) -> Option<Self> {
        MethodId::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text))
    }
}

/// `enabled` or `disabled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum MethodState {
    Enabled,
    Disabled,
}

/// Whether a target is a group (`all_users` = everyone) or one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum TargetType {
    User,
    Group,
}

/// Email: `allowExternalIdToUseEmailOtp` — the portal's "Email one-time passcode for guests"
/// switch. `default` means Microsoft's default, which is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ExternalEmailOtpState {
    Default,
    Enabled,
    Disabled,
}

impl ExternalEmailOtpState {
    /// Whether guests may use email passcodes.
    pub fn allows_guests(self) -> bool {
        self != ExternalEmailOtpState::Disabled
    }
}

/// `policyMigrationState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum PolicyMigrationState {
    PreMigration,
    MigrationInProgress,
    MigrationComplete,
}

/// `default`, `enabled` or `disabled` (the registration campaign's state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum AdvancedConfigState {
    Default,
    Enabled,
    Disabled,
}

/// Who a method is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IncludeTarget {
    /// Graph's type name, as Microsoft's SDKs send it (`#microsoft.graph.authenticationMethodTarget`); accepted and not
    /// kept.
    #[serde(rename = "@odata.type", default, skip_serializing)]
    pub odata_type: Option<String>,
    /// A group id (`all_users` for everyone) or a user id.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub id: String,
    pub target_type: TargetType,
    #[serde(default)]
    pub is_registration_required: bool,
    /// SMS only: whether the number may be used to sign in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_usable_for_sign_in: Option<bool>,
}

/// Who a method is not for, even when included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExcludeTarget {
    /// Graph's type name, as Microsoft's SDKs send it (`#microsoft.graph.excludeTarget`); accepted and not
    /// kept.
    #[serde(rename = "@odata.type", default, skip_serializing)]
    pub odata_type: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub id: String,
    pub target_type: TargetType,
}

/// One method's configuration (`authenticationMethodConfiguration` and its subtypes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MethodConfiguration {
    #[serde(rename = "@odata.type")]
    pub odata_type: String,
    pub id: String,
    pub state: MethodState,
    #[serde(default)]
    pub include_targets: Vec<IncludeTarget>,
    #[serde(default)]
    pub exclude_targets: Vec<ExcludeTarget>,
    /// Email only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_external_id_to_use_email_otp: Option<ExternalEmailOtpState>,
    /// Voice only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_office_phone_allowed: Option<bool>,
    /// MicrosoftAuthenticator only: whether the app's codes (TOTP) may be used beside its push
    /// approvals. This service's app always shows codes, so it starts `true` (Microsoft's
    /// default is `false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_software_oath_enabled: Option<bool>,
    /// Extension (Email): digits per passcode, 6 to 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passcode_length: Option<u8>,
    /// Extension (Email): how long a reset, sign-up, passwordless or unlock code works, 1 to 3600 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passcode_lifetime_in_seconds: Option<u32>,
    /// Extension (Email): how long a guest's code works, 1 to 86400 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_passcode_lifetime_in_seconds: Option<u32>,
    /// Extension (Email): wrong tries that kill a code, 1 to 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passcode_max_attempts: Option<u32>,
    /// Extension (Sms, Voice): the countries whose numbers may be used, ISO 3166 alpha-2
    /// (`US`, `FR`); empty, the default, allows none, so the method is off until it is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_countries: Option<Vec<String>>,
    /// Extension (Sms, Voice): texts or calls one number may get in a day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_sends_per_number_per_day: Option<u32>,
    /// Extension (Sms, Voice): texts or calls the whole service may send in a day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_sends_per_day: Option<u32>,
}

/// `PATCH …/authenticationMethodConfigurations/{id}`: `@odata.type` is required and must be the
/// method's; every other property is optional and left as it was when absent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MethodConfigurationPatch {
    #[serde(rename = "@odata.type", default)]
    pub odata_type: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub state: Option<MethodState>,
    #[serde(default)]
    pub include_targets: Option<Vec<IncludeTarget>>,
    #[serde(default)]
    pub exclude_targets: Option<Vec<ExcludeTarget>>,
    #[serde(default)]
    pub allow_external_id_to_use_email_otp: Option<ExternalEmailOtpState>,
    #[serde(default)]
    pub is_office_phone_allowed: Option<bool>,
    #[serde(default)]
    pub is_software_oath_enabled: Option<bool>,
    #[serde(default)]
    pub passcode_length: Option<u8>,
    #[serde(default)]
    pub passcode_lifetime_in_seconds: Option<u32>,
    #[serde(default)]
    pub guest_passcode_lifetime_in_seconds: Option<u32>,
    #[serde(default)]
    pub passcode_max_attempts: Option<u32>,
    #[serde(default)]
    pub allowed_countries: Option<Vec<String>>,
    #[serde(default)]
    pub max_sends_per_number_per_day: Option<u32>,
    #[serde(default)]
    pub max_sends_per_day: Option<u32>,
}

/// The registration campaign's include target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CampaignIncludeTarget {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub id: String,
    pub target_type: TargetType,
    pub targeted_authentication_method: String,
}

/// `authenticationMethodsRegistrationCampaign`: remind users to register at sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegistrationCampaign {
    pub snooze_duration_in_days: u32,
    pub state: AdvancedConfigState,
    #[serde(default)]
    pub exclude_targets: Vec<ExcludeTarget>,
    #[serde(default)]
    pub include_targets: Vec<CampaignIncludeTarget>,
}

/// `registrationEnforcement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegistrationEnforcement {
    pub authentication_methods_registration_campaign: RegistrationCampaign,
}

/// `GET /policies/authenticationMethodsPolicy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationMethodsPolicy {
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_context: Option<String>,
    pub id: String,
    pub display_name: String,
    pub description: String,
    /// ISO 8601, UTC.
    pub last_modified_date_time: String,
    pub policy_version: String,
    pub policy_migration_state: PolicyMigrationState,
    pub reconfirmation_in_days: Option<u32>,
    pub registration_enforcement: RegistrationEnforcement,
    pub authentication_method_configurations: Vec<MethodConfiguration>,
}

/// `PATCH /policies/authenticationMethodsPolicy`: the writable top-level properties.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MethodsPolicyPatch {
    #[serde(rename = "@odata.type", default)]
    pub odata_type: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub policy_migration_state: Option<PolicyMigrationState>,
    /// 0 to 730, as the portal's reset policy (`null` clears it).
    #[serde(default, with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub reconfirmation_in_days: Option<Option<u32>>,
    #[serde(default)]
    pub registration_enforcement: Option<RegistrationEnforcement>,
}

/// `{"id": …}` of `invitedUser`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitedUser {
    pub id: String,
}

/// `POST /invitations`. Properties this service does not use (`invitedUserMessageInfo`,
/// `invitedUserType`, …) are accepted and ignored, as Graph clients send them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GraphInvitationRequest {
    pub invited_user_email_address: String,
    pub invite_redirect_url: String,
    /// The new guest's name (up to 100 characters, no control characters); none or empty:
    /// the address's local part.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub invited_user_display_name: Option<String>,
    #[serde(default)]
    pub send_invitation_message: bool,
    #[serde(default)]
    pub invited_user: Option<InvitedUser>,
    #[serde(default)]
    pub reset_redemption: bool,
}

/// The answer to `POST /invitations` (201).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GraphInvitation {
    #[serde(rename = "@odata.context")]
    pub odata_context: String,
    pub id: String,
    pub invite_redeem_url: String,
    pub invited_user_display_name: Option<String>,
    pub invited_user_type: String,
    pub invited_user_email_address: String,
    pub send_invitation_message: bool,
    pub reset_redemption: bool,
    pub invite_redirect_url: String,
    /// `PendingAcceptance` or `Completed`.
    pub status: String,
    pub invited_user: InvitedUser,
}

/// Graph's error body: `{"error": {"code", "message", "details"?, "innerError": {"request-id",
/// "date"}}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GraphErrorBody {
    pub error: GraphError,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GraphError {
    /// Graph's code (`BadRequest`, `InvalidAuthenticationToken`,
    /// `Authorization_RequestDenied`, `Request_ResourceNotFound`, …).
    pub code: String,
    pub message: String,
    /// OData's `details`: what exactly broke a rule, and where (a refused custom CSS).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<crate::ErrorDetail>,
    #[serde(rename = "innerError")]
    pub inner_error: GraphInnerError,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GraphInnerError {
    /// This service's own error code (`validation_failed`, `forbidden`, …).
    pub code: String,
    #[serde(rename = "request-id")]
    pub request_id: String,
    /// ISO 8601, UTC.
    pub date: String,
}

/// `Option<Option<T>>` that tells an absent property (`None`) from `null` (`Some(None)`).
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_types_and_ids_are_graphs() {
        assert_eq!(
            MethodId::Email.odata_type(),
            "#microsoft.graph.emailAuthenticationMethodConfiguration"
        );
        assert_eq!(
            MethodId::SoftwareOath.odata_type(),
            "#microsoft.graph.softwareOathAuthenticationMethodConfiguration"
        );
        assert_eq!(
            MethodId::SecurityQuestions.odata_type(),
            "#sspr.securityQuestionsAuthenticationMethodConfiguration"
        );
        assert_eq!(
            MethodId::parse("securityQuestions"),
            Some(MethodId::SecurityQuestions)
        );
        assert_eq!(MethodId::parse("email"), Some(MethodId::Email));
        assert_eq!(MethodId::parse("SMS"), Some(MethodId::Sms));
        assert_eq!(MethodId::parse("password"), None);
    }

    #[test]
    fn microsofts_patch_example_parses() {
        let patch: MethodConfigurationPatch = serde_json::from_str(
            r##"{"@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration", "allowExternalIdToUseEmailOtp": "enabled"}"##,
        )
        .expect("parses");
        assert_eq!(
            patch.allow_external_id_to_use_email_otp,
            Some(ExternalEmailOtpState::Enabled)
        );
    }

    #[test]
    fn reconfirmation_tells_null_from_absent() {
        let absent: MethodsPolicyPatch = serde_json::from_str("{}").expect("parses");
        assert_eq!(absent.reconfirmation_in_days, None);
        let null: MethodsPolicyPatch =
            serde_json::from_str(r#"{"reconfirmationInDays": null}"#).expect("parses");
        assert_eq!(null.reconfirmation_in_days, Some(None));
    }
}
