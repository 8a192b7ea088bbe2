//! `/api/admin/invitations` and `/api/admin/guests/…`: guest invitations and redemption status
//! (SPEC §4 A6, seed 001) for the portal. The "Email one-time passcode for guests" switch is the
//! Email method's `allowExternalIdToUseEmailOtp` (Graph API).

use crate::admin::{guests, AdminSession, Permission, Principal};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::json::Json;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use sspr_api::{CreateInvitation, InvitationList, InvitationView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/invitations", get(list).post(create))
        .route("/admin/invitations/{id}/resend", post(resend))
        .route(
            "/admin/guests/{user_id}/reset-redemption",
            post(reset_redemption),
        )
}

#[utoipa::path(get, path = "/api/admin/invitations", tag = "admin-guests",
    responses((status = 200, description = "The newest 500 invitations with their redemption status", body = InvitationList), (status = 401, body = sspr_api::ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<InvitationList>, ApiError> {
    session.require(Permission::Read)?;
    Ok(Json(guests::list(&state).await?))
}

#[utoipa::path(post, path = "/api/admin/invitations", tag = "admin-guests", request_body = CreateInvitation,
    responses((status = 201, description = "Invited; the link is shown this once", body = InvitationView), (status = 400, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "Not a user administrator, or CSRF check failed", body = sspr_api::ErrorBody), (status = 422, description = "Redirect not allowed, or a member's address", body = sspr_api::ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Json(request): Json<CreateInvitation>,
) -> Result<(StatusCode, Json<InvitationView>), ApiError> {
    session.require(Permission::ManageUsers)?;
    let by = Principal::Admin(session);
    let view = guests::invite(&state, &client, &by, request).await?;
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
    session.require(Permission::ManageUsers)?;
    let by = Principal::Admin(session);
    Ok(Json(guests::resend(&state, &client, &by, &id).await?))
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
    session.require(Permission::ManageUsers)?;
    let by = Principal::Admin(session);
    Ok(Json(
        guests::reset_redemption(&state, &client, &by, &user_id).await?,
    ))
}
