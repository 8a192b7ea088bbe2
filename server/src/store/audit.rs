//! The audit log: every authentication event, with who, what, when, from where and the outcome,
//! and never a secret (SECURITY.md §33). Free text is stripped of control characters so a
//! crafted value cannot forge lines in an export or a terminal.

use super::script::Script;
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

/// Writes the record of `event` now.
pub async fn record(
    conn: &mut AnyConnection,
    event: &Event<'_>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut script = Script::default();
    add_record(&mut script, event, now_ms);
    script.run(conn).await.map(|_| ())
}

/// Adds the record of `event` to `script` (written when it runs, with the rest of it).
pub fn add_record(script: &mut Script, event: &Event<'_>, now_ms: i64) {
    script
        .add(
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
        .bind(detail_text(event.detail.as_ref()));
}

/// Most characters of a detail kept whole; an administrator's before/after of a policy fits.
pub const MAX_DETAIL_CHARS: usize = 16 * 1024;

/// The detail as JSON text. Cutting JSON at a length would leave it unreadable, so a detail
/// over [`MAX_DETAIL_CHARS`] is replaced by `{"truncated": true}`. Serialised JSON escapes
/// C0 controls; the others (DEL, C1), which it would keep raw inside strings, are dropped.
fn detail_text(detail: Option<&serde_json::Value>) -> String {
    let text: String = detail
        .map_or_else(|| "{}".to_owned(), serde_json::Value::to_string)
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if text.chars().count() > MAX_DETAIL_CHARS {
        r#"{"truncated":true}"#.to_owned()
    } else {
        text
    }
}

/// `text` without control characters, at most 512 characters.
pub fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(512).collect()
}

#[cfg(test)]
mod tests {
    use super::{clean, detail_text, MAX_DETAIL_CHARS};

    #[test]
    fn control_characters_cannot_forge_lines() {
        assert_eq!(clean("a\r\nfake event\u{1b}[31m"), "afake event[31m");
    }

    #[test]
    fn a_detail_is_kept_whole_as_json_or_replaced() {
        let long = serde_json::json!({"before": "x".repeat(2000), "after": "line\nbreak"});
        let c1 = serde_json::json!({"after": "a\u{85}b\u{7f}"});
        assert_eq!(detail_text(Some(&c1)), r#"{"after":"ab"}"#);
        let text = detail_text(Some(&long));
        assert!(!text.chars().any(char::is_control));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).expect("json"),
            long
        );
        let huge = serde_json::json!({"before": "x".repeat(MAX_DETAIL_CHARS)});
        assert_eq!(detail_text(Some(&huge)), r#"{"truncated":true}"#);
    }
}
