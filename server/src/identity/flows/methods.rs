//! The methods a reset or unlock needs besides the emailed code (SPEC C8–C9, SECURITY.md §25).
//!
//! The emailed code is always the first step, so today's reset is unchanged when the email is
//! the only method. Once it is right — the account's mailbox proven, and only then — the flow's
//! view says how many different methods the reset policy needs and offers the user's other
//! registered methods that count, are enabled for them and can still raise the count
//! ([`progress`], decided by `domain::reset_methods::offered`): the alternate address is the
//! same `email` method as the account's own (it can receive the code step's code instead,
//! `super::start::Recipient`), so it is never offered here. The user proves one with
//! [`prove`]: a code from an authenticator app (each step once), a code texted or spoken to
//! one of their phones (`super::phone`), or the answers to a
//! random subset of their security questions ([`questions`], chosen once per flow). A wrong
//! answer does not say which; a wrong answer or app code counts towards the account's lockout,
//! and a flow takes at most [`MAX_PROOF_TRIES`] of them (counted before each is judged; then
//! 410 `flow_expired`, start again with a new emailed code, whose sends are capped), so someone
//! who reads the mailbox cannot guess the second proof without bound (SECURITY.md §10). The
//! account's lock does not stop them: an unlock is how a locked account proves itself. The
//! last step refuses until
//! enough different methods are proven ([`require_enough`]); security questions never count
//! alone.
//!
//! An unknown address never gets a code, so it never reaches these steps: before the code, the
//! answers are the same for every address, and these endpoints answer `flow_wrong_state`.

use super::{event, load_with_rules, method_codes, phone, view_of, wrong_state};
use crate::domain::reset_methods;
use crate::domain::security_questions;
use crate::domain::totp;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::limits::{self, VERIFY};
use crate::identity::security_info::{describe, proof::wrong_app_code};
use crate::identity::sign_in::count_failure;
use crate::policy::admin_settings::AdminSettings;
use crate::policy::registration;
use crate::store::audit;
use crate::store::flows::{self as store, Flow};
use crate::store::methods::{self, Method};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{
    ErrorCode, FlowPurpose, FlowQuestions, FlowState, FlowView, MethodChoice, MethodKind,
    ProveMethod, WireName,
};

/// Where a reset stands on its methods.
#[derive(Debug, Clone)]
pub struct Progress {
    pub required: u8,
    pub proven: Vec<MethodKind>,
    pub choices: Vec<MethodChoice>,
    /// Enough different methods are proven for the last step.
    pub enough: bool,
    /// How many more different methods the last step needs.
    pub missing: u8,
    /// The kinds the user registered but the policies turned off for them.
    disabled: Vec<MethodKind>,
    pub registered: Vec<Method>,
}

/// The tries at an app's code or at security answers one flow takes, right or wrong.
pub const MAX_PROOF_TRIES: i64 = 10;

/// The progress of `flow`, when it is a reset or unlock whose emailed code was right.
pub async fn progress(
    conn: &mut AnyConnection,
    state: &AppState,
    settings: &AdminSettings,
    flow: &Flow,
) -> Result<Option<Progress>, sqlx::Error> {
    let resets = matches!(
        flow.purpose,
        FlowPurpose::PasswordReset | FlowPurpose::Unlock
    );
    let (true, FlowState::CodeVerified, Some(user_id)) = (resets, flow.state, &flow.user_id) else {
        return Ok(None);
    };
    let registration = registration::under(conn, settings, user_id).await?;
    let policy = &registration.reset;
    let mut proven = vec![MethodKind::Email];
    proven.extend(flow.proven.split(',').filter_map(MethodKind::parse));
    let registered = methods::verified(conn, user_id).await?;
    let mut choices: Vec<MethodChoice> = Vec::new();
    let mut disabled = Vec::new();
    for method in &registered {
        let kind = method.kind;
        let offered = reset_methods::offered(kind, &proven, policy);
        if !offered || choices.iter().any(|c| c.kind == kind) {
            continue;
        }
        if phone::is_phone(kind) {
            // Offered once for each way the policies let a code reach it.
            let phone_choices = phone::choices(conn, &state.config, user_id, method).await?;
            if phone_choices.is_empty() {
                disabled.push(kind);
            }
            choices.extend(phone_choices);
        } else if registration.allows(kind) {
            choices.push(MethodChoice {
                kind,
                detail: detail_of(method),
                delivery: None,
            });
        } else {
            disabled.push(kind);
        }
    }
    let usable = reset_methods::usable(&proven, policy);
    let required = usize::from(policy.methods_required);
    let enough = usable >= required;
    let missing = u8::try_from(required.saturating_sub(usable)).unwrap_or(u8::MAX);
    Ok(Some(Progress {
        required: policy.methods_required,
        proven,
        choices,
        enough,
        missing,
        disabled,
        registered,
    }))
}

