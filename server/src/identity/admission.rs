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
use crate::store::users::{self, User};
use crate::store::{email_state, invitations, rate_limits};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::FlowPurpose;

/// What is known of the address `canonical` (with `user`, its account if any) when a flow for
/// `purpose` sends a message. Counts the send against the client's rate limit and the address's
/// cap, so call it once per send. Known, unknown and guest addresses run the same queries, so
/// the time taken does not tell them apart.
#[allow(clippy::too_many_arguments)]
pub async fn address(
    conn: &mut AnyConnection,
    state: &AppState,
    rules: &FlowRules,
    client: &Client,
    purpose: FlowPurpose,
    user: Option<&User>,
    canonical: &str,
    from_invitation: bool,
) -> Result<Address, ApiError> {
    let now = state.now_ms();
    let redeemed = if purpose == FlowPurpose::Guest {
        // Asked for every address (an unknown one about no account).
        invitations::redeemed(conn, user.map_or("", |u| u.id.as_str())).await?
    } else {
        false
    };
    let targeted = rules.allows(conn, user).await?;
    let ip_key = format!("{}:{}", FLOW_START.name, client.ip);
    let (ip_hits, _) = rate_limits::hit(conn, &ip_key, FLOW_START.window_ms, now).await?;
    let cap_ok = email_state::allow_send(conn, canonical, &rules.passcodes, now).await?;
    Ok(Address {
        account: user.map(|u| Account {
            user_type: u.user_type,
            disabled: u.disabled,
            redeemed,
        }),
        from_invitation,
        targeted,
        within_limits: ip_hits <= FLOW_START.max_for(&state.config) && cap_ok,
    })
}

/// Whether a passcode for `flow` may be checked now: the methods' rules, the client's rate
/// limit for checks (counted here), and the address's block after too many wrong codes.
pub async fn verify(
    state: &AppState,
    client: &Client,
    flow: &Flow,
    rules: &FlowRules,
) -> Result<(), ApiError> {
    let (within, wait_ms) = limits::allow(state, VERIFY, &client.ip).await?;
    let mut conn = state.db.pool.acquire().await?;
    let blocked =
        email_state::otp_blocked(&mut conn, &flow.email_canonical, state.now_ms()).await?;
    let failures_block = blocked.then_some(state.passcodes.account_failure_block_ms);
    admission::verify(
        flow.purpose,
        rules.methods(),
        (!within).then_some(wait_ms),
        failures_block,
    )?;
    Ok(())
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
