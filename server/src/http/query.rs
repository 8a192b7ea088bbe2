//! A query-string extractor whose rejection is an [`ApiError`] in the error shape (axum's own
//! answers a plain-text 400). Query structs use `deny_unknown_fields`, so a misspelt filter is
//! refused rather than silently ignored; [`whole_number`] reads a number in one, as the schema says.

use crate::error::ApiError;
use axum::extract::rejection::QueryRejection;

/// `Query<T>` that answers `422 validation_failed` with serde's reason when the query does not
/// parse.
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// A number in a query string, as the published schema's `integer` has it: digits alone (no
/// sign, no spaces) that fit `T`; `None` for anything else.
pub fn whole_number<T: std::str::FromStr>(raw: &str) -> Option<T> {
    let digits = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| raw.parse().ok()).flatten()
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::validation(format!(
            "The query string is not valid: {}",
            rejection.body_text()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::whole_number;

    #[test]
    fn a_query_number_is_digits_alone_that_fit() {
        assert_eq!(whole_number::<u32>("50"), Some(50));
        assert_eq!(whole_number::<i64>("0"), Some(0));
        for bad in ["", "+5", "-5", " 5", "5 ", "5.0", "five", "99999999999"] {
            assert_eq!(whole_number::<u32>(bad), None, "{bad:?}");
        }
    }
}
