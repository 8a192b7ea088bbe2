//! The policies as administrators read and change them: the authentication methods policy and
//! each method's configuration (Graph's `authenticationMethodsPolicy`, SPEC §4 A2–A3) and the
//! password reset policy (A4). What the stored documents mean is `crate::policy`; this module
//! is the read-modify-write around them.
//!
//! Every change runs in one write transaction that first serialises policy writers
//! (`store::policies::lock`), checks every named group and user exists, writes the document and
//! records only the properties that changed, before and after. An unchanged save records nothing.

use super::audit::{self, Change};
use super::Principal;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::graph::{iso8601, odata_context};
use crate::policy::{methods, reset};
use crate::store::groups::{self, ALL_USERS};
use crate::store::policies;
use crate::AppState;
use serde_json::json;
use sspr_api::graph::{
    AuthenticationMethodsPolicy, MethodConfigurationPatch, MethodId, MethodsPolicyPatch,
    METHODS_POLICY_ID,
};
use sspr_api::{ErrorCode, ResetPolicy};

/// The whole authentication methods policy, in Graph's shape.
pub async fn methods_policy(state: &AppState) -> Result<AuthenticationMethodsPolicy, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let snapshot = methods::load(&mut conn, &state.config).await?;
    Ok(AuthenticationMethodsPolicy {
        odata_context: Some(odata_context(
            &state.config.public_origin,
            "authenticationMethodsPolicy",
        )),
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
    })
}

/// Applies `patch` to the policy's own settings.
pub async fn patch_methods_policy(
    state: &AppState,
    client: &Client,
    by: &Principal,
    patch: MethodsPolicyPatch,
) -> Result<(), ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    policies::lock(&mut tx, state.db.backend).await?;
    let current = methods::load(&mut tx, &state.config).await?.settings;
    let next = methods::apply_settings(&current, patch).map_err(ApiError::validation)?;
    let campaign = &next
        .registration_enforcement
        .authentication_methods_registration_campaign;
    let targets = methods::campaign_include_ids(&campaign.include_targets)
        .chain(methods::exclude_ids(&campaign.exclude_targets));
    methods::check_targets(&mut tx, targets)
        .await?
        .map_err(ApiError::validation)?;
    if next != current {
        let (before, after) = audit::changed(&to_json(&current), &to_json(&next));
        methods::save_settings(&mut tx, &next, now).await?;
        let change = Change {
            what: "authentication_methods_policy",
            subject: METHODS_POLICY_ID,
            before,
            after,
        };
        by.record_change(&mut tx, client, change, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The method a Graph path names (any case), or 404 `not_found`.
pub fn method_id(id: &str) -> Result<MethodId, ApiError> {
    MethodId::parse(id).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!(
                "There is no authentication method configuration with the id \"{}\".",
                id.chars().take(64).collect::<String>()
            ),
        )
    })
}

/// One method's configuration, in Graph's shape with its `@odata.context`.
pub async fn method(state: &AppState, method: MethodId) -> Result<serde_json::Value, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let configuration = methods::load_one(&mut conn, &state.config, method).await?;
    let mut value = serde_json::to_value(&configuration).map_err(anyhow::Error::from)?;
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "@odata.context".into(),
            json!(odata_context(
                &state.config.public_origin,
                "policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity"
            )),
        );
    }
    Ok(value)
}

/// Applies `patch` to `method`'s configuration; in force at once for every endpoint.
pub async fn patch_method(
    state: &AppState,
    client: &Client,
    by: &Principal,
    method: MethodId,
    patch: MethodConfigurationPatch,
) -> Result<(), ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    policies::lock(&mut tx, state.db.backend).await?;
    let current = methods::load_one(&mut tx, &state.config, method).await?;
    let next = methods::apply(method, &current, patch).map_err(ApiError::validation)?;
    let targets = methods::include_ids(&next.include_targets)
        .chain(methods::exclude_ids(&next.exclude_targets));
    methods::check_targets(&mut tx, targets)
        .await?
        .map_err(ApiError::validation)?;
    if next != current {
        let (before, after) = audit::changed(&to_json(&current), &to_json(&next));
        methods::save(&mut tx, method, &next, now).await?;
        let change = Change {
            what: "authentication_method",
            subject: method.as_str(),
            before,
            after,
        };
        by.record_change(&mut tx, client, change, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The password reset policy.
pub async fn reset_policy(state: &AppState) -> Result<ResetPolicy, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(reset::load(&mut conn).await?)
}

/// Replaces the password reset policy with `policy`; answers it as saved.
pub async fn update_reset_policy(
    state: &AppState,
    client: &Client,
    by: &Principal,
    policy: ResetPolicy,
) -> Result<ResetPolicy, ApiError> {
    reset::check(&policy).map_err(ApiError::validation)?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    policies::lock(&mut tx, state.db.backend).await?;
    if let Some(group) = policy.group_id.as_deref().filter(|g| *g != ALL_USERS) {
        if !groups::exists(&mut tx, group).await? {
            return Err(ApiError::validation(format!(
                "There is no group with the id \"{group}\"."
            )));
        }
    }
    let before = reset::load(&mut tx).await?;
    if before != policy {
        reset::save(&mut tx, &policy, now).await?;
        let (before, after) = audit::changed(&to_json(&before), &to_json(&policy));
        let change = Change {
            what: "password_reset_policy",
            subject: reset::DOCUMENT_ID,
            before,
            after,
        };
        by.record_change(&mut tx, client, change, now).await?;
    }
    tx.commit().await?;
    Ok(policy)
}

fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}
