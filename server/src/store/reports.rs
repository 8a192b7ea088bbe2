//! What the reports read (`admin::reports`): users with their verified methods, in chunks by
//! address; sign-ins and administrator changes from the audit log, newest first by keyset on
//! `(at_ms, id)` (the `audit_log_at` and `audit_log_event` indexes); and the flow events of a
//! period counted per UTC day in one grouped query, so a 30-day report is one index range
//! whatever the traffic.

use super::audit_page::Conditions;
use sqlx::{AnyConnection, Row};

/// A user as the registration report needs them.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub email_canonical: String,
    pub display_name: String,
    pub user_type: String,
    pub disabled: bool,
    pub updated_at_ms: i64,
}

/// Up to `limit` users whose address sorts after `after`, by address; only `user_type` when
/// given.
pub async fn users_after(
    conn: &mut AnyConnection,
    after: Option<&str>,
    user_type: Option<&str>,
    limit: u32,
) -> Result<Vec<UserRow>, sqlx::Error> {
    let sql =
        "SELECT id, email, email_canonical, display_name, user_type, disabled, updated_at_ms \
               FROM users WHERE email_canonical > $1 AND ($2 = '' OR user_type = $2) \
               ORDER BY email_canonical LIMIT $3";
    let rows = sqlx::query(sql)
        .bind(after.unwrap_or(""))
        .bind(user_type.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(UserRow {
                id: row.try_get("id")?,
                email: row.try_get("email")?,
                email_canonical: row.try_get("email_canonical")?,
                display_name: row.try_get("display_name")?,
                user_type: row.try_get("user_type")?,
                disabled: row.try_get::<i64, _>("disabled")? != 0,
                updated_at_ms: row.try_get("updated_at_ms")?,
            })
        })
        .collect()
}

/// `(user id, kind, latest verification time)` of every verified method of `user_ids`.
pub async fn verified_methods(
    conn: &mut AnyConnection,
    user_ids: &[String],
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT user_id, kind, MAX(verified_at_ms) AS at_ms FROM user_methods \
         WHERE verified_at_ms IS NOT NULL AND user_id IN ({}) GROUP BY user_id, kind",
        placeholders(1, user_ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in user_ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
        .collect()
}

/// Which of `user_ids` belong to the group `group_id`.
pub async fn members_among(
    conn: &mut AnyConnection,
    group_id: &str,
    user_ids: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT user_id FROM group_members WHERE group_id = $1 AND user_id IN ({})",
        placeholders(2, user_ids.len())
    );
    let mut query = sqlx::query(&sql).bind(group_id);
    for id in user_ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(|row| row.try_get(0)).collect()
}

/// Which of `addresses` (canonical) are administrators' too.
pub async fn admin_addresses(
    conn: &mut AnyConnection,
    addresses: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    if addresses.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT email_canonical FROM admins WHERE email_canonical IN ({})",
        placeholders(1, addresses.len())
    );
    let mut query = sqlx::query(&sql);
    for address in addresses {
        query = query.bind(address);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(|row| row.try_get(0)).collect()
}

/// Which audit entries to read: `events`, optionally only `outcome`, about any of `subjects`,
/// by `actor`, with a detail `LIKE` any of `detail_like` (escaped with a backslash), in `[from, to)`, older than `before`.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub events: Vec<&'static str>,
    pub outcome: Option<String>,
    pub subjects: Vec<String>,
    pub actor: Option<String>,
    pub detail_like: Vec<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub before: Option<(i64, i64)>,
    pub limit: u32,
}

/// An audit entry, with the address of the account it is about when there is one.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    pub at_ms: i64,
    pub event: String,
    pub outcome: String,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub subject_email: Option<String>,
    pub client_ip: Option<String>,
    pub detail: String,
}

