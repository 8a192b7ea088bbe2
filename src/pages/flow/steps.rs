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
        Step::Finish => "/finish?flow=",
        Step::Choose => "/choose?flow=",
    };
    ["/", segment(purpose), tail, flow].concat()
}

/// Where a verified passcode leads: a flow the server completed at verification (a guest, a
/// returning passwordless user) is done; an unlock chooses; every other flow finishes.
pub fn after_verify(purpose: FlowPurpose, state: FlowState) -> Option<Step> {
    match (purpose, state) {
        (_, FlowState::Completed) => None,
        (FlowPurpose::Unlock, _) => Some(Step::Choose),
        _ => Some(Step::Finish),
    }
}

/// Whether a step exists in `purpose`'s wizard (only unlock has the choice).
pub fn has_step(purpose: FlowPurpose, step: Step) -> bool {
    step != Step::Choose || purpose == FlowPurpose::Unlock
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
        assert_eq!(
            after_verify(PasswordReset, FlowState::CodeVerified),
            Some(Step::Finish)
        );
        assert_eq!(
            after_verify(SignUp, FlowState::CodeVerified),
            Some(Step::Finish)
        );
        assert_eq!(
            after_verify(Unlock, FlowState::CodeVerified),
            Some(Step::Choose)
        );
        assert_eq!(
            after_verify(Passwordless, FlowState::CodeVerified),
            Some(Step::Finish)
        );
        assert_eq!(after_verify(Guest, FlowState::Completed), None);
        assert_eq!(after_verify(Passwordless, FlowState::Completed), None);
        assert!(has_step(Unlock, Step::Choose));
        assert!(!has_step(PasswordReset, Step::Choose));
        assert!(has_step(Guest, Step::Code));
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
