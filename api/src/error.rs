//! The one error body every failing `/api` response carries.
//!
//! `code` is stable and machine-readable (clients branch on it), `message` is for people, and
//! `request_id` matches the `x-request-id` response header so a user can quote it to support.
//! Four optional fields carry what a page needs to say more: `attempts_left` (wrong passcode),
//! `retry_after_secs` (throttled), `violations` (refused password) and `details` (what exactly
//! broke a rule, and where: a refused custom CSS).

use crate::WireName;
use serde::{Deserialize, Serialize};

/// The JSON body of every error answer: `{ "code": …, "message": …, "request_id": … }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable snake_case code from [`ErrorCode`] (kept as a string so older clients can read
    /// codes added later).
    pub code: String,
    /// A human-readable sentence.
    pub message: String,
    /// The request id of the failing request.
    pub request_id: String,
    /// For a wrong passcode: the tries left on this code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// For a throttled request: seconds to wait before trying again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
    /// For a refused password: every rule it breaks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<crate::Violation>,
    /// What exactly broke a rule, and where (OData's error `details`, which Graph's envelope
    /// carries too), so a page can say it in its reader's language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

/// One thing that broke a rule: OData's error detail (`code`, `message`, `target`), with the
/// line it is on when the input has lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// The rule broken, a stable snake_case code (for custom CSS, a `CssRule`:
    /// `unknown_class`, `foreign_url`, …; for a branding image, an `ImageRule`: `svg`,
    /// `too_many_pixels`, …).
    pub code: String,
    /// The same, as a sentence for people (English).
    pub message: String,
    /// What broke it, as written in the input (`.mine`, `@import`, …); empty when nothing
    /// in particular.
    #[serde(default)]
    pub target: String,
    /// The line it is on, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl ErrorBody {
    /// The code as a known [`ErrorCode`], or `None` when this client does not know it.
    pub fn known_code(&self) -> Option<ErrorCode> {
        ErrorCode::parse(&self.code)
    }
}

macro_rules! error_codes {
    ($($variant:ident),+ $(,)?) => {
        /// The closed list of error codes the server sends, spelt in `snake_case` on the wire
        /// (`ErrorCode::InvalidCode` is `"invalid_code"`; [`WireName`] gives the text).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode { $($variant),+ }

        impl ErrorCode {
            /// Every code, for documentation, tests and the message catalogs.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];
        }
    };
}

error_codes! {
    NotFound,
    MethodNotAllowed,
    InvalidJson,
    UnsupportedMediaType,
    PayloadTooLarge,
    ValidationFailed,
    DatabaseUnavailable,
    CsrfFailed,
    Unauthorized,
    Forbidden,
    InvalidCredentials,
    FlowNotFound,
    FlowExpired,
    FlowWrongState,
    InvalidCode,
    CodeExpired,
    ResendTooSoon,
    TooManyRequests,
    PasswordPolicy,
    PasswordMismatch,
    InvitationInvalid,
    MethodDisabled,
    SessionNotFound,
    AdminSetupInvalid,
    AdminExists,
    GroupExists,
    GroupReserved,
    GroupInUse,
    InvalidCursor,
    InvalidFilter,
    UserFlowInUse,
    ReauthenticationRequired,
    LastResetMethod,
    MoreMethodsRequired,
    InvalidAnswers,
    RegistrationIncomplete,
    SkipNotAllowed,
    CaptchaRequired,
    CaptchaInvalid,
    Timeout,
    Internal,
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_snake_case() {
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert_eq!(ErrorCode::parse(s), Some(*code));
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
        }
    }

    #[test]
    fn an_unknown_code_is_kept_as_text_but_not_known() {
        let body: ErrorBody =
            serde_json::from_str(r#"{"code":"brand_new","message":"m","request_id":"r"}"#)
                .expect("valid body");
        assert_eq!(body.code, "brand_new");
        assert_eq!(body.known_code(), None);
    }
}
