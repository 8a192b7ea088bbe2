//! JSON request bodies and answers: [`Json`], whose rejection is an [`ApiError`] in the error
//! shape (axum's own answers plain text), and [`read`], the one reading of a request body that
//! the Graph-compatible paths share.
//!
//! A body must be a JSON **object** (every request of this API is one): serde would otherwise
//! read `[null, null]` as a struct of two absent fields. And a number with a zero fraction
//! (`216.0`) is the integer it is, as JSON Schema — and so the OpenAPI document — says; serde
//! alone refuses it for an integer field. Both are applied to the raw bytes, before serde reads
//! them, so serde still refuses duplicate keys and unknown fields (SECURITY.md §6).

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use sspr_api::ErrorCode;
use std::borrow::Cow;

/// A JSON body (`application/json`, an object) read into `T`, or a JSON answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(request.headers()) {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "Send the request body as application/json.",
            ));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|_| {
            ApiError::new(ErrorCode::PayloadTooLarge, "The request body is too large.")
        })?;
        let object = read(&bytes)?;
        Ok(Json(axum::Json::<T>::from_bytes(&object)?.0))
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `application/json`, or another `application/…+json` type, with any parameters.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|subtype| subtype.ends_with("+json"))
}

/// The body `bytes` made ready for serde: refused unless it is a JSON object, its integral
/// numbers written as integers.
pub fn read(bytes: &[u8]) -> Result<Cow<'_, [u8]>, ApiError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(ApiError::new(
            ErrorCode::InvalidJson,
            "The request body is not valid: send a JSON object.",
        ));
    }
    Ok(integral_numbers(bytes))
}

/// `json` with every number outside strings that has a zero fraction and no exponent (`12.0`,
/// `-3.00`) written without its fraction.
fn integral_numbers(json: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut in_string = false;
    let mut escaped = false;
    let mut i = 0;
    while i < json.len() {
        let byte = json[i];
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if byte == b'"' {
            in_string = true;
        } else if byte == b'.' && i > 0 && json[i - 1].is_ascii_digit() {
            let zeros = json[i + 1..].iter().take_while(|b| **b == b'0').count();
            let end = i + 1 + zeros;
            let after = json.get(end).copied();
            let integral = zeros > 0 && !matches!(after, Some(b'0'..=b'9' | b'e' | b'E' | b'.'));
            if integral {
                if out.is_none() {
                    out = Some(json[..i].to_vec());
                }
                i = end;
                continue;
            }
        }
        if let Some(out) = out.as_mut() {
            out.push(byte);
        }
        i += 1;
    }
    match out {
        Some(out) => Cow::Owned(out),
        None => Cow::Borrowed(json),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integral(json: &str) -> String {
        String::from_utf8(integral_numbers(json.as_bytes()).into_owned()).expect("utf-8")
    }

    #[test]
    fn integral_numbers_lose_their_zero_fraction_and_nothing_else_changes() {
        assert_eq!(
            integral(r#"{"a": 216.0, "b": -3.00}"#),
            r#"{"a": 216, "b": -3}"#
        );
        assert_eq!(
            integral(r#"{"a": 2.5, "b": 1.05, "c": 1.0e3}"#),
            r#"{"a": 2.5, "b": 1.05, "c": 1.0e3}"#
        );
        assert_eq!(
            integral(r#"{"a": "7.0", "b": "q\"1.0"}"#),
            r#"{"a": "7.0", "b": "q\"1.0"}"#
        );
        assert_eq!(integral(r#"{"a": [1.0,2.0]}"#), r#"{"a": [1,2]}"#);
    }

    #[test]
    fn only_an_object_is_a_body() {
        assert!(read(b"  {\"a\": 1}").is_ok());
        for body in ["[null, null]", "null", "\"x\"", "1", ""] {
            assert!(read(body.as_bytes()).is_err(), "{body}");
        }
    }

    #[test]
    fn json_and_its_suffix_types_are_json() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, value.parse().expect("a header"));
            is_json(&headers)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(with("application/merge-patch+json"));
        assert!(!with("text/plain"));
        assert!(!with("application/jsonx"));
        assert!(!is_json(&HeaderMap::new()));
    }
}
