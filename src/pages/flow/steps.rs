//! The wizards' steps and the rules between them, in plain Rust so they are unit-tested
//! natively. A wizard keeps its step in the URL (`/reset/code?flow=…`), so a reload or a deep
//! link lands on the same step, and the browser's Back button walks back through them; the
//! flow itself lives on the server, named by its id.

use sspr_api::{FlowPurpose, FlowState};

/// A screen of a self-service wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `/<wizard>`: the email (for a guest, the invitation).
    Email,
    /// `/<wizard>/code?flow=…`: the passcode.
    Code,
    /// `/<wizard>/methods?flow=…`: another verification method, when the reset policy needs
    /// more than the emailed code (reset and unlock).
    Methods,
    /// `/<wizard>/finish?flow=…`: new password, display name, attributes.
    Finish,
    /// `/unlock/choose?flow=…`: keep the password or choose a new one.
    Choose,
}

/// The path segment of each wizard.
pub fn segment(purpose: FlowPurpose) -> &'static str {
    match purpose {
        FlowPurpose::SignUp => "sign-up",
        FlowPurpose::PasswordReset => "reset",
        FlowPurpose::Passwordless => "passwordless",
        FlowPurpose::Guest => "guest",
        FlowPurpose::Unlock => "unlock",
    }
}

/// The URL of `step` in `purpose`'s wizard, for the flow `flow` (every step but the first
/// names one).
pub fn path(purpose: FlowPurpose, step: Step, flow: &str) -> String {
    let tail = match step {
        Step::Email => return ["/", segment(purpose)].concat(),
        Step::Code => "/code?flow=",
        Step::Methods => "/methods?flow=",
        Step::Finish => "/finish?flow=",
        Step::Choose => "/choose?flow=",
    };
    ["/", segment(purpose), tail, flow].concat()
}

/// Where a verified passcode (or a proven method) leads: a flow the server completed at
/// verification (a guest, a returning passwordless user) is done; a reset or unlock that still
/// misses `missing` methods proves another; an unlock chooses; every other flow finishes.
pub fn after_verify(purpose: FlowPurpose, state: FlowState, missing: u8) -> Option<Step> {
    match (purpose, state) {
        (_, FlowState::Completed) => None,
        _ if missing > 0 && has_step(purpose, Step::Methods) => Some(Step::Methods),
        (FlowPurpose::Unlock, _) => Some(Step::Choose),
        _ => Some(Step::Finish),
    }
}

/// Whether a step exists in `purpose`'s wizard (only unlock has the choice; only reset and
/// unlock prove more methods).
pub fn has_step(purpose: FlowPurpose, step: Step) -> bool {
    match step {
        Step::Choose => purpose == FlowPurpose::Unlock,
        Step::Methods => matches!(purpose, FlowPurpose::PasswordReset | FlowPurpose::Unlock),
        _ => true,
    }
}

/// A flow id or invitation token taken from the URL, when it can be one: 1–128 letters,
/// digits, `-` or `_` (what the server issues). Anything else is treated as absent, so it never
/// reaches an API path.
pub fn flow_id(value: Option<String>) -> Option<String> {
    value.filter(|v| {
        !v.is_empty()
            && v.len() <= 128
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_has_its_url_under_its_wizard() {
        assert_eq!(path(FlowPurpose::PasswordReset, Step::Email, ""), "/reset");
        assert_eq!(
            path(FlowPurpose::PasswordReset, Step::Code, "abc_-9"),
            "/reset/code?flow=abc_-9"
        );
        assert_eq!(
            path(FlowPurpose::SignUp, Step::Finish, "f1"),
            "/sign-up/finish?flow=f1"
        );
        assert_eq!(
            path(FlowPurpose::Unlock, Step::Choose, "u1"),
            "/unlock/choose?flow=u1"
        );
        assert_eq!(
            path(FlowPurpose::PasswordReset, Step::Methods, "m"),
            "/reset/methods?flow=m"
        );
        assert_eq!(
            path(FlowPurpose::Guest, Step::Code, "g"),
            "/guest/code?flow=g"
        );
        assert_eq!(
            path(FlowPurpose::Passwordless, Step::Email, ""),
            "/passwordless"
        );
    }

    #[test]
    fn a_verified_code_leads_to_the_next_step_of_each_wizard() {
        use FlowPurpose::*;
        let verified = FlowState::CodeVerified;
        assert_eq!(after_verify(PasswordReset, verified, 0), Some(Step::Finish));
        assert_eq!(after_verify(SignUp, verified, 0), Some(Step::Finish));
        assert_eq!(after_verify(Unlock, verified, 0), Some(Step::Choose));
        assert_eq!(after_verify(Passwordless, verified, 0), Some(Step::Finish));
        assert_eq!(after_verify(Guest, FlowState::Completed, 0), None);
        assert_eq!(after_verify(Passwordless, FlowState::Completed, 0), None);
        assert!(has_step(Unlock, Step::Choose));
        assert!(!has_step(PasswordReset, Step::Choose));
        assert!(has_step(Guest, Step::Code));
    }

    #[test]
    fn a_reset_or_unlock_missing_a_method_proves_another_before_its_last_step() {
        use FlowPurpose::*;
        let verified = FlowState::CodeVerified;
        assert_eq!(
            after_verify(PasswordReset, verified, 1),
            Some(Step::Methods)
        );
        assert_eq!(after_verify(Unlock, verified, 2), Some(Step::Methods));
        // Only reset and unlock have the step; a completed flow is done whatever it says.
        assert_eq!(after_verify(SignUp, verified, 1), Some(Step::Finish));
        assert_eq!(after_verify(PasswordReset, FlowState::Completed, 1), None);
        assert!(has_step(PasswordReset, Step::Methods));
        assert!(has_step(Unlock, Step::Methods));
        assert!(!has_step(SignUp, Step::Methods));
        assert!(!has_step(Guest, Step::Methods));
    }

    #[test]
    fn only_url_safe_ids_are_taken_from_the_url() {
        assert_eq!(flow_id(Some("abc_-9".into())), Some("abc_-9".into()));
        assert_eq!(flow_id(Some("<x>".into())), None);
        assert_eq!(flow_id(Some("a/../b".into())), None);
        assert_eq!(flow_id(Some(String::new())), None);
        assert_eq!(flow_id(None), None);
    }
}
