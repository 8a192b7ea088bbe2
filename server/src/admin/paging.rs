//! Keyset paging for the portal's lists: page sizes and opaque cursors.
//!
//! A cursor is the sort key of the last row of a page, tagged with the list it belongs to and
//! encoded as unpadded base64url, so clients treat it as opaque and a cursor from one list is
//! refused by another. The next page is then `WHERE key > cursor ORDER BY key LIMIT n`: one
//! index range however deep the page, never an `OFFSET` scan.

use crate::error::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sspr_api::directory::{DEFAULT_PAGE, MAX_PAGE};
use sspr_api::ErrorCode;

/// The lists that page, each with its own cursor tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Users,
    Groups,
    Members,
    Audit,
    Registration,
    SignIns,
    DirectoryAudits,
}

impl List {
    fn tag(self) -> &'static str {
        match self {
            List::Users => "u",
            List::Groups => "g",
            List::Members => "m",
            List::Audit => "a",
            List::Registration => "r",
            List::SignIns => "s",
            List::DirectoryAudits => "d",
        }
    }
}

/// The page size from a `limit` parameter: 1 to [`MAX_PAGE`], [`DEFAULT_PAGE`] when absent.
pub fn limit(raw: Option<&str>) -> Result<u32, ApiError> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_PAGE);
    };
    match crate::http::query::whole_number::<u32>(raw) {
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        _ => Err(ApiError::validation(format!(
            "limit must be a whole number from 1 to {MAX_PAGE}."
        ))),
    }
}

/// Encodes the sort key `key` of `list`'s last row as a cursor.
pub fn encode(list: List, key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{key}", list.tag()))
}

/// The sort key in a cursor of `list`; 400 `invalid_cursor` for anything else.
pub fn decode(list: List, cursor: &str) -> Result<String, ApiError> {
    let invalid = invalid_cursor;
    if cursor.len() > 2048 {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (tag, key) = text.split_once(':').ok_or_else(invalid)?;
    if tag != list.tag() || key.is_empty() || key.chars().any(char::is_control) {
        return Err(invalid());
    }
    Ok(key.to_owned())
}

/// 400 `invalid_cursor`.
pub fn invalid_cursor() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidCursor,
        "This page cursor is not valid: pass back the `next` value of the previous page.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_belongs_to_one_list() {
        let cursor = encode(List::Users, "ann@contoso.example");
        assert_eq!(
            decode(List::Users, &cursor).expect("valid"),
            "ann@contoso.example"
        );
        assert!(decode(List::Groups, &cursor).is_err());
        assert!(decode(List::Users, "not base64!").is_err());
        assert!(decode(List::Users, &URL_SAFE_NO_PAD.encode("u:")).is_err());
    }

    #[test]
    fn a_limit_is_between_one_and_the_maximum() {
        assert_eq!(limit(None).expect("default"), DEFAULT_PAGE);
        assert_eq!(limit(Some("200")).expect("max"), 200);
        for bad in ["0", "201", "-1", "ten", ""] {
            assert!(limit(Some(bad)).is_err(), "{bad}");
        }
    }
}
