//! The portal's typed API client: one function per admin endpoint, through the transport the
//! customer pages use ([`sspr_web::api::http`]: `gloo-net`, the CSRF header, serde, one
//! [`ApiError`]). Pages never build a path; ids put in a path are percent-encoded here.

use gloo_net::http::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sspr_api::graph::{
    AuthenticationMethodsPolicy, GraphErrorBody, MethodConfiguration, MethodConfigurationPatch,
};
use sspr_api::reports::{DirectoryAuditPage, RegistrationDetailsPage, SignInPage, UsageReport};
use sspr_api::{
    AddPassword, ApplicationCreate, BrandingPatch, GraphApplication, GraphApplicationList,
    OrganizationalBranding, PasswordCredential,
};
use sspr_api::{
    AdminCredentials, AdminEnrolment, AdminInvitation, AdminList, AdminSetup, AdminView,
    ApiTokenList, AuditPage, CreateAdmin, CreateApiToken, CreateInvitation, CreatedApiToken,
    ErrorBody, GroupPage, GroupView, InvitationList, InvitationView, NewGroup, ResetPolicy,
    UserDetail, UserFlow, UserFlowInput, UserFlowList, UserPage,
};
use sspr_web::api::http::{self, ApiError};

/// The largest page a list answers; the portal's pickers show every group at once.
const ALL: &str = "200";

/// `/api/admin/{parts…}`, each part after the first percent-encoded.
fn admin(base: &str, parts: &[&str]) -> String {
    let mut path = ["/api/admin/", base].concat();
    for part in parts {
        path.push('/');
        path.push_str(&String::from(js_sys::encode_uri_component(part)));
    }
    path
}

async fn post<T: DeserializeOwned>(path: &str, body: &impl Serialize) -> Result<T, ApiError> {
    http::send(Method::POST, path, Some(body)).await
}

/// A bodiless `method path` answering `T` (`()` for `204`).
async fn act<T: DeserializeOwned>(method: Method, path: &str) -> Result<T, ApiError> {
    http::send(method, path, None::<&()>).await
}

/// `POST /api/admin/bootstrap`: redeems a setup token.
pub async fn bootstrap(setup: AdminSetup) -> Result<AdminEnrolment, ApiError> {
    post("/api/admin/bootstrap", &setup).await
}

/// `POST /api/admin/totp/confirm`: enrols the authenticator with one code.
pub async fn confirm_totp(credentials: AdminCredentials) -> Result<(), ApiError> {
    post("/api/admin/totp/confirm", &credentials).await
}

/// `POST /api/admin/session`: signs in.
pub async fn sign_in(credentials: AdminCredentials) -> Result<AdminView, ApiError> {
    post("/api/admin/session", &credentials).await
}

/// `GET /api/admin/session`: who is signed in.
pub async fn me() -> Result<AdminView, ApiError> {
    http::get("/api/admin/session", &[]).await
}

/// `DELETE /api/admin/session`: signs out.
pub async fn sign_out() -> Result<(), ApiError> {
    act(Method::DELETE, "/api/admin/session").await
}

/// `GET /api/admin/admins`.
pub async fn admins() -> Result<AdminList, ApiError> {
    http::get("/api/admin/admins", &[]).await
}

/// `POST /api/admin/admins`: adds an administrator, answering their setup link.
pub async fn add_admin(body: CreateAdmin) -> Result<AdminInvitation, ApiError> {
    post("/api/admin/admins", &body).await
}

/// `GET /api/admin/api-tokens`.
pub async fn api_tokens() -> Result<ApiTokenList, ApiError> {
    http::get("/api/admin/api-tokens", &[]).await
}

/// `POST /api/admin/api-tokens`: the secret is in this answer only.
pub async fn create_api_token(body: CreateApiToken) -> Result<CreatedApiToken, ApiError> {
    post("/api/admin/api-tokens", &body).await
}

