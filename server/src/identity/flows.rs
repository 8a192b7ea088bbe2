//! Self-service flows: start, resend, verify, complete (see `sspr_api::flow` for the wire).
//!
//! Enumeration (SECURITY.md §1–4): for a given purpose, starting a flow does the same work and
//! gives the same answer whether the address has an account, has none, is locked or disabled,
//! or is throttled. What differs is only what the queued message holds — a passcode, an
//! "you already have an account" notice, or nothing (a suppressed row the worker drops) — and
//! the stored passcode, which for a flow that must never succeed is a value no code hashes to.

use crate::domain::flow::{self, Step, FLOW_LIFETIME_MS};
use crate::domain::passcode::{self, PasscodePolicy};
use crate::domain::return_to;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::cookies;
use crate::identity::limits::{self, FLOW_START, VERIFY};
use crate::identity::sessions::{self, NewSession};
use crate::mail::Mail;
use crate::policy::enforce as policy;
use crate::secrets::random_token;
use crate::store::audit::{self, Event};
use crate::store::flows::{self as store, Flow};
use crate::store::{email_state, invitations, rate_limits, sessions as session_store, users};
use crate::AppState;
use axum::http::{HeaderValue, StatusCode};
use sqlx::AnyConnection;
use sspr_api::WireName;
use sspr_api::{
    CompleteFlow, Email, ErrorCode, FlowDone, FlowPurpose, FlowState, FlowView, StartFlow,
    UnlockAction, UserType,
};

/// Stored instead of a real hash where no code may ever succeed; no HMAC output looks like it.
const UNMATCHABLE: &str = "----------------------------------------------------------------";

/// What a flow's messages carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Send {
    /// A passcode.
    Code,
    /// The address already has an account (sign-up): a notice, and a code that cannot work.
    AccountExists,
    /// Nothing (no account, not eligible, or throttled): same answer, no mail.
    Nothing,
}

/// A flow's answer plus, when the browser had none, the binding cookie to set.
#[derive(Debug)]
pub struct Started {
    pub view: FlowView,
    pub binding_cookie: Option<HeaderValue>,
}

/// `POST /api/flows`.
pub async fn start(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    request: StartFlow,
) -> Result<Started, ApiError> {
    let now = state.now_ms();
    let (binding, binding_cookie) = match binding {
        Some(token) => (token, None),
        None => {
            let token = random_token(32);
            let cookie = cookies::set(
                cookies::FLOW_BINDING,
                &token,
                FLOW_LIFETIME_MS / 1000,
                state.config.secure_cookies(),
            );
            (token, Some(cookie))
        }
    };
    let followed =
        crate::user_flows::admit(state, request.purpose, request.client_id.as_deref()).await?;
    let return_to = followed.return_to(state, request.return_to.as_deref());

    let mut tx = state.db.begin_write().await?;
    let rules = policy::flow_rules(&mut tx, state, request.purpose).await?;
    let (email, invitation) = match (&request.invitation, &request.email) {
        (Some(token), _) if request.purpose == FlowPurpose::Guest => {
            let invitation = invitations::by_token_hash(&mut tx, &state.secrets.token_hash(token))
                .await?
                .ok_or_else(invitation_invalid)?;
            let guest = users::by_id(&mut tx, &invitation.user_id)
                .await?
                .ok_or_else(invitation_invalid)?;
            let email = Email::parse(&guest.email).map_err(|_| invitation_invalid())?;
            (email, Some(invitation.id))
        }
        (None, Some(email)) => (email.clone(), None),
        _ => return Err(ApiError::Validation("Enter your email address.".into())),
    };
    let canonical = email.canonical();
    let user = users::by_email(&mut tx, &canonical).await?;
    let send = decide(
        &mut tx,
        request.purpose,
        user.as_ref(),
        invitation.is_some(),
    )
    .await?;
    let send = gate(rules.allows(&mut tx, user.as_ref()).await?, send);
    let ip_key = format!("{}:{}", FLOW_START.name, client.ip);
    let (ip_hits, _) = rate_limits::hit(&mut tx, &ip_key, FLOW_START.window_ms, now).await?;
    let cap_ok = email_state::allow_send(&mut tx, &canonical, &rules.passcodes, now).await?;
    let send = if ip_hits <= FLOW_START.max_for(&state.config) && cap_ok {
        send
    } else {
        Send::Nothing
    };

    let flow = Flow {
        id: random_token(16),
        purpose: request.purpose,
        state: FlowState::CodeSent,
        // Mail goes to the address on the account, never to another spelling of it that was
        // typed (SECURITY.md §6: local parts are case-sensitive to a mail server); with no
        // account, to the address typed.
        email: user
            .as_ref()
            .map_or_else(|| email.as_str().to_owned(), |u| u.email.clone()),
        email_canonical: canonical,
        user_id: user
            .as_ref()
            .filter(|_| send == Send::Code)
            .map(|u| u.id.clone()),
        invitation_id: invitation,
        binding_hash: state.secrets.token_hash(&binding),
        return_to,
        expires_at_ms: now + FLOW_LIFETIME_MS,
        last_sent_at_ms: now,
    };
    store::insert(&mut tx, &flow, now).await?;
    followed.remember(&mut tx, &flow.id).await?;
    issue_code(&mut tx, state, &rules.passcodes, client, &flow, send, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(Started {
        view: view_of(&rules.passcodes, &flow, now),
        binding_cookie,
    })
}

/// `GET /api/flows/{id}`.
pub async fn get(
    state: &AppState,
    binding: Option<String>,
    id: &str,
) -> Result<FlowView, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let flow = load(&mut conn, state, binding, id).await?;
    let rules = policy::read(&mut conn, state, flow.purpose).await?;
    let mut view = view_of(&rules.passcodes, &flow, state.now_ms());
    if flow.purpose == FlowPurpose::Passwordless && flow.state == FlowState::CodeVerified {
        view.needs_profile = true;
    }
    Ok(view)
}

