//! `/api/admin/reset-policy`: the password reset policy (SPEC §4 A4) for the portal.

use crate::admin::audit::{self, Change};
use crate::admin::{AdminSession, Permission};
use crate::error::{ApiError, Json};
use crate::http::client::Client;
use crate::policy::{reset, store as policy_store};
use crate::store::groups::ALL_USERS;
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use sqlx::Row;
use sspr_api::ResetPolicy;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/reset-policy", get(show).put(update))
}

#[utoipa::path(get, path = "/api/admin/reset-policy", tag = "admin-policies",
    responses((status = 200, body = ResetPolicy), (status = 401, body = sspr_api::ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<ResetPolicy>, ApiError> {
    session.require(Permission::Read)?;
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(reset::load(&mut conn).await?))
}

#[utoipa::path(put, path = "/api/admin/reset-policy", tag = "admin-policies", request_body = ResetPolicy,
    responses((status = 200, description = "Saved; in force at once", body = ResetPolicy), (status = 400, description = "Bad JSON", body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "Not a policy administrator, or CSRF check failed", body = sspr_api::ErrorBody), (status = 422, description = "A rule broken (the message says which)", body = sspr_api::ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Json(policy): Json<ResetPolicy>,
) -> Result<Json<ResetPolicy>, ApiError> {
    let admin = session.require(Permission::ManageAuthenticationPolicy)?;
    reset::check(&policy).map_err(ApiError::Validation)?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    policy_store::lock(&mut tx, state.db.backend).await?;
    if let Some(group) = policy.group_id.as_deref().filter(|g| *g != ALL_USERS) {
        let found = sqlx::query("SELECT 1 AS one FROM groups WHERE id = $1")
            .bind(group)
            .fetch_optional(&mut *tx)
            .await?;
        if found.map(|r| r.try_get::<i32, _>("one")).is_none() {
            return Err(ApiError::Validation(format!(
                "There is no group with the id \"{group}\"."
            )));
        }
    }
    let before = reset::load(&mut tx).await?;
    if before != policy {
        reset::save(&mut tx, &policy, now).await?;
        let diff = audit::changed(
            &serde_json::to_value(&before).unwrap_or_default(),
            &serde_json::to_value(&policy).unwrap_or_default(),
        );
        audit::record_change(
            &mut tx,
            admin,
            &client,
            Change {
                what: "password_reset_policy",
                subject: reset::DOCUMENT_ID,
                before: diff.0,
                after: diff.1,
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Json(policy))
}
