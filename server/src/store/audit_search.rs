//! Reading the audit log back: filters by subject, actor, event, outcome and time, newest first,
//! paged by keyset on `(at_ms, id)` so that every page is one index range (`audit_log_at`,
//! `audit_log_subject`, `audit_log_event`, `audit_log_actor`).

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
    let mut sql =
        "SELECT id, at_ms, event, outcome, actor, subject, client_ip, request_id, detail \
                   FROM audit_log"
            .to_owned();
    let mut conditions = Vec::new();
    let mut texts = Vec::new();
    let mut n = 0;
    let mut placeholder = || {
        n += 1;
        format!("${n}")
    };
    if !filter.subjects.is_empty() {
        let list: Vec<String> = filter.subjects.iter().map(|_| placeholder()).collect();
        conditions.push(format!("subject IN ({})", list.join(", ")));
        texts.extend(filter.subjects.iter().cloned());
    }
    for (column, value) in [
        ("actor", &filter.actor),
        ("event", &filter.event),
        ("outcome", &filter.outcome),
    ] {
        if let Some(value) = value {
            conditions.push(format!("{column} = {}", placeholder()));
            texts.push(value.clone());
        }
    }
    let mut ints = Vec::new();
    if let Some(from) = filter.from_ms {
        conditions.push(format!("at_ms >= {}", placeholder()));
        ints.push(from);
    }
    if let Some(to) = filter.to_ms {
        conditions.push(format!("at_ms < {}", placeholder()));
        ints.push(to);
    }
    if let Some((at, id)) = filter.before {
        conditions.push(format!(
            "(at_ms, id) < ({}, {})",
            placeholder(),
            placeholder()
        ));
        ints.extend([at, id]);
    }
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    sql.push_str(&format!(
        " ORDER BY at_ms DESC, id DESC LIMIT {}",
        placeholder()
    ));
    ints.push(i64::from(filter.limit) + 1);
    let mut query = sqlx::query(&sql);
    for text in texts {
        query = query.bind(text);
    }
    for int in ints {
        query = query.bind(int);
    }
    let rows = query.fetch_all(conn).await?;
    let mut entries = rows
        .iter()
        .map(|row| {
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
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let more = entries.len() > filter.limit as usize;
    entries.truncate(filter.limit as usize);
    Ok((entries, more))
}
