//! The text form of a contract enum's value, read from its serde attributes.
//!
//! Each enum says once, with `#[serde(rename_all = …)]`, how its values are spelt on the wire;
//! [`WireName`] reads that spelling back for the places that need the bare text (database
//! columns, the passcode's HMAC input, mail subjects, audit details, form values) instead of a
//! second, hand-written table that could drift from the first.

use serde::de::{value::StrDeserializer, DeserializeOwned, IntoDeserializer};
use serde::Serialize;

/// A unit-variant enum whose wire names are its serde names.
pub trait WireName: Serialize + DeserializeOwned + Copy {
    /// The name serde writes for this value (`FlowPurpose::PasswordReset` → `"password_reset"`).
    fn as_str(self) -> &'static str {
        // Only unit variants implement this trait, and every unit variant has a name.
        serde_variant::to_variant_name(&self).unwrap_or("")
    }

    /// The value serde reads from `text`; `None` for a name this build does not know.
    fn parse(text: &str) -> Option<Self> {
        let text: StrDeserializer<'_, serde::de::value::Error> = text.into_deserializer();
        Self::deserialize(text).ok()
    }
}

impl WireName for crate::AdminRole {}
impl WireName for crate::branding::CssRule {}
impl WireName for crate::branding::ImageRule {}
impl WireName for crate::ErrorCode {}
impl WireName for crate::FlowPurpose {}
impl WireName for crate::FlowState {}
impl WireName for crate::IdentityProvider {}
impl WireName for crate::MethodKind {}
impl WireName for crate::SigningAlgorithm {}
impl WireName for crate::UserAttribute {}
impl WireName for crate::UserStatus {}
impl WireName for crate::UserType {}
impl WireName for crate::Violation {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        AdminRole, ErrorCode, FlowPurpose, FlowState, IdentityProvider, UserAttribute, UserStatus,
        UserType, Violation,
    };

    /// `value`'s name is exactly the JSON string serde writes, and reads back to `value`.
    fn agrees_with_serde<T: WireName + PartialEq + std::fmt::Debug>(value: T) {
        let json = serde_json::to_string(&value).expect("serialises");
        assert_eq!(json, format!("\"{}\"", value.as_str()));
        assert_eq!(T::parse(value.as_str()), Some(value));
    }

    #[test]
    fn every_name_is_the_one_serde_writes_and_reads_back() {
        AdminRole::ALL.into_iter().for_each(agrees_with_serde);
        crate::branding::CssRule::ALL
            .into_iter()
            .for_each(agrees_with_serde);
        crate::branding::ImageRule::ALL
            .into_iter()
            .for_each(agrees_with_serde);
        ErrorCode::ALL.iter().copied().for_each(agrees_with_serde);
        FlowPurpose::ALL.into_iter().for_each(agrees_with_serde);
        UserAttribute::ALL.into_iter().for_each(agrees_with_serde);
        for state in [
            FlowState::CodeSent,
            FlowState::CodeVerified,
            FlowState::Completed,
        ] {
            agrees_with_serde(state);
        }
        for provider in [IdentityProvider::EmailPassword, IdentityProvider::EmailOtp] {
            agrees_with_serde(provider);
        }
        for status in [UserStatus::Active, UserStatus::Locked, UserStatus::Disabled] {
            agrees_with_serde(status);
        }
        agrees_with_serde(UserType::Member);
        agrees_with_serde(UserType::Guest);
        for violation in [
            Violation::TooShort,
            Violation::TooLong,
            Violation::Common,
            Violation::ContainsContext,
        ] {
            agrees_with_serde(violation);
        }
        assert_eq!(FlowPurpose::PasswordReset.as_str(), "password_reset");
        assert_eq!(UserAttribute::GivenName.as_str(), "givenName");
    }

    #[test]
    fn unknown_names_are_refused() {
        assert_eq!(AdminRole::parse("root"), None);
        assert_eq!(FlowState::parse("lost"), None);
        assert_eq!(UserAttribute::parse("favouriteColour"), None);
        assert_eq!(ErrorCode::parse(""), None);
    }
}
