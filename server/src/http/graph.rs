//! Microsoft Graph's wire conventions on `/api/graph/v1.0`: errors as
//! `{"error": {"code", "message", "details"?, "innerError": {"code", "request-id", "date"}}}`
//! with Graph's codes, ISO 8601 dates, and request bodies read the way Graph reads them
//! (Microsoft's own documented PATCH example ends its object with a trailing comma, which Graph
//! accepts).

use crate::error::ApiError;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use sspr_api::graph::{GraphError, GraphErrorBody, GraphInnerError};
use sspr_api::ErrorCode;
use sspr_api::WireName;

/// Where the Graph-compatible API lives; the error envelope renders errors under it with
/// [`error_body`].
pub const PREFIX: &str = "/api/graph/";

/// Graph's error body for an error answer at `now_ms`, and its status: validation errors are
/// 400 `BadRequest`, as Graph answers them.
pub fn error_body(
    status: StatusCode,
    code: ErrorCode,
    message: String,
    details: Vec<sspr_api::ErrorDetail>,
    request_id: String,
    now_ms: i64,
) -> (StatusCode, Vec<u8>) {
    let status = if status == StatusCode::UNPROCESSABLE_ENTITY {
        StatusCode::BAD_REQUEST
    } else {
        status
    };
    let body = GraphErrorBody {
        error: GraphError {
            code: graph_code(status, code).into(),
            message,
            details,
            inner_error: GraphInnerError {
                code: code.as_str().into(),
                request_id,
                date: iso8601(now_ms),
            },
        },
    };
    (status, serde_json::to_vec(&body).unwrap_or_default())
}

/// Graph's error code for an answer.
fn graph_code(status: StatusCode, code: ErrorCode) -> &'static str {
    match (status, code) {
        (_, ErrorCode::CsrfFailed) => "Authorization_RequestDenied",
        (StatusCode::BAD_REQUEST, _) => "BadRequest",
        (StatusCode::UNAUTHORIZED, _) => "InvalidAuthenticationToken",
        (StatusCode::FORBIDDEN, _) => "Authorization_RequestDenied",
        (StatusCode::NOT_FOUND, _) => "Request_ResourceNotFound",
        (StatusCode::METHOD_NOT_ALLOWED, _) => "Request_BadRequest",
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, _) => "Request_UnsupportedMediaType",
        (StatusCode::PAYLOAD_TOO_LARGE, _) => "Request_EntityTooLarge",
        (StatusCode::TOO_MANY_REQUESTS, _) => "TooManyRequests",
        (StatusCode::SERVICE_UNAVAILABLE, _) => "ServiceUnavailable",
        (StatusCode::REQUEST_TIMEOUT, _) => "Timeout",
        (s, _) if s.is_client_error() => "BadRequest",
        _ => "InternalServerError",
    }
}

/// The `@odata.context` of an answer about `what`, on the public `origin`.
pub fn odata_context(origin: &str, what: &str) -> String {
    format!(
        "{}/api/graph/v1.0/$metadata#{what}",
        origin.trim_end_matches('/')
    )
}

/// `ms` (unix milliseconds) as ISO 8601 in UTC, e.g. `2022-01-26T10:47:26.604Z`.
pub fn iso8601(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

/// Parses a Graph request body: JSON, a trailing comma before `}` or `]` tolerated. A body that
/// does not parse is 400 `invalid_json` naming the problem. Like every body of this API it must be
/// a JSON object, and a number with a zero fraction is an integer (`http::json::read`).
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let cleaned = without_trailing_commas(&super::json::read(body)?);
    let mut deserializer = serde_json::Deserializer::from_slice(&cleaned);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| e.to_string())
        .and_then(|value| {
            deserializer
                .end()
                .map(|()| value)
                .map_err(|e| e.to_string())
        });
    value.map_err(|error| {
        ApiError::new(
            ErrorCode::InvalidJson,
            format!(
                "The request body is not valid: {}",
                crate::error::without_values(&error)
            ),
        )
    })
}

/// `json` without the commas that directly precede (spaces aside) a `}` or `]`, outside strings.
fn without_trailing_commas(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, &byte) in json.iter().enumerate() {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if byte == b'"' {
            in_string = true;
        } else if byte == b',' {
            let next = json[i + 1..].iter().find(|b| !b.is_ascii_whitespace());
            if matches!(next, Some(b'}' | b']')) {
                continue;
            }
        }
        out.push(byte);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_commas_go_but_commas_in_strings_stay() {
        let cleaned = without_trailing_commas(br#"{"a": "x,}", "b": [1, 2, ], }"#);
        assert_eq!(
            String::from_utf8(cleaned).expect("utf-8"),
            r#"{"a": "x,}", "b": [1, 2 ] }"#
        );
        let escaped = without_trailing_commas(br#"{"a": "q\",]",}"#);
        assert_eq!(
            String::from_utf8(escaped).expect("utf-8"),
            r#"{"a": "q\",]"}"#
        );
    }

    #[test]
    fn dates_are_iso_8601_utc() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_643_194_046_604), "2022-01-26T10:47:26.604Z");
    }
}
