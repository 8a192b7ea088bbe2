//! `/api/graph/v1.0/…`: the Microsoft Graph-compatible API (SPEC §4 A3, §8) — the
//! authentication methods policy and guest invitations — for the portal and for scripts written
//! for Graph. Callers are a signed-in administrator or an API token ([`Principal`]); every error
//! under these paths (CSRF and rate limits included) has Graph's shape (`http::graph`), and
//! bodies are read the way Graph reads them ([`graph::parse`]).

use crate::admin::{guests, policies, Permission, Principal};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::graph;
use crate::http::json::Json;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use sspr_api::graph::{
    AuthenticationMethodsPolicy, GraphInvitation, GraphInvitationRequest, MethodConfiguration,
    MethodConfigurationPatch, MethodsPolicyPatch,
};

const POLICY: &str = "/policies/authenticationMethodsPolicy";
const CONFIGURATION: &str =
    "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}";

pub fn router() -> Router<AppState> {
    let graph = Router::new()
        .route(POLICY, get(get_policy).patch(patch_policy))
        .route(CONFIGURATION, get(get_method).patch(patch_method))
        .route("/invitations", post(create_invitation))
        .merge(super::applications::router())
        .merge(super::branding::graph_router())
        .merge(super::reports::graph_router())
        .fallback(|| async { ApiError::not_found() });
    Router::new().nest("/graph/v1.0", graph)
}

#[utoipa::path(get, path = "/api/graph/v1.0/policies/authenticationMethodsPolicy", tag = "graph",
    responses((status = 200, body = AuthenticationMethodsPolicy), (status = 401, body = sspr_api::graph::GraphErrorBody)))]
async fn get_policy(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<AuthenticationMethodsPolicy>, ApiError> {
    principal.require(Permission::Read)?;
    Ok(Json(policies::methods_policy(&state).await?))
}

#[utoipa::path(patch, path = "/api/graph/v1.0/policies/authenticationMethodsPolicy", tag = "graph",
    request_body = MethodsPolicyPatch,
    responses((status = 204, description = "Updated"), (status = 400, body = sspr_api::graph::GraphErrorBody), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 403, body = sspr_api::graph::GraphErrorBody)))]
async fn patch_policy(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    principal.require(Permission::ManageAuthenticationPolicy)?;
    let patch: MethodsPolicyPatch = graph::parse(&body)?;
    policies::patch_methods_policy(&state, &client, &principal, patch).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}", tag = "graph",
    params(("id" = String, Path, description = "Email, Sms, Voice, SoftwareOath, MicrosoftAuthenticator, Fido2 or TemporaryAccessPass (any case)")),
    responses((status = 200, body = MethodConfiguration), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 404, body = sspr_api::graph::GraphErrorBody)))]
async fn get_method(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    principal.require(Permission::Read)?;
    let method = policies::method_id(&id)?;
    Ok(Json(policies::method(&state, method).await?))
}

#[utoipa::path(patch, path = "/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}", tag = "graph",
    params(("id" = String, Path, description = "The method's id (any case)")),
    request_body = MethodConfigurationPatch,
    responses((status = 204, description = "Updated; in force at once for every endpoint"), (status = 400, description = "Missing or wrong @odata.type, bad value, unknown property or target", body = sspr_api::graph::GraphErrorBody), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 403, body = sspr_api::graph::GraphErrorBody), (status = 404, body = sspr_api::graph::GraphErrorBody)))]
async fn patch_method(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    principal.require(Permission::ManageAuthenticationPolicy)?;
    let method = policies::method_id(&id)?;
    let patch: MethodConfigurationPatch = graph::parse(&body)?;
    policies::patch_method(&state, &client, &principal, method, patch).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/graph/v1.0/invitations", tag = "graph",
    request_body = GraphInvitationRequest,
    responses((status = 201, body = GraphInvitation), (status = 400, body = sspr_api::graph::GraphErrorBody), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 403, body = sspr_api::graph::GraphErrorBody), (status = 404, description = "resetRedemption for an unknown guest", body = sspr_api::graph::GraphErrorBody)))]
async fn create_invitation(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    body: Bytes,
) -> Result<(StatusCode, Json<GraphInvitation>), ApiError> {
    principal.require(Permission::ManageUsers)?;
    let request: GraphInvitationRequest = graph::parse(&body)?;
    let invitation = guests::graph_invite(&state, &client, &principal, request).await?;
    Ok((StatusCode::CREATED, Json(invitation)))
}
