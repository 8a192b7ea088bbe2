//! The one error type of the API, and how it becomes an HTTP answer.
//!
//! Handlers return `Result<_, ApiError>`. Every refusal is built by [`ApiError::new`] from a
//! stable [`ErrorCode`] and a sentence (with [`ApiError::validation`] and
//! [`ApiError::not_found`] for the two commonest), and its status is chosen in one place,
//! [`status_of`], from the code. An `ApiError` turns into a response that carries its status
//! and an [`ErrorDetails`] extension but no body yet; the error-envelope middleware
//! (`http::envelope`) writes the JSON `{code, message, request_id}` once the request id is known.
//! Internal errors keep their detail in the log and send only the opaque code `internal`.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sspr_api::ErrorCode;

/// What the envelope middleware needs to write an error body.
#[derive(Debug, Clone)]
pub struct ErrorDetails {
    pub code: ErrorCode,
    pub message: String,
    pub attempts_left: Option<u32>,
    pub retry_after_secs: Option<u64>,
    pub violations: Vec<sspr_api::Violation>,
    pub details: Vec<sspr_api::ErrorDetail>,
}

/// Every way an API request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A refusal with a stable code; [`ApiError::new`] builds every one.
    #[error("{}", .0.message)]
    Refused(Box<ErrorDetails>),
    /// The database could not be reached; the request is refused (fail closed).
    #[error("database unavailable: {0}")]
    DatabaseUnavailable(#[source] sqlx::Error),
    /// Anything else: logged in full, answered as an opaque 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A refusal: a stable `code` and a sentence for people. The status follows from the code
    /// ([`status_of`]).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError::Refused(Box::new(ErrorDetails {
            code,
            message: message.into(),
            attempts_left: None,
            retry_after_secs: None,
            violations: Vec::new(),
            details: Vec::new(),
        }))
    }

    /// 422 `validation_failed`: the input parsed but breaks a rule; the message says which.
    pub fn validation(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::ValidationFailed, message)
    }

    /// 404 `not_found`, for an address or id that names nothing.
    pub fn not_found() -> Self {
        ApiError::new(ErrorCode::NotFound, NOT_FOUND)
    }

    /// Adds the tries left on a passcode.
    pub fn with_attempts_left(mut self, n: u32) -> Self {
        if let ApiError::Refused(e) = &mut self {
            e.attempts_left = Some(n);
        }
        self
    }

    /// Adds how long to wait before trying again.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        if let ApiError::Refused(e) = &mut self {
            e.retry_after_secs = Some(secs.max(1));
        }
        self
    }

    /// Adds the password rules broken.
    pub fn with_violations(mut self, violations: Vec<sspr_api::Violation>) -> Self {
        if let ApiError::Refused(e) = &mut self {
            e.violations = violations;
        }
        self
    }

    /// Adds what exactly broke the rule, and where.
    pub fn with_detail(mut self, detail: sspr_api::ErrorDetail) -> Self {
        if let ApiError::Refused(e) = &mut self {
            e.details.push(detail);
        }
        self
    }

    /// The status and body this error is answered with.
    fn details(self) -> (StatusCode, ErrorDetails) {
        let details = match self {
            ApiError::Refused(details) => *details,
            ApiError::DatabaseUnavailable(error) => {
                tracing::warn!(error = %error, "database unavailable");
                described(ErrorCode::DatabaseUnavailable)
            }
            ApiError::Internal(error) => {
                tracing::error!(error = ?error, "internal error");
                described(ErrorCode::Internal)
            }
        };
        (status_of(&details), details)
    }
}