/// `DELETE /api/admin/api-tokens/{id}`.
pub async fn revoke_api_token(id: String) -> Result<(), ApiError> {
    act(Method::DELETE, &admin("api-tokens", &[&id])).await
}

/// The audit log's filters, as query pairs (empty values are left out).
pub type Filters = Vec<(&'static str, String)>;

/// `GET /api/admin/audit?…&before=…`: a page of the log, newest first.
pub async fn audit(filters: Filters, before: Option<String>) -> Result<AuditPage, ApiError> {
    let before = before.unwrap_or_default();
    let mut query: Vec<(&str, &str)> = filters.iter().map(|(k, v)| (*k, v.as_str())).collect();
    query.extend([("before", before.as_str()), ("limit", "50")]);
    http::get("/api/admin/audit", &query).await
}

/// The address of `GET /api/admin/audit.csv` with `filters` (a download link, not a call).
pub fn audit_csv(filters: &Filters) -> String {
    let query: Vec<String> = filters
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| [k, "=", &String::from(js_sys::encode_uri_component(v))].concat())
        .collect();
    match query.is_empty() {
        true => "/api/admin/audit.csv".to_owned(),
        false => ["/api/admin/audit.csv?", &query.join("&")].concat(),
    }
}

/// `GET /api/admin/users?search=&after=&limit=`.
pub async fn users(
    search: String,
    after: Option<String>,
    limit: u32,
) -> Result<UserPage, ApiError> {
    let (after, limit) = (after.unwrap_or_default(), limit.to_string());
    let query = [
        ("search", search.as_str()),
        ("after", &after),
        ("limit", &limit),
    ];
    http::get("/api/admin/users", &query).await
}

/// `GET /api/admin/users/{id}`.
pub async fn user(id: String) -> Result<UserDetail, ApiError> {
    http::get(&admin("users", &[&id]), &[]).await
}

/// What an administrator can do to a user: `POST /api/admin/users/{id}/<action>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAction {
    Unlock,
    RevokeSessions,
    Disable,
    Enable,
    RequireReregistration,
    /// Mails the user a reset; the administrator never sees or sets the password.
    ResetPassword,
}

/// `POST /api/admin/users/{id}/unlock`, `…/revoke-sessions`, `…/disable`, `…/enable`,
/// `…/require-reregistration` or `…/reset-password`.
pub async fn user_action(id: String, action: UserAction) -> Result<(), ApiError> {
    let segment = match action {
        UserAction::Unlock => "unlock",
        UserAction::RevokeSessions => "revoke-sessions",
        UserAction::Disable => "disable",
        UserAction::Enable => "enable",
        UserAction::RequireReregistration => "require-reregistration",
        UserAction::ResetPassword => "reset-password",
    };
    act(Method::POST, &admin("users", &[&id, segment])).await
}

/// `GET /api/admin/groups?limit=200`: every group (policy targets are few).
pub async fn groups() -> Result<GroupPage, ApiError> {
    http::get("/api/admin/groups", &[("limit", ALL)]).await
}

/// `POST /api/admin/groups`.
pub async fn create_group(body: NewGroup) -> Result<GroupView, ApiError> {
    post("/api/admin/groups", &body).await
}

/// `GET /api/admin/groups/{id}`.
pub async fn group(id: String) -> Result<GroupView, ApiError> {
    http::get(&admin("groups", &[&id]), &[]).await
}

/// `DELETE /api/admin/users/{id}/methods/{method_id}`.
pub async fn delete_user_method(id: String, method_id: String) -> Result<(), ApiError> {
    act(
        Method::DELETE,
        &admin("users", &[&id, "methods", &method_id]),
    )
    .await
}

/// `DELETE /api/admin/groups/{id}`.
pub async fn delete_group(id: String) -> Result<(), ApiError> {
    act(Method::DELETE, &admin("groups", &[&id])).await
}

