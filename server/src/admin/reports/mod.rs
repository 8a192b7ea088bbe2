//! The reports administrators read (issue 15): [`registration`] details per user, [`usage`] of
//! resets and unlocks, [`sign_ins`] and [`directory_audits`] from the audit log. The first,
//! third and fourth are Microsoft Graph v1.0 lists (`$top`, `$filter`, `@odata.nextLink` with a
//! `$skiptoken`); every value is derived from what is stored, never kept twice.

pub mod directory_audits;
pub mod registration;
pub mod sign_ins;
pub mod usage;

use super::paging::{self, List};
use crate::error::ApiError;
use crate::http::odata;
use crate::AppState;

/// The query of a Graph report: `$top`, `$filter` and the `$skiptoken` of a `@odata.nextLink`.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GraphListParams {
    /// Rows per page, 1 to 999 (100 by default).
    #[serde(rename = "$top")]
    #[param(rename = "$top")]
    pub top: Option<String>,
    /// Comparisons joined by `and`, e.g. `isSsprRegistered eq true and userType eq 'guest'`.
    #[serde(rename = "$filter")]
    #[param(rename = "$filter")]
    pub filter: Option<String>,
    /// The page token of the previous page's `@odata.nextLink`.
    #[serde(rename = "$skiptoken")]
    #[param(rename = "$skiptoken")]
    pub skiptoken: Option<String>,
}

/// The query of the registration CSV: the `$filter` only (every matching row is exported).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    /// As the Graph report's, e.g. `isSsprRegistered eq false`.
    #[serde(rename = "$filter")]
    #[param(rename = "$filter")]
    pub filter: Option<String>,
}

impl GraphListParams {
    fn top(&self) -> Result<u32, ApiError> {
        odata::top(
            self.top.as_deref(),
            sspr_api::reports::DEFAULT_TOP,
            sspr_api::reports::MAX_TOP,
        )
    }

    fn token(&self, list: List) -> Result<Option<String>, ApiError> {
        match self.skiptoken.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(token) => paging::decode(list, token).map(Some),
        }
    }

    /// The URL of the page after the one whose last key is `key`.
    fn next_link(&self, state: &AppState, path: &str, top: u32, list: List, key: &str) -> String {
        let mut link = format!(
            "{}/api/graph/v1.0/{path}?$top={top}",
            state.config.public_origin.trim_end_matches('/')
        );
        if let Some(filter) = self.filter.as_deref().filter(|f| !f.trim().is_empty()) {
            link.push_str("&$filter=");
            link.push_str(&odata::encode(filter));
        }
        link.push_str("&$skiptoken=");
        link.push_str(&paging::encode(list, key));
        link
    }
}

/// A `(at_ms, id)` keyset key as a cursor's text, and back.
fn event_key(at_ms: i64, id: i64) -> String {
    format!("{at_ms}.{id}")
}

fn decode_event_key(key: &str) -> Result<(i64, i64), ApiError> {
    key.split_once('.')
        .and_then(|(at, id)| Some((at.parse().ok()?, id.parse().ok()?)))
        .ok_or_else(paging::invalid_cursor)
}

/// Narrows `[from, to)` by a clause's range.
fn narrow(range: &mut (Option<i64>, Option<i64>), clause: &odata::Clause) -> Result<(), ApiError> {
    let (from, to) = clause.time_range()?;
    if let Some(from) = from {
        range.0 = Some(range.0.map_or(from, |f| f.max(from)));
    }
    if let Some(to) = to {
        range.1 = Some(range.1.map_or(to, |t| t.min(to)));
    }
    Ok(())
}

/// The subjects an address or user id stands for in the audit log: the account's id and its
/// canonical address (events from before the account existed are kept under the address).
async fn subjects_of(state: &AppState, who: &str) -> Result<Vec<String>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    if who.contains('@') {
        let Ok(email) = sspr_api::Email::parse(who) else {
            return Ok(vec![who.to_lowercase()]);
        };
        let canonical = email.canonical();
        let account = crate::store::users::by_email(&mut conn, &canonical).await?;
        Ok(std::iter::once(canonical)
            .chain(account.map(|a| a.id))
            .collect())
    } else {
        let account = crate::store::users::by_id(&mut conn, who).await?;
        Ok(std::iter::once(who.to_owned())
            .chain(account.map(|a| a.email_canonical))
            .collect())
    }
}

/// `text` escaped for a `LIKE … ESCAPE '\'` pattern.
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
