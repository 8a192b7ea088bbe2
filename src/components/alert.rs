//! What went wrong, said plainly and announced to screen readers (`role="alert"`), with what
//! the user can do next: the tries left, how long to wait, a link to start again, or the
//! request id to quote when the fault is ours.

use crate::api::ApiError;
use crate::i18n::{tr, use_i18n, Messages, Text};
use leptos::prelude::*;
use sspr_api::ErrorCode;

/// A problem a page shows.
#[derive(Debug, Clone)]
pub enum Problem {
    /// An answer from the API.
    Api(ApiError),
    /// A check the page made itself (an empty field, say).
    Local(Text),
}

impl From<ApiError> for Problem {
    fn from(error: ApiError) -> Self {
        Problem::Api(error)
    }
}

impl Problem {
    /// The sentence for this problem, in `t`'s language.
    pub fn text(&self, t: &'static Messages) -> String {
        let error = match self {
            Problem::Local(text) => return text(t).to_owned(),
            Problem::Api(ApiError::Network) => return t.err_network.to_owned(),
            Problem::Api(ApiError::Decode { .. }) => return t.err_server.to_owned(),
            Problem::Api(ApiError::Server { body, .. }) => body,
        };
        let with_number = |text: &str, n: Option<u64>| match n {
            Some(n) => [text, " ", &n.to_string(), t.seconds].concat(),
            None => text.to_owned(),
        };
        match error.known_code() {
            Some(ErrorCode::InvalidCredentials) => t.err_credentials.to_owned(),
            Some(ErrorCode::InvalidCode) if error.attempts_left.is_none() => {
                t.code_invalid.to_owned()
            }
            Some(ErrorCode::InvalidCode) if error.attempts_left == Some(0) => {
                t.err_code_dead.to_owned()
            }
            Some(ErrorCode::InvalidCode) => [
                t.err_code_wrong,
                " ",
                t.err_tries_left,
                " ",
                &error.attempts_left.unwrap_or(0).to_string(),
            ]
            .concat(),
            Some(ErrorCode::CodeExpired) => t.err_code_dead.to_owned(),
            Some(ErrorCode::FlowNotFound | ErrorCode::FlowExpired) => t.err_flow_gone.to_owned(),
            Some(ErrorCode::FlowWrongState) => t.err_wrong_step.to_owned(),
            Some(ErrorCode::TooManyRequests | ErrorCode::ResendTooSoon) => {
                with_number(t.err_throttled, error.retry_after_secs)
            }
            Some(ErrorCode::PasswordPolicy)
                if error.violations.contains(&sspr_api::Violation::Common) =>
            {
                t.err_password_common.to_owned()
            }
            Some(ErrorCode::PasswordPolicy) => t.err_password_policy.to_owned(),
            Some(ErrorCode::PasswordMismatch) => t.err_mismatch.to_owned(),
            Some(ErrorCode::InvitationInvalid) => t.err_invitation.to_owned(),
            Some(ErrorCode::MethodDisabled) => t.err_disabled_method.to_owned(),
            Some(ErrorCode::Unauthorized) => t.err_signed_out.to_owned(),
            Some(ErrorCode::ValidationFailed) => error.message.clone(),
            _ => [t.err_server, " ", t.request_id, ": ", &error.request_id].concat(),
        }
    }

    /// Whether the flow is gone and the user must start again.
    pub fn flow_gone(&self) -> bool {
        self.code()
            .is_some_and(|c| matches!(c, ErrorCode::FlowNotFound | ErrorCode::FlowExpired))
    }

    /// The API's error code, if this came from the API.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Problem::Api(ApiError::Server { body, .. }) => body.known_code(),
            _ => None,
        }
    }
}

/// Shows `problem` when there is one; `restart` is where "Start again" leads when the flow is
/// gone.
#[component]
pub fn Alert(
    problem: RwSignal<Option<Problem>>,
    #[prop(optional)] restart: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="alert-region" role="alert">
            {move || {
                problem
                    .get()
                    .map(|p| {
                        let link = restart
                            .clone()
                            .filter(|_| p.flow_gone())
                            .map(|href| view! { <a href=href>{tr(|m| m.start_again)}</a> });
                        view! {
                            <p class="alert" id="form-error">
                                {p.text(i18n.t())}
                                " "
                                {link}
                            </p>
                        }
                    })
            }}
        </div>
    }
}