/// `GET /api/admin/groups/{id}/members?limit=200`.
pub async fn group_members(id: String) -> Result<UserPage, ApiError> {
    http::get(&admin("groups", &[&id, "members"]), &[("limit", ALL)]).await
}

/// `PUT /api/admin/groups/{id}/members/{user_id}`.
pub async fn add_member(group: String, user: String) -> Result<(), ApiError> {
    act(Method::PUT, &admin("groups", &[&group, "members", &user])).await
}

/// `DELETE /api/admin/groups/{id}/members/{user_id}`.
pub async fn remove_member(group: String, user: String) -> Result<(), ApiError> {
    act(
        Method::DELETE,
        &admin("groups", &[&group, "members", &user]),
    )
    .await
}

/// `GET /api/admin/invitations`.
pub async fn invitations() -> Result<InvitationList, ApiError> {
    http::get("/api/admin/invitations", &[]).await
}

/// `POST /api/admin/invitations`: answers the invitation with its link.
pub async fn invite(body: CreateInvitation) -> Result<InvitationView, ApiError> {
    post("/api/admin/invitations", &body).await
}

/// `POST /api/admin/invitations/{id}/resend`: a new link, mailed.
pub async fn resend_invitation(id: String) -> Result<InvitationView, ApiError> {
    act(Method::POST, &admin("invitations", &[&id, "resend"])).await
}

/// `POST /api/admin/guests/{user_id}/reset-redemption`: the guest must accept again.
pub async fn reset_redemption(user: String) -> Result<InvitationView, ApiError> {
    act(Method::POST, &admin("guests", &[&user, "reset-redemption"])).await
}

/// `GET /api/admin/reset-policy`.
pub async fn reset_policy() -> Result<ResetPolicy, ApiError> {
    http::get("/api/admin/reset-policy", &[]).await
}

/// `PUT /api/admin/reset-policy`.
pub async fn save_reset_policy(policy: ResetPolicy) -> Result<ResetPolicy, ApiError> {
    http::send(Method::PUT, "/api/admin/reset-policy", Some(&policy)).await
}

/// `GET /api/admin/user-flows`.
pub async fn user_flows() -> Result<UserFlowList, ApiError> {
    http::get("/api/admin/user-flows", &[]).await
}

/// `GET /api/admin/user-flows/{id}`.
pub async fn user_flow(id: String) -> Result<UserFlow, ApiError> {
    http::get(&admin("user-flows", &[&id]), &[]).await
}

/// `POST /api/admin/user-flows`.
pub async fn create_user_flow(input: UserFlowInput) -> Result<UserFlow, ApiError> {
    post("/api/admin/user-flows", &input).await
}

/// `PUT /api/admin/user-flows/{id}`: replaces the whole flow.
pub async fn update_user_flow(id: String, input: UserFlowInput) -> Result<UserFlow, ApiError> {
    http::send(Method::PUT, &admin("user-flows", &[&id]), Some(&input)).await
}

/// `DELETE /api/admin/user-flows/{id}`.
pub async fn delete_user_flow(id: String) -> Result<(), ApiError> {
    act(Method::DELETE, &admin("user-flows", &[&id])).await
}

const METHODS_POLICY: &str = "/api/graph/v1.0/policies/authenticationMethodsPolicy";

/// `GET …/authenticationMethodsPolicy` (Graph).
pub async fn methods_policy() -> Result<AuthenticationMethodsPolicy, ApiError> {
    let request = http::json_request(Method::GET, METHODS_POLICY, None::<&()>)?;
    graph(http::exchange(request).await?).await
}

/// `GET …/authenticationMethodConfigurations/{id}` (Graph).
pub async fn method(id: String) -> Result<MethodConfiguration, ApiError> {
    let request = http::json_request(Method::GET, &configuration(&id), None::<&()>)?;
    graph(http::exchange(request).await?).await
}