/// The status of every error answer, chosen here and nowhere else, from its code. The one code
/// with two statuses is `invalid_code`: 422 when the input could not be a passcode at all (no
/// try was used, so no `attempts_left`), 400 when a passcode was checked and is wrong.
pub fn status_of(details: &ErrorDetails) -> StatusCode {
    use ErrorCode::*;
    match details.code {
        InvalidCode if details.attempts_left.is_none() => StatusCode::UNPROCESSABLE_ENTITY,
        InvalidJson | InvalidCode | CodeExpired | AdminSetupInvalid | InvalidCursor
        | InvalidFilter | InvalidAnswers | CaptchaRequired | CaptchaInvalid => {
            StatusCode::BAD_REQUEST
        }
        Unauthorized | InvalidCredentials => StatusCode::UNAUTHORIZED,
        CsrfFailed | Forbidden | MethodDisabled | ReauthenticationRequired => StatusCode::FORBIDDEN,
        NotFound | FlowNotFound | SessionNotFound | InvitationInvalid => StatusCode::NOT_FOUND,
        MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Timeout => StatusCode::REQUEST_TIMEOUT,
        FlowWrongState
        | AdminExists
        | GroupExists
        | GroupReserved
        | GroupInUse
        | UserFlowInUse
        | LastResetMethod
        | MoreMethodsRequired
        | RegistrationIncomplete
        | SkipNotAllowed => StatusCode::CONFLICT,
        FlowExpired => StatusCode::GONE,
        PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ValidationFailed | PasswordPolicy | PasswordMismatch => StatusCode::UNPROCESSABLE_ENTITY,
        ResendTooSoon | TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

const NOT_FOUND: &str = "There is nothing at this address.";

/// The message of a code nobody described further.
fn described(code: ErrorCode) -> ErrorDetails {
    let message = match code {
        ErrorCode::NotFound => NOT_FOUND,
        ErrorCode::MethodNotAllowed => "This address does not accept that method.",
        ErrorCode::PayloadTooLarge => "The request body is too large.",
        ErrorCode::UnsupportedMediaType => "Send the request body as application/json.",
        ErrorCode::Timeout => "The request took too long. Please try again.",
        ErrorCode::InvalidJson => "The request is not valid.",
        ErrorCode::DatabaseUnavailable => {
            "The service cannot reach its database. Please try again in a moment."
        }
        _ => "Something went wrong on our side. Please try again; if it keeps happening, quote the request id.",
    };
    ErrorDetails {
        code,
        message: message.to_owned(),
        attempts_left: None,
        retry_after_secs: None,
        violations: Vec::new(),
        details: Vec::new(),
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                ApiError::DatabaseUnavailable(error)
            }
            // PostgreSQL's text holds no NUL byte (SQLSTATE 22021): a value that carries one,
            // in a path or a body, is the client's to fix. The transaction it was in is dropped
            // with the error, so nothing of the request is kept.
            sqlx::Error::Database(ref db) if db.code().as_deref() == Some("22021") => {
                ApiError::validation("The request holds a NUL character, which is not allowed.")
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<crate::domain::password::Refused> for ApiError {
    fn from(refused: crate::domain::password::Refused) -> Self {
        ApiError::new(ErrorCode::PasswordPolicy, refused.reason())
            .with_violations(refused.violations)
    }
}

impl From<crate::domain::admission::Refusal> for ApiError {
    fn from(refusal: crate::domain::admission::Refusal) -> Self {
        use crate::domain::admission::Refusal;
        match refusal {
            Refusal::MethodDisabled(message) => ApiError::new(ErrorCode::MethodDisabled, message),
            Refusal::AccountDisabled => ApiError::new(
                ErrorCode::Forbidden,
                "This account is disabled. Contact your administrator.",
            ),
            Refusal::TooMany { wait_ms } => ApiError::new(
                ErrorCode::TooManyRequests,
                "Too many attempts. Please wait and try again.",
            )
            .with_retry_after(u64::try_from((wait_ms.max(0) + 999) / 1000).unwrap_or(1)),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match &rejection {
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::Refused(Box::new(described(ErrorCode::UnsupportedMediaType)))
            }
            JsonRejection::BytesRejection(_) => {
                ApiError::Refused(Box::new(described(ErrorCode::PayloadTooLarge)))
            }
            _ => ApiError::new(
                ErrorCode::InvalidJson,
                format!(
                    "The request body is not valid: {}",
                    without_values(&rejection.body_text())
                ),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, details) = self.details();
        let mut response = status.into_response();
        response.extensions_mut().insert(details);
        response
    }
}

/// serde's text about a body it could not read, without the value it quotes: it names the field
/// and the problem, but for a wrong type or value it also repeats what was sent (``invalid
/// type: integer `12345678`, expected a string``), which may be a passcode or a password, and
/// those never appear in an answer (SECURITY.md §12).
pub fn without_values(serde_text: &str) -> String {
    let wrong = ["invalid type: ", "invalid value: "]
        .iter()
        .find_map(|p| serde_text.find(p).map(|at| at + p.len()));
    let (Some(from), Some(to)) = (wrong, serde_text.find(", expected")) else {
        return serde_text.to_owned();
    };
    // The kind of value sent ("integer", "string", "floating point") stays; the value goes.
    let sent = &serde_text[from..to.max(from)];
    let kind = sent.find(['`', '"']).map_or(sent, |quote| &sent[..quote]);
    [&serde_text[..from], kind.trim_end(), &serde_text[to..]].concat()
}

/// The details for an error status that no handler described (a 405 from the router, a 408
/// from the timeout layer, a panic's 500, …). A client error without a code of its own keeps
/// its status with the code `invalid_json`.
pub fn generic(status: StatusCode) -> (StatusCode, ErrorDetails) {
    let code = match status {
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::REQUEST_TIMEOUT => ErrorCode::Timeout,
        s if s.is_client_error() => {
            return (status, described(ErrorCode::InvalidJson));
        }
        _ => ErrorCode::Internal,
    };
    let details = described(code);
    (status_of(&details), details)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(error: ApiError) -> StatusCode {
        error.details().0
    }

    #[test]
    fn a_body_of_the_wrong_type_is_described_without_the_value_sent() {
        assert_eq!(
            without_values(
                "invalid type: integer `12345678`, expected a string at line 1 column 17"
            ),
            "invalid type: integer, expected a string at line 1 column 17"
        );
        assert_eq!(
            without_values("code: invalid type: string \"my secret\", expected u32"),
            "code: invalid type: string, expected u32"
        );
        assert_eq!(
            without_values("invalid value: floating point `1.5`, expected an integer"),
            "invalid value: floating point, expected an integer"
        );
        let missing = "missing field `code` at line 1 column 2";
        assert_eq!(without_values(missing), missing);
    }

    #[test]
    fn validation_failed_is_always_422() {
        assert_eq!(
            status(ApiError::validation("x")),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            status(ApiError::new(ErrorCode::ValidationFailed, "x")),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }

    #[test]
    fn a_passcode_that_could_not_be_one_is_422_and_a_wrong_one_400() {
        let malformed = ApiError::new(ErrorCode::InvalidCode, "Enter the code.");
        assert_eq!(status(malformed), StatusCode::UNPROCESSABLE_ENTITY);
        let wrong = ApiError::new(ErrorCode::InvalidCode, "Wrong.").with_attempts_left(4);
        assert_eq!(status(wrong), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn every_code_has_an_error_status_and_generic_statuses_keep_theirs() {
        for code in ErrorCode::ALL {
            let status = status_of(&described(*code));
            assert!(
                status.is_client_error() || status.is_server_error(),
                "{code}"
            );
        }
        for status in [
            StatusCode::NOT_FOUND,
            StatusCode::METHOD_NOT_ALLOWED,
            StatusCode::PAYLOAD_TOO_LARGE,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            StatusCode::REQUEST_TIMEOUT,
            StatusCode::BAD_REQUEST,
        ] {
            assert_eq!(generic(status).0, status);
        }
        assert_eq!(
            generic(StatusCode::BAD_GATEWAY).0,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
