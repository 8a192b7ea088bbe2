//! The audit log: every authentication event, with who, what, when, from where and the outcome,
//! and never a secret (SECURITY.md §33). Free text is stripped of control characters so a
//! crafted value cannot forge lines in an export or a terminal.

use sqlx::AnyConnection;

/// One event to record.
#[derive(Debug, Clone, Default)]
pub struct Event<'a> {
    /// What happened, e.g. `sign_in`, `passcode_sent`, `password_reset`.
    pub event: &'a str,
    /// `success`, `failure`, `suppressed`, …
    pub outcome: &'a str,
    /// Who did it (a user id, `admin:<id>`, `cli`), when known.
    pub actor: Option<&'a str>,
    /// Whom it concerns (a user id, or the canonical email when there is no account).
    pub subject: Option<&'a str>,
    pub client_ip: Option<&'a str>,
    pub request_id: Option<&'a str>,
    /// A small JSON object with non-secret details.
    pub detail: Option<serde_json::Value>,
}

pub async fn record(
    conn: &mut AnyConnection,
    event: &Event<'_>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let detail = event
        .detail
        .as_ref()
        .map_or_else(|| "{}".to_owned(), |d| d.to_string());
    sqlx::query(
        "INSERT INTO audit_log (at_ms, event, outcome, actor, subject, client_ip, request_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now_ms)
    .bind(clean(event.event))
    .bind(clean(event.outcome))
    .bind(event.actor.map(clean))
    .bind(event.subject.map(clean))
    .bind(event.client_ip.map(clean))
    .bind(event.request_id.map(clean))
    .bind(clean_detail(&detail))
    .execute(conn)
    .await
    .map(|_| ())
}

/// `text` without control characters, at most 512 characters.
pub fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(512).collect()
}

/// The longest detail kept; an administrator's before/after fits well within it.
pub const MAX_DETAIL: usize = 8192;

/// A detail (JSON, whose control characters are already escaped) kept whole, or replaced by a
/// marker when too long: cutting it would leave invalid JSON.
fn clean_detail(detail: &str) -> String {
    if detail.chars().count() <= MAX_DETAIL {
        detail.chars().filter(|c| !c.is_control()).collect()
    } else {
        r#"{"truncated":true}"#.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{clean, clean_detail};

    #[test]
    fn a_long_detail_stays_valid_json() {
        let long = serde_json::json!({"after": "x".repeat(1000)}).to_string();
        assert_eq!(clean_detail(&long), long);
        let huge = serde_json::json!({"after": "x".repeat(10_000)}).to_string();
        let kept: serde_json::Value = serde_json::from_str(&clean_detail(&huge)).expect("json");
        assert_eq!(kept["truncated"], true);
    }

    #[test]
    fn control_characters_cannot_forge_lines() {
        assert_eq!(clean("a\r\nfake event\u{1b}[31m"), "afake event[31m");
    }
}
