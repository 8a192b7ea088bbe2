//! The audit log as administrators read it (SPEC §4 A9): filtered by user, actor, event,
//! outcome and time, newest first with keyset pages, and exported as CSV.
//!
//! The CSV is RFC 4180 (written by the `csv` crate, which quotes what needs quoting) and safe to
//! open in a spreadsheet: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
//! would be read as a formula (CSV injection, OWASP), so it gets a leading apostrophe. Logged
//! values come partly from clients (user agents, typed addresses), hence the care.

use super::paging::{self, List};
use super::users::plausible_id;
use crate::error::ApiError;
use crate::http::query::whole_number;
use crate::store::audit_search::{self, Filter};
use crate::store::users;
use crate::AppState;
use sspr_api::{AuditEntry, AuditPage};

/// The most rows one CSV export holds; narrow the filters for more.
pub const MAX_EXPORT_ROWS: usize = 100_000;
/// Rows read per round trip while exporting.
const EXPORT_CHUNK: u32 = 1000;

/// The view's query parameters, as sent.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Events about this user: a user id or an email address; either way the events under the
    /// account's id and under its address (before the account existed) both match.
    pub user: Option<String>,
    /// Events done by this actor: a user id, or `admin:<id>` for an administrator.
    pub actor: Option<String>,
    /// An event name, such as `sign_in` or `admin_change`.
    pub event: Option<String>,
    /// `success`, `failure`, `suppressed`, …
    pub outcome: Option<String>,
    /// From this time (unix ms, inclusive).
    pub from: Option<String>,
    /// Up to this time (unix ms, exclusive).
    pub to: Option<String>,
    /// The `next` cursor of the previous (newer) page.
    pub before: Option<String>,
    /// 1 to 200; 50 by default (ignored by the CSV export).
    pub limit: Option<String>,
}

/// Checks the parameters and resolves an email address to its account.
async fn filter(state: &AppState, params: &AuditParams) -> Result<Filter, ApiError> {
    let subjects = match non_empty(&params.user) {
        None => Vec::new(),
        Some(user) => subjects(state, user).await?,
    };
    let actor = match non_empty(&params.actor) {
        None => None,
        Some(actor)
            if actor.len() <= 128
                && actor
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_:@.".contains(&b)) =>
        {
            Some(actor.to_owned())
        }
        Some(_) => {
            return Err(ApiError::validation(
                "actor must be a user id or admin:<id>.",
            ))
        }
    };
    let name = |value: &Option<String>, what: &str| match non_empty(value) {
        None => Ok(None),
        Some(v) if v.len() <= 64 && v.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') => {
            Ok(Some(v.to_owned()))
        }
        Some(_) => Err(ApiError::validation(format!(
            "{what} must be a name of lower-case letters and underscores, such as sign_in."
        ))),
    };
    // Blank is "no bound" (the portal sends its empty date fields).
    let time = |value: &Option<String>, what: &str| match value.as_deref() {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => whole_number::<i64>(v).map(Some).ok_or_else(|| {
            ApiError::validation(format!("{what} must be a time in unix milliseconds."))
        }),
    };
    let from_ms = time(&params.from, "from")?;
    let to_ms = time(&params.to, "to")?;
    if let (Some(from), Some(to)) = (from_ms, to_ms) {
        if from > to {
            return Err(ApiError::validation("from must not be later than to."));
        }
    }
    // A cursor is taken as given (as the directory's `after`): one the server did not make,
    // blank included, is refused.
    let before = match params.before.as_deref() {
        None | Some("") => None,
        Some(cursor) => Some(decode_before(cursor)?),
    };
    Ok(Filter {
        subjects,
        actor,
        event: name(&params.event, "event")?,
        outcome: name(&params.outcome, "outcome")?,
        from_ms,
        to_ms,
        before,
        limit: paging::limit(params.limit.as_deref())?,
    })
}

