//! The customer side: which user flow a request follows, and what that flow allows.
//!
//! A request names its application by `client_id` (none: the default flow). The server, not the
//! pages, enforces the flow: a flow with SSPR off refuses to start a password reset or an unlock;
//! an Email OTP flow refuses a sign-up with a password, password reset, unlock and a password
//! sign-in; a sign-up must bring every
//! attribute the flow collects and no other; `return_to` may point at the application's own
//! origins besides the configured ones.

use super::validate::is_client_id;
use crate::domain::return_to;
use crate::error::ApiError;
use crate::store::user_flows as store;
use crate::AppState;
use axum::http::StatusCode;
use sqlx::AnyConnection;
use sspr_api::WireName;
use sspr_api::{
    CompleteFlow, CustomerUserFlow, ErrorCode, FlowPurpose, IdentityProvider, UserAttribute,
    UserFlow,
};

/// The user flow a request follows, and the application that named it.
#[derive(Debug, Clone)]
pub struct Followed {
    pub flow: UserFlow,
    pub client_id: Option<String>,
}

impl Followed {
    /// Origins `return_to` may point at: the configured ones and the application's.
    pub fn return_origins(&self, state: &AppState) -> Vec<String> {
        let mut origins = state.config.allowed_return_origins.clone();
        origins.extend(self.app_origins());
        origins
    }

    fn app_origins(&self) -> Vec<String> {
        self.flow
            .applications
            .iter()
            .filter(|a| Some(&a.client_id) == self.client_id.as_ref())
            .flat_map(|a| a.redirect_origins.iter().cloned())
            .collect()
    }

    /// `requested` if it is a safe place to send the user back to, else `None`.
    pub fn return_to(&self, state: &AppState, requested: Option<&str>) -> Option<String> {
        requested.and_then(|r| return_to::check(r, &self.return_origins(state)))
    }

    /// What the customer pages need, nothing secret.
    pub fn view(&self) -> CustomerUserFlow {
        CustomerUserFlow {
            identity_provider: self.flow.identity_provider,
            attributes: self.flow.attributes.clone(),
            sspr_enabled: self.flow.sspr_enabled,
            return_origins: self.app_origins(),
        }
    }

    /// Remembers, for the self-service flow `flow_id`, which application it was started for
    /// (so its last step collects that flow's attributes).
    pub async fn remember(&self, conn: &mut AnyConnection, flow_id: &str) -> Result<(), ApiError> {
        if let Some(client_id) = &self.client_id {
            store::remember_client(conn, flow_id, &self.flow.id, client_id).await?;
        }
        Ok(())
    }
}

/// The user flow of `client_id` (none: the default). An unknown client id is refused.
pub async fn follow(state: &AppState, client_id: Option<&str>) -> Result<Followed, ApiError> {
    let client_id = client_id.filter(|c| !c.is_empty());
    let unknown = || {
        ApiError::client(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "No application has this client id.",
        )
    };
    if client_id.is_some_and(|c| !is_client_id(c)) {
        return Err(unknown());
    }
    let mut conn = state.db.pool.acquire().await?;
    let flow = store::by_client(&mut conn, client_id)
        .await?
        .ok_or_else(unknown)?;
    Ok(Followed {
        flow,
        client_id: client_id.map(str::to_owned),
    })
}

/// The user flow for starting a self-service flow for `purpose`, refused when that flow does
/// not allow it.
pub async fn admit(
    state: &AppState,
    purpose: FlowPurpose,
    client_id: Option<&str>,
) -> Result<Followed, ApiError> {
    let followed = follow(state, client_id).await?;
    let otp = followed.flow.identity_provider == IdentityProvider::EmailOtp;
    // Unlocking is part of self-service password reset (as in Entra): it proves identity the
    // same way and can end with a new password.
    match purpose {
        FlowPurpose::PasswordReset | FlowPurpose::Unlock if !followed.flow.sspr_enabled => {
            Err(disabled(
                "Password reset is turned off for this application. Contact your administrator.",
            ))
        }
        FlowPurpose::PasswordReset | FlowPurpose::Unlock | FlowPurpose::SignUp if otp => Err(
            disabled("This application signs in with an email code, without a password."),
        ),
        _ => Ok(followed),
    }
}

/// The user flow for a password sign-in: refused for an Email OTP flow.
pub async fn admit_password_sign_in(
    state: &AppState,
    client_id: Option<&str>,
) -> Result<Followed, ApiError> {
    let followed = follow(state, client_id).await?;
    if followed.flow.identity_provider == IdentityProvider::EmailOtp {
        return Err(disabled(
            "This application signs in with an email code, without a password.",
        ));
    }
    Ok(followed)
}

/// At the last step of a sign-up (or a new passwordless account): checks the attributes of
/// `request` against the user flow the self-service flow `flow_id` was started under, and
/// stores them on the new account `user_id`. Every attribute the flow collects is required;
/// one it does not collect is refused.
pub async fn save_sign_up_attributes(
    conn: &mut AnyConnection,
    flow_id: &str,
    user_id: &str,
    request: &CompleteFlow,
) -> Result<(), ApiError> {
    let user_flow_id = store::flow_user_flow(conn, flow_id)
        .await?
        .unwrap_or_else(|| sspr_api::DEFAULT_USER_FLOW.to_owned());
    let collected = store::by_id(conn, &user_flow_id)
        .await?
        .map(|f| f.attributes)
        .unwrap_or_default();
    let mut values = serde_json::Map::new();
    for (attribute, value) in &request.attributes {
        if *attribute == UserAttribute::DisplayName || !collected.contains(attribute) {
            return Err(ApiError::Validation(format!(
                "This sign-up does not collect {}.",
                attribute.as_str()
            )));
        }
        values.insert(
            attribute.as_str().to_owned(),
            value_of(*attribute, value)?.into(),
        );
    }
    if let Some(missing) = collected
        .iter()
        .find(|a| **a != UserAttribute::DisplayName && !request.attributes.contains_key(a))
    {
        return Err(ApiError::Validation(format!(
            "Enter your {}.",
            label(*missing)
        )));
    }
    if !values.is_empty() {
        store::set_user_attributes(conn, user_id, &serde_json::Value::Object(values)).await?;
    }
    Ok(())
}

fn value_of(attribute: UserAttribute, value: &str) -> Result<String, ApiError> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 100 || trimmed.chars().any(char::is_control)
    {
        return Err(ApiError::Validation(format!(
            "Enter your {} (1 to 100 characters).",
            label(attribute)
        )));
    }
    Ok(trimmed.to_owned())
}

/// The attribute's name in a sentence.
fn label(attribute: UserAttribute) -> &'static str {
    match attribute {
        UserAttribute::DisplayName => "display name",
        UserAttribute::GivenName => "given name",
        UserAttribute::Surname => "surname",
        UserAttribute::City => "city",
        UserAttribute::Country => "country or region",
        UserAttribute::JobTitle => "job title",
        UserAttribute::PostalCode => "postal code",
        UserAttribute::State => "state or province",
        UserAttribute::StreetAddress => "street address",
    }
}

fn disabled(message: &str) -> ApiError {
    ApiError::client(StatusCode::FORBIDDEN, ErrorCode::MethodDisabled, message)
}
