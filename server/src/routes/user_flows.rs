//! `/api/admin/user-flows…` (administrators) and `/api/user-flow` (the customer pages): user
//! flows and the applications that use them.

use crate::admin::user_flows as manage;
use crate::admin::{AdminSession, Permission};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::json::Json;
use crate::http::query::Query;
use crate::identity::user_flow;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use sspr_api::{CustomerUserFlow, UserFlow, UserFlowInput, UserFlowList};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/user-flows", get(list).post(create))
        .route(
            "/admin/user-flows/{id}",
            get(show).put(update).delete(remove),
        )
        .route("/user-flow", get(customer))
}

#[utoipa::path(get, path = "/api/admin/user-flows", tag = "user-flows",
    responses((status = 200, body = UserFlowList), (status = 401, body = sspr_api::ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<UserFlowList>, ApiError> {
    session.require(Permission::Read)?;
    Ok(Json(manage::list(&state).await?))
}

#[utoipa::path(post, path = "/api/admin/user-flows", tag = "user-flows", request_body = UserFlowInput,
    responses((status = 201, description = "User flow created; missing client ids were generated", body = UserFlow), (status = 400, description = "Bad input (unknown identity provider or attribute)", body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, description = "Role lacks the permission, or CSRF check failed", body = sspr_api::ErrorBody), (status = 422, description = "A rule broken: name, client id (malformed or used elsewhere), origin", body = sspr_api::ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Json(input): Json<UserFlowInput>,
) -> Result<(StatusCode, Json<UserFlow>), ApiError> {
    let admin = session.require(Permission::ManageAuthenticationPolicy)?;
    let flow = manage::create(&state, admin, &client, input).await?;
    Ok((StatusCode::CREATED, Json(flow)))
}

#[utoipa::path(get, path = "/api/admin/user-flows/{id}", tag = "user-flows", params(("id" = String, Path, description = "User flow id (`default` for the default flow)")),
    responses((status = 200, body = UserFlow), (status = 401, body = sspr_api::ErrorBody), (status = 404, body = sspr_api::ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<Json<UserFlow>, ApiError> {
    session.require(Permission::Read)?;
    Ok(Json(manage::get(&state, &id).await?))
}

#[utoipa::path(put, path = "/api/admin/user-flows/{id}", tag = "user-flows", params(("id" = String, Path, description = "User flow id")), request_body = UserFlowInput,
    responses((status = 200, description = "User flow replaced", body = UserFlow), (status = 400, body = sspr_api::ErrorBody), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody), (status = 404, body = sspr_api::ErrorBody), (status = 422, body = sspr_api::ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
    Json(input): Json<UserFlowInput>,
) -> Result<Json<UserFlow>, ApiError> {
    let admin = session.require(Permission::ManageAuthenticationPolicy)?;
    Ok(Json(
        manage::update(&state, admin, &client, &id, input).await?,
    ))
}

#[utoipa::path(delete, path = "/api/admin/user-flows/{id}", tag = "user-flows", params(("id" = String, Path, description = "User flow id")),
    responses((status = 204, description = "User flow deleted"), (status = 401, body = sspr_api::ErrorBody), (status = 403, body = sspr_api::ErrorBody), (status = 404, body = sspr_api::ErrorBody), (status = 409, description = "The default flow, or applications still use it (`user_flow_in_use`)", body = sspr_api::ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    client: Client,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let admin = session.require(Permission::ManageAuthenticationPolicy)?;
    manage::delete(&state, admin, &client, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The query of `GET /api/user-flow`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ClientQuery {
    /// The application's client id; without it, the default flow.
    client_id: Option<String>,
}

#[utoipa::path(get, path = "/api/user-flow", tag = "user-flows", params(ClientQuery),
    responses((status = 200, description = "What the customer pages need to follow the application's user flow", body = CustomerUserFlow), (status = 404, description = "No application has this client id", body = sspr_api::ErrorBody)))]
async fn customer(
    State(state): State<AppState>,
    Query(query): Query<ClientQuery>,
) -> Result<Json<CustomerUserFlow>, ApiError> {
    let followed = user_flow::follow(&state, query.client_id.as_deref()).await?;
    Ok(Json(followed.view()))
}
