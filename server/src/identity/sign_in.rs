//! Sign-in with email and password, with smart lockout.
//!
//! Every attempt costs one Argon2id verification — against the account's hash, or against a
//! dummy hash when there is no account or no password — so the answer's timing does not tell
//! whether an account exists. Wrong password, unknown account, locked and disabled accounts all
//! get the same 401 `invalid_credentials`.

use crate::domain::{admission, lockout, return_to};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::limits::{self, PASSWORD};
use crate::identity::registration;
use crate::identity::sessions::{self, NewSession};
use crate::identity::user_flow;
use crate::store::audit::{self, Event};
use crate::store::users;
use crate::AppState;
use sspr_api::{ErrorCode, Me, SignIn};

/// The answer of a successful sign-in.
#[derive(Debug)]
pub struct SignedIn {
    pub me: Me,
    pub session: NewSession,
}

pub async fn password(
    state: &AppState,
    client: &Client,
    request: SignIn,
) -> Result<SignedIn, ApiError> {
    limits::enforce(state, PASSWORD, &client.ip).await?;
    let followed = user_flow::follow(state, request.client_id.as_deref()).await?;
    admission::password_sign_in(followed.application())?;
    let canonical = request.email.canonical();
    // The application signed in to, for the sign-in logs (`None`: the customer pages).
    let app = request.client_id.as_deref();
    let mut conn = state.db.pool.acquire().await?;
    let user = users::by_email(&mut conn, &canonical).await?;
    drop(conn);
    let hash = user.as_ref().and_then(|u| u.password_hash.as_deref());
    let matched = state.passwords.verify(&request.password, hash).await?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let usable = user.as_ref().filter(|u| !u.disabled && !u.is_locked(now));
    match (usable, matched) {
        (Some(user), true) => {
            let session = sessions::create(&mut tx, state, &user.id, client).await?;
            let hash = session.hash(state);
            let interrupt = registration::check_new_session(&mut tx, state, user, &hash).await?;
            audit::record(&mut tx, &event(client, "success", &user.id, None, app), now).await?;
            tx.commit().await?;
            let session_row = crate::store::sessions::live(
                &mut *state.db.pool.acquire().await?,
                &hash,
                state.now_ms(),
            )
            .await?
            .ok_or_else(|| anyhow::anyhow!("the new session vanished"))?;
            let return_to = followed
                .return_to(state, request.return_to.as_deref())
                .unwrap_or_else(|| return_to::DEFAULT.to_owned());
            Ok(SignedIn {
                me: Me {
                    user: user.view(now),
                    session: session_row.summary(&hash),
                    return_to: Some(return_to),
                    registration: interrupt.map(registration::kind_of),
                },
                session,
            })
        }
        (usable, _) => {
            let (subject, reason) = match (&user, usable) {
                (None, _) => (canonical.clone(), "unknown_account"),
                (Some(u), None) if u.disabled => (u.id.clone(), "disabled"),
                (Some(u), None) => (u.id.clone(), "locked"),
                (Some(u), Some(_)) => (u.id.clone(), "wrong_password"),
            };
            // Every refusal runs the count, under an id no account has when nothing may be
            // counted (unknown, locked, disabled), so that none of them answers sooner.
            let counted = usable.map_or("", |user| user.id.as_str());
            count_failure(&mut tx, state, client, counted, now).await?;
            audit::record(
                &mut tx,
                &event(client, "failure", &subject, Some(reason), app),
                now,
            )
            .await?;
            tx.commit().await?;
            Err(invalid_credentials())
        }
    }
}

/// Refuses another guess at an app's code on the security info page while the account is
/// locked: wrong codes count towards the lock as wrong passwords do, and the lock holds them
/// back as it holds back sign-ins, so a stolen session cannot guess on without bound. 429
/// `too_many_requests`, with the lock's time left. (A reset or unlock is bounded per flow
/// instead: it is how a locked account proves itself.)
pub async fn refuse_while_locked(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
    now: i64,
) -> Result<(), ApiError> {
    match users::by_id(conn, user_id).await? {
        Some(user) if user.locked_until_ms > now => Err(admission::Refusal::TooMany {
            wait_ms: user.locked_until_ms - now,
        }
        .into()),
        _ => Ok(()),
    }
}

/// Counts a wrong password (or a wrong second proof, [`refuse_while_locked`]) for `user_id` and
/// locks the account at the threshold.
pub async fn count_failure(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    client: &Client,
    user_id: &str,
    now: i64,
) -> Result<(), ApiError> {
    if let Some((failures, lockouts)) = users::count_failure(conn, user_id).await? {
        if failures >= lockout::THRESHOLD {
            let until = now + lockout::duration_ms(lockouts);
            if users::lock_if_due(conn, user_id, lockout::THRESHOLD, until).await? {
                audit::record(
                    conn,
                    &Event {
                        event: "account_locked",
                        outcome: "success",
                        subject: Some(user_id),
                        client_ip: Some(&client.ip),
                        request_id: Some(&client.request_id),
                        detail: Some(serde_json::json!({ "until_ms": until })),
                        ..Event::default()
                    },
                    state.now_ms(),
                )
                .await?;
            }
        }
    }
    Ok(())
}

pub fn invalid_credentials() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidCredentials,
        "The email address or password is not right.",
    )
}

fn event<'a>(
    client: &'a Client,
    outcome: &'a str,
    subject: &'a str,
    reason: Option<&'a str>,
    app: Option<&'a str>,
) -> Event<'a> {
    Event {
        event: "sign_in",
        outcome,
        actor: None,
        subject: Some(subject),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: Some(
            serde_json::json!({ "method": "password", "reason": reason, "client_id": app }),
        ),
    }
}
