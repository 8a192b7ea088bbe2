//! Guest invitations as administrators manage them (SPEC §4 A6, seed 001): the portal's list,
//! invite, resend and reset redemption, and Graph's `POST /invitations`. Each change is written
//! in one write transaction with its audit record (`admin_change`, before and after); the
//! invitation itself (the guest account, the link, the mail) is `identity::invitations`, which
//! the command line uses too.
//!
//! The "Email one-time passcode for guests" switch is the Email method's
//! `allowExternalIdToUseEmailOtp` ([`super::policies`]).

use super::audit::Change;
use super::Principal;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::graph::odata_context;
use crate::identity::invitations::{self, Invited};
use crate::store::{invitations as store, users};
use crate::AppState;
use serde_json::json;
use sqlx::AnyConnection;
use sspr_api::graph::{GraphInvitation, GraphInvitationRequest, InvitedUser};
use sspr_api::{
    CreateInvitation, Email, ErrorCode, InvitationList, InvitationView, RedemptionStatus, UserType,
};

/// The most invitations one list answers.
const LIST_LIMIT: i64 = 500;

/// `GET /api/admin/invitations`: the newest invitations with their redemption status.
pub async fn list(state: &AppState) -> Result<InvitationList, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let invitations = store::list(&mut conn, LIST_LIMIT)
        .await?
        .into_iter()
        .map(|l| InvitationView {
            status: if l.invitation.redeemed_at_ms.is_some() {
                RedemptionStatus::Accepted
            } else {
                RedemptionStatus::PendingAcceptance
            },
            id: l.invitation.id,
            user_id: l.invitation.user_id,
            email: l.email,
            display_name: l.display_name,
            redirect_url: l.invitation.redirect_url,
            created_at_ms: l.created_at_ms,
            redeemed_at_ms: l.invitation.redeemed_at_ms,
            invite_redeem_url: None,
        })
        .collect();
    Ok(InvitationList { invitations })
}

/// `POST /api/admin/invitations`: invites `request.email` as a guest; the link is in the answer.
pub async fn invite(
    state: &AppState,
    client: &Client,
    by: &Principal,
    request: CreateInvitation,
) -> Result<InvitationView, ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let invited = invitations::invite_on(
        &mut tx,
        state,
        &by.actor(),
        &request.email,
        request.display_name.as_deref(),
        &request.redirect_url,
        request.send_message,
    )
    .await?;
    let view = view(invited, now);
    let change = Change {
        what: "guest.invite",
        subject: &view.user_id,
        before: serde_json::Value::Null,
        after: audited(&view),
    };
    by.record_change(&mut tx, client, change, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(view)
}

