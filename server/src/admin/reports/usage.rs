//! Usage & insights: password resets and account unlocks started, completed and abandoned, per
//! UTC day and in total, and the methods people proved themselves with, over the last 7 or 30
//! days (today included). Counted from the audit events the flows write:
//!
//! - started: `passcode_sent` with outcome `success` (a code mailed to an account), not a
//!   resend, of a `password_reset` or `unlock` flow;
//! - completed: `password_reset` or `account_unlocked` with outcome `success`, by the flow's
//!   purpose (an unlock flow may end by resetting the password: it counts as an unlock);
//! - abandoned: started less completed, never below zero (a flow under way counts here until
//!   it completes);
//! - methods: `passcode_verified` of those flows is the email method, `reset_method_proven`
//!   names the method in its detail; each success and failure counts.
//!
//! One grouped query reads the period (`store::reports::flow_counts`).

use crate::error::ApiError;
use crate::store::reports;
use crate::AppState;
use sspr_api::reports::{FlowCounts, MethodUsage, UsageDay, UsageReport};

const DAY_MS: i64 = 86_400_000;
/// The methods listed, in order.
const METHODS: [&str; 3] = ["email", "authenticator_app", "security_questions"];

/// The view's query.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UsageParams {
    /// `7` (the default) or `30`.
    pub days: Option<String>,
}

/// `GET /api/admin/reports/usage`.
pub async fn report(state: &AppState, params: &UsageParams) -> Result<UsageReport, ApiError> {
    let days: u32 = match params.days.as_deref() {
        None | Some("7") => 7,
        Some("30") => 30,
        Some(_) => return Err(ApiError::validation("days must be 7 or 30.")),
    };
    let now = state.now_ms();
    let today = now - now.rem_euclid(DAY_MS);
    let from_ms = today - i64::from(days - 1) * DAY_MS;
    let to_ms = now + 1;
    let mut conn = state.db.pool.acquire().await?;
    let counts = reports::flow_counts(&mut conn, from_ms, to_ms).await?;
    let mut by_day: Vec<UsageDay> = (0..i64::from(days))
        .map(|d| UsageDay {
            date: date(from_ms + d * DAY_MS),
            resets: FlowCounts::default(),
            unlocks: FlowCounts::default(),
        })
        .collect();
    let mut by_method: Vec<MethodUsage> = METHODS
        .iter()
        .map(|m| MethodUsage {
            method: (*m).to_owned(),
            succeeded: 0,
            failed: 0,
        })
        .collect();
    for count in counts {
        let detail: serde_json::Value = serde_json::from_str(&count.detail).unwrap_or_default();
        let unlock = match detail["purpose"].as_str() {
            Some("password_reset") => false,
            Some("unlock") => true,
            _ => continue,
        };
        let Some(day) = usize::try_from(count.day)
            .ok()
            .and_then(|d| by_day.get_mut(d))
        else {
            continue;
        };
        let n = u64::try_from(count.count).unwrap_or(0);
        let flows = if unlock {
            &mut day.unlocks
        } else {
            &mut day.resets
        };
        let success = count.outcome == "success";
        match count.event.as_str() {
            "passcode_sent" if success && detail["resend"] != true => flows.started += n,
            "password_reset" | "account_unlocked" if success => flows.completed += n,
            "passcode_verified" | "reset_method_proven" => {
                let method = match count.event.as_str() {
                    "passcode_verified" => "email",
                    _ => detail["method"].as_str().unwrap_or_default(),
                };
                let method = if method == "alternate_email" {
                    "email"
                } else {
                    method
                };
                if let Some(usage) = by_method.iter_mut().find(|m| m.method == method) {
                    if success {
                        usage.succeeded += n;
                    } else {
                        usage.failed += n;
                    }
                }
            }
            _ => {}
        }
    }
    let mut resets = FlowCounts::default();
    let mut unlocks = FlowCounts::default();
    for day in &mut by_day {
        for (total, flows) in [
            (&mut resets, &mut day.resets),
            (&mut unlocks, &mut day.unlocks),
        ] {
            flows.abandoned = flows.started.saturating_sub(flows.completed);
            total.started += flows.started;
            total.completed += flows.completed;
        }
    }
    for total in [&mut resets, &mut unlocks] {
        total.abandoned = total.started.saturating_sub(total.completed);
    }
    Ok(UsageReport {
        days,
        from_ms,
        to_ms: now,
        resets,
        unlocks,
        by_day,
        by_method,
    })
}

/// `ms` as `YYYY-MM-DD` (UTC).
fn date(ms: i64) -> String {
    let iso = crate::http::graph::iso8601(ms);
    iso.get(..10).unwrap_or(&iso).to_owned()
}

#[cfg(test)]
mod tests {
    use super::date;

    #[test]
    fn days_are_utc_dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_800_000_000_000), "2027-01-15");
    }
}
