//! The flow state machine: which step may come in which state, and where it leads.
//!
//! ```text
//!   code_sent ──resend──▶ code_sent
//!   code_sent ──verify──▶ code_verified ──complete──▶ completed
//!                     └─▶ completed   (guest; passwordless for an existing account)
//! ```
//! A step in any other state is refused with `flow_wrong_state`; an expired flow takes no step.

use sspr_api::{FlowPurpose, FlowState};

/// Seconds a flow lives, whatever happens to its codes: long enough to read mail and choose a
/// password, short enough that a forgotten tab is useless.
pub const FLOW_LIFETIME_MS: i64 = 60 * 60_000;

/// A step the client asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Resend,
    Verify,
    Complete,
}

/// Whether `step` may be taken in `state`.
pub fn allows(state: FlowState, step: Step) -> bool {
    matches!(
        (state, step),
        (FlowState::CodeSent, Step::Resend | Step::Verify)
            | (FlowState::CodeVerified, Step::Complete)
    )
}

/// The state after a correct passcode. Guests, and passwordless users who already have an
/// account, are signed in at once; everyone else has one more step.
pub fn after_verify(purpose: FlowPurpose, account_exists: bool) -> FlowState {
    match purpose {
        FlowPurpose::Guest => FlowState::Completed,
        FlowPurpose::Passwordless if account_exists => FlowState::Completed,
        _ => FlowState::CodeVerified,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_steps_are_allowed() {
        use FlowState::*;
        use Step::*;
        assert!(allows(CodeSent, Resend));
        assert!(allows(CodeSent, Verify));
        assert!(!allows(CodeSent, Complete));
        assert!(allows(CodeVerified, Complete));
        assert!(!allows(CodeVerified, Verify));
        assert!(!allows(CodeVerified, Resend));
        for step in [Resend, Verify, Complete] {
            assert!(!allows(Completed, step));
        }
    }

    #[test]
    fn guests_and_known_passwordless_users_finish_at_verification() {
        assert_eq!(after_verify(FlowPurpose::Guest, true), FlowState::Completed);
        assert_eq!(
            after_verify(FlowPurpose::Passwordless, true),
            FlowState::Completed
        );
        assert_eq!(
            after_verify(FlowPurpose::Passwordless, false),
            FlowState::CodeVerified
        );
        assert_eq!(
            after_verify(FlowPurpose::PasswordReset, true),
            FlowState::CodeVerified
        );
        assert_eq!(
            after_verify(FlowPurpose::SignUp, false),
            FlowState::CodeVerified
        );
        assert_eq!(
            after_verify(FlowPurpose::Unlock, true),
            FlowState::CodeVerified
        );
    }
}
