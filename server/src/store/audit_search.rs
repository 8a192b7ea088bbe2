//! Reading the audit log back: filters by subject, actor, event, outcome and time, newest first,
//! paged by keyset on `(at_ms, id)` so that every page is one index range (`audit_log_at`,
//! `audit_log_subject`, `audit_log_event`, `audit_log_actor`).

use super::audit_page::Conditions;
use sqlx::{AnyConnection, Row};
use sspr_api::AuditEntry;

/// What to read. Times are unix ms: `from` inclusive, `to` exclusive.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Any of these subjects (a user's id and their address: events from before the account
    /// existed, or about an address without one, are kept under the address). Empty: any.
    pub subjects: Vec<String>,
    pub actor: Option<String>,
    pub event: Option<String>,
    pub outcome: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// `(at_ms, id)` of the last (oldest) entry of the previous page.
    pub before: Option<(i64, i64)>,
    pub limit: u32,
}

/// One page, newest first, and whether older entries follow.
pub async fn page(
    conn: &mut AnyConnection,
    filter: &Filter,
) -> Result<(Vec<AuditEntry>, bool), sqlx::Error> {
    let mut conditions = Conditions::new("");
    conditions.any_of("subject", &filter.subjects);
    conditions.equals("actor", filter.actor.as_ref());
    conditions.equals("event", filter.event.as_ref());
    conditions.equals("outcome", filter.outcome.as_ref());
    conditions.time(filter.from_ms, filter.to_ms, filter.before);
    let select = "SELECT id, at_ms, event, outcome, actor, subject, client_ip, request_id, detail \
                  FROM audit_log";
    conditions
        .page(conn, select, filter.limit, |row| {
            Ok(AuditEntry {
                id: row.try_get("id")?,
                at_ms: row.try_get("at_ms")?,
                event: row.try_get("event")?,
                outcome: row.try_get("outcome")?,
                actor: row.try_get("actor")?,
                subject: row.try_get("subject")?,
                client_ip: row.try_get("client_ip")?,
                request_id: row.try_get("request_id")?,
                detail: row.try_get("detail")?,
            })
        })
        .await
}