/// `view` with `flow`'s progress, when it has one.
pub async fn with_progress(
    conn: &mut AnyConnection,
    state: &AppState,
    settings: &AdminSettings,
    flow: &Flow,
    mut view: FlowView,
) -> Result<FlowView, sqlx::Error> {
    if let Some(progress) = progress(conn, state, settings, flow).await? {
        view.methods_required = progress.required;
        view.methods_proven = progress.proven;
        view.method_choices = progress.choices;
        view.methods_missing = progress.missing;
    }
    Ok(view)
}

/// Refuses the last step of a reset or unlock until enough different methods are proven.
pub async fn require_enough(
    conn: &mut AnyConnection,
    state: &AppState,
    flow: &Flow,
) -> Result<(), ApiError> {
    let settings = state.admin_settings.now(conn, &state.config).await?;
    match progress(conn, state, &settings, flow).await? {
        Some(progress) if !progress.enough => Err(ApiError::new(
            ErrorCode::MoreMethodsRequired,
            "Your password reset needs another verification method first.",
        )),
        _ => Ok(()),
    }
}

/// `POST /api/flows/{id}/questions`: the flow's security questions.
pub async fn questions(
    state: &AppState,
    binding: Option<String>,
    id: &str,
) -> Result<FlowQuestions, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let (flow, rules) = load_with_rules(&mut conn, state, binding, id).await?;
    let settings = rules.settings();
    let progress = offered(
        &mut conn,
        state,
        settings,
        &flow,
        MethodKind::SecurityQuestions,
    )
    .await?;
    let (chosen, answers) = chosen_questions(&mut conn, settings, &flow, &progress).await?;
    Ok(FlowQuestions {
        questions: chosen
            .iter()
            .filter_map(|i| answers.get(*i).map(|a| a.question.clone()))
            .collect(),
    })
}

/// `POST /api/flows/{id}/prove`: an app code, a phone's code, or the answers; the flow's new
/// view.
pub async fn prove(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    id: &str,
    request: ProveMethod,
) -> Result<FlowView, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let (flow, rules) = load_with_rules(&mut conn, state, binding, id).await?;
    let progress = offered(&mut conn, state, rules.settings(), &flow, request.method).await?;
    let user_id = flow.user_id.clone().ok_or_else(wrong_state)?;
    let chosen = match request.method {
        MethodKind::SecurityQuestions => {
            Some(chosen_questions(&mut conn, rules.settings(), &flow, &progress).await?)
        }
        _ => None,
    };
    drop(conn);
    let typed = request.code.as_deref().unwrap_or_default();
    let sent = match request.method {
        kind if phone::is_phone(kind) => Some(
            rules
                .passcodes
                .normalise(typed)
                .ok_or_else(|| phone::malformed(rules.passcodes.length))?,
        ),
        _ => None,
    };
    limits::enforce(state, VERIFY, &client.ip).await?;
    let now = state.now_ms();
    let right = match &chosen {
        Some((positions, answers)) => {
            right_answers(state, positions, answers, &request.answers).await?
        }
        None => None,
    };
    let mut tx = state.db.begin_write().await?;
    let guessable = matches!(
        request.method,
        MethodKind::AuthenticatorApp | MethodKind::SecurityQuestions
    );
    if guessable && !store::count_proof_try(&mut tx, &flow.id, MAX_PROOF_TRIES).await? {
        return Err(ApiError::new(
            ErrorCode::FlowExpired,
            "There have been too many wrong tries in this request. Please start again.",
        ));
    }
    let mut refusal = None;
    let right = match request.method {
        MethodKind::AuthenticatorApp => {
            app_code(&mut tx, state, &progress, request.code.as_deref(), now).await?
        }
        kind if phone::is_phone(kind) => match &sent {
            Some(code) => {
                let max = rules.passcodes.max_attempts;
                let purpose = phone::hash_purpose(kind);
                refusal = method_codes::check(&mut tx, state, &flow.id, max, purpose, code, now)
                    .await?
                    .map(|r| r.into_error(phone::DEAD));
                refusal.is_none()
            }
            None => false,
        },
        _ => right == Some(true),
    };
    // The method whose "last used" a proof moves (an app's moves as its step is accepted).
    let used_method = progress.registered.iter().find(|m| {
        m.kind == request.method
            && (m.kind == MethodKind::SecurityQuestions || phone::is_phone(m.kind))
    });
    if !right {
        if guessable {
            count_failure(&mut tx, state, client, &user_id, now).await?;
        }
        let mut failed = event(
            client,
            "reset_method_proven",
            "failure",
            &user_id,
            flow.purpose,
        );
        failed.detail = Some(method_detail(flow.purpose, request.method));
        audit::record(&mut tx, &failed, now).await?;
        tx.commit().await?;
        return Err(match (request.method, refusal) {
            (MethodKind::AuthenticatorApp, _) => wrong_app_code(),
            (_, Some(refused)) => refused,
            _ => ApiError::new(
                ErrorCode::InvalidAnswers,
                "One or more answers are not right. Check the spelling and spacing, and try again.",
            ),
        });
    }
    if let Some(method) = used_method {
        methods::touch(&mut tx, &method.id, now).await?;
    }
    let after = append(&flow.proven, request.method);
    if !store::set_proven(&mut tx, &flow.id, &flow.proven, &after).await? {
        return Err(wrong_state());
    }
    let mut proven = event(
        client,
        "reset_method_proven",
        "success",
        &user_id,
        flow.purpose,
    );
    proven.detail = Some(method_detail(flow.purpose, request.method));
    audit::record(&mut tx, &proven, now).await?;
    tx.commit().await?;
    let flow = Flow {
        proven: after,
        ..flow
    };
    let mut conn = state.db.pool.acquire().await?;
    let view = view_of(&rules.passcodes, &flow, now);
    Ok(with_progress(&mut conn, state, rules.settings(), &flow, view).await?)
}

