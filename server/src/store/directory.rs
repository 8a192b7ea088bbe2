//! The user directory as administrators read it: search, filters and keyset pages over
//! `users` (with each guest's redemption), for the whole directory or one group's members.
//!
//! Every page is ordered by `email_canonical` (unique) and continues after the last one seen,
//! so a deep page costs what the first does. A search is a prefix of the lower-cased email or
//! display name: two index ranges (`users_email_canonical`/`users_email_prefix` and
//! `users_display_name`), compared bytewise so that a prefix is one contiguous range — on
//! PostgreSQL that takes `COLLATE "C"`, the only dialect difference here.

use super::Backend;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use sspr_api::{Redemption, UserStatus, UserSummary, UserType};

/// What to list. `search` is already lower-cased.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub search: Option<String>,
    pub user_type: Option<UserType>,
    pub status: Option<StatusFilter>,
    /// Only members of this group.
    pub group_id: Option<String>,
    /// The `email_canonical` of the last row of the previous page.
    pub after: Option<String>,
    pub limit: u32,
}

/// The `status` filter's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Active,
    Locked,
    Disabled,
    /// Guests who accepted an invitation.
    Redeemed,
    /// Guests who have not (or whose redemption was reset).
    Pending,
}

impl StatusFilter {
    pub const NAMES: &'static str = "active, locked, disabled, redeemed or pending";

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "active" => StatusFilter::Active,
            "locked" => StatusFilter::Locked,
            "disabled" => StatusFilter::Disabled,
            "redeemed" => StatusFilter::Redeemed,
            "pending" => StatusFilter::Pending,
            _ => return None,
        })
    }
}

/// A user row as the directory shows it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub email: String,
    pub email_canonical: String,
    pub display_name: String,
    pub user_type: UserType,
    pub disabled: bool,
    pub locked_until_ms: i64,
    pub has_password: bool,
    pub created_at_ms: i64,
    pub last_sign_in_ms: Option<i64>,
    pub password_changed_ms: Option<i64>,
    pub reregistration_required_ms: Option<i64>,
    /// For guests: whether an invitation was accepted.
    pub redeemed: bool,
}

impl Entry {
    pub fn status(&self, now_ms: i64) -> UserStatus {
        if self.disabled {
            UserStatus::Disabled
        } else if self.locked_until_ms > now_ms {
            UserStatus::Locked
        } else {
            UserStatus::Active
        }
    }

    pub fn redemption(&self) -> Option<Redemption> {
        (self.user_type == UserType::Guest).then_some(if self.redeemed {
            Redemption::Redeemed
        } else {
            Redemption::Pending
        })
    }

    /// Verification methods registered: `email` always, `password` when one is set.
    pub fn methods(&self) -> Vec<String> {
        let mut methods = vec!["email".to_owned()];
        if self.has_password {
            methods.push("password".to_owned());
        }
        methods
    }

    pub fn summary(&self, now_ms: i64) -> UserSummary {
        UserSummary {
            id: self.id.clone(),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            user_type: self.user_type,
            status: self.status(now_ms),
            redemption: self.redemption(),
            created_at_ms: self.created_at_ms,
            last_sign_in_ms: self.last_sign_in_ms,
        }
    }

    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let user_type: String = row.try_get("user_type")?;
        Ok(Entry {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            email_canonical: row.try_get("email_canonical")?,
            display_name: row.try_get("display_name")?,
            user_type: if user_type == "guest" {
                UserType::Guest
            } else {
                UserType::Member
            },
            disabled: row.try_get::<i64, _>("disabled")? != 0,
            locked_until_ms: row.try_get("locked_until_ms")?,
            has_password: row.try_get::<i64, _>("has_password")? != 0,
            created_at_ms: row.try_get("created_at_ms")?,
            last_sign_in_ms: row.try_get("last_sign_in_ms")?,
            password_changed_ms: row.try_get("password_changed_ms")?,
            reregistration_required_ms: row.try_get("reregistration_required_ms")?,
            redeemed: row.try_get::<i64, _>("redeemed")? != 0,
        })
    }
}

const REDEEMED: &str = "EXISTS (SELECT 1 FROM invitations i \
                        WHERE i.user_id = u.id AND i.redeemed_at_ms IS NOT NULL)";

fn select() -> String {
    format!(
        "SELECT u.id, u.email, u.email_canonical, u.display_name, u.user_type, u.disabled, \
                u.locked_until_ms, u.created_at_ms, u.last_sign_in_ms, u.password_changed_ms, \
                u.reregistration_required_ms, \
                CAST(CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_password, \
                CAST(CASE WHEN u.user_type = 'guest' AND {REDEEMED} THEN 1 ELSE 0 END AS BIGINT) \
                  AS redeemed \
         FROM users u"
    )
}

