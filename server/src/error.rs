//! The one error type of the API, and how it becomes an HTTP answer.
//!
//! Handlers return `Result<_, ApiError>`. An `ApiError` turns into a response that carries its
//! status and an [`ErrorDetails`] extension but no body yet; the error-envelope middleware
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
}

/// An error the client caused or must act on, with what it needs to say more.
#[derive(Debug)]
pub struct ClientError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub attempts_left: Option<u32>,
    pub retry_after_secs: Option<u64>,
    pub violations: Vec<sspr_api::Violation>,
}

/// Every way an API request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A refusal with a stable code (see [`ApiError::client`]).
    #[error("{}", .0.message)]
    Client(Box<ClientError>),
    /// The input parsed but breaks a rule; the message says which.
    #[error("{0}")]
    Validation(String),
    #[error("not found")]
    NotFound,
    /// The database could not be reached; the request is refused (fail closed).
    #[error("database unavailable: {0}")]
    DatabaseUnavailable(#[source] sqlx::Error),
    /// Anything else: logged in full, answered as an opaque 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A refusal: `status`, a stable `code` and a sentence for people.
    pub fn client(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError::Client(Box::new(ClientError {
            status,
            code,
            message: message.into(),
            attempts_left: None,
            retry_after_secs: None,
            violations: Vec::new(),
        }))
    }

    /// Adds the tries left on a passcode.
    pub fn with_attempts_left(mut self, n: u32) -> Self {
        if let ApiError::Client(e) = &mut self {
            e.attempts_left = Some(n);
        }
        self
    }

    /// Adds how long to wait before trying again.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        if let ApiError::Client(e) = &mut self {
            e.retry_after_secs = Some(secs.max(1));
        }
        self
    }

    /// Adds the password rules broken.
    pub fn with_violations(mut self, violations: Vec<sspr_api::Violation>) -> Self {
        if let ApiError::Client(e) = &mut self {
            e.violations = violations;
        }
        self
    }

    fn parts(&self) -> (StatusCode, ErrorCode, String) {
        match self {
            ApiError::Client(e) => (e.status, e.code, e.message.clone()),
            ApiError::Validation(message) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ValidationFailed,
                message.clone(),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "There is nothing at this address.".into(),
            ),
            ApiError::DatabaseUnavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::DatabaseUnavailable,
                "The service cannot reach its database. Please try again in a moment.".into(),
            ),
            ApiError::Internal(_) => generic(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                ApiError::DatabaseUnavailable(error)
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let (code, status) = match &rejection {
            JsonRejection::MissingJsonContentType(_) => (
                ErrorCode::UnsupportedMediaType,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ),
            JsonRejection::BytesRejection(_) => {
                (ErrorCode::PayloadTooLarge, StatusCode::PAYLOAD_TOO_LARGE)
            }
            _ => (ErrorCode::InvalidJson, StatusCode::BAD_REQUEST),
        };
        let message = match code {
            ErrorCode::UnsupportedMediaType => "Send the request body as application/json.".into(),
            ErrorCode::PayloadTooLarge => "The request body is too large.".into(),
            // serde's text names the field and the problem; it never echoes secrets' values.
            _ => format!("The request body is not valid: {}", rejection.body_text()),
        };
        ApiError::client(status, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        match &self {
            ApiError::Internal(error) => tracing::error!(error = ?error, "internal error"),
            ApiError::DatabaseUnavailable(error) => {
                tracing::warn!(error = %error, "database unavailable")
            }
            _ => {}
        }
        let mut response = error_response(status, code, message);
        if let (ApiError::Client(e), Some(details)) =
            (&self, response.extensions_mut().get_mut::<ErrorDetails>())
        {
            details.attempts_left = e.attempts_left;
            details.retry_after_secs = e.retry_after_secs;
            details.violations = e.violations.clone();
        }
        response
    }
}

/// A bodiless response the envelope middleware will fill with `{code, message, request_id}`.
pub fn error_response(status: StatusCode, code: ErrorCode, message: String) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(ErrorDetails {
        code,
        message,
        attempts_left: None,
        retry_after_secs: None,
        violations: Vec::new(),
    });
    response
}

/// The code and message for an error status that no handler described (a 405 from the router,
/// a 408 from the timeout layer, a panic's 500, …).
pub fn generic(status: StatusCode) -> (StatusCode, ErrorCode, String) {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "There is nothing at this address."),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            "This address does not accept that method.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => {
            (ErrorCode::PayloadTooLarge, "The request body is too large.")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorCode::UnsupportedMediaType,
            "Send the request body as application/json.",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            ErrorCode::Timeout,
            "The request took too long. Please try again.",
        ),
        s if s.is_client_error() => (ErrorCode::InvalidJson, "The request is not valid."),
        _ => (
            ErrorCode::Internal,
            "Something went wrong on our side. Please try again; if it keeps happening, quote the request id.",
        ),
    };
    let status = if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        status
    };
    (status, code, message.to_owned())
}

/// JSON body extractor whose rejection is an [`ApiError`] in the error shape.
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
