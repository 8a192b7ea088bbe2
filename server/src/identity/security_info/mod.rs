//! The signed-in user's security info (SPEC C7): the list of their methods, proving who they
//! are before a change (SECURITY.md §19), deleting a method, and — one file each — adding an
//! authenticator app ([`authenticator`]), an alternate address ([`alternate_email`]), a mobile
//! phone ([`mobile_phone`]), an alternate or office phone ([`call_phone`]) or security
//! questions ([`questions`]), and starting to pair an authenticator app for push approvals
//! ([`push_pairing`]). Every addition and removal
//! is told to the account's address as a security notice and audited ([`record_change`]).

pub mod alternate_email;
pub mod authenticator;
pub mod call_phone;
mod codes;
pub mod mobile_phone;
pub mod proof;
pub mod push_pairing;
pub mod questions;

use crate::domain::reset_methods;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::sessions::SignedIn;
use crate::mail::notices::Notice;
use crate::notify;
use crate::policy::registration;
use crate::store::audit::{self, Event};
use crate::store::methods::{self, Method};
use crate::store::users::User;
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{Email, ErrorCode, MethodKind, RegisteredMethod, SecurityInfo, WireName};

/// How long a proof of who the user is lets them change their methods (SECURITY.md §19).
pub const PROOF_WINDOW_MS: i64 = 10 * 60_000;

/// Refuses a change without a proof newer than [`PROOF_WINDOW_MS`].
pub fn require_proof(state: &AppState, signed_in: &SignedIn) -> Result<(), ApiError> {
    if proof_left_ms(state.now_ms(), signed_in.session.last_proof_ms()) > 0 {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::ReauthenticationRequired,
            "Confirm it is you first: enter a code we send to your email address, or one from your authenticator app.",
        ))
    }
}

fn proof_left_ms(now_ms: i64, proved_ms: i64) -> i64 {
    (proved_ms + PROOF_WINDOW_MS - now_ms).max(0)
}

/// `GET /api/account/security-info`.
pub async fn info(state: &AppState, signed_in: &SignedIn) -> Result<SecurityInfo, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(info_on(
        &mut conn,
        state,
        &signed_in.user,
        signed_in.session.last_proof_ms(),
    )
    .await?)
}

/// The security info of `user`, whose last proof was at `proved_ms`.
async fn info_on(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &User,
    proved_ms: i64,
) -> Result<SecurityInfo, sqlx::Error> {
    let registered = methods::verified(conn, &user.id).await?;
    let registration = registration::read(conn, state, &user.id).await?;
    let mut proof_methods = vec![MethodKind::Email];
    // A registered app proves it is you only while its method is on for the user.
    if registration.allows(MethodKind::AuthenticatorApp)
        && registered
            .iter()
            .any(|m| m.kind == MethodKind::AuthenticatorApp)
    {
        proof_methods.push(MethodKind::AuthenticatorApp);
    }
    let left_ms = proof_left_ms(state.now_ms(), proved_ms);
    if left_ms == 0 {
        return Ok(SecurityInfo {
            proof_required: true,
            proof_methods,
            proof_expires_in_secs: 0,
            methods: Vec::new(),
            available: Vec::new(),
        });
    }
    let kinds = kinds_of(&registered);
    let mut views = vec![RegisteredMethod {
        id: "email".into(),
        kind: MethodKind::Email,
        detail: masked(&user.email),
        added_at_ms: None,
        last_used_at_ms: None,
        deletable: false,
    }];
    views.extend(registered.iter().enumerate().map(|(i, m)| {
        view_of(
            m,
            reset_methods::may_delete(&kinds, i + 1, &registration.reset),
        )
    }));
    Ok(SecurityInfo {
        proof_required: false,
        proof_methods,
        proof_expires_in_secs: u64::try_from((left_ms + 999) / 1000).unwrap_or(0),
        methods: views,
        available: registration.available,
    })
}

/// A registered method as lists show it, its details masked.
pub fn view_of(method: &Method, deletable: bool) -> RegisteredMethod {
    RegisteredMethod {
        id: method.id.clone(),
        kind: method.kind,
        detail: match (method.kind, method.address.as_deref()) {
            (
                MethodKind::MobilePhone | MethodKind::AlternatePhone | MethodKind::OfficePhone,
                Some(number),
            ) => crate::domain::phone::mask(number),
            (_, Some(address)) => masked(address),
            (kind, None) => describe(kind).into(),
        },
        added_at_ms: method.verified_at_ms,
        last_used_at_ms: method.last_used_ms,
        deletable,
    }
}

