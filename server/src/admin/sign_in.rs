//! Admin sign-in and authenticator enrolment: email, password and a current TOTP code, every
//! time.
//!
//! Every attempt costs one Argon2id verification (a dummy hash when there is no such
//! administrator), and every failure — unknown address, wrong password, wrong or replayed code,
//! authenticator not enrolled (or already enrolled, for the confirmation), locked account — gets
//! the same 401 `invalid_credentials`. Attempts count against the per-address `PASSWORD` limit;
//! 5 failures on one administrator from one client address lock that address out for 15 min
//! (`admin_lockouts`), so nobody can lock an administrator out of the portal everywhere by
//! failing on purpose.

use super::sessions;
use crate::domain::totp;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::limits::{self, PASSWORD};
use crate::identity::sign_in::invalid_credentials;
use crate::store::admins::{self as store, Admin};
use crate::store::audit::{self, Event};
use crate::AppState;
use axum::http::HeaderValue;
use sspr_api::AdminCredentials;

/// Failures from one address before that address is locked out for the administrator.
pub const LOCK_THRESHOLD: i64 = 5;
/// How long the lock lasts.
pub const LOCK_MS: i64 = 15 * 60_000;

/// What the credentials are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Confirm the authenticator (enrolment): the code's step is used up.
    Enrol,
    /// Sign in (only once enrolled).
    SignIn,
}

/// `POST /api/admin/totp/confirm`: enrols the authenticator with one correct code, whose step
/// can then not be used to sign in.
pub async fn confirm_totp(
    state: &AppState,
    client: &Client,
    request: AdminCredentials,
) -> Result<Admin, ApiError> {
    check(state, client, request, Purpose::Enrol).await
}

/// `POST /api/admin/session`: a new admin session; answers the administrator and the cookie.
pub async fn sign_in(
    state: &AppState,
    client: &Client,
    request: AdminCredentials,
) -> Result<(Admin, HeaderValue), ApiError> {
    let admin = check(state, client, request, Purpose::SignIn).await?;
    let mut conn = state.db.pool.acquire().await?;
    let cookie = sessions::create(&mut conn, state, &admin.id).await?;
    Ok((admin, cookie))
}

async fn check(
    state: &AppState,
    client: &Client,
    request: AdminCredentials,
    purpose: Purpose,
) -> Result<Admin, ApiError> {
    limits::enforce(state, PASSWORD, &client.ip).await?;
    let canonical = request.email.canonical();
    let admin = {
        let mut conn = state.db.pool.acquire().await?;
        store::by_email(&mut conn, &canonical).await?
    };
    let hash = admin.as_ref().and_then(|a| a.password_hash.as_deref());
    let password_ok = state.passwords.verify(&request.password, hash).await?;
    let now = state.now_ms();
    let event = match purpose {
        Purpose::Enrol => "admin_totp_enrolment",
        Purpose::SignIn => "admin_sign_in",
    };
    let mut tx = state.db.begin_write().await?;
    // An unknown address reads (and, below, counts) under the empty id, the same work as for
    // an administrator.
    let admin_id = admin.as_ref().map_or("", |a| a.id.as_str());
    let locked_until = store::locked_until(&mut tx, admin_id, &client.ip).await?;
    let reason = match &admin {
        None => Some("unknown_account"),
        Some(_) if locked_until > now => Some("locked"),
        Some(_) if !password_ok => Some("wrong_password"),
        Some(a) => {
            let enrolled = a.totp_enrolled_at_ms.is_some();
            let secret = a
                .totp_secret_sealed
                .as_deref()
                .and_then(|s| state.secrets.open(s));
            match (purpose, enrolled, secret) {
                (Purpose::SignIn, false, _) => Some("not_enrolled"),
                (Purpose::Enrol, true, _) => Some("already_enrolled"),
                (_, _, None) => Some("no_secret"),
                (_, _, Some(secret)) => {
                    match totp::verify(&secret, &request.code, now, a.totp_last_step) {
                        Some(step)
                            if store::accept_step(
                                &mut tx,
                                &a.id,
                                step,
                                purpose == Purpose::Enrol,
                                now,
                            )
                            .await? =>
                        {
                            None
                        }
                        _ => Some("wrong_code"),
                    }
                }
            }
        }
    };
    let subject = admin.as_ref().map_or(canonical.as_str(), |a| a.id.as_str());
    let outcome = if reason.is_none() {
        "success"
    } else {
        "failure"
    };
    // Every failure but a locked one runs the same counting write (for an unknown address,
    // under the empty id, which no administrator has), so the time taken does not tell which
    // addresses are administrators. A success clears this address's count.
    let locked = match reason {
        Some("locked") => false,
        Some(_) => {
            store::count_failure(
                &mut tx,
                admin_id,
                &client.ip,
                LOCK_THRESHOLD,
                now + LOCK_MS,
                now,
            )
            .await?
        }
        None => {
            store::clear_failures(&mut tx, admin_id, &client.ip).await?;
            false
        }
    };
    audit::record(
        &mut tx,
        &Event {
            event,
            outcome,
            subject: Some(subject),
            client_ip: Some(&client.ip),
            request_id: Some(&client.request_id),
            detail: Some(serde_json::json!({ "reason": reason, "locked": locked })),
            ..Event::default()
        },
        now,
    )
    .await?;
    tx.commit().await?;
    match (admin, reason) {
        (Some(admin), None) => Ok(admin),
        _ => Err(invalid_credentials()),
    }
}