/// `PATCH …/authenticationMethodConfigurations/{id}` (Graph; `204`). Only the properties the
/// patch names are sent, as Microsoft's example does.
pub async fn patch_method(id: String, patch: MethodConfigurationPatch) -> Result<(), ApiError> {
    let body = skip_nulls(&patch);
    let request = http::json_request(Method::PATCH, &configuration(&id), Some(&body))?;
    graph(http::exchange(request).await?).await
}

/// The company branding (Graph's organizationalBranding; one installation is one organisation,
/// so the id in the path is any).
const BRANDING: &str = "/api/graph/v1.0/organization/default/branding";

/// `GET …/organization/{id}/branding` (Graph).
pub async fn branding() -> Result<OrganizationalBranding, ApiError> {
    let request = http::json_request(Method::GET, BRANDING, None::<&()>)?;
    graph(http::exchange(request).await?).await
}

/// `PATCH …/organization/{id}/branding` (Graph; `204`): only what the patch names is sent (an
/// empty text clears it).
pub async fn save_branding(patch: BrandingPatch) -> Result<(), ApiError> {
    let body = skip_nulls(&patch);
    let request = http::json_request(Method::PATCH, BRANDING, Some(&body))?;
    graph(http::exchange(request).await?).await
}

/// The address of localization `locale` (`None`: the default branding) with `rest` after it.
fn branding_at(locale: Option<&str>, rest: &str) -> String {
    match locale {
        None => [BRANDING, rest].concat(),
        Some(locale) => [
            BRANDING,
            "/localizations/",
            &String::from(js_sys::encode_uri_component(locale)),
            rest,
        ]
        .concat(),
    }
}

/// `GET …/branding/localizations/{locale}` (Graph); `None` when there is no such localization.
pub async fn branding_localization(
    locale: String,
) -> Result<Option<OrganizationalBranding>, ApiError> {
    let request = http::json_request(Method::GET, &branding_at(Some(&locale), ""), None::<&()>)?;
    match graph(http::exchange(request).await?).await {
        Ok(found) => Ok(Some(found)),
        Err(ApiError::Server { status: 404, .. }) => Ok(None),
        Err(error) => Err(error),
    }
}

/// `PATCH …/branding/localizations/{locale}` (Graph; `204`), or `POST …/localizations` with
/// `locale` as the id when `create` (the localization does not exist yet).
pub async fn save_branding_localization(
    locale: String,
    create: bool,
    mut patch: BrandingPatch,
) -> Result<(), ApiError> {
    if create {
        patch.id = Some(locale);
        let body = skip_nulls(&patch);
        let url = [BRANDING, "/localizations"].concat();
        let request = http::json_request(Method::POST, &url, Some(&body))?;
        let _: OrganizationalBranding = graph(http::exchange(request).await?).await?;
        return Ok(());
    }
    let body = skip_nulls(&patch);
    let request = http::json_request(Method::PATCH, &branding_at(Some(&locale), ""), Some(&body))?;
    graph(http::exchange(request).await?).await
}

/// `PUT …/branding[/localizations/{locale}]/{stream}` (Graph; `204`) with an image as chosen
/// (`bannerLogo`, `squareLogo`, `backgroundImage`; its type is judged from its bytes by the
/// server).
pub async fn upload_branding_file(
    locale: Option<String>,
    stream: &str,
    file: web_sys::File,
) -> Result<(), ApiError> {
    let url = branding_at(locale.as_deref(), &["/", stream].concat());
    let request = http::in_language(gloo_net::http::Request::put(&url))
        .header(http::CSRF_HEADER, "1")
        .header("content-type", &file.type_())
        .body(file)
        .map_err(|_| ApiError::Network)?;
    graph(http::exchange(request).await?).await
}