/// One page of the entries `filter` picks, newest first, and whether older ones follow.
pub async fn events(
    conn: &mut AnyConnection,
    filter: &EventFilter,
) -> Result<(Vec<EventRow>, bool), sqlx::Error> {
    let mut conditions = Conditions::new("a.");
    let events: Vec<String> = filter.events.iter().map(|e| (*e).to_owned()).collect();
    conditions.any_of("event", &events);
    conditions.equals("outcome", filter.outcome.as_ref());
    conditions.any_of("subject", &filter.subjects);
    conditions.equals("actor", filter.actor.as_ref());
    conditions.like_any("detail", &filter.detail_like);
    conditions.time(filter.from_ms, filter.to_ms, filter.before);
    let select = "SELECT a.id, a.at_ms, a.event, a.outcome, a.actor, a.subject, a.client_ip, \
                         a.detail, u.email AS subject_email \
                  FROM audit_log a LEFT JOIN users u ON u.id = a.subject";
    conditions
        .page(conn, select, filter.limit, |row| {
            Ok(EventRow {
                id: row.try_get("id")?,
                at_ms: row.try_get("at_ms")?,
                event: row.try_get("event")?,
                outcome: row.try_get("outcome")?,
                actor: row.try_get("actor")?,
                subject: row.try_get("subject")?,
                subject_email: row.try_get("subject_email")?,
                client_ip: row.try_get("client_ip")?,
                detail: row.try_get("detail")?,
            })
        })
        .await
}

/// `(client id, name)` of the applications among `app_ids`.
pub async fn application_names(
    conn: &mut AnyConnection,
    app_ids: &[String],
) -> Result<Vec<(String, String)>, sqlx::Error> {
    named(
        conn,
        "SELECT app_id, display_name FROM applications",
        "app_id",
        app_ids,
    )
    .await
}

/// `(id, address, name)` of the administrators among `ids`.
pub async fn admin_names(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, email, display_name FROM admins WHERE id IN ({})",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
        .collect()
}

/// `(id, name)` of the API tokens among `ids`.
pub async fn token_names(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<(String, String)>, sqlx::Error> {
    named(conn, "SELECT id, name FROM api_tokens", "id", ids).await
}

async fn named(
    conn: &mut AnyConnection,
    select: &str,
    key: &str,
    keys: &[String],
) -> Result<Vec<(String, String)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("{select} WHERE {key} IN ({})", placeholders(1, keys.len()));
    let mut query = sqlx::query(&sql);
    for k in keys {
        query = query.bind(k);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// One group of [`flow_counts`]: how many `event`s with `outcome` and `detail` on day `day`.
#[derive(Debug, Clone)]
pub struct DayCount {
    /// Days since the period's start (0 is the first day).
    pub day: i64,
    pub event: String,
    pub outcome: String,
    pub detail: String,
    pub count: i64,
}

/// The flow events of `[from_ms, to_ms)` (`passcode_sent`, `passcode_verified`,
/// `reset_method_proven`, `password_reset`, `account_unlocked`), counted per UTC day from
/// `from_ms`, event, outcome and detail (a flow event's detail is small: its purpose, and the
/// method or a resend).
pub async fn flow_counts(
    conn: &mut AnyConnection,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<DayCount>, sqlx::Error> {
    let sql = "SELECT (at_ms - $1) / 86400000 AS day, event, outcome, detail, COUNT(*) AS n \
               FROM audit_log \
               WHERE at_ms >= $1 AND at_ms < $2 AND event IN ('passcode_sent', \
                     'passcode_verified', 'reset_method_proven', 'password_reset', \
                     'account_unlocked') \
               GROUP BY 1, 2, 3, 4";
    let rows = sqlx::query(sql)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(DayCount {
                day: row.try_get("day")?,
                event: row.try_get("event")?,
                outcome: row.try_get("outcome")?,
                detail: row.try_get("detail")?,
                count: row.try_get("n")?,
            })
        })
        .collect()
}

/// `$first, …` for `count` parameters.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
