//! `/api/admin/invitations` and `/api/admin/guests/…`: guest invitations and redemption status
//! (SPEC §4 A6, seed 001) for the portal. The "Email one-time passcode for guests" switch is the
//! Email method's `allowExternalIdToUseEmailOtp` (Graph API).

use crate::admin::audit::{self, Change};
use crate::admin::{AdminSession, Permission};
use crate::error::{ApiError, Json};
use crate::http::client::Client;
use crate::identity::invitations::{self, Invited};
use crate::store::{invitations as store, users};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use sspr_api::{CreateInvitation, InvitationList, InvitationView, RedemptionStatus, UserType};

/// The most invitations one list answers.
const LIST_LIMIT: i64 = 500;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/invitations", get(list).post(create))
        .route("/admin/invitations/{id}/resend", post(resend))
        .route(
            "/admin/guests/{user_id}/reset-redemption",
            post(reset_redemption),
        )
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

#[utoipa::path(get, path = "/api/admin/invitations", tag = "admin-guests",
    responses((status = 200, description = "The newest 500 invitations with their redemption status", body = InvitationList), (status = 401, body = sspr_api::ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<InvitationList>, ApiError> {
    session.require(Permission::Read)?;
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
    Ok(Json(InvitationList { invitations }))
}

#[utoipa::path(post, path = "/api/admin/invitations", tag = "admin-guests", request_body = CreateInvitation,
    responses((status = 201, description = "Invited; the link is shown this once", body = InvitationView), (status = 400, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "Not a user administrator, or CSRF check failed", body = sspr_api::ErrorBody), (status = 422, description = "Redirect not allowed, or a member's address", body = sspr_api::ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Json(request): Json<CreateInvitation>,
) -> Result<(StatusCode, Json<InvitationView>), ApiError> {
    let admin = session.require(Permission::ManageUsers)?;
    let now = state.now_ms();
    let actor = format!("admin:{}", admin.id);
    let mut tx = state.db.begin_write().await?;
    let invited = invitations::invite_on(
        &mut tx,
        &state,
        &actor,
        &request.email,
        request.display_name.as_deref(),
        &request.redirect_url,
        request.send_message,
    )
    .await?;
    let view = view(invited, now);
    audit::record_change(
        &mut tx,
        admin,
        &client,
        Change {
            what: "guest.invite",
            subject: &view.user_id,
            before: serde_json::Value::Null,
            after: audited(&view),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(post, path = "/api/admin/invitations/{id}/resend", tag = "admin-guests",
    params(("id" = String, Path, description = "The invitation's id")),
    responses((status = 200, description = "A new link, mailed; the old one stops working", body = InvitationView), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody), (status = 404, body = sspr_api::ErrorBody), (status = 422, description = "Already accepted", body = sspr_api::ErrorBody)))]
async fn resend(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<Json<InvitationView>, ApiError> {
    let admin = session.require(Permission::ManageUsers)?;
    let now = state.now_ms();
    let actor = format!("admin:{}", admin.id);
    let mut tx = state.db.begin_write().await?;
    let invited = invitations::resend_on(&mut tx, &state, &actor, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let view = view(invited, now);
    audit::record_change(
        &mut tx,
        admin,
        &client,
        Change {
            what: "guest.resend_invitation",
            subject: &view.user_id,
            before: json!({ "invitation_id": view.id, "link": "replaced" }),
            after: audited(&view),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(Json(view))
}

#[utoipa::path(post, path = "/api/admin/guests/{user_id}/reset-redemption", tag = "admin-guests",
    params(("user_id" = String, Path, description = "The guest's user id")),
    responses((status = 200, description = "Redemption reset; a new invitation mailed to the guest", body = InvitationView), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody), (status = 404, description = "No such guest", body = sspr_api::ErrorBody)))]
async fn reset_redemption(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(user_id): Path<String>,
) -> Result<Json<InvitationView>, ApiError> {
    let admin = session.require(Permission::ManageUsers)?;
    let now = state.now_ms();
    let actor = format!("admin:{}", admin.id);
    let mut tx = state.db.begin_write().await?;
    let guest = users::by_id(&mut tx, &user_id)
        .await?
        .filter(|u| u.user_type == UserType::Guest)
        .ok_or(ApiError::NotFound)?;
    let latest = store::latest_for(&mut tx, &guest.id).await?;
    let redirect = latest
        .as_ref()
        .map_or_else(|| "/account".to_owned(), |i| i.redirect_url.clone());
    let before = json!({ "redeemed_at_ms": latest.and_then(|i| i.redeemed_at_ms) });
    invitations::reset_redemption_on(&mut tx, &state, &actor, &guest.id).await?;
    let email = sspr_api::Email::parse(&guest.email)
        .map_err(|_| ApiError::Validation("The guest's address is not valid.".into()))?;
    let invited =
        invitations::invite_on(&mut tx, &state, &actor, &email, None, &redirect, true).await?;
    let view = view(invited, now);
    audit::record_change(
        &mut tx,
        admin,
        &client,
        Change {
            what: "guest.reset_redemption",
            subject: &guest.id,
            before,
            after: audited(&view),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(Json(view))
}