/// The custom CSS of the default branding or localization `locale` (empty when none).
pub async fn custom_css(locale: Option<String>) -> Result<String, ApiError> {
    let url = branding_at(locale.as_deref(), "/customCSS");
    let response = http::exchange(
        http::in_language(gloo_net::http::Request::get(&url))
            .build()
            .map_err(|_| ApiError::Network)?,
    )
    .await?;
    match response.status() {
        404 => Ok(String::new()),
        _ if response.ok() => response.text().await.map_err(|_| ApiError::Network),
        status => Err(ApiError::Decode { status }),
    }
}

/// `PUT …/customCSS` (Graph; `204`): `css` as text (empty removes it); a refusal's message
/// says which rule it breaks.
pub async fn save_custom_css(locale: Option<String>, css: String) -> Result<(), ApiError> {
    let url = branding_at(locale.as_deref(), "/customCSS");
    let request = http::in_language(gloo_net::http::Request::put(&url))
        .header(http::CSRF_HEADER, "1")
        .header("content-type", "text/css")
        .body(css)
        .map_err(|_| ApiError::Network)?;
    graph(http::exchange(request).await?).await
}

const APPLICATIONS: &str = "/api/graph/v1.0/applications";

/// `/api/graph/v1.0/applications/{id}{action}`.
fn application(id: &str, action: &str) -> String {
    [
        APPLICATIONS,
        "/",
        &String::from(js_sys::encode_uri_component(id)),
        action,
    ]
    .concat()
}

/// `GET /api/graph/v1.0/applications` (Graph).
pub async fn applications() -> Result<GraphApplicationList, ApiError> {
    let request = http::json_request(Method::GET, APPLICATIONS, None::<&()>)?;
    graph(http::exchange(request).await?).await
}

/// `POST /api/graph/v1.0/applications` (Graph): registers an application.
pub async fn create_application(body: ApplicationCreate) -> Result<GraphApplication, ApiError> {
    let body = skip_nulls(&body);
    let request = http::json_request(Method::POST, APPLICATIONS, Some(&body))?;
    graph(http::exchange(request).await?).await
}

/// `POST …/applications/{id}/addPassword` (Graph): a new client secret, shown this once.
pub async fn add_password(id: String) -> Result<PasswordCredential, ApiError> {
    let body = AddPassword::default();
    let request = http::json_request(Method::POST, &application(&id, "/addPassword"), Some(&body))?;
    graph(http::exchange(request).await?).await
}

/// `DELETE …/applications/{id}` (Graph).
pub async fn delete_application(id: String) -> Result<(), ApiError> {
    let request = http::json_request(Method::DELETE, &application(&id, ""), None::<&()>)?;
    graph(http::exchange(request).await?).await
}

fn configuration(id: &str) -> String {
    [
        METHODS_POLICY,
        "/authenticationMethodConfigurations/",
        &String::from(js_sys::encode_uri_component(id)),
    ]
    .concat()
}

/// A Graph answer: errors have Graph's shape (`{"error": {"code", "message", "innerError":
/// {"code", "request-id"}}}`) and become the usual [`ApiError::Server`] with this service's own
/// code, so pages treat both APIs alike.
async fn graph<T: DeserializeOwned>(response: gloo_net::http::Response) -> Result<T, ApiError> {
    if response.ok() {
        return http::decode(response).await;
    }
    let status = response.status();
    let error: GraphErrorBody = response
        .json()
        .await
        .map_err(|_| ApiError::Decode { status })?;
    Err(ApiError::Server {
        status,
        body: Box::new(ErrorBody {
            code: error.error.inner_error.code,
            message: error.error.message,
            request_id: error.error.inner_error.request_id,
            attempts_left: None,
            retry_after_secs: None,
            violations: Vec::new(),
            details: error.error.details,
        }),
    })
}

/// `value` as a JSON object without its `null` members: a Graph PATCH changes only the
/// properties it names.
fn skip_nulls(value: &impl Serialize) -> serde_json::Value {
    let mut json = serde_json::to_value(value).unwrap_or_default();
    if let Some(map) = json.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    json
}

