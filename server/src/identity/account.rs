//! The signed-in user's own account: who they are, their sessions, their password.

use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::limits::{self, PASSWORD};
use crate::identity::sessions::SignedIn;
use crate::identity::sign_in::{count_failure, invalid_credentials};
use crate::mail::notices::Notice;
use crate::notify;
use crate::store::audit::{self, Event};
use crate::store::{sessions, users};
use crate::AppState;
use sspr_api::{ChangePassword, ErrorCode, Me, SessionList};

pub fn me(state: &AppState, signed_in: &SignedIn) -> Me {
    Me {
        user: signed_in.user.view(state.now_ms()),
        session: signed_in.session.summary(&signed_in.session.token_hash),
        return_to: None,
        registration: None,
    }
}

/// `GET /api/session`: [`me`], with the registration interrupt the session still owes.
pub async fn current(state: &AppState, signed_in: &SignedIn) -> Result<Me, ApiError> {
    let mut me = me(state, signed_in);
    me.registration = crate::identity::registration::pending(state, signed_in).await?;
    Ok(me)
}

pub async fn sessions(state: &AppState, signed_in: &SignedIn) -> Result<SessionList, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let list = sessions::of_user(&mut conn, &signed_in.user.id, state.now_ms()).await?;
    Ok(SessionList {
        sessions: list
            .iter()
            .map(|s| s.summary(&signed_in.session.token_hash))
            .collect(),
    })
}

pub async fn sign_out(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
) -> Result<(), ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    sessions::revoke(&mut tx, &signed_in.session.token_hash, now).await?;
    audit::record(&mut tx, &event(client, "sign_out", &signed_in.user.id), now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn revoke(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    public_id: &str,
) -> Result<(), ApiError> {
    let not_found = || {
        ApiError::new(
            ErrorCode::SessionNotFound,
            "That session is not one of yours, or it has already ended.",
        )
    };
    if !crate::secrets::looks_like_token(public_id) {
        return Err(not_found());
    }
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    if !sessions::revoke_public(&mut tx, &signed_in.user.id, public_id, now).await? {
        return Err(not_found());
    }
    audit::record(
        &mut tx,
        &event(client, "session_revoked", &signed_in.user.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the password: the current one is required (and a wrong one counts toward lockout);
/// every other session is signed out; the user is told by mail.
pub async fn change_password(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    request: ChangePassword,
) -> Result<(), ApiError> {
    limits::enforce(state, PASSWORD, &client.ip).await?;
    let user = &signed_in.user;
    let matched = state
        .passwords
        .verify(&request.current_password, user.password_hash.as_deref())
        .await?;
    if !matched {
        let now = state.now_ms();
        let mut tx = state.db.begin_write().await?;
        count_failure(&mut tx, state, client, &user.id, now).await?;
        audit::record(
            &mut tx,
            &Event {
                outcome: "failure",
                ..event(client, "password_changed", &user.id)
            },
            now,
        )
        .await?;
        tx.commit().await?;
        return Err(invalid_credentials());
    }
    // A locked account takes no password here either, as at sign-in: otherwise the lock that
    // wrong current passwords set would not stop a stolen session from guessing on.
    if user.is_locked(state.now_ms()) {
        return Err(invalid_credentials());
    }
    state.passwords.check_new(
        &request.new_password,
        &user.email,
        &state.config.organisation_name,
    )?;
    let hash = state.passwords.hash(&request.new_password).await?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    users::set_password(&mut tx, &user.id, &hash, now).await?;
    sessions::revoke_all(&mut tx, &user.id, Some(&signed_in.session.token_hash), now).await?;
    let to = notify::Recipient {
        email: &user.email,
        language: client.language,
    };
    notify::user(&mut tx, state, client, &Notice::PasswordChanged, to).await?;
    audit::record(&mut tx, &event(client, "password_changed", &user.id), now).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(())
}

fn event<'a>(client: &'a Client, name: &'a str, user_id: &'a str) -> Event<'a> {
    Event {
        event: name,
        outcome: "success",
        actor: Some(user_id),
        subject: Some(user_id),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: None,
    }
}
