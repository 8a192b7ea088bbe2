//! Guest invitations (seed 001): inviting creates the guest account and mails a link; the guest
//! redeems it with an email passcode. Resetting redemption makes the guest accept again.
//! Until the admin portal owns these, the server's command line runs them.

use crate::error::ApiError;
use crate::mail::Mail;
use crate::secrets::random_token;
use crate::store::audit::{self, Event};
use crate::store::{invitations, users};
use crate::AppState;
use sspr_api::{Email, UserType};

/// A created invitation: the link to give the guest.
#[derive(Debug)]
pub struct Invited {
    pub user_id: String,
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
    let redirect = crate::domain::return_to::check(redirect, &state.config.allowed_return_origins)
        .ok_or_else(|| {
            ApiError::Validation(
                "The redirect must be a path here or a URL on an allowed application origin."
                    .into(),
            )
        })?;
    let now = state.now_ms();
    let token = random_token(32);
    let mut tx = state.db.begin_write().await?;
    let canonical = email.canonical();
    let user_id = match users::by_email(&mut tx, &canonical).await? {
        Some(user) if user.user_type == UserType::Guest => user.id,
        Some(_) => {
            return Err(ApiError::Validation(
                "This address belongs to a member account, not a guest.".into(),
            ))
        }
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            let name = display_name
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or(email.local_part());
            users::insert(
                &mut tx,
                &users::NewUser {
                    id: &id,
                    email: email.as_str(),
                    email_canonical: &canonical,
                    display_name: name,
                    user_type: UserType::Guest,
                    password_hash: None,
                },
                now,
            )
            .await?;
            id
        }
    };
    invitations::insert(
        &mut tx,
        &random_token(16),
        &state.secrets.token_hash(&token),
        &user_id,
        &redirect,
        now,
    )
    .await?;
    let mail = Mail::Invitation {
        token: token.clone(),
    };
    state.queue_mail(&mut tx, &mail, email.as_str()).await?;
    audit::record(
        &mut tx,
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
    tx.commit().await?;
    state.outbox.wake();
    Ok(Invited {
        user_id,
        link: format!("{}/guest?invitation={token}", state.config.public_origin),
    })
}

/// Resets a guest's redemption status: they must accept an invitation again. Returns how many
/// invitations were reset, or `None` when there is no such guest.
pub async fn reset_redemption(
    state: &AppState,
    actor: &str,
    email: &Email,
) -> Result<Option<u64>, ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let Some(user) = users::by_email(&mut tx, &email.canonical())
        .await?
        .filter(|u| u.user_type == UserType::Guest)
    else {
        return Ok(None);
    };
    let count = invitations::reset_redemption(&mut tx, &user.id).await?;
    audit::record(
        &mut tx,
        &Event {
            event: "redemption_reset",
            outcome: "success",
            actor: Some(actor),
            subject: Some(&user.id),
            ..Event::default()
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(count))
}