/// One user by id.
pub async fn entry(conn: &mut AnyConnection, id: &str) -> Result<Option<Entry>, sqlx::Error> {
    let sql = format!("{} WHERE u.id = $1", select());
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(Entry::from_row).transpose()
}

/// A value bound to a numbered placeholder.
enum Bind {
    Text(String),
    Int(i64),
}

/// The SQL of one page and what it binds; `limit + 1` rows are asked for, so the caller knows
/// whether a next page exists.
fn page_sql(backend: Backend, filter: &Filter, now_ms: i64) -> (String, Vec<Bind>) {
    let mut binds = Vec::new();
    let mut next = |bind: Bind| {
        binds.push(bind);
        format!("${}", binds.len())
    };
    let mut sql = select();
    let mut conditions = Vec::new();
    if let Some(group_id) = &filter.group_id {
        let p = next(Bind::Text(group_id.clone()));
        sql.push_str(&format!(
            " JOIN group_members m ON m.user_id = u.id AND m.group_id = {p}"
        ));
    }
    if let Some(search) = &filter.search {
        let bytewise = match backend {
            Backend::Sqlite => "",
            Backend::Postgres => " COLLATE \"C\"",
        };
        let low = next(Bind::Text(search.clone()));
        // The greatest code point: every string that starts with `search` sorts below this.
        let high = next(Bind::Text(format!("{search}\u{10FFFF}")));
        conditions.push(format!(
            "((u.email_canonical{bytewise} >= {low} AND u.email_canonical{bytewise} < {high}) \
              OR (u.display_name_canonical{bytewise} >= {low} \
                  AND u.display_name_canonical{bytewise} < {high}))"
        ));
    }
    if let Some(user_type) = filter.user_type {
        let p = next(Bind::Text(
            match user_type {
                UserType::Member => "member",
                UserType::Guest => "guest",
            }
            .to_owned(),
        ));
        conditions.push(format!("u.user_type = {p}"));
    }
    match filter.status {
        None => {}
        Some(StatusFilter::Active) => {
            let p = next(Bind::Int(now_ms));
            conditions.push(format!("u.disabled = 0 AND u.locked_until_ms <= {p}"));
        }
        Some(StatusFilter::Locked) => {
            let p = next(Bind::Int(now_ms));
            conditions.push(format!("u.disabled = 0 AND u.locked_until_ms > {p}"));
        }
        Some(StatusFilter::Disabled) => conditions.push("u.disabled = 1".to_owned()),
        Some(StatusFilter::Redeemed) => {
            conditions.push(format!("u.user_type = 'guest' AND {REDEEMED}"));
        }
        Some(StatusFilter::Pending) => {
            conditions.push(format!("u.user_type = 'guest' AND NOT {REDEEMED}"));
        }
    }
    if let Some(after) = &filter.after {
        let p = next(Bind::Text(after.clone()));
        conditions.push(format!("u.email_canonical > {p}"));
    }
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    let limit = next(Bind::Int(i64::from(filter.limit) + 1));
    sql.push_str(&format!(" ORDER BY u.email_canonical LIMIT {limit}"));
    (sql, binds)
}

/// One page of users, and whether more follow.
pub async fn page(
    conn: &mut AnyConnection,
    backend: Backend,
    filter: &Filter,
    now_ms: i64,
) -> Result<(Vec<Entry>, bool), sqlx::Error> {
    let (sql, binds) = page_sql(backend, filter, now_ms);
    let rows = bind_all(sqlx::query(&sql), binds).fetch_all(conn).await?;
    let mut entries = rows
        .iter()
        .map(Entry::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let more = entries.len() > filter.limit as usize;
    entries.truncate(filter.limit as usize);
    Ok((entries, more))
}

/// The database's plan for the page query of `filter`, one line per step (`EXPLAIN QUERY PLAN`
/// on SQLite, `EXPLAIN` on PostgreSQL): tests check that it reads an index, not the table.
pub async fn plan(
    conn: &mut AnyConnection,
    backend: Backend,
    filter: &Filter,
    now_ms: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let (sql, binds) = page_sql(backend, filter, now_ms);
    let (explain, column) = match backend {
        Backend::Sqlite => (format!("EXPLAIN QUERY PLAN {sql}"), "detail"),
        Backend::Postgres => (format!("EXPLAIN {sql}"), "QUERY PLAN"),
    };
    let rows = bind_all(sqlx::query(&explain), binds)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String, _>(column))
        .collect()
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: Vec<Bind>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for bind in binds {
        query = match bind {
            Bind::Text(text) => query.bind(text),
            Bind::Int(n) => query.bind(n),
        };
    }
    query
}
