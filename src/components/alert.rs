//! What went wrong, said plainly and announced to screen readers (`role="alert"`), with what
//! the user can do next: the tries left, how long to wait, a link to start again, a **Try
//! again** button for a load that failed, or the request id to quote when the fault is ours.
//!
//! Every sentence comes from the message catalog, chosen by the error's stable `code`
//! ([`code_text`]), never from the server's English `message`: a French page stays French.

use crate::api::ApiError;
use crate::i18n::{tr, use_i18n, Messages, Text};
use leptos::prelude::*;
use sspr_api::{ErrorBody, ErrorCode, Violation};

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

/// The catalog's sentence for an error code. Every code of the contract has one, in every
/// language (the match is exhaustive, so a new code does not compile until it has its text).
pub fn code_text(code: ErrorCode) -> Text {
    match code {
        ErrorCode::NotFound => |m| m.err_not_found,
        ErrorCode::MethodNotAllowed => |m| m.err_method_not_allowed,
        ErrorCode::InvalidJson => |m| m.err_invalid_json,
        ErrorCode::UnsupportedMediaType => |m| m.err_unsupported_media_type,
        ErrorCode::PayloadTooLarge => |m| m.err_payload_too_large,
        ErrorCode::ValidationFailed => |m| m.err_validation_failed,
        ErrorCode::DatabaseUnavailable => |m| m.err_database_unavailable,
        ErrorCode::CsrfFailed => |m| m.err_csrf_failed,
        ErrorCode::Unauthorized => |m| m.err_signed_out,
        ErrorCode::Forbidden => |m| m.err_forbidden,
        ErrorCode::InvalidCredentials => |m| m.err_credentials,
        ErrorCode::FlowNotFound | ErrorCode::FlowExpired => |m| m.err_flow_gone,
        ErrorCode::FlowWrongState => |m| m.err_wrong_step,
        ErrorCode::InvalidCode => |m| m.err_code_wrong,
        ErrorCode::CodeExpired => |m| m.err_code_dead,
        ErrorCode::ResendTooSoon | ErrorCode::TooManyRequests => |m| m.err_throttled,
        ErrorCode::PasswordPolicy => |m| m.err_password_policy,
        ErrorCode::PasswordMismatch => |m| m.err_mismatch,
        ErrorCode::InvitationInvalid => |m| m.err_invitation,
        ErrorCode::MethodDisabled => |m| m.err_disabled_method,
        ErrorCode::SessionNotFound => |m| m.err_session_not_found,
        ErrorCode::AdminSetupInvalid => |m| m.err_admin_setup_invalid,
        ErrorCode::AdminExists => |m| m.err_admin_exists,
        ErrorCode::GroupExists => |m| m.err_group_exists,
        ErrorCode::GroupReserved => |m| m.err_group_reserved,
        ErrorCode::GroupInUse => |m| m.err_group_in_use,
        ErrorCode::InvalidCursor => |m| m.err_invalid_cursor,
        ErrorCode::InvalidFilter => |m| m.err_invalid_filter,
        ErrorCode::UserFlowInUse => |m| m.err_user_flow_in_use,
        ErrorCode::ReauthenticationRequired => |m| m.err_reauthentication_required,
        ErrorCode::LastResetMethod => |m| m.err_last_reset_method,
        ErrorCode::MoreMethodsRequired => |m| m.err_more_methods_required,
        ErrorCode::InvalidAnswers => |m| m.err_invalid_answers,
        ErrorCode::RegistrationIncomplete => |m| m.err_registration_incomplete,
        ErrorCode::SkipNotAllowed => |m| m.err_skip_not_allowed,
        ErrorCode::CaptchaRequired => |m| m.err_captcha_required,
        ErrorCode::CaptchaInvalid => |m| m.err_captcha_invalid,
        ErrorCode::Timeout => |m| m.err_timeout,
        ErrorCode::Internal => |m| m.err_server,
    }
}

/// The sentence for an error answer, in `t`'s language, with the details the body carries
/// (tries left, seconds to wait, the request id of a fault on our side).
pub fn body_text(t: &'static Messages, status: u16, error: &ErrorBody) -> String {
    let with_number = |text: &str, n: Option<u64>| match n {
        Some(n) => [text, " ", &n.to_string(), t.seconds].concat(),
        None => text.to_owned(),
    };
    match error.known_code() {
        // A code the server checked before counting it (wrong length, say).
        Some(ErrorCode::InvalidCode) if error.attempts_left.is_none() => t.code_invalid.to_owned(),
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
        Some(code @ (ErrorCode::TooManyRequests | ErrorCode::ResendTooSoon)) => {
            with_number(code_text(code)(t), error.retry_after_secs)
        }
        Some(ErrorCode::PasswordPolicy) if error.violations.contains(&Violation::Common) => {
            t.err_password_common.to_owned()
        }
        Some(code) if status < 500 => code_text(code)(t).to_owned(),
        // Our fault (or a code this build does not know): say so, with the id to quote.
        code => [
            code.map_or(t.err_server, |c| code_text(c)(t)),
            " ",
            t.request_id,
            ": ",
            &error.request_id,
        ]
        .concat(),
    }
}

impl Problem {
    /// The sentence for this problem, in `t`'s language.
    pub fn text(&self, t: &'static Messages) -> String {
        match self {
            Problem::Local(text) => text(t).to_owned(),
            Problem::Api(ApiError::Network) => t.err_network.to_owned(),
            Problem::Api(ApiError::Decode { .. }) => t.err_server.to_owned(),
            Problem::Api(ApiError::Server { status, body }) => body_text(t, *status, body),
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

/// What an `ErrorBoundary` around a load shows: why it failed, announced, and **Try again**,
/// which runs `retry` (the resource's `refetch`).
#[component]
pub fn LoadFailed(errors: ArcRwSignal<Errors>, retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let t = i18n.t();
        errors.with(|errors| {
            let api = errors
                .iter()
                .find_map(|(_, e)| e.downcast_ref::<ApiError>().cloned());
            match api {
                Some(error) => Problem::Api(error).text(t),
                None => t.load_failed.to_owned(),
            }
        })
    };
    view! {
        <div class="load-failed" role="alert">
            <p class="alert">{text}</p>
            <button type="button" class="button button--secondary" on:click=move |_| retry.run(())>
                {tr(|m| m.try_again)}
            </button>
        </div>
    }
}
