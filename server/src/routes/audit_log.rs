//! `/api/admin/audit` and `/api/admin/audit.csv`: the audit log, filtered, newest first; both
//! need `Permission::Read`.

use crate::admin::audit_log::{self, AuditParams};
use crate::admin::{AdminSession, Permission};
use crate::error::ApiError;
use crate::http::json::Json;
use crate::http::query::Query;
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sspr_api::AuditPage;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(list))
        .route("/admin/audit.csv", get(export))
}

#[utoipa::path(get, path = "/api/admin/audit", tag = "directory", params(AuditParams),
    responses((status = 200, description = "A page of entries, newest first; `next` is the cursor of older entries (`before`)", body = AuditPage), (status = 400, description = "A bad filter, limit or cursor", body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    session: AdminSession,
    Query(params): Query<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    session.require(Permission::Read)?;
    Ok(Json(audit_log::page(&state, &params).await?))
}

#[utoipa::path(get, path = "/api/admin/audit.csv", tag = "directory", params(AuditParams),
    responses((status = 200, description = "Every matching entry (at most 100,000), newest first, as an RFC 4180 CSV attachment; cells a spreadsheet would evaluate begin with an apostrophe", content_type = "text/csv", body = String), (status = 400, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody)))]
async fn export(
    State(state): State<AppState>,
    session: AdminSession,
    Query(params): Query<AuditParams>,
) -> Result<Response, ApiError> {
    session.require(Permission::Read)?;
    let body = audit_log::csv(&state, &params).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}
