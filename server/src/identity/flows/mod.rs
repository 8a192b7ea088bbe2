//! Self-service flows (sign-up, password reset, passwordless, guest, unlock), one file per step:
//! [`mod@start`] (and resend, to the flow's address or a reset's alternate address),
//! [`mod@verify`], [`mod@methods`] (the methods a reset needs besides the emailed code),
//! [`mod@complete`]; see `sspr_api::flow` for the wire. Each step
//! loads the flow bound to this browser, asks `identity::admission` whether it may go on, and
//! leaves its decisions to `domain` (`domain::admission`, `domain::flow`, `domain::passcode`).
//!
//! Enumeration (SECURITY.md §1–4): for a given purpose, starting a flow does the same work and
//! gives the same answer whether the address has an account, has none, is locked or disabled,
//! or is throttled. What differs is only what the queued message holds — a passcode, an
//! "you already have an account" notice, or nothing (a suppressed row the worker drops) — and
//! the stored passcode, which for a flow that must never succeed is a value no code hashes to.

pub mod complete;
pub mod method_codes;
pub mod methods;
pub mod phone;
pub mod push;
pub mod start;
pub mod verify;

pub use complete::{complete, Completed};
pub use start::{resend, start, Recipient, Started};
pub use verify::{verify, Verified};

use crate::domain::flow::{self, Step};
use crate::domain::passcode::{self, PasscodePolicy};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::policy::enforce::{self as policy, FlowRules};
use crate::store::audit::Event;
use crate::store::flows::{self as store, Flow};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::WireName;
use sspr_api::{Email, ErrorCode, FlowPurpose, FlowState, FlowView};

/// `GET /api/flows/{id}`.
pub async fn get(
    state: &AppState,
    binding: Option<String>,
    id: &str,
) -> Result<FlowView, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let (flow, rules) = load_with_rules(&mut conn, state, binding, id).await?;
    let mut view = view_of(&rules.passcodes, &flow, state.now_ms());
    view.needs_profile = flow::needs_profile(flow.purpose, flow.state);
    Ok(methods::with_progress(&mut conn, state, rules.settings(), &flow, view).await?)
}

/// The flow `id`, if it exists, belongs to this browser and has not expired.
async fn load(
    conn: &mut AnyConnection,
    state: &AppState,
    binding: Option<String>,
    id: &str,
) -> Result<Flow, ApiError> {
    if !crate::secrets::looks_like_token(id) {
        return Err(flow_not_found());
    }
    let found = store::get(conn, id).await?;
    bound(state, binding, found)
}

/// [`load`], and the rules in force for the flow's purpose: read in the same round trip as the
/// flow while the settings held in memory are current (`policy::admin_settings`).
async fn load_with_rules(
    conn: &mut AnyConnection,
    state: &AppState,
    binding: Option<String>,
    id: &str,
) -> Result<(Flow, FlowRules), ApiError> {
    if !crate::secrets::looks_like_token(id) {
        return Err(flow_not_found());
    }
    let (version, found) = store::get_with_settings(conn, id).await?;
    let flow = bound(state, binding, found)?;
    let settings = state
        .admin_settings
        .at(conn, &state.config, version)
        .await?;
    let rules = policy::rules(&settings, state, flow.purpose);
    Ok((flow, rules))
}

/// `found` if it belongs to this browser (`binding`) and has not expired.
fn bound(state: &AppState, binding: Option<String>, found: Option<Flow>) -> Result<Flow, ApiError> {
    let flow = found.ok_or_else(flow_not_found)?;
    let bound = binding
        .map(|b| state.secrets.token_hash(&b))
        .is_some_and(|h| passcode::hashes_match(&h, &flow.binding_hash));
    if !bound {
        return Err(flow_not_found());
    }
    if flow.expires_at_ms <= state.now_ms() && flow.state != FlowState::Completed {
        return Err(ApiError::new(
            ErrorCode::FlowExpired,
            "This request has expired. Please start again.",
        ));
    }
    Ok(flow)
}

