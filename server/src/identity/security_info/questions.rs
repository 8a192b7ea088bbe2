//! Registering security questions (seed 003, SECURITY.md §25): exactly as many different
//! questions as the administrator asks, from the built-in list and the administrator's own,
//! each answered with at least three characters. Only the Argon2id hash of each answer's
//! normalised form (`domain::security_questions::normalise`) is stored. A new set replaces the
//! old.

use super::{info, record_change, require_enabled, require_proof};
use crate::domain::security_questions::{self as rules, MIN_ANSWER_CHARS};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::sessions::SignedIn;
use crate::policy::reset;
use crate::secrets::random_token;
use crate::store::methods::{self, Answer, Method};
use crate::AppState;
use sspr_api::{MethodKind, QuestionCatalog, RegisterQuestions, SecurityInfo};

/// `GET /api/account/security-questions`.
pub async fn catalog(state: &AppState) -> Result<QuestionCatalog, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let policy = reset::load(&mut conn).await?;
    Ok(QuestionCatalog {
        questions: rules::catalog(&policy.custom_questions),
        to_register: policy.questions_to_register,
        min_answer_chars: MIN_ANSWER_CHARS,
    })
}

/// `PUT /api/account/methods/security-questions`.
pub async fn register(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    request: RegisterQuestions,
) -> Result<SecurityInfo, ApiError> {
    require_proof(state, signed_in)?;
    let user = &signed_in.user;
    require_enabled(state, user, MethodKind::SecurityQuestions).await?;
    let catalog = catalog(state).await?;
    check(&catalog, &request)?;
    let mut answers = Vec::with_capacity(request.answers.len());
    for (position, given) in request.answers.iter().enumerate() {
        answers.push(Answer {
            position: i64::try_from(position).unwrap_or(0),
            question: given.question.clone(),
            answer_hash: state
                .passwords
                .hash(&rules::normalise(&given.answer))
                .await?,
        });
    }
    let id = random_token(16);
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let method = Method {
        id: id.clone(),
        user_id: user.id.clone(),
        kind: MethodKind::SecurityQuestions,
        address: None,
        secret_sealed: None,
        last_step: None,
        created_at_ms: now,
        verified_at_ms: Some(now),
        last_used_ms: None,
    };
    methods::insert(&mut tx, &method).await?;
    for answer in &answers {
        methods::insert_answer(&mut tx, &id, answer).await?;
    }
    methods::delete_others(&mut tx, &user.id, MethodKind::SecurityQuestions, &id).await?;
    record_change(
        &mut tx,
        state,
        client,
        user,
        MethodKind::SecurityQuestions,
        true,
    )
    .await?;
    tx.commit().await?;
    state.outbox.wake();
    info(state, signed_in).await
}

/// The answers' rules: the right number of different questions from the catalog, each
/// answer long enough.
fn check(catalog: &QuestionCatalog, request: &RegisterQuestions) -> Result<(), ApiError> {
    let wanted = usize::from(catalog.to_register);
    if request.answers.len() != wanted {
        return Err(ApiError::validation(format!(
            "Answer exactly {wanted} different questions."
        )));
    }
    for (i, given) in request.answers.iter().enumerate() {
        if !catalog.questions.contains(&given.question) {
            return Err(ApiError::validation(
                "Choose each question from the list offered.",
            ));
        }
        if request.answers[..i]
            .iter()
            .any(|a| a.question == given.question)
        {
            return Err(ApiError::validation(format!(
                "Answer exactly {wanted} different questions."
            )));
        }
        rules::check_answer(&given.answer).map_err(ApiError::validation)?;
    }
    Ok(())
}
