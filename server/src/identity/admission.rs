//! Gathers what `domain::admission` weighs at each step of a self-service flow — the rules the
//! policies set, the address's account and whether their targets include it, the client's and
//! the address's limits — and asks it. The flow steps call these, never the checks one by one,
//! so a new verification method plugs into `domain::admission` and nowhere else.

use crate::domain::admission::{self, Account, Address};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::limits::{self, FLOW_START, VERIFY};
use crate::policy::enforce::{self as policy, FlowRules};
use crate::store::flows::Flow;
use crate::store::judged::Verdict;
use crate::store::script::{Row, Script};
use crate::store::users::{self, User};
use crate::store::{email_state, invitations, rate_limits};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::FlowPurpose;

/// What is known of the address a flow for `purpose` sends to (with `user`, its account if
/// any), read before anything is counted: `within_limits` is `true` until a [`SendCounter`]
/// says otherwise. Known, unknown and guest addresses run the same queries, so the time taken
/// does not tell them apart.
pub async fn address_facts(
    conn: &mut AnyConnection,
    rules: &FlowRules,
    purpose: FlowPurpose,
    user: Option<&User>,
    from_invitation: bool,
) -> Result<Address, ApiError> {
    let redeemed = if purpose == FlowPurpose::Guest {
        // Asked for every address (an unknown one about no account).
        invitations::redeemed(conn, user.map_or("", |u| u.id.as_str())).await?
    } else {
        false
    };
    let targeted = rules.allows(conn, user).await?;
    Ok(Address {
        account: user.map(|u| Account {
            user_type: u.user_type,
            disabled: u.disabled,
            redeemed,
        }),
        from_invitation,
        targeted,
        within_limits: true,
    })
}

/// One send counted against the client address's rate limit and the email address's cap,
/// owned, so a counted write ([`Db::write_counted`](crate::store::Db::write_counted)) can
/// carry it.
#[derive(Debug, Clone)]
pub struct SendCounter {
    ip_key: String,
    max_per_window: i64,
    canonical: String,
    passcodes: crate::domain::passcode::PasscodePolicy,
    now: i64,
}

impl SendCounter {
    pub fn new(state: &AppState, rules: &FlowRules, client: &Client, canonical: &str) -> Self {
        SendCounter {
            ip_key: format!("{}:{}", FLOW_START.name, client.ip),
            max_per_window: FLOW_START.max_for(&state.config),
            canonical: canonical.to_owned(),
            passcodes: rules.passcodes.clone(),
            now: state.now_ms(),
        }
    }

    /// The two counters (two upserts, each returning one row), for [`SendCounter::judge`].
    pub fn counts(&self) -> Script {
        let mut script = Script::default();
        rate_limits::add_hit(&mut script, &self.ip_key, FLOW_START.window_ms, self.now);
        email_state::count_send(&mut script, &self.canonical, &self.passcodes, self.now);
        script
    }

    /// Whether both limits still allow the send, from the rows of [`SendCounter::counts`].
    pub fn judge(&self, rows: &[Row]) -> Result<bool, sqlx::Error> {
        let [ip_row, send_row] = rows else {
            return Err(sqlx::Error::RowNotFound);
        };
        Ok(rate_limits::hits_of(ip_row)? <= self.max_per_window
            && email_state::send_allowed(send_row, self.now)?)
    }

    /// [`SendCounter::judge`] in SQL over the same rows' columns, for a write that counts and
    /// writes in one statement ([`Db::write_judged`](crate::store::Db::write_judged)).
    pub fn verdict(&self) -> Verdict {
        email_state::within_limits(self.max_per_window, self.now)
    }

    /// Counts the send inside the caller's transaction; whether both limits still allow it.
    pub async fn count(&self, conn: &mut AnyConnection) -> Result<bool, sqlx::Error> {
        let rows = self.counts().run(conn).await?;
        self.judge(&rows)
    }
}

/// What a passcode check for `flow` counts first, inside its write: the client's hit against
/// its rate limit for checks, and (read in the same script) whether the address is blocked
/// after too many wrong codes. [`verify`] reads its rows.
pub fn verify_counts(client: &Client, flow: &Flow, now: i64) -> Script {
    let mut script = Script::default();
    limits::add_count(&mut script, VERIFY, &client.ip, now);
    email_state::add_otp_blocked(&mut script, &flow.email_canonical);
    script
}

/// Whether a passcode for `flow` may be checked now, from the rows of [`verify_counts`]: the
/// methods' rules, the client's rate limit for checks, and the address's block after too many
/// wrong codes. `Ok(Err(refusal))`: refused, with the hit counted (keep the write).
pub fn verify(
    state: &AppState,
    rows: &[Row],
    flow: &Flow,
    rules: &FlowRules,
    now: i64,
) -> Result<Result<(), ApiError>, ApiError> {
    let [hit, blocked] = rows else {
        return Err(sqlx::Error::RowNotFound.into());
    };
    let (within, wait_ms) = limits::counted(&state.config, VERIFY, hit, now)?;
    let blocked = email_state::otp_blocked_of(blocked, now)?;
    let failures_block = blocked.then_some(state.passcodes.account_failure_block_ms);
    Ok(admission::verify(
        flow.purpose,
        rules.methods(),
        (!within).then_some(wait_ms),
        failures_block,
    )
    .map_err(ApiError::from))
}

/// At the last step of a reset or unlock, inside its transaction: the account `user_id`, if the
/// flow may still change it (see `domain::admission::complete`).
pub async fn complete(
    conn: &mut AnyConnection,
    state: &AppState,
    flow: &Flow,
    user_id: &str,
) -> Result<Option<User>, ApiError> {
    let Some(user) = users::by_id(conn, user_id).await? else {
        return Ok(None);
    };
    let rules = policy::read(conn, state, flow.purpose).await?;
    let targeted = rules.allows(conn, Some(&user)).await?;
    admission::complete(flow.purpose, rules.methods(), user.disabled, targeted)?;
    Ok(Some(user))
}
