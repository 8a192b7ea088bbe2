//! Starting a flow, and resending its code: each stores a fresh passcode (the old one dies) and
//! queues what `domain::admission::what_to_send` decides — a code, a notice, or a suppressed
//! row — with the same answer in every case.

use super::{event, load, require, view_of};
use crate::domain::admission::{self, Send};
use crate::domain::flow::{Step, FLOW_LIFETIME_MS};
use crate::domain::passcode::PasscodePolicy;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::cookies;
use crate::identity::{admission as gather, user_flow};
use crate::mail::Mail;
use crate::policy::enforce as policy;
use crate::secrets::random_token;
use crate::store::audit;
use crate::store::flows::{self as store, Flow};
use crate::store::{invitations, users};
use crate::AppState;
use axum::http::HeaderValue;
use sqlx::AnyConnection;
use sspr_api::WireName;
use sspr_api::{Email, ErrorCode, FlowPurpose, FlowState, FlowView, StartFlow};

/// Stored instead of a real hash where no code may ever succeed; no HMAC output looks like it.
const UNMATCHABLE: &str = "----------------------------------------------------------------";

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
    let followed = user_flow::follow(state, request.client_id.as_deref()).await?;
    let return_to = followed.return_to(state, request.return_to.as_deref());

    let mut tx = state.db.begin_write().await?;
    let rules = policy::read(&mut tx, state, request.purpose).await?;
    admission::for_everyone(
        request.purpose,
        Some(followed.application()),
        rules.methods(),
    )?;
    let (email, invitation) = address_of(&mut tx, state, &request).await?;
    let canonical = email.canonical();
    let user = users::by_email(&mut tx, &canonical).await?;
    let address = gather::address(
        &mut tx,
        state,
        &rules,
        client,
        request.purpose,
        user.as_ref(),
        &canonical,
        invitation.is_some(),
    )
    .await?;
    let send = admission::what_to_send(request.purpose, address);
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
        proven: String::new(),
        questions: String::new(),
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
    let rules = policy::read(&mut tx, state, flow.purpose).await?;
    admission::for_everyone(flow.purpose, None, rules.methods())?;
    let cooldown = rules.passcodes.resend_cooldown_ms;
    if !store::claim_resend(&mut tx, &flow.id, cooldown, now).await? {
        let wait_ms = flow.last_sent_at_ms + cooldown - now;
        return Err(ApiError::new(
            ErrorCode::ResendTooSoon,
            "A new code can be sent in a moment.",
        )
        .with_retry_after(u64::try_from((wait_ms.max(0) + 999) / 1000).unwrap_or(1)));
    }
    let user = users::by_email(&mut tx, &flow.email_canonical).await?;
    let address = gather::address(
        &mut tx,
        state,
        &rules,
        client,
        flow.purpose,
        user.as_ref(),
        &flow.email_canonical,
        flow.invitation_id.is_some(),
    )
    .await?;
    let send = admission::what_to_send(flow.purpose, address);
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

/// The address a start is for: the one typed, or a guest's from their invitation link.
async fn address_of(
    conn: &mut AnyConnection,
    state: &AppState,
    request: &StartFlow,
) -> Result<(Email, Option<String>), ApiError> {
    match (&request.invitation, &request.email) {
        (Some(token), _) if request.purpose == FlowPurpose::Guest => {
            let invitation = invitations::by_token_hash(conn, &state.secrets.token_hash(token))
                .await?
                .ok_or_else(invitation_invalid)?;
            let guest = users::by_id(conn, &invitation.user_id)
                .await?
                .ok_or_else(invitation_invalid)?;
            let email = Email::parse(&guest.email).map_err(|_| invitation_invalid())?;
            Ok((email, Some(invitation.id)))
        }
        (None, Some(email)) => Ok((email.clone(), None)),
        _ => Err(ApiError::validation("Enter your email address.")),
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

fn invitation_invalid() -> ApiError {
    ApiError::new(
        ErrorCode::InvitationInvalid,
        "This invitation link is not valid. Ask the person who invited you for a new one.",
    )
}
