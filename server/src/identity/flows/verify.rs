//! Checking a flow's passcode. The try is counted and the code used by guarded statements, each
//! atomic (`store::flows::count_try_script`, `use_code`), so concurrent submissions of one code
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
use crate::store::flows::{self as store, Flow, Try};
use crate::store::script::Script;
use crate::store::staged::{self, Stage};
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
/// rate limit, the try, and what a right or wrong code changes are one staged write
/// ([`Check::stages`], [`Db::write_staged`](crate::store::Db::write_staged)), to which a check
/// that signs the user in adds the session ([`Check::sign_in`]). A refusal that counted
/// something (the rate limit, a try, a failure) is answered once that is committed.
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
    let (next, session) = if check.next() == FlowState::Completed {
        state
            .db
            .write_batched(move |conn| Box::pin(async move { check.sign_in(conn).await }))
            .await??
    } else {
        (state.db.write_staged(check.stages()).await??, None)
    };
    let flow = Flow {
        state: next,
        ..flow
    };
    let mut view = view_of(&rules.passcodes, &flow, now);
    view.needs_profile = flow::needs_profile(flow.purpose, next);
    if next == FlowState::Completed {
        view.return_to = Some(flow::landing(flow.return_to.as_deref()));
    }
    // Only a reset or unlock past its code has methods to show; a sign-in that is done (its
    // session already written) is answered without waiting for another connection.
    if next == FlowState::CodeVerified {
        let mut conn = state.db.pool.acquire().await?;
        view =
            super::methods::with_progress(&mut conn, state, rules.settings(), &flow, view).await?;
    }
    Ok(Verified { view, session })
}

/// One passcode check, owned so a staged or batched write can carry it.
#[derive(Debug)]
struct Check {
    state: AppState,
    client: Client,
    flow: Flow,
    rules: FlowRules,
    code: String,
    now: i64,
}

/// The flow's new state; or a refusal whose counting is kept.
type Checked = Result<FlowState, ApiError>;

/// The check's stages: what each script returned, read to choose the next.
type Stages = Stage<Checked, ApiError>;

impl Check {
    /// The state a right code moves the flow to.
    fn next(&self) -> FlowState {
        flow::after_verify(self.flow.purpose, self.flow.user_id.is_some())
    }

    /// Counts the check against the client's rate limit, then the try, then judges it: its
    /// stages, each script one hand-off (on SQLite, all on the group-commit writer's direct
    /// connection). It ends with `Err` only when nothing may be kept.
    fn stages(self) -> Stages {
        let counts = gather::verify_counts(&self.client, &self.flow, self.now);
        Stage::read(counts, move |rows| {
            let (state, flow, now) = (&self.state, &self.flow, self.now);
            match gather::verify(state, &rows, flow, &self.rules, now) {
                Ok(Ok(())) => self.count_try(),
                Ok(Err(refused)) => Stage::Done(Ok(Err(refused))),
                Err(error) => Stage::Done(Err(error)),
            }
        })
    }

    /// Counts a try on the flow's live code, if the typed one looks like a code.
    fn count_try(self) -> Stages {
        let passcodes = &self.rules.passcodes;
        let Some(code) = passcodes.normalise(&self.code) else {
            return Stage::Done(Ok(Err(ApiError::new(
                ErrorCode::InvalidCode,
                format!("Enter the {}-digit code from the email.", passcodes.length),
            ))));
        };
        let max = i64::from(passcodes.max_attempts);
        let counted = store::count_try_script(&self.flow.id, max, self.now);
        Stage::read(counted, move |rows| match store::tried(&rows) {
            Ok(Some(attempt)) => self.judge(&attempt, &code, max),
            Ok(None) => Stage::Done(Ok(Err(code_expired()))),
            Err(error) => Stage::Done(Err(error.into())),
        })
    }

    /// A counted try of `code`: a wrong one's failure recorded, a right one accepted.
    fn judge(self, attempt: &Try, code: &str, max: i64) -> Stages {
        let flow = &self.flow;
        let typed = self
            .state
            .secrets
            .passcode_hash(&flow.id, flow.purpose.as_str(), code);
        let Judged::Wrong { tries_left } =
            passcode::judge(&attempt.code_hash, &typed, attempt.attempts, max)
        else {
            return self.accept(&attempt.passcode_id);
        };
        let mut script = Script::default();
        let passcodes = &self.rules.passcodes;
        email_state::count_otp_failure(&mut script, &flow.email_canonical, passcodes, self.now);
        self.record(&mut script, "failure");
        let wrong = ApiError::new(
            ErrorCode::InvalidCode,
            passcode::wrong_code_message(tries_left),
        )
        .with_attempts_left(tries_left);
        Stage::write(script, Err(wrong))
    }

    /// A right code: uses it and moves the flow on, with the failures' reset and the audit
    /// record, in one script; `flow_wrong_state`, keeping nothing, when a concurrent request
    /// used the code or moved the flow first.
    fn accept(self, passcode_id: &str) -> Stages {
        let (flow, now, next) = (&self.flow, self.now, self.next());
        let mut script = Script::default();
        store::use_code(&mut script, passcode_id, &flow.id, next, now);
        email_state::clear_otp_failures(&mut script, &flow.email_canonical);
        self.record(&mut script, "success");
        Stage::run(script, move |ran| {
            Stage::Done(match ran {
                Ok(_) => Ok(Ok(next)),
                Err(sqlx::Error::RowNotFound) => Err(wrong_state()),
                Err(other) => Err(other.into()),
            })
        })
    }

    /// Adds the check's audit record with `outcome` to `script`: about the account, or the
    /// address of a flow without one.
    fn record(&self, script: &mut Script, outcome: &str) {
        let flow = &self.flow;
        let subject = flow.user_id.as_deref().unwrap_or(&flow.email_canonical);
        let checked = event(
            &self.client,
            "passcode_verified",
            outcome,
            subject,
            flow.purpose,
        );
        audit::add_record(script, &checked, self.now);
    }

    /// [`Check::stages`] for a flow that ends here (a guest's or a returning user's passcode
    /// sign-in), then the session, inside the same write on `conn`: creating it reads the
    /// account (whether the sign-in owes a registration), so this runs as a batched write's
    /// closure.
    async fn sign_in(
        self,
        conn: &mut AnyConnection,
    ) -> Result<Result<(FlowState, Option<NewSession>), ApiError>, ApiError> {
        let (state, client, now) = (self.state.clone(), self.client.clone(), self.now);
        let flow = self.flow.clone();
        let next = match staged::run(conn, self.stages()).await? {
            Ok(next) => next,
            Err(refused) => return Ok(Err(refused)),
        };
        let user_id = flow.user_id.as_deref().ok_or_else(wrong_state)?;
        if let Some(invitation) = &flow.invitation_id {
            invitations::mark_redeemed(conn, invitation, now).await?;
        }
        let created = sessions::create(conn, &state, user_id, &client).await?;
        // A passcode sign-in (returning or a guest's) stops for security info as a password
        // one does.
        registration::after_flow(conn, &state, user_id, &created.hash(&state)).await?;
        let signed_in = event(&client, "sign_in", "success", user_id, flow.purpose);
        audit::record(conn, &signed_in, now).await?;
        Ok(Ok((next, Some(created))))
    }
}

fn code_expired() -> ApiError {
    ApiError::new(
        ErrorCode::CodeExpired,
        "This code no longer works. Request a new code.",
    )
    .with_attempts_left(0)
}
