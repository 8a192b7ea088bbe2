//! Checking a flow's passcode. The try is counted and the code used by guarded statements, each
//! atomic (`store::flows::count_try`, `use_code`), so concurrent submissions of one code
//! succeed once and at most `max_attempts` wrong ones are judged (SECURITY.md §11). A right code
//! moves the flow on (`domain::flow::after_verify`); guests and known passwordless users are
//! signed in here.

use super::{event, load_with_rules, require, view_of, wrong_state};
use crate::domain::flow::{self, Step};
use crate::domain::passcode::{self, Judged};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::admission as gather;
use crate::identity::registration;
use crate::identity::sessions::{self, NewSession};
use crate::policy::enforce::FlowRules;
use crate::store::audit;
use crate::store::flows::{self as store, Flow};
use crate::store::script::Script;
use crate::store::{email_state, invitations};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::WireName;
use sspr_api::{ErrorCode, FlowState, FlowView};

/// The outcome of a correct code: the flow's new view, and a session when the flow signs in.
#[derive(Debug)]
pub struct Verified {
    pub view: FlowView,
    pub session: Option<NewSession>,
}

/// `POST /api/flows/{id}/verify`. The flow and the rules are read first; then the client's
/// rate limit, the try, and what a right or wrong code changes are one batched write
/// ([`Db::write_batched`](crate::store::Db::write_batched)). A refusal that counted something
/// (the rate limit, a try, a failure) is answered once that is committed.
pub async fn verify(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    id: &str,
    code: &str,
) -> Result<Verified, ApiError> {
    let now = state.now_ms();
    let mut conn = state.db.pool.acquire().await?;
    let (flow, rules) = load_with_rules(&mut conn, state, binding, id).await?;
    require(&flow, Step::Verify)?;
    drop(conn);
    let check = Check {
        state: state.clone(),
        client: client.clone(),
        flow: flow.clone(),
        rules: rules.clone(),
        code: code.to_owned(),
        now,
    };
    let (next, session) = state
        .db
        .write_batched(move |conn| Box::pin(async move { check.run(conn).await }))
        .await??;
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
    let view =
        super::methods::with_progress(&mut conn, state, rules.settings(), &flow, view).await?;
    Ok(Verified { view, session })
}

/// One passcode check, owned so a batched write can carry it.
#[derive(Debug)]
struct Check {
    state: AppState,
    client: Client,
    flow: Flow,
    rules: FlowRules,
    code: String,
    now: i64,
}

/// The flow's new state and the session when it signs in; or a refusal whose counting is kept.
type Checked = Result<(FlowState, Option<NewSession>), ApiError>;

impl Check {
    /// Counts the check against the client's rate limit, then the try, then judges it. `Err`
    /// only when nothing may be kept.
    async fn run(self, conn: &mut AnyConnection) -> Result<Checked, ApiError> {
        let (state, flow, now) = (&self.state, &self.flow, self.now);
        if let Err(refused) = gather::verify(conn, state, &self.client, flow, &self.rules).await? {
            return Ok(Err(refused));
        }
        let passcodes = &self.rules.passcodes;
        let Some(code) = passcodes.normalise(&self.code) else {
            return Ok(Err(ApiError::new(
                ErrorCode::InvalidCode,
                format!("Enter the {}-digit code from the email.", passcodes.length),
            )));
        };
        let max = i64::from(passcodes.max_attempts);
        let Some(attempt) = store::count_try(conn, &flow.id, max, now).await? else {
            return Ok(Err(code_expired()));
        };
        let typed = state
            .secrets
            .passcode_hash(&flow.id, flow.purpose.as_str(), &code);
        let subject = flow.user_id.clone().unwrap_or(flow.email_canonical.clone());
        if let Judged::Wrong { tries_left } =
            passcode::judge(&attempt.code_hash, &typed, attempt.attempts, max)
        {
            let failed = event(
                &self.client,
                "passcode_verified",
                "failure",
                &subject,
                flow.purpose,
            );
            let mut script = Script::default();
            email_state::count_otp_failure(&mut script, &flow.email_canonical, passcodes, now);
            audit::add_record(&mut script, &failed, now);
            script.run(conn).await?;
            return Ok(Err(ApiError::new(
                ErrorCode::InvalidCode,
                passcode::wrong_code_message(tries_left),
            )
            .with_attempts_left(tries_left)));
        }
        let passcode = &attempt.passcode_id;
        accept(conn, state, &self.client, flow, passcode, &subject, now)
            .await
            .map(Ok)
    }
}

/// A right code: uses it and moves the flow on (one script with the failures' reset and the
/// audit record), and signs the user in when the flow ends here. Returns the flow's new state;
/// `flow_wrong_state`, keeping nothing, when a concurrent request used the code or moved the
/// flow first.
async fn accept(
    conn: &mut AnyConnection,
    state: &AppState,
    client: &Client,
    flow: &Flow,
    passcode_id: &str,
    subject: &str,
    now: i64,
) -> Result<(FlowState, Option<NewSession>), ApiError> {
    let next = flow::after_verify(flow.purpose, flow.user_id.is_some());
    let verified = event(
        client,
        "passcode_verified",
        "success",
        subject,
        flow.purpose,
    );
    let mut script = Script::default();
    store::use_code(&mut script, passcode_id, &flow.id, next, now);
    email_state::clear_otp_failures(&mut script, &flow.email_canonical);
    audit::add_record(&mut script, &verified, now);
    if let Err(error) = script.run(conn).await {
        return Err(match error {
            sqlx::Error::RowNotFound => wrong_state(),
            other => other.into(),
        });
    }
    let mut session = None;
    if next == FlowState::Completed {
        let user_id = flow.user_id.as_deref().ok_or_else(wrong_state)?;
        if let Some(invitation) = &flow.invitation_id {
            invitations::mark_redeemed(conn, invitation, now).await?;
        }
        let created = sessions::create(conn, state, user_id, client).await?;
        // A passcode sign-in (returning or a guest's) stops for security info as a password
        // one does.
        registration::after_flow(conn, state, user_id, &created.hash(state)).await?;
        session = Some(created);
        let signed_in = event(client, "sign_in", "success", user_id, flow.purpose);
        audit::record(conn, &signed_in, now).await?;
    }
    Ok((next, session))
}

fn code_expired() -> ApiError {
    ApiError::new(
        ErrorCode::CodeExpired,
        "This code no longer works. Request a new code.",
    )
    .with_attempts_left(0)
}