/// `POST /api/flows/{id}/resend`: a new code, the old one dead; after the cooldown only.
pub async fn resend(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    id: &str,
) -> Result<FlowView, ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let flow = load(&mut tx, state, binding, id).await?;
    require(&flow, Step::Resend)?;
    let rules = policy::flow_rules(&mut tx, state, flow.purpose).await?;
    let cooldown = rules.passcodes.resend_cooldown_ms;
    if !store::claim_resend(&mut tx, &flow.id, cooldown, now).await? {
        let wait_ms = flow.last_sent_at_ms + cooldown - now;
        return Err(ApiError::client(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::ResendTooSoon,
            "A new code can be sent in a moment.",
        )
        .with_retry_after(u64::try_from((wait_ms.max(0) + 999) / 1000).unwrap_or(1)));
    }
    let user = users::by_email(&mut tx, &flow.email_canonical).await?;
    let send = decide(
        &mut tx,
        flow.purpose,
        user.as_ref(),
        flow.invitation_id.is_some(),
    )
    .await?;
    let send = gate(rules.allows(&mut tx, user.as_ref()).await?, send);
    let ip_key = format!("{}:{}", FLOW_START.name, client.ip);
    let (ip_hits, _) = rate_limits::hit(&mut tx, &ip_key, FLOW_START.window_ms, now).await?;
    let cap_ok =
        email_state::allow_send(&mut tx, &flow.email_canonical, &rules.passcodes, now).await?;
    let send = if ip_hits <= FLOW_START.max_for(&state.config) && cap_ok {
        send
    } else {
        Send::Nothing
    };
    issue_code(&mut tx, state, &rules.passcodes, client, &flow, send, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    // The view counts the cooldown from this send (`flow` was read before the claim moved it).
    let sent = Flow {
        last_sent_at_ms: now,
        ..flow
    };
    Ok(view_of(&rules.passcodes, &sent, now))
}

/// The outcome of a correct code: the flow's new view, and a session when the flow signs in.
#[derive(Debug)]
pub struct Verified {
    pub view: FlowView,
    pub session: Option<NewSession>,
}

