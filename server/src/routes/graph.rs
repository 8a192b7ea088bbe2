//! `/api/graph/v1.0/…`: the Microsoft Graph-compatible API (SPEC §4 A3, §8) — the
//! authentication methods policy and guest invitations — for the portal and for scripts written
//! for Graph. Callers are a signed-in administrator or an API token ([`Principal`]); every error
//! under these paths (CSRF and rate limits included) has Graph's shape (`http::graph`).

use crate::admin::audit::{self, Change};
use crate::admin::{Permission, Principal};
use crate::error::{ApiError, Json};
use crate::http::client::Client;
use crate::http::graph::{self, iso8601};
use crate::identity::invitations;
use crate::policy::{methods, store as policy_store};
use crate::store::{invitations as invitation_store, users};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use sspr_api::graph::{
    AuthenticationMethodsPolicy, GraphInvitation, GraphInvitationRequest, InvitedUser,
    MethodConfiguration, MethodConfigurationPatch, MethodId, MethodsPolicyPatch, METHODS_POLICY_ID,
};
use sspr_api::{Email, ErrorCode, UserType};

const POLICY: &str = "/policies/authenticationMethodsPolicy";
const CONFIGURATION: &str =
    "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}";

pub fn router() -> Router<AppState> {
    let graph = Router::new()
        .route(POLICY, get(get_policy).patch(patch_policy))
        .route(CONFIGURATION, get(get_method).patch(patch_method))
        .route("/invitations", post(create_invitation))
        .fallback(|| async { ApiError::NotFound });
    Router::new().nest("/graph/v1.0", graph)
}

fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

fn context(state: &AppState, what: &str) -> String {
    format!(
        "{}/api/graph/v1.0/$metadata#{what}",
        state.config.public_origin.trim_end_matches('/')
    )
}

fn unknown_method(id: &str) -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        format!(
            "There is no authentication method configuration with the id \"{}\".",
            id.chars().take(64).collect::<String>()
        ),
    )
}

#[utoipa::path(get, path = "/api/graph/v1.0/policies/authenticationMethodsPolicy", tag = "graph",
    responses((status = 200, body = AuthenticationMethodsPolicy), (status = 401, body = sspr_api::graph::GraphErrorBody)))]
