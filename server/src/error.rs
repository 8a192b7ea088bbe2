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
}

/// Every way an API request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not acceptable JSON for this endpoint.
    #[error("{message}")]
    BadRequest {
        code: ErrorCode,
        status: StatusCode,
        message: String,
    },
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
    fn parts(&self) -> (StatusCode, ErrorCode, String) {
        match self {
            ApiError::BadRequest {
                code,
                status,
                message,
            } => (*status, *code, message.clone()),
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
        ApiError::BadRequest {
            code,
            status,
            message,
        }
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
        error_response(status, code, message)
    }
}

/// A bodiless response the envelope middleware will fill with `{code, message, request_id}`.
pub fn error_response(status: StatusCode, code: ErrorCode, message: String) -> Response {
    let mut response = status.into_response();
    response
        .extensions_mut()
        .insert(ErrorDetails { code, message });
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
