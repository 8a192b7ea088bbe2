//! The one error body every failing `/api` response carries.
//!
//! `code` is stable and machine-readable (clients branch on it), `message` is for people, and
//! `request_id` matches the `x-request-id` response header so a user can quote it to support.
//! Three optional fields carry what a page needs to say more: `attempts_left` (wrong passcode),
//! `retry_after_secs` (throttled), `violations` (refused password).

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
}

impl ErrorBody {
    /// The code as a known [`ErrorCode`], or `None` when this client does not know it.
    pub fn known_code(&self) -> Option<ErrorCode> {
        ErrorCode::from_str(&self.code)
    }
}

macro_rules! error_codes {
    ($($variant:ident => $code:literal),+ $(,)?) => {
        /// The closed list of error codes the server sends.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($variant),+ }

        impl ErrorCode {
            /// Every code, for documentation and tests.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The wire form of the code.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),+ }
            }

            /// Parses the wire form; `None` for a code this build does not know.
            #[allow(clippy::should_implement_trait)]
            pub fn from_str(code: &str) -> Option<Self> {
                match code { $($code => Some(ErrorCode::$variant),)+ _ => None }
            }
        }
    };
}

error_codes! {
    NotFound => "not_found",
    MethodNotAllowed => "method_not_allowed",
    InvalidJson => "invalid_json",
    UnsupportedMediaType => "unsupported_media_type",
    PayloadTooLarge => "payload_too_large",
    ValidationFailed => "validation_failed",
    DatabaseUnavailable => "database_unavailable",
    CsrfFailed => "csrf_failed",
    Unauthorized => "unauthorized",
    Forbidden => "forbidden",
    InvalidCredentials => "invalid_credentials",
    FlowNotFound => "flow_not_found",
    FlowExpired => "flow_expired",
    FlowWrongState => "flow_wrong_state",
    InvalidCode => "invalid_code",
    CodeExpired => "code_expired",
    ResendTooSoon => "resend_too_soon",
    TooManyRequests => "too_many_requests",
    PasswordPolicy => "password_policy",
    PasswordMismatch => "password_mismatch",
    InvitationInvalid => "invitation_invalid",
    MethodDisabled => "method_disabled",
    SessionNotFound => "session_not_found",
    AdminSetupInvalid => "admin_setup_invalid",
    AdminExists => "admin_exists",
    GroupExists => "group_exists",
    GroupReserved => "group_reserved",
    GroupInUse => "group_in_use",
    InvalidCursor => "invalid_cursor",
    UserFlowInUse => "user_flow_in_use",
    Timeout => "timeout",
    Internal => "internal",
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
    fn every_code_round_trips_and_is_snake_case() {
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert_eq!(ErrorCode::from_str(s), Some(*code));
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