/// The subjects of a `user` filter: the account's id and its address, whichever was given (an
/// address without an account is its own subject).
async fn subjects(state: &AppState, user: &str) -> Result<Vec<String>, ApiError> {
    let refuse = || ApiError::validation("user must be a user id or an email address.");
    let mut conn = state.db.pool.acquire().await?;
    if user.contains('@') {
        let canonical = sspr_api::Email::parse(user)
            .map_err(|_| refuse())?
            .canonical();
        let account = users::by_email(&mut conn, &canonical).await?;
        Ok(std::iter::once(canonical)
            .chain(account.map(|a| a.id))
            .collect())
    } else if plausible_id(user) {
        let account = users::by_id(&mut conn, user).await?;
        Ok(std::iter::once(user.to_owned())
            .chain(account.map(|a| a.email_canonical))
            .collect())
    } else {
        Err(refuse())
    }
}

/// `GET /api/admin/audit`: the page `params` ask for.
pub async fn page(state: &AppState, params: &AuditParams) -> Result<AuditPage, ApiError> {
    let filter = &filter(state, params).await?;
    let mut conn = state.db.pool.acquire().await?;
    let (items, more) = audit_search::page(&mut conn, filter).await?;
    let next = more
        .then(|| items.last())
        .flatten()
        .map(|last| paging::encode(List::Audit, &format!("{}.{}", last.at_ms, last.id)));
    Ok(AuditPage { items, next })
}

/// `GET /api/admin/audit.csv`: every entry the filters match (newest first, at most
/// [`MAX_EXPORT_ROWS`]), as CSV bytes.
pub async fn csv(state: &AppState, params: &AuditParams) -> Result<Vec<u8>, ApiError> {
    let mut filter = filter(state, params).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "id",
            "time",
            "at_ms",
            "event",
            "outcome",
            "actor",
            "subject",
            "client_ip",
            "request_id",
            "detail",
        ])
        .map_err(anyhow::Error::from)?;
    filter.limit = EXPORT_CHUNK;
    let mut written = 0;
    let mut conn = state.db.pool.acquire().await?;
    loop {
        let (items, more) = audit_search::page(&mut conn, &filter).await?;
        for entry in &items {
            if written == MAX_EXPORT_ROWS {
                break;
            }
            writer
                .write_record(row(entry))
                .map_err(anyhow::Error::from)?;
            written += 1;
        }
        match items.last() {
            Some(last) if more && written < MAX_EXPORT_ROWS => {
                filter.before = Some((last.at_ms, last.id));
            }
            _ => break,
        }
    }
    writer
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("csv: {e}")))
}

fn row(entry: &AuditEntry) -> [String; 10] {
    let text = |value: &Option<String>| safe_cell(value.as_deref().unwrap_or_default());
    [
        entry.id.to_string(),
        crate::http::graph::iso8601(entry.at_ms),
        entry.at_ms.to_string(),
        safe_cell(&entry.event),
        safe_cell(&entry.outcome),
        text(&entry.actor),
        text(&entry.subject),
        text(&entry.client_ip),
        text(&entry.request_id),
        safe_cell(&entry.detail),
    ]
}

/// `text`, with a leading apostrophe when a spreadsheet would take it for a formula.
pub fn safe_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn decode_before(cursor: &str) -> Result<(i64, i64), ApiError> {
    let key = paging::decode(List::Audit, cursor)?;
    key.split_once('.')
        .and_then(|(at, id)| Some((at.parse().ok()?, id.parse().ok()?)))
        .ok_or_else(paging::invalid_cursor)
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    #[test]
    fn cells_a_spreadsheet_would_evaluate_are_neutralised() {
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(safe_cell(formula), format!("'{formula}"));
        }
        assert_eq!(safe_cell("sign_in"), "sign_in");
        assert_eq!(safe_cell("{\"a\":1}"), "{\"a\":1}");
    }
}