/// A Graph report's query: `$top`, the `$filter` (left out when empty) and the `$skiptoken`
/// of the page wanted.
fn report_query(path: &str, filter: &str, token: Option<&str>) -> String {
    let mut url = [path, "?$top=50"].concat();
    if !filter.is_empty() {
        url.push_str("&$filter=");
        url.push_str(&String::from(js_sys::encode_uri_component(filter)));
    }
    if let Some(token) = token {
        url.push_str("&$skiptoken=");
        url.push_str(&String::from(js_sys::encode_uri_component(token)));
    }
    url
}

/// The `$skiptoken` of a `@odata.nextLink`: the page after this one.
pub fn skiptoken(next_link: &Option<String>) -> Option<String> {
    let link = next_link.as_deref()?;
    let (_, token) = link.split_once("$skiptoken=")?;
    Some(token.split('&').next().unwrap_or(token).to_owned())
}

async fn graph_get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let request = http::json_request(Method::GET, url, None::<&()>)?;
    graph(http::exchange(request).await?).await
}

const REGISTRATION: &str = "/api/graph/v1.0/reports/authenticationMethods/userRegistrationDetails";

/// `GET …/userRegistrationDetails?$filter=…` (Graph): a page of users' registration.
pub async fn registration_details(
    filter: String,
    token: Option<String>,
) -> Result<RegistrationDetailsPage, ApiError> {
    graph_get(&report_query(REGISTRATION, &filter, token.as_deref())).await
}

/// The address of `GET /api/admin/reports/registration.csv` with `filter` (a download link).
pub fn registration_csv(filter: &str) -> String {
    match filter.is_empty() {
        true => "/api/admin/reports/registration.csv".to_owned(),
        false => [
            "/api/admin/reports/registration.csv?$filter=",
            &String::from(js_sys::encode_uri_component(filter)),
        ]
        .concat(),
    }
}

/// `GET /api/admin/reports/usage?days=`.
pub async fn usage(days: u32) -> Result<UsageReport, ApiError> {
    http::get("/api/admin/reports/usage", &[("days", &days.to_string())]).await
}

/// `GET /api/graph/v1.0/auditLogs/signIns?$filter=…` (Graph).
pub async fn sign_ins(filter: String, token: Option<String>) -> Result<SignInPage, ApiError> {
    graph_get(&report_query(
        "/api/graph/v1.0/auditLogs/signIns",
        &filter,
        token.as_deref(),
    ))
    .await
}

/// `GET /api/graph/v1.0/auditLogs/directoryAudits?$filter=…` (Graph).
pub async fn directory_audits(
    filter: String,
    token: Option<String>,
) -> Result<DirectoryAuditPage, ApiError> {
    graph_get(&report_query(
        "/api/graph/v1.0/auditLogs/directoryAudits",
        &filter,
        token.as_deref(),
    ))
    .await
}

#[cfg(test)]
mod tests {
    use super::skip_nulls;
    use sspr_api::graph::{ExternalEmailOtpState, MethodConfigurationPatch, MethodId};

    #[test]
    fn a_patch_names_only_what_it_changes_as_microsofts_example_does() {
        let patch = MethodConfigurationPatch {
            odata_type: Some(MethodId::Email.odata_type()),
            allow_external_id_to_use_email_otp: Some(ExternalEmailOtpState::Disabled),
            ..Default::default()
        };
        assert_eq!(
            skip_nulls(&patch),
            serde_json::json!({
                "@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration",
                "allowExternalIdToUseEmailOtp": "disabled"
            })
        );
    }

    #[test]
    fn the_next_page_token_is_read_from_the_next_link() {
        let link = Some("https://id.example/api/graph/v1.0/auditLogs/signIns?$top=50&$filter=a%20eq%20true&$skiptoken=czoxLjE".to_owned());
        assert_eq!(super::skiptoken(&link).as_deref(), Some("czoxLjE"));
        assert_eq!(super::skiptoken(&None), None);
    }
}
