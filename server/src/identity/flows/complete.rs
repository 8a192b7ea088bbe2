//! The last step of a flow, as `domain::flow::completion` says for its purpose: unlock the
//! account, set a new password (a reset, or an unlock that changes it), or create the account
//! (sign-up, a new passwordless user). Each runs in one write transaction that first marks the
//! flow completed, so a step taken twice at once succeeds once.

use super::{event, load, require, wrong_state};
use crate::domain::flow::{self, Completion, NotCompletable, Step};
use crate::domain::user_flow;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::sessions::{self, NewSession};
use crate::identity::{admission as gather, registration, user_flow as customer_flow};
use crate::mail::notices::Notice;
use crate::notify;
use crate::store::audit;
use crate::store::flows::{self as store, Flow};
use crate::store::{sessions as session_store, users};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{CompleteFlow, ErrorCode, FlowDone, FlowState, UserType};

/// The outcome of the last step.
#[derive(Debug)]
pub struct Completed {
    pub done: FlowDone,
    pub session: Option<NewSession>,
}

/// `POST /api/flows/{id}/complete`.
pub async fn complete(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    id: &str,
    request: CompleteFlow,
) -> Result<Completed, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let flow = load(&mut conn, state, binding, id).await?;
    require(&flow, Step::Complete)?;
    drop(conn);
    match flow::completion(flow.purpose, request.action) {
        Ok(Completion::Unlock) => unlock(state, client, &flow).await,
        Ok(Completion::NewPassword) => new_password(state, client, &flow, &request).await,
        Ok(Completion::NewAccount { with_password }) => {
            new_account(state, client, &flow, &request, with_password).await
        }
        Err(NotCompletable::ChooseAction) => Err(ApiError::validation(
            "Choose whether to unlock your account or reset your password.",
        )),
        Err(NotCompletable::WrongState) => Err(wrong_state()),
    }
}

/// Unlocks the account, keeping its password; the user signs in afterwards.
async fn unlock(state: &AppState, client: &Client, flow: &Flow) -> Result<Completed, ApiError> {
    let user_id = flow.user_id.clone().ok_or_else(wrong_state)?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    still_allowed(&mut tx, state, flow, &user_id).await?;
    super::methods::require_enough(&mut tx, state, flow).await?;
    finish(&mut tx, flow, now).await?;
    users::unlock(&mut tx, &user_id, now).await?;
    let unlocked = event(
        client,
        "account_unlocked",
        "success",
        &user_id,
        flow.purpose,
    );
    audit::record(&mut tx, &unlocked, now).await?;
    tx.commit().await?;
    Ok(Completed {
        done: FlowDone {
            signed_in: false,
            return_to: "/sign-in".into(),
        },
        session: None,
    })
}

/// Sets the new password, signs every session out (and revokes every application's refresh
/// tokens) and the user in, and tells them by mail when the reset policy says so.
async fn new_password(
    state: &AppState,
    client: &Client,
    flow: &Flow,
    request: &CompleteFlow,
) -> Result<Completed, ApiError> {
    let user_id = flow.user_id.clone().ok_or_else(wrong_state)?;
    let hash = password_hash(state, request, &flow.email).await?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    still_allowed(&mut tx, state, flow, &user_id).await?;
    super::methods::require_enough(&mut tx, state, flow).await?;
    finish(&mut tx, flow, now).await?;
    users::set_password(&mut tx, &user_id, &hash, now).await?;
    session_store::revoke_all(&mut tx, &user_id, None, now).await?;
    // The applications' refresh tokens too: whoever held the old password may hold those.
    crate::store::oidc::revoke_user_grants(&mut tx, &user_id, now).await?;
    let session = sessions::create(&mut tx, state, &user_id, client).await?;
    registration::after_flow(&mut tx, state, &user_id, &session.hash(state)).await?;
    let to = notify::Recipient {
        email: &flow.email,
        language: client.language,
    };
    notify::user(&mut tx, state, client, &Notice::PasswordReset, to).await?;
    let reset = event(client, "password_reset", "success", &user_id, flow.purpose);
    audit::record(&mut tx, &reset, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(Completed {
        done: FlowDone {
            signed_in: true,
            return_to: flow::landing(flow.return_to.as_deref()),
        },
        session: Some(session),
    })
}

/// Creates the account with the user flow's attributes (and a password for a sign-up), and
/// signs the user in.
async fn new_account(
    state: &AppState,
    client: &Client,
    flow: &Flow,
    request: &CompleteFlow,
    with_password: bool,
) -> Result<Completed, ApiError> {
    let display_name = user_flow::display_name(request.display_name.as_deref().unwrap_or(""))
        .ok_or_else(|| ApiError::validation("Enter a display name of 1 to 100 characters."))?;
    let hash = match with_password {
        true => Some(password_hash(state, request, &flow.email).await?),
        false => None,
    };
    let now = state.now_ms();
    let user_id = uuid::Uuid::new_v4().to_string();
    let mut tx = state.db.begin_write().await?;
    finish(&mut tx, flow, now).await?;
    let new_user = users::NewUser {
        id: &user_id,
        email: &flow.email,
        email_canonical: &flow.email_canonical,
        display_name: &display_name,
        user_type: UserType::Member,
        password_hash: hash.as_deref(),
    };
    if !users::insert(&mut tx, &new_user, now).await? {
        // Someone created the account between the code and now.
        return Err(wrong_state());
    }
    customer_flow::save_sign_up_attributes(&mut tx, &flow.id, &user_id, request).await?;
    let session = sessions::create(&mut tx, state, &user_id, client).await?;
    registration::after_flow(&mut tx, state, &user_id, &session.hash(state)).await?;
    let signed_up = event(client, "sign_up", "success", &user_id, flow.purpose);
    audit::record(&mut tx, &signed_up, now).await?;
    tx.commit().await?;
    Ok(Completed {
        done: FlowDone {
            signed_in: true,
            return_to: flow::landing(flow.return_to.as_deref()),
        },
        session: Some(session),
    })
}

/// Checks the new password (and its confirmation) against the policy and hashes it.
async fn password_hash(
    state: &AppState,
    request: &CompleteFlow,
    email: &str,
) -> Result<String, ApiError> {
    let password = request
        .password
        .as_deref()
        .ok_or_else(|| ApiError::validation("Enter a new password."))?;
    if request.password_confirm.as_deref() != Some(password) {
        return Err(ApiError::new(
            ErrorCode::PasswordMismatch,
            "The two passwords are not the same.",
        ));
    }
    state
        .passwords
        .check_new(password, email, &state.config.organisation_name)?;
    Ok(state.passwords.hash(password).await?)
}

/// The reset or unlock may still change the account (see `identity::admission::complete`).
async fn still_allowed(
    conn: &mut AnyConnection,
    state: &AppState,
    flow: &Flow,
    user_id: &str,
) -> Result<(), ApiError> {
    gather::complete(conn, state, flow, user_id)
        .await?
        .map(|_| ())
        .ok_or_else(wrong_state)
}

/// Marks the flow completed; refuses if a concurrent request did first.
async fn finish(conn: &mut AnyConnection, flow: &Flow, now: i64) -> Result<(), ApiError> {
    if store::transition(
        conn,
        &flow.id,
        FlowState::CodeVerified,
        FlowState::Completed,
        now,
    )
    .await?
    {
        Ok(())
    } else {
        Err(wrong_state())
    }
}
