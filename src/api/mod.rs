//! The customer pages' typed API client: one function per endpoint, answers decoded with serde
//! into the contract crate's types, every failure an [`ApiError`] (an error answer's body kept
//! whole, so pages branch on its stable `code`). [`http`] is the transport both bundles share.

pub mod http;

pub use http::ApiError;

use gloo_net::http::Method;
use sspr_api::{
    CompleteFlow, CustomerUserFlow, FlowDone, FlowView, Health, Me, PasswordPolicy, PublicBranding,
    SessionList, SignIn, StartFlow, VerifyCode,
};

/// `GET /api/branding?language=`: the company branding in `language`.
pub async fn branding(language: &str) -> Result<PublicBranding, ApiError> {
    http::get("/api/branding", &[("language", language)]).await
}

/// `GET /api/health`.
pub async fn health() -> Result<Health, ApiError> {
    http::get("/api/health", &[]).await
}

/// `POST /api/flows`: starts a flow and sends its passcode.
pub async fn start_flow(body: StartFlow) -> Result<FlowView, ApiError> {
    http::send(Method::POST, "/api/flows", Some(&body)).await
}

/// `GET /api/user-flow?client_id=…`: the user flow of the application (none: the default).
pub async fn user_flow(client_id: Option<String>) -> Result<CustomerUserFlow, ApiError> {
    let client_id = client_id.unwrap_or_default();
    http::get("/api/user-flow", &[("client_id", &client_id)]).await
}

/// `GET /api/flows/{id}`.
pub async fn flow(id: String) -> Result<FlowView, ApiError> {
    http::get(&flow_path(&id, ""), &[]).await
}

/// `POST /api/flows/{id}/resend`.
pub async fn resend(id: String) -> Result<FlowView, ApiError> {
    http::send(Method::POST, &flow_path(&id, "/resend"), None::<&()>).await
}

/// `POST /api/flows/{id}/verify`.
pub async fn verify(id: String, code: String) -> Result<FlowView, ApiError> {
    let body = VerifyCode { code };
    http::send(Method::POST, &flow_path(&id, "/verify"), Some(&body)).await
}

/// `POST /api/flows/{id}/complete`.
pub async fn complete(id: String, body: CompleteFlow) -> Result<FlowDone, ApiError> {
    http::send(Method::POST, &flow_path(&id, "/complete"), Some(&body)).await
}

/// `POST /api/session`: signs in with a password.
pub async fn sign_in(body: SignIn) -> Result<Me, ApiError> {
    http::send(Method::POST, "/api/session", Some(&body)).await
}

/// `GET /api/session`: who is signed in.
pub async fn me() -> Result<Me, ApiError> {
    http::get("/api/session", &[]).await
}

/// `DELETE /api/session`: signs out.
pub async fn sign_out() -> Result<(), ApiError> {
    http::send(Method::DELETE, "/api/session", None::<&()>).await
}

/// `GET /api/sessions`: where the user is signed in.
pub async fn sessions() -> Result<SessionList, ApiError> {
    http::get("/api/sessions", &[]).await
}

/// `DELETE /api/sessions/{id}`: ends one of them.
pub async fn revoke(id: String) -> Result<(), ApiError> {
    http::send(
        Method::DELETE,
        &["/api/sessions/", &id].concat(),
        None::<&()>,
    )
    .await
}

/// `GET /api/password-policy`.
pub async fn password_policy() -> Result<PasswordPolicy, ApiError> {
    http::get("/api/password-policy", &[]).await
}

/// `/api/flows/{id}{rest}`. Flow ids come from the server or the URL's `?flow=`, which the
/// pages accept only when made of URL-safe characters (see `pages::flow::steps::flow_id`).
fn flow_path(id: &str, rest: &str) -> String {
    ["/api/flows/", id, rest].concat()
}