/// `POST /api/admin/invitations/{id}/resend`: a new link for a pending invitation, mailed; the
/// old link stops working.
pub async fn resend(
    state: &AppState,
    client: &Client,
    by: &Principal,
    id: &str,
) -> Result<InvitationView, ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let invited = invitations::resend_on(&mut tx, state, &by.actor(), id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let view = view(invited, now);
    let change = Change {
        what: "guest.resend_invitation",
        subject: &view.user_id,
        before: json!({ "invitation_id": view.id, "link": "replaced" }),
        after: audited(&view),
    };
    by.record_change(&mut tx, client, change, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(view)
}

/// `POST /api/admin/guests/{user_id}/reset-redemption`: the guest must accept again; a new
/// invitation (to where the last one led) is mailed.
pub async fn reset_redemption(
    state: &AppState,
    client: &Client,
    by: &Principal,
    user_id: &str,
) -> Result<InvitationView, ApiError> {
    let now = state.now_ms();
    let actor = by.actor();
    let mut tx = state.db.begin_write().await?;
    let guest = guest(&mut tx, user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let latest = store::latest_for(&mut tx, &guest.id).await?;
    let redirect = latest.as_ref().map_or_else(
        || crate::domain::return_to::DEFAULT.to_owned(),
        |i| i.redirect_url.clone(),
    );
    let before = json!({ "redeemed_at_ms": latest.and_then(|i| i.redeemed_at_ms) });
    invitations::reset_redemption_on(&mut tx, state, &actor, &guest.id).await?;
    let email = Email::parse(&guest.email)
        .map_err(|_| ApiError::validation("The guest's address is not valid."))?;
    let invited =
        invitations::invite_on(&mut tx, state, &actor, &email, None, &redirect, true).await?;
    let view = view(invited, now);
    let change = Change {
        what: "guest.reset_redemption",
        subject: &guest.id,
        before,
        after: audited(&view),
    };
    by.record_change(&mut tx, client, change, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(view)
}

/// Graph's `POST /invitations`: invites a guest, or with `resetRedemption` makes the guest in
/// `invitedUser` accept again first.
pub async fn graph_invite(
    state: &AppState,
    client: &Client,
    by: &Principal,
    request: GraphInvitationRequest,
) -> Result<GraphInvitation, ApiError> {
    let email = Email::parse(&request.invited_user_email_address).map_err(|_| {
        ApiError::validation("'invitedUserEmailAddress' is not a valid email address.")
    })?;
    let now = state.now_ms();
    let actor = by.actor();
    let mut tx = state.db.begin_write().await?;
    let mut before = serde_json::Value::Null;
    if request.reset_redemption {
        let user_id = request
            .invited_user
            .as_ref()
            .map(|u| u.id.as_str())
            .ok_or_else(|| {
                ApiError::validation(
                    "'resetRedemption' needs 'invitedUser': {\"id\": …} naming the guest.",
                )
            })?;
        let guest = guest(&mut tx, user_id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "'invitedUser' names no guest."))?;
        if guest.email_canonical != email.canonical() {
            return Err(ApiError::validation(
                "'invitedUserEmailAddress' is not the address of the guest in 'invitedUser'.",
            ));
        }
        let latest = store::latest_for(&mut tx, &guest.id).await?;
        before = json!({ "redeemed_at_ms": latest.and_then(|i| i.redeemed_at_ms) });
        invitations::reset_redemption_on(&mut tx, state, &actor, &guest.id).await?;
    }
    let invited = invitations::invite_on(
        &mut tx,
        state,
        &actor,
        &email,
        request.invited_user_display_name.as_deref(),
        &request.invite_redirect_url,
        request.send_invitation_message,
    )
    .await?;
    let change = Change {
        what: if request.reset_redemption {
            "guest.reset_redemption"
        } else {
            "guest.invite"
        },
        subject: &invited.user_id,
        before,
        after: json!({
            "invitation_id": invited.invitation_id,
            "email": invited.email,
            "redirect_url": invited.redirect,
            "redeemed_at_ms": null,
            "mailed": request.send_invitation_message,
        }),
    };
    by.record_change(&mut tx, client, change, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(GraphInvitation {
        odata_context: odata_context(&state.config.public_origin, "invitations/$entity"),
        id: invited.invitation_id,
        invite_redeem_url: invited.link,
        invited_user_display_name: Some(invited.display_name),
        invited_user_type: "Guest".into(),
        invited_user_email_address: invited.email,
        send_invitation_message: request.send_invitation_message,
        reset_redemption: request.reset_redemption,
        invite_redirect_url: invited.redirect,
        status: "PendingAcceptance".into(),
        invited_user: InvitedUser {
            id: invited.user_id,
        },
    })
}

/// The guest account `user_id`, if it is one.
async fn guest(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<Option<users::User>, sqlx::Error> {
    Ok(users::by_id(conn, user_id)
        .await?
        .filter(|u| u.user_type == UserType::Guest))
}

fn view(invited: Invited, created_at_ms: i64) -> InvitationView {
    InvitationView {
        id: invited.invitation_id,
        user_id: invited.user_id,
        email: invited.email,
        display_name: invited.display_name,
        redirect_url: invited.redirect,
        status: RedemptionStatus::PendingAcceptance,
        created_at_ms,
        redeemed_at_ms: None,
        invite_redeem_url: Some(invited.link),
    }
}

fn audited(view: &InvitationView) -> serde_json::Value {
    json!({
        "invitation_id": view.id,
        "email": view.email,
        "redirect_url": view.redirect_url,
        "status": view.status,
        "redeemed_at_ms": view.redeemed_at_ms,
    })
}
