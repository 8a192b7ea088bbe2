//! The customer pages' typed API client: one function per endpoint, answers decoded with serde
//! into the contract crate's types, every failure an [`ApiError`] (an error answer's body kept
//! whole, so pages branch on its stable `code`). [`http`] is the transport both bundles share.

pub mod http;
pub mod push;

pub use http::ApiError;

use gloo_net::http::Method;
use sspr_api::{
    AccessPrompt, AccessRequest, AddAlternateEmail, AddCallPhone, AddMobilePhone, CaptchaChallenge,
    ChangePassword, CompleteFlow, ConfirmMethod, CustomerUserFlow, FlowDone, FlowPhoneCodeSent,
    FlowQuestions, FlowView, Health, Me, PasswordPolicy, PendingMethod, PendingPhone, ProofSent,
    ProveIdentity, ProveMethod, PublicBranding, QuestionCatalog, RegisterQuestions,
    RegistrationPrompt, SecurityInfo, SendPhoneCode, SessionList, SignIn, StartFlow, TotpEnrolment,
    VerifyCode,
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

/// `POST /api/flows/access`: "Can't access your account?" starts a reset or an unlock.
pub async fn access(body: AccessRequest) -> Result<FlowView, ApiError> {
    http::send(Method::POST, "/api/flows/access", Some(&body)).await
}

/// `GET /api/flows/access`: whether the next try needs the on-screen code, so the page shows it
/// from the start.
pub async fn access_prompt() -> Result<AccessPrompt, ApiError> {
    http::get("/api/flows/access", &[]).await
}

/// `POST /api/captcha`: a new on-screen verification code.
pub async fn new_captcha() -> Result<CaptchaChallenge, ApiError> {
    http::send::<CaptchaChallenge>(Method::POST, "/api/captcha", None::<&()>).await
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

/// `POST /api/flows/{id}/questions`: the security questions this flow asks.
pub async fn flow_questions(id: String) -> Result<FlowQuestions, ApiError> {
    http::send(Method::POST, &flow_path(&id, "/questions"), None::<&()>).await
}

/// `POST /api/flows/{id}/alternate-email`: the reset's code, resent to the user's alternate
/// address if they have one (the same answer if not).
pub async fn send_alternate_code(id: String) -> Result<FlowView, ApiError> {
    http::send(
        Method::POST,
        &flow_path(&id, "/alternate-email"),
        None::<&()>,
    )
    .await
}

/// `POST /api/flows/{id}/phone`: texts or calls a passcode to one of the user's phones.
pub async fn send_phone_code(
    id: String,
    body: SendPhoneCode,
) -> Result<FlowPhoneCodeSent, ApiError> {
    http::send(Method::POST, &flow_path(&id, "/phone"), Some(&body)).await
}

/// `POST /api/flows/{id}/prove`: proves another method; the flow's new view.
pub async fn prove_method(id: String, body: ProveMethod) -> Result<FlowView, ApiError> {
    http::send(Method::POST, &flow_path(&id, "/prove"), Some(&body)).await
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

/// `POST /api/account/password`: changes the signed-in user's password; the other sessions
/// are signed out.
pub async fn change_password(body: ChangePassword) -> Result<(), ApiError> {
    http::send(Method::POST, "/api/account/password", Some(&body)).await
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

/// `GET /api/account/registration`: what the sign-in's interrupt asks.
pub async fn registration() -> Result<RegistrationPrompt, ApiError> {
    http::get("/api/account/registration", &[]).await
}

/// `POST /api/account/registration/skip` or `…/finish`.
pub async fn end_registration(skip: bool) -> Result<(), ApiError> {
    let path = if skip {
        "/api/account/registration/skip"
    } else {
        "/api/account/registration/finish"
    };
    http::send(Method::POST, path, None::<&()>).await
}

/// `GET /api/account/security-info`.
pub async fn security_info() -> Result<SecurityInfo, ApiError> {
    http::get("/api/account/security-info", &[]).await
}

/// `POST /api/account/proof/email`: mails a code to the account's address.
pub async fn send_proof() -> Result<ProofSent, ApiError> {
    http::send(Method::POST, "/api/account/proof/email", None::<&()>).await
}

/// `POST /api/account/proof`.
pub async fn prove(body: ProveIdentity) -> Result<SecurityInfo, ApiError> {
    http::send(Method::POST, "/api/account/proof", Some(&body)).await
}

/// `DELETE /api/account/methods/{id}`.
pub async fn delete_method(id: String) -> Result<SecurityInfo, ApiError> {
    let path = ["/api/account/methods/", &id].concat();
    http::send(Method::DELETE, &path, None::<&()>).await
}

/// `POST /api/account/methods/authenticator-app`.
pub async fn enrol_app() -> Result<TotpEnrolment, ApiError> {
    http::send(Method::POST, APP, None::<&()>).await
}

/// `POST /api/account/methods/authenticator-app/confirm`.
pub async fn confirm_app(body: ConfirmMethod) -> Result<SecurityInfo, ApiError> {
    http::send(Method::POST, &[APP, "/confirm"].concat(), Some(&body)).await
}

/// `POST /api/account/methods/alternate-email`.
pub async fn add_alternate_email(body: AddAlternateEmail) -> Result<PendingMethod, ApiError> {
    http::send(Method::POST, ALTERNATE, Some(&body)).await
}

/// `POST /api/account/methods/alternate-email/confirm`.
pub async fn confirm_alternate_email(body: ConfirmMethod) -> Result<SecurityInfo, ApiError> {
    http::send(Method::POST, &[ALTERNATE, "/confirm"].concat(), Some(&body)).await
}

/// `POST /api/account/methods/mobile-phone`.
pub async fn add_mobile_phone(body: AddMobilePhone) -> Result<PendingPhone, ApiError> {
    http::send(Method::POST, PHONE, Some(&body)).await
}

/// `POST /api/account/methods/mobile-phone/confirm`.
pub async fn confirm_mobile_phone(body: ConfirmMethod) -> Result<SecurityInfo, ApiError> {
    http::send(Method::POST, &[PHONE, "/confirm"].concat(), Some(&body)).await
}

/// `POST /api/account/methods/alternate-phone` or `…/office-phone`.
pub async fn add_call_phone(office: bool, body: AddCallPhone) -> Result<PendingPhone, ApiError> {
    http::send(Method::POST, call_phone_path(office), Some(&body)).await
}

/// `POST /api/account/methods/alternate-phone/confirm` or `…/office-phone/confirm`.
pub async fn confirm_call_phone(
    office: bool,
    body: ConfirmMethod,
) -> Result<SecurityInfo, ApiError> {
    let path = [call_phone_path(office), "/confirm"].concat();
    http::send(Method::POST, &path, Some(&body)).await
}

fn call_phone_path(office: bool) -> &'static str {
    if office {
        "/api/account/methods/office-phone"
    } else {
        "/api/account/methods/alternate-phone"
    }
}

/// `GET /api/account/security-questions`.
pub async fn question_catalog() -> Result<QuestionCatalog, ApiError> {
    http::get("/api/account/security-questions", &[]).await
}

/// `PUT /api/account/methods/security-questions`.
pub async fn register_questions(body: RegisterQuestions) -> Result<SecurityInfo, ApiError> {
    http::send(
        Method::PUT,
        "/api/account/methods/security-questions",
        Some(&body),
    )
    .await
}

const APP: &str = "/api/account/methods/authenticator-app";
const ALTERNATE: &str = "/api/account/methods/alternate-email";
const PHONE: &str = "/api/account/methods/mobile-phone";

/// `GET /api/password-policy`.
pub async fn password_policy() -> Result<PasswordPolicy, ApiError> {
    http::get("/api/password-policy", &[]).await
}

/// `/api/flows/{id}{rest}`. Flow ids come from the server or the URL's `?flow=`, which the
/// pages accept only when made of URL-safe characters (see `pages::flow::steps::flow_id`).
fn flow_path(id: &str, rest: &str) -> String {
    ["/api/flows/", id, rest].concat()
}
