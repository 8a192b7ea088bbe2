//! `GET /api/openapi.json`: the whole public API as an OpenAPI 3.1 document, generated from the
//! handlers' `#[utoipa::path]` annotations and the contract crate's types, so it cannot drift
//! from the code, and made to tell the whole truth: [`answers`] adds the statuses every layer
//! in front of the handlers can answer (CSRF, rate limits, the JSON body extractor, the
//! database, the timeout), and [`inputs`] narrows the request schemas to what the validation
//! accepts, so a request the document allows is never refused as malformed. The test command
//! holds the server to it with schemathesis.

mod answers;
mod inputs;

use crate::AppState;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::OnceLock;
use utoipa::OpenApi;

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "SSPR API",
        description = "Self-service password reset with email one-time passcodes. Every error \
                       answer is `{code, message, request_id}` (see ErrorBody). State-changing \
                       requests need the header `X-SSPR-CSRF: 1`.",
    ),
    paths(
        super::health::health,
        super::flows::start,
        super::flows::show,
        super::flows::resend,
        super::flows::verify,
        super::flows::questions,
        super::flows::alternate_email,
        super::flows::phone,
        super::flows::prove,
        super::flows::complete,
        super::access::start,
        super::access::prompt,
        super::access::challenge,
        super::access::image,
        super::access::audio,
        super::session::sign_in,
        super::session::me,
        super::session::sign_out,
        super::session::sessions,
        super::session::revoke,
        super::session::change_password,
        super::security_info::show,
        super::security_info::send_proof,
        super::security_info::prove,
        super::security_info::remove,
        super::security_info::enrol_app,
        super::security_info::confirm_app,
        super::security_info::add_email,
        super::security_info::confirm_email,
        super::security_info::add_phone,
        super::security_info::confirm_phone,
        super::security_info::add_alternate_phone,
        super::security_info::confirm_alternate_phone,
        super::security_info::add_office_phone,
        super::security_info::confirm_office_phone,
        super::security_info::catalog,
        super::security_info::register_questions,
        super::security_info::registration_prompt,
        super::security_info::skip_registration,
        super::security_info::finish_registration,
        super::password_policy::show,
        super::admin::setup,
        super::admin::confirm_totp,
        super::admin::sign_in,
        super::admin::me,
        super::admin::sign_out,
        super::admin::create_admin,
        super::admin::list_admins,
        super::admin::reset_admin_sign_in,
        super::users::list,
        super::users::detail,
        super::users::unlock,
        super::users::revoke_sessions,
        super::users::disable,
        super::users::enable,
        super::users::require_reregistration,
        super::users::reset_password,
        super::users::delete_method,
        super::groups::list,
        super::groups::create,
        super::groups::show,
        super::groups::update,
        super::groups::delete,
        super::groups::members,
        super::groups::add_member,
        super::groups::remove_member,
        super::audit_log::list,
        super::audit_log::export,
        super::graph::get_policy,
        super::graph::patch_policy,
        super::graph::get_method,
        super::graph::patch_method,
        super::graph::create_invitation,
        super::reset_policy::show,
        super::reset_policy::update,
        super::api_tokens::list,
        super::api_tokens::create,
        super::api_tokens::revoke,
        super::guests::list,
        super::guests::create,
        super::guests::resend,
        super::guests::reset_redemption,
        super::user_flows::list,
        super::user_flows::create,
        super::user_flows::show,
        super::user_flows::update,
        super::user_flows::remove,
        super::user_flows::customer,
        super::dev_outbox::json,
        super::dev_outbox::captchas,
    ),
    tags(
        (name = "flows", description = "Self-service flows: sign-up, password reset, passwordless, guest, unlock"),
        (name = "session", description = "Sign-in with a password, sign-out, sessions"),
        (name = "account", description = "The signed-in user's password, the password policy, and their security info: proving who they are, registering and deleting methods"),
        (name = "admin", description = "Administrators: one-time setup, sign-in with password and authenticator app, accounts and roles"),
        (name = "directory", description = "Administrators: users (search, detail, unlock, sessions, disable, re-registration, reset), groups and members, the audit log"),
        (name = "graph", description = "Microsoft Graph v1.0-compatible: the authentication methods policy, invitations, applications, branding, and the reports (registration details, sign-in logs, directory audits); an admin session or `Authorization: Bearer <API token>`; Graph-shaped errors"),
        (name = "admin-policies", description = "Password reset policy and API tokens"),
        (name = "admin-guests", description = "Guest invitations and redemption status"),
        (name = "user-flows", description = "User flows: per application, the identity provider, the attributes collected at sign-up and SSPR on or off"),
        (name = "authenticator", description = "The authenticator app: pairing, and answering push requests with number matching, authenticated by the device's P-256 signatures"),
        (name = "health", description = "Liveness and database reachability"),
        (name = "development", description = "Development mode only"),
    )
)]
pub struct ApiDoc;

/// The document as served: generated, then completed by [`answers`] and [`inputs`].
pub fn document() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let api = ApiDoc::openapi()
            .merge_from(super::applications::ApplicationsDoc::openapi())
            .merge_from(super::branding::BrandingDoc::openapi())
            .merge_from(super::reports::ReportsDoc::openapi())
            .merge_from(super::oidc::OidcDoc::openapi())
            .merge_from(super::push::PushDoc::openapi());
        let mut document = serde_json::to_value(api).unwrap_or_default();
        answers::add(&mut document);
        inputs::narrow(&mut document);
        document
    })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { Json(document()) }))
}