/// What a choice shows: the method's name.
fn detail_of(method: &Method) -> String {
    describe(method.kind).into()
}

/// The flow's progress, if `kind` is among its choices; the refusal otherwise.
pub(super) async fn offered(
    conn: &mut AnyConnection,
    state: &AppState,
    settings: &AdminSettings,
    flow: &Flow,
    kind: MethodKind,
) -> Result<Progress, ApiError> {
    let progress = progress(conn, state, settings, flow)
        .await?
        .ok_or_else(wrong_state)?;
    if progress.disabled.contains(&kind) {
        return Err(ApiError::new(
            ErrorCode::MethodDisabled,
            "Your administrator has turned this method off. Choose another.",
        ));
    }
    if !progress.choices.iter().any(|c| c.kind == kind) {
        return Err(ApiError::validation(
            "Choose one of the methods offered for this step.",
        ));
    }
    Ok(progress)
}

/// The positions of the flow's questions (chosen now if not yet) and the user's answers.
async fn chosen_questions(
    conn: &mut AnyConnection,
    settings: &AdminSettings,
    flow: &Flow,
    progress: &Progress,
) -> Result<(Vec<usize>, Vec<methods::Answer>), ApiError> {
    let method = progress
        .registered
        .iter()
        .find(|m| m.kind == MethodKind::SecurityQuestions)
        .ok_or_else(wrong_state)?;
    let answers = methods::answers(conn, &method.id).await?;
    let asked = settings.reset().questions_to_reset;
    let fresh: Vec<String> = security_questions::random_subset(answers.len(), usize::from(asked))
        .iter()
        .map(usize::to_string)
        .collect();
    let kept = store::choose_questions(conn, &flow.id, &fresh.join(",")).await?;
    let positions = kept
        .split(',')
        .filter_map(|p| p.parse().ok())
        .filter(|p| *p < answers.len())
        .collect();
    Ok((positions, answers))
}

/// Whether every given answer is right, checking them all whatever the first says.
async fn right_answers(
    state: &AppState,
    positions: &[usize],
    answers: &[methods::Answer],
    given: &[String],
) -> Result<Option<bool>, ApiError> {
    if given.len() != positions.len() || positions.is_empty() {
        return Err(ApiError::validation(format!(
            "Answer the {} questions asked.",
            positions.len()
        )));
    }
    let mut all_right = true;
    for (position, typed) in positions.iter().zip(given) {
        let stored = answers.get(*position).map(|a| a.answer_hash.as_str());
        let normalised = security_questions::normalise(typed);
        all_right &= state.passwords.verify(&normalised, stored).await?;
    }
    Ok(Some(all_right))
}

/// Whether `code` is a current code of one of the user's apps (its step then used up).
async fn app_code(
    conn: &mut AnyConnection,
    state: &AppState,
    progress: &Progress,
    code: Option<&str>,
    now: i64,
) -> Result<bool, ApiError> {
    let code = code.unwrap_or_default();
    for app in progress
        .registered
        .iter()
        .filter(|m| m.kind == MethodKind::AuthenticatorApp)
    {
        let Some(secret) = app
            .secret_sealed
            .as_deref()
            .and_then(|s| state.secrets.open(s))
        else {
            continue;
        };
        if let Some(step) = totp::verify(&secret, code, now, app.last_step) {
            if methods::accept_step(conn, &app.id, step, now).await? {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// `proven` with `kind` added.
/// The detail of a `reset_method_proven` event: the flow's purpose and the method tried (the
/// usage report counts by method).
fn method_detail(purpose: sspr_api::FlowPurpose, method: MethodKind) -> serde_json::Value {
    serde_json::json!({ "purpose": purpose.as_str(), "method": method.as_str() })
}

fn append(proven: &str, kind: MethodKind) -> String {
    if proven.is_empty() {
        kind.as_str().to_owned()
    } else {
        format!("{proven},{}", kind.as_str())
    }
}
