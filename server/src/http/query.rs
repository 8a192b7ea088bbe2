//! A query-string extractor whose rejection is an [`ApiError`] in the error shape (axum's own
//! answers a plain-text 400). Query structs use `deny_unknown_fields`, so a misspelt filter is
//! refused rather than silently ignored.

use crate::error::ApiError;
use axum::extract::rejection::QueryRejection;

/// `Query<T>` that answers `422 validation_failed` with serde's reason when the query does not
/// parse.
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::validation(format!(
            "The query string is not valid: {}",
            rejection.body_text()
        ))
    }
}
