//! The flow state machine: which step may come in which state, and where it leads.
//!
//! ```text
//!   code_sent ──resend──▶ code_sent
//!   code_sent ──verify──▶ code_verified ──complete──▶ completed
//!                     └─▶ completed   (guest; passwordless for an existing account)
//! ```
//! A step in any other state is refused with `flow_wrong_state`; an expired flow takes no step.
//! The last step's effect follows the purpose ([`completion`]).

use sspr_api::{FlowPurpose, FlowState, UnlockAction};

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

/// Whether the flow, in `state`, waits for the profile of a new passwordless account (the view
/// tells the pages to ask for it).
pub fn needs_profile(purpose: FlowPurpose, state: FlowState) -> bool {
    purpose == FlowPurpose::Passwordless && state == FlowState::CodeVerified
}

/// Where the user lands when a flow signs them in: its `return_to`, or the account page.
pub fn landing(return_to: Option<&str>) -> String {
    return_to.unwrap_or(super::return_to::DEFAULT).to_owned()
}

/// What the last step of a flow does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// Unlock the account, keeping its password; the user signs in afterwards.
    Unlock,
    /// Set a new password (a reset, or an unlock that changes it); the user is signed in.
    NewPassword,
    /// Create the account: with a password (sign-up) or without (passwordless).
    NewAccount { with_password: bool },
}

/// Why the last step cannot be taken as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCompletable {
    /// An unlock flow must say whether to unlock or to reset (422).
    ChooseAction,
    /// The flow does not end this way (a guest's ends at verification) (409).
    WrongState,
}

/// What the last step of a `purpose` flow does with `action`.
pub fn completion(
    purpose: FlowPurpose,
    action: Option<UnlockAction>,
) -> Result<Completion, NotCompletable> {
    match (purpose, action) {
        (FlowPurpose::Unlock, Some(UnlockAction::Unlock)) => Ok(Completion::Unlock),
        (FlowPurpose::PasswordReset, _) | (FlowPurpose::Unlock, Some(UnlockAction::Reset)) => {
            Ok(Completion::NewPassword)
        }
        (FlowPurpose::Unlock, None) => Err(NotCompletable::ChooseAction),
        (FlowPurpose::SignUp, _) => Ok(Completion::NewAccount {
            with_password: true,
        }),
        (FlowPurpose::Passwordless, _) => Ok(Completion::NewAccount {
            with_password: false,
        }),
        (FlowPurpose::Guest, _) => Err(NotCompletable::WrongState),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_step_follows_the_purpose_and_the_unlock_choice() {
        use FlowPurpose::*;
        assert_eq!(
            completion(Unlock, Some(UnlockAction::Unlock)),
            Ok(Completion::Unlock)
        );
        assert_eq!(
            completion(Unlock, Some(UnlockAction::Reset)),
            Ok(Completion::NewPassword)
        );
        assert_eq!(completion(Unlock, None), Err(NotCompletable::ChooseAction));
        assert_eq!(completion(PasswordReset, None), Ok(Completion::NewPassword));
        assert_eq!(
            completion(PasswordReset, Some(UnlockAction::Unlock)),
            Ok(Completion::NewPassword)
        );
        assert_eq!(
            completion(SignUp, None),
            Ok(Completion::NewAccount {
                with_password: true
            })
        );
        assert_eq!(
            completion(Passwordless, None),
            Ok(Completion::NewAccount {
                with_password: false
            })
        );
        assert_eq!(completion(Guest, None), Err(NotCompletable::WrongState));
    }

    #[test]
    fn only_a_new_passwordless_account_asks_for_a_profile_and_landing_defaults_to_the_account() {
        assert!(needs_profile(
            FlowPurpose::Passwordless,
            FlowState::CodeVerified
        ));
        assert!(!needs_profile(
            FlowPurpose::Passwordless,
            FlowState::Completed
        ));
        assert!(!needs_profile(FlowPurpose::SignUp, FlowState::CodeVerified));
        assert_eq!(landing(Some("/welcome")), "/welcome");
        assert_eq!(landing(None), "/account");
    }

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