/// `POST /api/flows/{id}/verify`.
pub async fn verify(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    id: &str,
    code: &str,
) -> Result<Verified, ApiError> {
    let now = state.now_ms();
    let mut conn = state.db.pool.acquire().await?;
    let flow = load(&mut conn, state, binding, id).await?;
    require(&flow, Step::Verify)?;
    let rules = policy::flow_rules(&mut conn, state, flow.purpose).await?;
    drop(conn);
    limits::enforce(state, VERIFY, &client.ip).await?;
    let Some(code) = rules.passcodes.normalise(code) else {
        return Err(ApiError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidCode,
            format!(
                "Enter the {}-digit code from the email.",
                rules.passcodes.length
            ),
        ));
    };

    let mut conn = state.db.pool.acquire().await?;
    if email_state::otp_blocked(&mut conn, &flow.email_canonical, now).await? {
        return Err(limits::too_many(state.passcodes.account_failure_block_ms));
    }
    let max = i64::from(rules.passcodes.max_attempts);
    let Some(attempt) = store::count_try(&mut conn, &flow.id, max, now).await? else {
        return Err(code_expired());
    };
    let expected = state
        .secrets
        .passcode_hash(&flow.id, flow.purpose.as_str(), &code);
    let audit_subject = flow.user_id.clone().unwrap_or(flow.email_canonical.clone());
    if !passcode::hashes_match(&attempt.code_hash, &expected) {
        email_state::count_otp_failure(&mut conn, &flow.email_canonical, &rules.passcodes, now)
            .await?;
        audit::record(
            &mut conn,
            &event(
                client,
                "passcode_verified",
                "failure",
                &audit_subject,
                flow.purpose,
            ),
            now,
        )
        .await?;
        let left = u32::try_from(max - attempt.attempts).unwrap_or(0);
        let message = if left == 0 {
            "That code is not right, and it has no tries left. Request a new code.".to_owned()
        } else {
            format!("That code is not right. {left} tries left.")
        };
        return Err(
            ApiError::client(StatusCode::BAD_REQUEST, ErrorCode::InvalidCode, message)
                .with_attempts_left(left),
        );
    }

    // One connection at a time: holding `conn` while waiting for another deadlocks the pool
    // under load (every verify holding one, all waiting for a second).
    drop(conn);
    let mut tx = state.db.begin_write().await?;
    if !store::consume(&mut tx, &attempt.passcode_id, now).await? {
        return Err(code_expired());
    }
    let next = flow::after_verify(flow.purpose, flow.user_id.is_some());
    if !store::transition(&mut tx, &flow.id, FlowState::CodeSent, next, now).await? {
        return Err(wrong_state());
    }
    email_state::clear_otp_failures(&mut tx, &flow.email_canonical).await?;
    audit::record(
        &mut tx,
        &event(
            client,
            "passcode_verified",
            "success",
            &audit_subject,
            flow.purpose,
        ),
        now,
    )
    .await?;
    let mut session = None;
    if next == FlowState::Completed {
        let user_id = flow.user_id.as_deref().ok_or_else(wrong_state)?;
        if let Some(invitation) = &flow.invitation_id {
            invitations::mark_redeemed(&mut tx, invitation, now).await?;
        }
        session = Some(sessions::create(&mut tx, state, user_id, client).await?);
        audit::record(
            &mut tx,
            &event(client, "sign_in", "success", user_id, flow.purpose),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    let mut view = view_of(
        &rules.passcodes,
        &Flow {
            state: next,
            ..flow.clone()
        },
        now,
    );
    view.needs_profile =
        flow.purpose == FlowPurpose::Passwordless && next == FlowState::CodeVerified;
    if next == FlowState::Completed {
        view.return_to = Some(
            flow.return_to
                .unwrap_or_else(|| return_to::DEFAULT.to_owned()),
        );
    }
    Ok(Verified { view, session })
}

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
    let finish = flow
        .return_to
        .clone()
        .unwrap_or_else(|| return_to::DEFAULT.to_owned());
    match (flow.purpose, request.action) {
        (FlowPurpose::Unlock, Some(UnlockAction::Unlock)) => {
            let user_id = flow.user_id.clone().ok_or_else(wrong_state)?;
            let now = state.now_ms();
            let mut tx = state.db.pool.begin().await?;
            still_allowed(&mut tx, state, &flow, &user_id).await?;
            finish_flow(&mut tx, &flow, now).await?;
            users::unlock(&mut tx, &user_id, now).await?;
            audit::record(
                &mut tx,
                &event(
                    client,
                    "account_unlocked",
                    "success",
                    &user_id,
                    flow.purpose,
                ),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(Completed {
                done: FlowDone {
                    signed_in: false,
                    return_to: "/sign-in".into(),
                },
                session: None,
            })
        }
        (FlowPurpose::PasswordReset, _) | (FlowPurpose::Unlock, Some(UnlockAction::Reset)) => {
            let user_id = flow.user_id.clone().ok_or_else(wrong_state)?;
            let hash = new_password(state, &request, &flow.email).await?;
            let now = state.now_ms();
            let mut tx = state.db.pool.begin().await?;
            still_allowed(&mut tx, state, &flow, &user_id).await?;
            finish_flow(&mut tx, &flow, now).await?;
            users::set_password(&mut tx, &user_id, &hash, now).await?;
            session_store::revoke_all(&mut tx, &user_id, None, now).await?;
            let session = sessions::create(&mut tx, state, &user_id, client).await?;
            if policy::notify_on_reset(&mut tx).await? {
                state
                    .queue_mail(&mut tx, &Mail::PasswordChanged, &flow.email)
                    .await?;
            }
            audit::record(
                &mut tx,
                &event(client, "password_reset", "success", &user_id, flow.purpose),
                now,
            )
            .await?;
            tx.commit().await?;
            state.outbox.wake();
            Ok(Completed {
                done: FlowDone {
                    signed_in: true,
                    return_to: finish,
                },
                session: Some(session),
            })
        }
        (FlowPurpose::Unlock, None) => Err(ApiError::Validation(
            "Choose whether to unlock your account or reset your password.".into(),
        )),
        (FlowPurpose::SignUp | FlowPurpose::Passwordless, _) => {
            let display_name = display_name(request.display_name.as_deref())?;
            let hash = match flow.purpose {
                FlowPurpose::SignUp => Some(new_password(state, &request, &flow.email).await?),
                _ => None,
            };
            let now = state.now_ms();
            let user_id = uuid::Uuid::new_v4().to_string();
            let mut tx = state.db.pool.begin().await?;
            finish_flow(&mut tx, &flow, now).await?;
            let created = users::insert(
                &mut tx,
                &users::NewUser {
                    id: &user_id,
                    email: &flow.email,
                    email_canonical: &flow.email_canonical,
                    display_name: &display_name,
                    user_type: UserType::Member,
                    password_hash: hash.as_deref(),
                },
                now,
            )
            .await?;
            if !created {
                // Someone created the account between the code and now.
                return Err(wrong_state());
            }
            crate::user_flows::save_sign_up_attributes(&mut tx, &flow.id, &user_id, &request)
                .await?;
            let session = sessions::create(&mut tx, state, &user_id, client).await?;
            audit::record(
                &mut tx,
                &event(client, "sign_up", "success", &user_id, flow.purpose),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(Completed {
                done: FlowDone {
                    signed_in: true,
                    return_to: finish,
                },
                session: Some(session),
            })
        }
        (FlowPurpose::Guest, _) => Err(wrong_state()),
    }
}

/// Which message a flow for `purpose` sends to an address with `user` (if any).
async fn decide(
    conn: &mut AnyConnection,
    purpose: FlowPurpose,
    user: Option<&users::User>,
    from_invitation: bool,
) -> Result<Send, sqlx::Error> {
    let member = user.filter(|u| !u.disabled && u.user_type == UserType::Member);
    Ok(match purpose {
        FlowPurpose::PasswordReset | FlowPurpose::Unlock => {
            if member.is_some() {
                Send::Code
            } else {
                Send::Nothing
            }
        }
        FlowPurpose::SignUp => {
            if user.is_some() {
                Send::AccountExists
            } else {
                Send::Code
            }
        }
        FlowPurpose::Passwordless => match user {
            None => Send::Code,
            Some(_) if member.is_some() => Send::Code,
            Some(_) => Send::Nothing,
        },
        FlowPurpose::Guest => {
            // Asked for every address (an unknown one about no account), so the time taken does
            // not tell guests from other accounts and unknown addresses.
            let redeemed = invitations::redeemed(conn, user.map_or("", |u| u.id.as_str())).await?;
            match user {
                Some(u)
                    if !u.disabled
                        && u.user_type == UserType::Guest
                        && (from_invitation || redeemed) =>
                {
                    Send::Code
                }
                _ => Send::Nothing,
            }
        }
    })
}

/// `send`, unless the policy does not allow the method for this user: then nothing is sent,
/// exactly as for an unknown address (see `policy::enforce`).
fn gate(allowed: bool, send: Send) -> Send {
    if allowed {
        send
    } else {
        Send::Nothing
    }
}

/// Stores a fresh code for `flow` (killing the old one) and queues what `send` says.
async fn issue_code(
    conn: &mut AnyConnection,
    state: &AppState,
    passcodes: &PasscodePolicy,
    client: &Client,
    flow: &Flow,
    send: Send,
    now: i64,
) -> Result<(), ApiError> {
    let code = passcodes.generate();
    let real = state
        .secrets
        .passcode_hash(&flow.id, flow.purpose.as_str(), &code);
    let hash = if send == Send::Code {
        real.as_str()
    } else {
        UNMATCHABLE
    };
    let lifetime = passcodes.lifetime_for(flow.purpose);
    store::replace_passcode(conn, &random_token(16), &flow.id, hash, now, now + lifetime).await?;
    let subject = flow.user_id.clone().unwrap_or(flow.email_canonical.clone());
    let (mail, outcome) = match send {
        Send::Code => {
            let minutes = ((lifetime + 59_999) / 60_000).max(1);
            let purpose = flow.purpose;
            (
                Some(Mail::Passcode {
                    purpose,
                    code,
                    minutes,
                }),
                "success",
            )
        }
        Send::AccountExists => (Some(Mail::AccountExists), "account_exists"),
        Send::Nothing => (None, "suppressed"),
    };
    match &mail {
        Some(mail) => state.queue_mail(conn, mail, &flow.email).await?,
        None => {
            state
                .outbox
                .enqueue_suppressed(conn, now, flow.purpose.as_str())
                .await?
        }
    }
    audit::record(
        conn,
        &event(client, "passcode_sent", outcome, &subject, flow.purpose),
        now,
    )
    .await?;
    Ok(())
}

/// The flow `id`, if it exists, belongs to this browser and has not expired.
async fn load(
    conn: &mut AnyConnection,
    state: &AppState,
    binding: Option<String>,
    id: &str,
) -> Result<Flow, ApiError> {
    let not_found = || {
        ApiError::client(
            StatusCode::NOT_FOUND,
            ErrorCode::FlowNotFound,
            "This page has expired or was opened in another browser. Please start again.",
        )
    };
    if !crate::secrets::looks_like_token(id) {
        return Err(not_found());
    }
    let flow = store::get(conn, id).await?.ok_or_else(not_found)?;
    let bound = binding
        .map(|b| state.secrets.token_hash(&b))
        .is_some_and(|h| passcode::hashes_match(&h, &flow.binding_hash));
    if !bound {
        return Err(not_found());
    }
    if flow.expires_at_ms <= state.now_ms() && flow.state != FlowState::Completed {
        return Err(ApiError::client(
            StatusCode::GONE,
            ErrorCode::FlowExpired,
            "This request has expired. Please start again.",
        ));
    }
    Ok(flow)
}

fn require(flow: &Flow, step: Step) -> Result<(), ApiError> {
    if flow::allows(flow.state, step) {
        Ok(())
    } else {
        Err(wrong_state())
    }
}

/// Marks the flow completed; refuses if a concurrent request did first.
async fn finish_flow(conn: &mut AnyConnection, flow: &Flow, now: i64) -> Result<(), ApiError> {
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

/// Checks the new password (and its confirmation) against the policy and hashes it.
pub async fn new_password(
    state: &AppState,
    request: &CompleteFlow,
    email: &str,
) -> Result<String, ApiError> {
    let password = request
        .password
        .as_deref()
        .ok_or_else(|| ApiError::Validation("Enter a new password.".into()))?;
    if request.password_confirm.as_deref() != Some(password) {
        return Err(ApiError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::PasswordMismatch,
            "The two passwords are not the same.",
        ));
    }
    check_policy(state, password, email)?;
    Ok(state.passwords.hash(password).await?)
}

/// Refuses a password that breaks the policy, naming every rule it breaks.
pub fn check_policy(state: &AppState, password: &str, email: &str) -> Result<(), ApiError> {
    let local = email.split('@').next().unwrap_or_default();
    let context = [local, state.config.organisation_name.as_str()];
    let broken = sspr_api::password::check(password, &context, |p| state.passwords.is_common(p));
    if broken.is_empty() {
        return Ok(());
    }
    let reason = match broken[0] {
        sspr_api::Violation::TooShort => "The password must have at least 12 characters.",
        sspr_api::Violation::TooLong => "The password may have at most 256 characters.",
        sspr_api::Violation::Common => "This password is too common: choose another.",
        sspr_api::Violation::ContainsContext => {
            "The password must not contain your email name or the organisation's name."
        }
    };
    Err(ApiError::client(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::PasswordPolicy,
        reason,
    )
    .with_violations(broken))
}

fn display_name(input: Option<&str>) -> Result<String, ApiError> {
    let name = input.unwrap_or_default().trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::Validation(
            "Enter a display name of 1 to 100 characters.".into(),
        ));
    }
    Ok(name.to_owned())
}

