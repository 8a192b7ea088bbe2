//! Guest invitations (seed 001): inviting creates the guest account and mails a link; the guest
//! redeems it with an email passcode. Resetting redemption makes the guest accept again.
//! The server's command line, the portal and the Graph-compatible `POST /invitations` run them;
//! the `*_on` forms work inside the caller's transaction (so the portal audits in the same one).

use crate::domain::language::Language;
use crate::domain::user_flow;
use crate::error::ApiError;
use crate::mail::Mail;
use crate::secrets::random_token;
use crate::store::audit::{self, Event};
use crate::store::{invitations, users};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{Email, UserType};

/// A created invitation: the link to give the guest.
#[derive(Debug, Clone)]
pub struct Invited {
    pub invitation_id: String,
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub redirect: String,
    pub link: String,
}

/// Invites `email` as a guest (creating the guest account if needed) and mails the link.
/// `redirect` is where the guest lands after redeeming; it must be on an allowed origin or a
/// local path.
pub async fn invite(
    state: &AppState,
    actor: &str,
    email: &Email,
    display_name: Option<&str>,
    redirect: &str,
) -> Result<Invited, ApiError> {
    let mut tx = state.db.begin_write().await?;
    let invited = invite_on(&mut tx, state, actor, email, display_name, redirect, true).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(invited)
}

/// [`invite`] inside the caller's transaction; mails the link only with `send_mail`. Call
/// `state.outbox.wake()` after the commit.
pub async fn invite_on(
    conn: &mut AnyConnection,
    state: &AppState,
    actor: &str,
    email: &Email,
    display_name: Option<&str>,
    redirect: &str,
    send_mail: bool,
) -> Result<Invited, ApiError> {
    let redirect = crate::domain::return_to::check(
        redirect,
        &state.config.public_origin,
        &state.config.allowed_return_origins,
    )
    .ok_or_else(|| {
        ApiError::validation(
            "The redirect must be a path or URL here, or a URL on an allowed application origin.",
        )
    })?;
    // A name given must be one (Graph's `invitedUserDisplayName` is up to 100 characters, no
    // control characters), whether the guest is new or invited again; none: the address's
    // local part for a new guest.
    let given_name = match display_name.filter(|n| !n.trim().is_empty()) {
        None => None,
        Some(given) => Some(user_flow::display_name(given).ok_or_else(|| {
            ApiError::validation(
                "A guest's display name is at most 100 characters, without control characters.",
            )
        })?),
    };
    let now = state.now_ms();
    let canonical = email.canonical();
    let (user_id, name) = match users::by_email(conn, &canonical).await? {
        Some(user) if user.user_type == UserType::Guest => (user.id, user.display_name),
        Some(_) => {
            return Err(ApiError::validation(
                "This address belongs to a member account, not a guest.",
            ))
        }
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            let name = given_name.unwrap_or_else(|| email.local_part().to_owned());
            let created = users::insert(
                conn,
                &users::NewUser {
                    id: &id,
                    email: email.as_str(),
                    email_canonical: &canonical,
                    display_name: &name,
                    user_type: UserType::Guest,
                    password_hash: None,
                },
                now,
            )
            .await?;
            // The address got an account since it was looked up (a sign-up at the same moment).
            if !created {
                return Err(ApiError::validation(
                    "This address got an account a moment ago; look it up and invite again if it is a guest.",
                ));
            }
            (id, name)
        }
    };
    let token = random_token(32);
    let invitation_id = random_token(16);
    invitations::insert(
        conn,
        &invitation_id,
        &state.secrets.token_hash(&token),
        &user_id,
        &redirect,
        now,
    )
    .await?;
    if send_mail {
        let mail = Mail::Invitation {
            token: token.clone(),
        };
        // A new guest has signed in with no language yet.
        let language = Language::default();
        state
            .queue_mail(conn, &mail, email.as_str(), language)
            .await?;
    }
    audit::record(
        conn,
        &Event {
            event: "invitation_created",
            outcome: "success",
            actor: Some(actor),
            subject: Some(&user_id),
            ..Event::default()
        },
        now,
    )
    .await?;
    Ok(Invited {
        invitation_id,
        user_id,
        email: email.as_str().to_owned(),
        display_name: name,
        redirect,
        link: link(state, &token),
    })
}

/// Gives the pending invitation `invitation_id` a new link (the old one stops working) and mails
/// it. `None` when there is no such invitation; a redeemed one is refused.
pub async fn resend_on(
    conn: &mut AnyConnection,
    state: &AppState,
    actor: &str,
    invitation_id: &str,
) -> Result<Option<Invited>, ApiError> {
    let Some(invitation) = invitations::by_id(conn, invitation_id).await? else {
        return Ok(None);
    };
    if invitation.redeemed_at_ms.is_some() {
        return Err(ApiError::validation(
            "This invitation was already accepted; reset the guest's redemption to invite them again."
                ,
        ));
    }
    let Some(guest) = users::by_id(conn, &invitation.user_id).await? else {
        return Ok(None);
    };
    let token = random_token(32);
    invitations::replace_token(conn, invitation_id, &state.secrets.token_hash(&token)).await?;
    let mail = Mail::Invitation {
        token: token.clone(),
    };
    let language = crate::notify::language_of(conn, &guest.id).await?;
    state
        .queue_mail(conn, &mail, &guest.email, language)
        .await?;
    audit::record(
        conn,
        &Event {
            event: "invitation_resent",
            outcome: "success",
            actor: Some(actor),
            subject: Some(&guest.id),
            ..Event::default()
        },
        state.now_ms(),
    )
    .await?;
    Ok(Some(Invited {
        invitation_id: invitation.id,
        user_id: guest.id,
        email: guest.email,
        display_name: guest.display_name,
        redirect: invitation.redirect_url,
        link: link(state, &token),
    }))
}

/// Resets a guest's redemption status: they must accept an invitation again. Returns how many
/// invitations were reset, or `None` when there is no such guest.
pub async fn reset_redemption(
    state: &AppState,
    actor: &str,
    email: &Email,
) -> Result<Option<u64>, ApiError> {
    let mut tx = state.db.begin_write().await?;
    let Some(user) = users::by_email(&mut tx, &email.canonical())
        .await?
        .filter(|u| u.user_type == UserType::Guest)
    else {
        return Ok(None);
    };
    let count = reset_redemption_on(&mut tx, state, actor, &user.id).await?;
    tx.commit().await?;
    Ok(Some(count))
}

/// [`reset_redemption`] of the guest `user_id` inside the caller's transaction.
pub async fn reset_redemption_on(
    conn: &mut AnyConnection,
    state: &AppState,
    actor: &str,
    user_id: &str,
) -> Result<u64, ApiError> {
    let count = invitations::reset_redemption(conn, user_id).await?;
    audit::record(
        conn,
        &Event {
            event: "redemption_reset",
            outcome: "success",
            actor: Some(actor),
            subject: Some(user_id),
            ..Event::default()
        },
        state.now_ms(),
    )
    .await?;
    Ok(count)
}

fn link(state: &AppState, token: &str) -> String {
    format!("{}/guest?invitation={token}", state.config.public_origin)
}
