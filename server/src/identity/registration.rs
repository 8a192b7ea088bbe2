//! Registration at sign-in (SPEC C7): whenever a session is opened (a password or passcode
//! sign-in, a finished sign-up or reset, a guest's code), `domain::registration` is asked
//! whether the user must register more methods, register again (an administrator's demand) or
//! re-confirm them. The registration campaign's targets choose whom the first and last ask
//! (guests, with no password to reset, never), and its snooze holds the question off after a
//! skip. If so the new session is marked
//! (`registration_pending`) and the answer says why; the customer pages show the interrupt, and
//! an application's authorization waits for it (`oidc::authorize` sends the browser to it).
//!
//! **Skip for now** is counted per user, atomically, three times at most; **Done** and **Looks
//! good** ([`finish`]) are accepted once the user's methods are enough, restart the
//! re-confirmation clock and clear the skips and the administrator's demand. Either ends the
//! interrupt for the session.
//!
//! Users who need nothing pay one query at sign-in, for the settings version (the policies are
//! held in memory, `policy::admin_settings`).

use crate::domain::registration::{self as rules, Facts, Interrupt, MAX_SKIPS};
use crate::domain::reset_methods;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::security_info::view_of;
use crate::identity::sessions::SignedIn;
use crate::policy::{enforce, methods as policy_methods, registration, reset};
use crate::store::audit::{self, Event};
use crate::store::users::User;
use crate::store::{groups, methods, sessions, users};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{
    Email, ErrorCode, MethodKind, RegisteredMethod, RegistrationKind, RegistrationPrompt,
    SsprScope, UserType,
};

/// What the wire calls an interrupt.
pub fn kind_of(interrupt: Interrupt) -> RegistrationKind {
    match interrupt {
        Interrupt::Reregister => RegistrationKind::Reregister,
        Interrupt::Register { .. } => RegistrationKind::Register,
        Interrupt::Reconfirm => RegistrationKind::Reconfirm,
    }
}

/// [`check_new_session`] for the session a flow opened for `user_id`.
pub async fn after_flow(
    conn: &mut AnyConnection,
    state: &AppState,
    user_id: &str,
    token_hash: &str,
) -> Result<(), sqlx::Error> {
    if let Some(user) = users::by_id(conn, user_id).await? {
        check_new_session(conn, state, &user, token_hash).await?;
    }
    Ok(())
}

/// The interrupt a sign-in of `user` shows, read on `conn` (the sign-in's transaction). Cheap
/// when nothing applies: the settings held in memory, after one query for their version.
async fn at_sign_in(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &User,
) -> Result<Option<Interrupt>, sqlx::Error> {
    if user.reregistration_required_ms.is_none() {
        let settings = state.admin_settings.now(conn, &state.config).await?;
        let policy = settings.reset();
        if !policy.require_registration || policy.enabled_for == SsprScope::None {
            return Ok(None);
        }
    }
    Ok(rules::decide(&read(conn, state, user).await?.0))
}

/// After any sign-in (a password, a passcode, a completed reset or sign-up, a guest's code):
/// marks the new session with `token_hash` as owing the interrupt when the sign-in of `user`
/// owes one, and says which.
pub async fn check_new_session(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &User,
    token_hash: &str,
) -> Result<Option<Interrupt>, sqlx::Error> {
    let interrupt = at_sign_in(conn, state, user).await?;
    if interrupt.is_some() {
        sessions::set_registration_pending(conn, token_hash, true).await?;
    }
    Ok(interrupt)
}

/// The facts for `user` and their registered methods as listed.
async fn read(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &User,
) -> Result<(Facts, Vec<RegisteredMethod>), sqlx::Error> {
    let registration = registration::read(conn, state, &user.id).await?;
    let policy = &registration.reset;
    let registered = methods::verified(conn, &user.id).await?;
    let progress = users::registration_state(conn, &user.id).await?;
    let campaign = reset::campaign(conn).await?;
    // A guest has no password to reset: the reset policy is for members.
    let in_reset_scope = match (policy.enabled_for, policy.group_id.as_deref()) {
        _ if user.user_type == UserType::Guest => false,
        (SsprScope::None, _) | (SsprScope::Group, None) => false,
        (SsprScope::All, _) => true,
        (SsprScope::Group, Some(group)) => {
            groups::member_of_any(conn, &user.id, &[group.to_owned()]).await?
        }
    };
    let include: Vec<_> = policy_methods::campaign_include_ids(&campaign.include_targets).collect();
    let exclude: Vec<_> = policy_methods::exclude_ids(&campaign.exclude_targets).collect();
    let in_scope = in_reset_scope && enforce::targets(conn, &user.id, &include, &exclude).await?;
    let held: Vec<MethodKind> = std::iter::once(MethodKind::Email)
        .chain(
            registered
                .iter()
                .map(|m| m.kind)
                .filter(|k| registration.allows(*k)),
        )
        .collect();
    let possible: Vec<MethodKind> = std::iter::once(MethodKind::Email)
        .chain(registration.available.iter().copied())
        .collect();
    let facts = Facts {
        require_registration: policy.require_registration,
        in_scope,
        methods_required: usize::from(policy.methods_required),
        usable: reset_methods::usable(&held, policy),
        achievable: reset_methods::usable(&possible, policy),
        skips: progress.skips,
        skipped_ms: progress.skipped_ms,
        snooze_days: campaign.snooze_duration_in_days,
        reconfirm_after_days: policy.reconfirm_after_days,
        confirmed_ms: progress.confirmed_ms,
        reregistration_required_ms: user.reregistration_required_ms,
        last_registered_ms: registered.iter().filter_map(|m| m.verified_at_ms).max(),
        now_ms: state.now_ms(),
    };
    let mut listed = vec![RegisteredMethod {
        id: "email".into(),
        kind: MethodKind::Email,
        detail: Email::parse(&user.email).map_or_else(|_| "•••".into(), |e| e.masked()),
        added_at_ms: None,
        last_used_at_ms: None,
        deletable: false,
    }];
    listed.extend(registered.iter().map(|m| view_of(m, false)));
    Ok((facts, listed))
}

