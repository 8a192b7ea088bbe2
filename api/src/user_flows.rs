//! User flows (SPEC §4 A5, §3 C1/C4): how the customer pages behave for each application.
//!
//! A user flow is a sign-up-and-sign-in flow with an identity provider (email with password, or
//! email one-time passcode), the attributes collected at sign-up, and SSPR on or off; the
//! applications that use it are named by client id. The flow `default` serves every request
//! that names no application.
//!
//! ```text
//! GET    /api/admin/user-flows                           → UserFlowList   (Read)
//! POST   /api/admin/user-flows        UserFlowInput      → 201 UserFlow   (ManageAuthenticationPolicy)
//! GET    /api/admin/user-flows/{id}                      → UserFlow       (Read)
//! PUT    /api/admin/user-flows/{id}   UserFlowInput      → UserFlow       (ManageAuthenticationPolicy)
//! DELETE /api/admin/user-flows/{id}                      → 204            (ManageAuthenticationPolicy)
//! GET    /api/user-flow?client_id=…                      → CustomerUserFlow (public)
//! ```

use serde::{Deserialize, Serialize};

/// The id of the flow used when a request names no application.
pub const DEFAULT_USER_FLOW: &str = "default";

/// What kind of user flow this is; only sign-up-and-sign-in exists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserFlowKind {
    #[default]
    SignUpAndSignIn,
}

/// How customers of the flow prove who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentityProvider {
    /// Email with password (a passcode sign-in stays available as an alternative).
    EmailPassword,
    /// Email one-time passcode: no password at all (sign-up with a password and password reset
    /// are refused).
    EmailOtp,
}

/// A user attribute a flow may collect at sign-up, named as Microsoft Entra names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum UserAttribute {
    /// Always collected.
    DisplayName,
    GivenName,
    Surname,
    City,
    Country,
    JobTitle,
    PostalCode,
    State,
    StreetAddress,
}

impl UserAttribute {
    pub const ALL: [UserAttribute; 9] = [
        UserAttribute::DisplayName,
        UserAttribute::GivenName,
        UserAttribute::Surname,
        UserAttribute::City,
        UserAttribute::Country,
        UserAttribute::JobTitle,
        UserAttribute::PostalCode,
        UserAttribute::State,
        UserAttribute::StreetAddress,
    ];
}

/// An application that uses a user flow: a summary of its registration (`applications`), which
/// is where it is changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Application {
    pub name: String,
    /// Its client id: 3 to 64 letters, digits, `-` or `_` (a UUID when generated).
    pub client_id: String,
    /// The origins of its redirect URIs (`https://app.example.com`), which the customer pages'
    /// `return_to` may point at.
    pub redirect_origins: Vec<String>,
}

/// An application in a user flow's create or update request. Applications are registered under
/// `/api/graph/v1.0/applications` now, each naming its user flow, so the server refuses a user
/// flow request that lists any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicationInput {
    pub name: String,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub redirect_origins: Vec<String>,
}

/// A user flow as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserFlow {
    pub id: String,
    pub name: String,
    pub kind: UserFlowKind,
    pub identity_provider: IdentityProvider,
    /// Collected at sign-up, `displayName` first; every one is required.
    pub attributes: Vec<UserAttribute>,
    pub sspr_enabled: bool,
    pub applications: Vec<Application>,
    /// The flow used when no application is named.
    pub is_default: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// `POST /api/admin/user-flows` and `PUT /api/admin/user-flows/{id}` (a whole replacement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserFlowInput {
    pub name: String,
    #[serde(default)]
    pub kind: UserFlowKind,
    pub identity_provider: IdentityProvider,
    /// `displayName` is added when missing.
    #[serde(default)]
    pub attributes: Vec<UserAttribute>,
    pub sspr_enabled: bool,
    /// Must be empty: applications name their user flow in their registration.
    #[serde(default)]
    pub applications: Vec<ApplicationInput>,
}

/// `GET /api/admin/user-flows`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserFlowList {
    pub flows: Vec<UserFlow>,
}

/// `GET /api/user-flow?client_id=…`: what the customer pages need to follow an application's
/// flow. Public, so it holds nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerUserFlow {
    pub identity_provider: IdentityProvider,
    /// Collected at sign-up, `displayName` first.
    pub attributes: Vec<UserAttribute>,
    pub sspr_enabled: bool,
    /// Origins `return_to` may point at for this application (besides this service's own).
    pub return_origins: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WireName;

    #[test]
    fn attributes_use_entra_names() {
        for attribute in UserAttribute::ALL {
            let json = serde_json::to_string(&attribute).expect("serialises");
            assert_eq!(json, format!("\"{}\"", attribute.as_str()));
            assert_eq!(UserAttribute::parse(attribute.as_str()), Some(attribute));
        }
        assert_eq!(UserAttribute::parse("favouriteColour"), None);
    }

    #[test]
    fn an_input_defaults_its_kind_and_refuses_unknown_fields() {
        let input: UserFlowInput = serde_json::from_str(
            r#"{"name":"Shop","identity_provider":"email_otp","sspr_enabled":false}"#,
        )
        .expect("valid");
        assert_eq!(input.kind, UserFlowKind::SignUpAndSignIn);
        assert!(serde_json::from_str::<UserFlowInput>(
            r#"{"name":"Shop","identity_provider":"email_otp","sspr_enabled":false,"x":1}"#
        )
        .is_err());
        assert!(serde_json::from_str::<UserFlowInput>(
            r#"{"name":"Shop","identity_provider":"facebook","sspr_enabled":false}"#
        )
        .is_err());
    }
}
