//! The reports (issue 15): three Microsoft Graph v1.0 lists for the portal and for scripts
//! (an administrator's session or an API token, Graph-shaped errors; mounted inside
//! `routes::graph`), and the portal's own usage report and registration CSV (the admin
//! session). Every one needs `Permission::Read`.

use crate::admin::reports::usage::{self, UsageParams};
use crate::admin::reports::{
    directory_audits, registration, sign_ins, ExportParams, GraphListParams,
};
use crate::admin::{AdminSession, Permission, Principal};
use crate::error::ApiError;
use crate::http::json::Json;
use crate::http::query::Query;
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sspr_api::graph::GraphErrorBody;
use sspr_api::reports::{DirectoryAuditPage, RegistrationDetailsPage, SignInPage, UsageReport};

/// The OpenAPI description of these endpoints, merged into `/api/openapi.json`.
#[derive(Debug, utoipa::OpenApi)]
#[openapi(paths(
    registration_details,
    sign_ins,
    directory_audits,
    usage,
    registration_csv
))]
pub struct ReportsDoc;

/// The Graph lists, relative to `/api/graph/v1.0`.
pub fn graph_router() -> Router<AppState> {
    Router::new()
        .route(
            "/reports/authenticationMethods/userRegistrationDetails",
            get(registration_details),
        )
        .route("/auditLogs/signIns", get(sign_ins))
        .route("/auditLogs/directoryAudits", get(directory_audits))
}

/// The portal's report endpoints, relative to `/api`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/reports/usage", get(usage))
        .route("/admin/reports/registration.csv", get(registration_csv))
}

#[utoipa::path(get, path = "/api/graph/v1.0/reports/authenticationMethods/userRegistrationDetails", tag = "graph",
    params(GraphListParams),
    responses((status = 200, description = "A page of users by address; `@odata.nextLink` leads to the next", body = RegistrationDetailsPage), (status = 400, description = "A bad `$top` (`validation_failed`), `$filter` (`invalid_filter`) or `$skiptoken` (`invalid_cursor`)", body = GraphErrorBody), (status = 401, body = GraphErrorBody)))]
async fn registration_details(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<GraphListParams>,
) -> Result<Json<RegistrationDetailsPage>, ApiError> {
    principal.require(Permission::Read)?;
    Ok(Json(registration::page(&state, &params).await?))
}

#[utoipa::path(get, path = "/api/graph/v1.0/auditLogs/signIns", tag = "graph",
    params(GraphListParams),
    responses((status = 200, description = "A page of sign-ins, newest first", body = SignInPage), (status = 400, description = "A bad `$top` (`validation_failed`), `$filter` (`invalid_filter`) or `$skiptoken` (`invalid_cursor`)", body = GraphErrorBody), (status = 401, body = GraphErrorBody)))]
async fn sign_ins(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<GraphListParams>,
) -> Result<Json<SignInPage>, ApiError> {
    principal.require(Permission::Read)?;
    Ok(Json(sign_ins::page(&state, &params).await?))
}

#[utoipa::path(get, path = "/api/graph/v1.0/auditLogs/directoryAudits", tag = "graph",
    params(GraphListParams),
    responses((status = 200, description = "A page of administrator changes, newest first", body = DirectoryAuditPage), (status = 400, description = "A bad `$top` (`validation_failed`), `$filter` (`invalid_filter`) or `$skiptoken` (`invalid_cursor`)", body = GraphErrorBody), (status = 401, body = GraphErrorBody)))]
async fn directory_audits(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<GraphListParams>,
) -> Result<Json<DirectoryAuditPage>, ApiError> {
    principal.require(Permission::Read)?;
    Ok(Json(directory_audits::page(&state, &params).await?))
}

#[utoipa::path(get, path = "/api/admin/reports/usage", tag = "directory", params(UsageParams),
    responses((status = 200, body = UsageReport), (status = 401, body = sspr_api::ErrorBody)))]
async fn usage(
    State(state): State<AppState>,
    session: AdminSession,
    Query(params): Query<UsageParams>,
) -> Result<Json<UsageReport>, ApiError> {
    session.require(Permission::Read)?;
    Ok(Json(usage::report(&state, &params).await?))
}

#[utoipa::path(get, path = "/api/admin/reports/registration.csv", tag = "directory", params(ExportParams),
    responses((status = 200, description = "Every user the `$filter` keeps (at most 100,000), by address, as an RFC 4180 CSV attachment with Graph's column names; cells a spreadsheet would evaluate begin with an apostrophe", content_type = "text/csv", body = String), (status = 400, description = "A bad `$filter` (`invalid_filter`)", body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody)))]
async fn registration_csv(
    State(state): State<AppState>,
    session: AdminSession,
    Query(params): Query<ExportParams>,
) -> Result<Response, ApiError> {
    session.require(Permission::Read)?;
    let body = registration::csv(&state, &params).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"registration-details.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}