/// `GET /api/account/registration`: what the interrupt asks now (nothing once it was ended for
/// this session).
pub async fn prompt(
    state: &AppState,
    signed_in: &SignedIn,
) -> Result<RegistrationPrompt, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let (facts, methods) = read(&mut conn, state, &signed_in.user).await?;
    let decided = rules::decide(&facts).filter(|_| signed_in.session.registration_pending);
    Ok(RegistrationPrompt {
        kind: decided.map(kind_of),
        skips_left: match decided {
            Some(Interrupt::Register { skips_left }) => u8::try_from(skips_left).unwrap_or(0),
            _ => 0,
        },
        methods_required: u8::try_from(facts.methods_required).unwrap_or(1),
        // Listed only to be confirmed; the security info page asks for a recent proof.
        methods: if decided == Some(Interrupt::Reconfirm) {
            methods
        } else {
            Vec::new()
        },
    })
}

/// The interrupt the session still owes, if any (for `GET /api/session`).
pub async fn pending(
    state: &AppState,
    signed_in: &SignedIn,
) -> Result<Option<RegistrationKind>, ApiError> {
    if !signed_in.session.registration_pending {
        return Ok(None);
    }
    Ok(prompt(state, signed_in).await?.kind)
}

/// `POST /api/account/registration/skip`: counted, three times at most; refused with
/// `skip_not_allowed` when the interrupt cannot be skipped.
pub async fn skip(state: &AppState, client: &Client, signed_in: &SignedIn) -> Result<(), ApiError> {
    let user = &signed_in.user;
    let mut tx = state.db.begin_write().await?;
    let (facts, _) = read(&mut tx, state, user).await?;
    let decided = rules::decide(&facts);
    let refused = || {
        ApiError::new(
            ErrorCode::SkipNotAllowed,
            "Your organization needs this information now: it can no longer be skipped.",
        )
    };
    match decided {
        None => return Ok(()),
        Some(Interrupt::Register { .. }) => {
            if !users::count_registration_skip(&mut tx, &user.id, MAX_SKIPS, state.now_ms()).await?
            {
                return Err(refused());
            }
        }
        Some(Interrupt::Reregister | Interrupt::Reconfirm) => return Err(refused()),
    }
    sessions::set_registration_pending(&mut tx, &signed_in.session.token_hash, false).await?;
    let skipped = facts.skips + 1;
    audit::record(
        &mut tx,
        &event(client, user, "registration_skipped", skipped),
        state.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `POST /api/account/registration/finish` (**Done**, **Looks good**): accepted once the user's
/// methods are enough (`registration_incomplete` before).
pub async fn finish(
    state: &AppState,
    client: &Client,
    signed_in: &SignedIn,
) -> Result<(), ApiError> {
    let user = &signed_in.user;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let (facts, _) = read(&mut tx, state, user).await?;
    if !rules::may_finish(&facts) {
        return Err(ApiError::new(
            ErrorCode::RegistrationIncomplete,
            "Add the methods your organization asks for first.",
        ));
    }
    users::finish_registration(&mut tx, &user.id, now).await?;
    sessions::set_registration_pending(&mut tx, &signed_in.session.token_hash, false).await?;
    audit::record(
        &mut tx,
        &event(client, user, "registration_confirmed", facts.skips),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn event<'a>(client: &'a Client, user: &'a User, name: &'a str, skips: i64) -> Event<'a> {
    Event {
        event: name,
        outcome: "success",
        actor: Some(&user.id),
        subject: Some(&user.id),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: Some(serde_json::json!({ "skips": skips })),
    }
}