async fn get_policy(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<AuthenticationMethodsPolicy>, ApiError> {
    principal.require(Permission::Read)?;
    let mut conn = state.db.pool.acquire().await?;
    let snapshot = methods::load(&mut conn, &state.config).await?;
    Ok(Json(AuthenticationMethodsPolicy {
        odata_context: Some(context(&state, "authenticationMethodsPolicy")),
        id: METHODS_POLICY_ID.into(),
        display_name: "Authentication Methods Policy".into(),
        description: "The tenant-wide policy that controls which authentication methods are \
                      allowed in the tenant, authentication method registration requirements, \
                      and self-service password reset settings"
            .into(),
        last_modified_date_time: iso8601(snapshot.last_modified_ms),
        policy_version: "1.5".into(),
        policy_migration_state: snapshot.settings.policy_migration_state,
        reconfirmation_in_days: snapshot.settings.reconfirmation_in_days,
        registration_enforcement: snapshot.settings.registration_enforcement,
        authentication_method_configurations: snapshot.methods,
    }))
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
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    policy_store::lock(&mut tx, state.db.backend).await?;
    let current = methods::load(&mut tx, &state.config).await?.settings;
    let next = methods::apply_settings(&current, patch).map_err(ApiError::Validation)?;
    let campaign = &next
        .registration_enforcement
        .authentication_methods_registration_campaign;
    let targets = campaign
        .include_targets
        .iter()
        .map(|t| (t.id.as_str(), t.target_type))
        .chain(methods::exclude_ids(&campaign.exclude_targets));
    methods::check_targets(&mut tx, targets)
        .await?
        .map_err(ApiError::Validation)?;
    if next != current {
        let diff = audit::changed(&to_json(&current), &to_json(&next));
        methods::save_settings(&mut tx, &next, now).await?;
        principal
            .record_change(
                &mut tx,
                &client,
                Change {
                    what: "authentication_methods_policy",
                    subject: METHODS_POLICY_ID,
                    before: diff.0,
                    after: diff.1,
                },
                now,
            )
            .await?;
    }
    tx.commit().await?;
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
    let method = MethodId::parse(&id).ok_or_else(|| unknown_method(&id))?;
    let mut conn = state.db.pool.acquire().await?;
    let configuration = methods::load_one(&mut conn, &state.config, method).await?;
    let mut value = serde_json::to_value(&configuration).map_err(anyhow::Error::from)?;
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "@odata.context".into(),
            json!(context(
                &state,
                "policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity"
            )),
        );
    }
    Ok(Json(value))
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
    let method = MethodId::parse(&id).ok_or_else(|| unknown_method(&id))?;
    let patch: MethodConfigurationPatch = graph::parse(&body)?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    policy_store::lock(&mut tx, state.db.backend).await?;
    let current = methods::load_one(&mut tx, &state.config, method).await?;
    let next = methods::apply(method, &current, patch).map_err(ApiError::Validation)?;
    let targets = methods::include_ids(&next.include_targets)
        .chain(methods::exclude_ids(&next.exclude_targets));
    methods::check_targets(&mut tx, targets)
        .await?
        .map_err(ApiError::Validation)?;
    if next != current {
        let diff = audit::changed(&to_json(&current), &to_json(&next));
        methods::save(&mut tx, method, &next, now).await?;
        principal
            .record_change(
                &mut tx,
                &client,
                Change {
                    what: "authentication_method",
                    subject: method.as_str(),
                    before: diff.0,
                    after: diff.1,
                },
                now,
            )
            .await?;
    }
    tx.commit().await?;
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
    let email = Email::parse(&request.invited_user_email_address).map_err(|_| {
        ApiError::Validation("'invitedUserEmailAddress' is not a valid email address.".into())
    })?;
    let now = state.now_ms();
    let actor = principal.actor();
    let mut tx = state.db.begin_write().await?;
    let mut before = serde_json::Value::Null;
    if request.reset_redemption {
        let user_id = request
            .invited_user
            .as_ref()
            .map(|u| u.id.as_str())
            .ok_or_else(|| {
                ApiError::Validation(
                    "'resetRedemption' needs 'invitedUser': {\"id\": …} naming the guest.".into(),
                )
            })?;
        let guest = users::by_id(&mut tx, user_id)
            .await?
            .filter(|u| u.user_type == UserType::Guest)
            .ok_or_else(|| {
                ApiError::client(
                    StatusCode::NOT_FOUND,
                    ErrorCode::NotFound,
                    "'invitedUser' names no guest.",
                )
            })?;
        if guest.email_canonical != email.canonical() {
            return Err(ApiError::Validation(
                "'invitedUserEmailAddress' is not the address of the guest in 'invitedUser'."
                    .into(),
            ));
        }
        let latest = invitation_store::latest_for(&mut tx, &guest.id).await?;
        before = json!({ "redeemed_at_ms": latest.and_then(|i| i.redeemed_at_ms) });
        invitations::reset_redemption_on(&mut tx, &state, &actor, &guest.id).await?;
    }
    let invited = invitations::invite_on(
        &mut tx,
        &state,
        &actor,
        &email,
        request.invited_user_display_name.as_deref(),
        &request.invite_redirect_url,
        request.send_invitation_message,
    )
    .await?;
    let what = if request.reset_redemption {
        "guest.reset_redemption"
    } else {
        "guest.invite"
    };
    principal
        .record_change(
            &mut tx,
            &client,
            Change {
                what,
                subject: &invited.user_id,
                before,
                after: json!({
                    "invitation_id": invited.invitation_id,
                    "email": invited.email,
                    "redirect_url": invited.redirect,
                    "redeemed_at_ms": null,
                    "mailed": request.send_invitation_message,
                }),
            },
            now,
        )
        .await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok((
        StatusCode::CREATED,
        Json(GraphInvitation {
            odata_context: context(&state, "invitations/$entity"),
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
        }),
    ))
}