fn flow_not_found() -> ApiError {
    ApiError::new(
        ErrorCode::FlowNotFound,
        "This page has expired or was opened in another browser. Please start again.",
    )
}

/// Refuses `step` unless the flow's state allows it.
fn require(flow: &Flow, step: Step) -> Result<(), ApiError> {
    if flow::allows(flow.state, step) {
        Ok(())
    } else {
        Err(wrong_state())
    }
}

/// What the pages are told about `flow` at `now`.
fn view_of(passcodes: &PasscodePolicy, flow: &Flow, now: i64) -> FlowView {
    // Masked from the case-folded form: the stored spelling of a known address must not show
    // through (the case of the first letter would tell that an account exists).
    let masked = Email::parse(&flow.email_canonical)
        .map(|e| e.masked())
        .unwrap_or_default();
    let resend_at = flow.last_sent_at_ms + passcodes.resend_cooldown_ms;
    FlowView {
        flow_id: flow.id.clone(),
        purpose: flow.purpose,
        state: flow.state,
        masked_email: masked,
        code_length: passcodes.length,
        resend_after_secs: u64::try_from(((resend_at - now).max(0) + 999) / 1000).unwrap_or(0),
        expires_in_secs: u64::try_from((flow.expires_at_ms - now).max(0) / 1000).unwrap_or(0),
        needs_profile: false,
        return_to: None,
        methods_required: 0,
        methods_proven: Vec::new(),
        method_choices: Vec::new(),
        methods_missing: 0,
    }
}

/// The audit record of a flow step.
fn event<'a>(
    client: &'a Client,
    name: &'a str,
    outcome: &'a str,
    subject: &'a str,
    purpose: FlowPurpose,
) -> Event<'a> {
    Event {
        event: name,
        outcome,
        actor: None,
        subject: Some(subject),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: Some(serde_json::json!({ "purpose": purpose.as_str() })),
    }
}

fn wrong_state() -> ApiError {
    ApiError::new(
        ErrorCode::FlowWrongState,
        "This step does not fit where you are. Please go back and continue from there.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(email: &str, canonical: &str) -> Flow {
        Flow {
            id: "f".into(),
            purpose: FlowPurpose::PasswordReset,
            state: FlowState::CodeSent,
            email: email.into(),
            email_canonical: canonical.into(),
            user_id: None,
            invitation_id: None,
            binding_hash: String::new(),
            return_to: None,
            expires_at_ms: 3_600_000,
            last_sent_at_ms: 0,
            proven: String::new(),
            questions: String::new(),
        }
    }

    #[test]
    fn the_view_masks_the_case_folded_address_so_a_stored_spelling_never_shows() {
        let passcodes = PasscodePolicy::default();
        let known = view_of(
            &passcodes,
            &flow("Jane@Contoso.example", "jane@contoso.example"),
            0,
        );
        let typed = view_of(
            &passcodes,
            &flow("jane@contoso.example", "jane@contoso.example"),
            0,
        );
        assert_eq!(known.masked_email, typed.masked_email);
        assert!(!known.masked_email.contains('J'));
    }

    #[test]
    fn the_view_counts_the_resend_cooldown_up_and_the_lifetime_down() {
        let passcodes = PasscodePolicy::default();
        let f = flow("a@b.example", "a@b.example");
        let view = view_of(&passcodes, &f, 1);
        assert_eq!(view.resend_after_secs, 60, "59.999 s rounds up");
        assert_eq!(view.expires_in_secs, 3599, "3,599.999 s rounds down");
        let later = view_of(&passcodes, &f, 61_000);
        assert_eq!(later.resend_after_secs, 0);
        assert_eq!(view_of(&passcodes, &f, 4_000_000).expires_in_secs, 0);
    }

    #[test]
    fn a_step_the_state_does_not_allow_is_a_conflict() {
        let mut f = flow("a@b.example", "a@b.example");
        assert!(require(&f, Step::Verify).is_ok());
        f.state = FlowState::Completed;
        let refused = require(&f, Step::Complete).expect_err("refused");
        assert!(matches!(refused, ApiError::Refused(d) if d.code == ErrorCode::FlowWrongState));
    }
}