/// The account's address, then each registered method's kind.
fn kinds_of(registered: &[Method]) -> Vec<MethodKind> {
    std::iter::once(MethodKind::Email)
        .chain(registered.iter().map(|m| m.kind))
        .collect()
}

fn masked(address: &str) -> String {
    Email::parse(address).map_or_else(|_| "•••".into(), |e| e.masked())
}

/// What a kind is called in mail and lists.
pub fn describe(kind: MethodKind) -> &'static str {
    match kind {
        MethodKind::Email => "Email",
        MethodKind::AuthenticatorApp => "Authenticator app",
        MethodKind::AlternateEmail => "Alternate email",
        MethodKind::SecurityQuestions => "Security questions",
        MethodKind::MobilePhone => "Mobile phone",
        MethodKind::MicrosoftAuthenticator => "Authenticator app notifications",
        MethodKind::AlternatePhone => "Alternate phone",
        MethodKind::OfficePhone => "Office phone",
    }
}

/// `DELETE /api/account/methods/{id}`: never the account's address, never the last method
/// that can reset the password.
pub async fn delete(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
    id: &str,
) -> Result<SecurityInfo, ApiError> {
    require_proof(state, signed_in)?;
    let user = &signed_in.user;
    let mut tx = state.db.begin_write().await?;
    let registered = methods::verified(&mut tx, &user.id).await?;
    let Some(index) = registered.iter().position(|m| m.id == id) else {
        return Err(ApiError::not_found());
    };
    let registration = registration::read(&mut tx, state, &user.id).await?;
    if !reset_methods::may_delete(&kinds_of(&registered), index + 1, &registration.reset) {
        return Err(ApiError::new(
            ErrorCode::LastResetMethod,
            "This is the last method you can reset your password with. Add another before deleting it.",
        ));
    }
    methods::delete(&mut tx, &user.id, id).await?;
    record_change(&mut tx, state, client, user, registered[index].kind, false).await?;
    tx.commit().await?;
    state.outbox.wake();
    info(state, signed_in).await
}

/// Tells the account's address that `kind` was added or removed (by the user or an
/// administrator, whose request `client` is): the security notice `Notice::MethodAdded` or
/// `MethodRemoved`, through `notify::user` (so the reset policy's switch for method changes
/// applies), inside the caller's transaction. Call `state.outbox.wake()` after the commit.
pub async fn notify_change(
    conn: &mut AnyConnection,
    state: &AppState,
    client: &Client,
    to: notify::Recipient<'_>,
    kind: MethodKind,
    added: bool,
) -> Result<bool, sqlx::Error> {
    let method = describe(kind).to_owned();
    let notice = if added {
        Notice::MethodAdded { method }
    } else {
        Notice::MethodRemoved { method }
    };
    notify::user(conn, state, client, &notice, to).await
}

/// Tells the account's address that `kind` was added or removed, and audits it, inside the
/// caller's transaction. Call `state.outbox.wake()` after the commit.
pub async fn record_change(
    conn: &mut AnyConnection,
    state: &AppState,
    client: &Client,
    user: &User,
    kind: MethodKind,
    added: bool,
) -> Result<(), sqlx::Error> {
    let to = notify::Recipient {
        email: &user.email,
        language: client.language,
    };
    notify_change(conn, state, client, to, kind, added).await?;
    let event = Event {
        event: if added {
            "method_added"
        } else {
            "method_removed"
        },
        outcome: "success",
        actor: Some(&user.id),
        subject: Some(&user.id),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: Some(serde_json::json!({ "method": kind.as_str() })),
    };
    audit::record(conn, &event, state.now_ms()).await
}

/// Refuses a kind the policies do not let `user` register (403 `method_disabled`).
pub async fn require_enabled(
    state: &AppState,
    user: &User,
    kind: MethodKind,
) -> Result<(), ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    if registration::read(&mut conn, state, &user.id)
        .await?
        .allows(kind)
    {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::MethodDisabled,
            "Your administrator has not enabled this method for you.",
        ))
    }
}
