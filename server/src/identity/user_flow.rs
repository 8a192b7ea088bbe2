//! User flows, the customer side (SPEC §4 A5, §3 C1/C4): which user flow a request follows, and
//! what it holds for the flow's steps. (Administrators manage user flows in `admin::user_flows`;
//! the rules of a flow's settings are `domain::user_flow`.)
//!
//! A request names its application by `client_id` (none: the default flow, which serves every
//! request that names no application). The server, not the pages, enforces the flow
//! (`domain::admission` decides): a flow with SSPR off refuses to start a password reset or an
//! unlock; an Email OTP flow refuses a sign-up with a password, password reset, unlock and a
//! password sign-in; a sign-up must bring every attribute the flow collects and no other;
//! `return_to` may point at the origins of the application's redirect URIs besides the
//! configured ones and this service's own (where the OpenID Connect provider's resume address
//! is).

use crate::domain::admission::Application;
use crate::domain::application::Registration;
use crate::domain::return_to;
use crate::domain::user_flow::{self, is_client_id};
use crate::error::ApiError;
use crate::policy::admin_settings::AdminSettings;
use crate::store::script::Script;
use crate::store::user_flows as store;
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{
    CompleteFlow, CustomerUserFlow, ErrorCode, IdentityProvider, UserFlow, DEFAULT_USER_FLOW,
};

/// The user flow a request follows, and the application that named it.
#[derive(Debug, Clone)]
pub struct Followed {
    pub flow: UserFlow,
    pub client_id: Option<String>,
    pub application: Option<Registration>,
}

impl Followed {
    /// Origins `return_to` may point at besides this service's own: the configured ones and
    /// the application's.
    pub fn return_origins(&self, state: &AppState) -> Vec<String> {
        let mut origins = state.config.allowed_return_origins.clone();
        origins.extend(self.app_origins());
        origins
    }

    fn app_origins(&self) -> Vec<String> {
        self.application
            .as_ref()
            .map(Registration::origins)
            .unwrap_or_default()
    }

    /// `requested` if it is a safe place to send the user back to, else `None`.
    pub fn return_to(&self, state: &AppState, requested: Option<&str>) -> Option<String> {
        requested.and_then(|r| {
            return_to::check(r, &state.config.public_origin, &self.return_origins(state))
        })
    }

    /// What [`domain::admission`](crate::domain::admission) needs to know of this flow.
    pub fn application(&self) -> Application {
        Application {
            passcode_only: self.flow.identity_provider == IdentityProvider::EmailOtp,
            sspr_enabled: self.flow.sspr_enabled,
        }
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

    /// What to remember for a self-service flow started under this user flow, if anything:
    /// which application it was started for (so its last step collects that flow's
    /// attributes). Owned, so a batched write can carry it.
    pub fn remembered(&self) -> Option<Remembered> {
        self.client_id.as_ref().map(|client_id| Remembered {
            user_flow_id: self.flow.id.clone(),
            client_id: client_id.clone(),
        })
    }
}

/// The application a self-service flow was started for ([`Followed::remembered`]).
#[derive(Debug, Clone)]
pub struct Remembered {
    user_flow_id: String,
    client_id: String,
}

impl Remembered {
    /// Adds it, for the self-service flow `flow_id`, to the flow's write.
    pub fn write(&self, script: &mut Script, flow_id: &str) {
        store::remember_client(script, flow_id, &self.user_flow_id, &self.client_id);
    }
}

/// The user flow of `client_id` (none: the default). An unknown client id is refused.
pub async fn follow(state: &AppState, client_id: Option<&str>) -> Result<Followed, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let settings = state.admin_settings.now(&mut conn, &state.config).await?;
    follow_under(&settings, client_id)
}

/// [`follow`] under `settings`, already read.
pub fn follow_under(
    settings: &AdminSettings,
    client_id: Option<&str>,
) -> Result<Followed, ApiError> {
    let client_id = client_id.filter(|c| !c.is_empty());
    let unknown = || ApiError::new(ErrorCode::NotFound, "No application has this client id.");
    if client_id.is_some_and(|c| !is_client_id(c)) {
        return Err(unknown());
    }
    let application = match client_id {
        Some(client_id) => Some(settings.application(client_id).ok_or_else(unknown)?.clone()),
        None => None,
    };
    let flow_id = application
        .as_ref()
        .map_or(DEFAULT_USER_FLOW, |a| a.user_flow_id.as_str());
    let flow = settings.user_flow(flow_id).ok_or_else(unknown)?.clone();
    Ok(Followed {
        flow,
        client_id: client_id.map(str::to_owned),
        application,
    })
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
    let values = user_flow::sign_up_attributes(&collected, &request.attributes)
        .map_err(ApiError::validation)?;
    if !values.is_empty() {
        store::set_user_attributes(conn, user_id, &serde_json::Value::Object(values)).await?;
    }
    Ok(())
}
