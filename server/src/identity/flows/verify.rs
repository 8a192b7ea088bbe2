//! Checking a flow's passcode. The try is counted and the code consumed by single atomic
//! statements (`store::flows::count_try`, `consume`), so concurrent submissions of one code
//! succeed once and at most `max_attempts` wrong ones are judged (SECURITY.md §11). A right code
//! moves the flow on (`domain::flow::after_verify`); guests and known passwordless users are
//! signed in here.

use super::{event, load, require, view_of, wrong_state};
use crate::domain::flow::{self, Step};
use crate::domain::passcode::{self, Judged};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::admission as gather;
use crate::identity::sessions::{self, NewSession};
use crate::policy::enforce as policy;
use crate::store::audit;
use crate::store::flows::{self as store, Flow};
use crate::store::{email_state, invitations};
use crate::AppState;
use sspr_api::WireName;
use sspr_api::{ErrorCode, FlowState, FlowView};

/// The outcome of a correct code: the flow's new view, and a session when the flow signs in.
#[derive(Debug)]
pub struct Verified {
    pub view: FlowView,
    pub session: Option<NewSession>,
}

/// `POST /api/flows/{id}/verify`.
pub async fn verify(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    id: &str,
    code: &str,
) -> Result<Verified, ApiError> {
    let now = state.now_ms();
    let mut conn = state.db.pool.acquire().await?;
    let flow = load(&mut conn, state, binding, id).await?;
    require(&flow, Step::Verify)?;
    let rules = policy::read(&mut conn, state, flow.purpose).await?;
    // One connection at a time: holding `conn` while waiting for another deadlocks the pool
    // under load (every verify holding one, all waiting for a second).
    drop(conn);
    gather::verify(state, client, &flow, &rules).await?;
    let Some(code) = rules.passcodes.normalise(code) else {
        return Err(ApiError::new(
            ErrorCode::InvalidCode,
            format!(
                "Enter the {}-digit code from the email.",
                rules.passcodes.length
            ),
        ));
    };

    let mut conn = state.db.pool.acquire().await?;
    let max = i64::from(rules.passcodes.max_attempts);
    let Some(attempt) = store::count_try(&mut conn, &flow.id, max, now).await? else {
        return Err(code_expired());
    };
    let typed = state
        .secrets
        .passcode_hash(&flow.id, flow.purpose.as_str(), &code);
    let subject = flow.user_id.clone().unwrap_or(flow.email_canonical.clone());
    if let Judged::Wrong { tries_left } =
        passcode::judge(&attempt.code_hash, &typed, attempt.attempts, max)
    {
        email_state::count_otp_failure(&mut conn, &flow.email_canonical, &rules.passcodes, now)
            .await?;
        let failed = event(
            client,
            "passcode_verified",
            "failure",
            &subject,
            flow.purpose,
        );
        audit::record(&mut conn, &failed, now).await?;
        return Err(ApiError::new(
            ErrorCode::InvalidCode,
            passcode::wrong_code_message(tries_left),
        )
        .with_attempts_left(tries_left));
    }
    drop(conn);
    let (next, session) = accept(state, client, &flow, &attempt.passcode_id, &subject, now).await?;
    let flow = Flow {
        state: next,
        ..flow
    };
    let mut view = view_of(&rules.passcodes, &flow, now);
    view.needs_profile = flow::needs_profile(flow.purpose, next);
    if next == FlowState::Completed {
        view.return_to = Some(flow::landing(flow.return_to.as_deref()));
    }
    let mut conn = state.db.pool.acquire().await?;
    let view = super::methods::with_progress(&mut conn, state, &flow, view).await?;
    Ok(Verified { view, session })
}

/// A right code: consumes it and moves the flow on in one write transaction; signs the user in
/// when the flow ends here. Returns the flow's new state.
async fn accept(
    state: &AppState,
    client: &Client,
    flow: &Flow,
    passcode_id: &str,
    subject: &str,
    now: i64,
) -> Result<(FlowState, Option<NewSession>), ApiError> {
    let mut tx = state.db.begin_write().await?;
    if !store::consume(&mut tx, passcode_id, now).await? {
        return Err(code_expired());
    }
    let next = flow::after_verify(flow.purpose, flow.user_id.is_some());
    if !store::transition(&mut tx, &flow.id, FlowState::CodeSent, next, now).await? {
        return Err(wrong_state());
    }
    email_state::clear_otp_failures(&mut tx, &flow.email_canonical).await?;
    let verified = event(
        client,
        "passcode_verified",
        "success",
        subject,
        flow.purpose,
    );
    audit::record(&mut tx, &verified, now).await?;
    let mut session = None;
    if next == FlowState::Completed {
        let user_id = flow.user_id.as_deref().ok_or_else(wrong_state)?;
        if let Some(invitation) = &flow.invitation_id {
            invitations::mark_redeemed(&mut tx, invitation, now).await?;
        }
        session = Some(sessions::create(&mut tx, state, user_id, client).await?);
        let signed_in = event(client, "sign_in", "success", user_id, flow.purpose);
        audit::record(&mut tx, &signed_in, now).await?;
    }
    tx.commit().await?;
    Ok((next, session))
}

fn code_expired() -> ApiError {
    ApiError::new(
        ErrorCode::CodeExpired,
        "This code no longer works. Request a new code.",
    )
    .with_attempts_left(0)
}