fn view_of(passcodes: &PasscodePolicy, flow: &Flow, now: i64) -> FlowView {
    // Masked from the case-folded form: the stored spelling of a known address must not show
    // through (the case of the first letter would tell that an account exists).
    let masked = Email::parse(&flow.email_canonical)
        .map(|e| e.masked())
        .unwrap_or_default();
    let resend_at = flow.last_sent_at_ms + passcodes.resend_cooldown_ms;
    FlowView {
        flow_id: flow.id.clone(),
        purpose: flow.purpose,
        state: flow.state,
        masked_email: masked,
        code_length: passcodes.length,
        resend_after_secs: u64::try_from(((resend_at - now).max(0) + 999) / 1000).unwrap_or(0),
        expires_in_secs: u64::try_from((flow.expires_at_ms - now).max(0) / 1000).unwrap_or(0),
        needs_profile: false,
        return_to: None,
    }
}

fn event<'a>(
    client: &'a Client,
    name: &'a str,
    outcome: &'a str,
    subject: &'a str,
    purpose: FlowPurpose,
) -> Event<'a> {
    Event {
        event: name,
        outcome,
        actor: None,
        subject: Some(subject),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: Some(serde_json::json!({ "purpose": purpose.as_str() })),
    }
}

/// The last step of a reset or unlock checks again what the first step checked: an
/// administrator may have disabled the account or turned the method off while the flow ran
/// (up to its lifetime), and then the password must not change. The address is proven by now,
/// so saying why is no leak.
async fn still_allowed(
    conn: &mut AnyConnection,
    state: &AppState,
    flow: &Flow,
    user_id: &str,
) -> Result<(), ApiError> {
    let user = users::by_id(conn, user_id).await?.ok_or_else(wrong_state)?;
    if user.disabled {
        return Err(ApiError::client(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "This account is disabled. Contact your administrator.",
        ));
    }
    let rules = policy::flow_rules(conn, state, flow.purpose).await?;
    if !rules.allows(conn, Some(&user)).await? {
        return Err(policy::method_disabled(
            "Your administrator has not enabled this for your account.",
        ));
    }
    Ok(())
}

fn wrong_state() -> ApiError {
    ApiError::client(
        StatusCode::CONFLICT,
        ErrorCode::FlowWrongState,
        "This step does not fit where you are. Please go back and continue from there.",
    )
}

fn code_expired() -> ApiError {
    ApiError::client(
        StatusCode::BAD_REQUEST,
        ErrorCode::CodeExpired,
        "This code no longer works. Request a new code.",
    )
    .with_attempts_left(0)
}

fn invitation_invalid() -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::InvitationInvalid,
        "This invitation link is not valid. Ask the person who invited you for a new one.",
    )
}
