//! The admin endpoints, through the shared client [`sspr_web::api::fetch_json`] (same CSRF
//! header, same error decoding). Answers are read with serde (the portal has no size budget, so
//! it does not need the customer pages' hand-written decoders); bodies are written with
//! `serde_json`, which keeps maps as JSON objects.

use serde::de::DeserializeOwned;
use serde::Serialize;
use sspr_api::{AdminCredentials, AdminEnrolment, AdminSetup, AdminView};
use sspr_web::api::{fetch_json, ApiError};

/// Sends `method path` (with `body` as JSON if given) and decodes the answer with serde.
pub async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&str>,
) -> Result<T, ApiError> {
    let (status, json) = fetch_json(method, path, body).await?;
    serde_wasm_bindgen::from_value(json).map_err(|_| ApiError::Decode { status })
}

/// Sends `body` as JSON with `method` to `path`.
pub async fn send<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    let text = serde_json::to_string(body).map_err(|_| ApiError::Network)?;
    call(method, path, Some(&text)).await
}

/// `GET path`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    call("GET", path, None).await
}

/// `POST /api/admin/bootstrap`.
pub async fn bootstrap(setup: &AdminSetup) -> Result<AdminEnrolment, ApiError> {
    send("POST", "/api/admin/bootstrap", setup).await
}

/// `POST /api/admin/totp/confirm`.
pub async fn confirm_totp(credentials: &AdminCredentials) -> Result<(), ApiError> {
    send("POST", "/api/admin/totp/confirm", credentials).await
}

/// `POST /api/admin/session`.
pub async fn sign_in(credentials: &AdminCredentials) -> Result<AdminView, ApiError> {
    send("POST", "/api/admin/session", credentials).await
}

/// `GET /api/admin/session`.
pub async fn me() -> Result<AdminView, ApiError> {
    get("/api/admin/session").await
}

/// `DELETE /api/admin/session`.
pub async fn sign_out() -> Result<(), ApiError> {
    call("DELETE", "/api/admin/session", None).await
}

/// `s` percent-encoded for a query value.
pub fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s)
        .as_string()
        .unwrap_or_default()
}

/// `path?name=value&…` with the empty values left out.
pub fn with_query(path: &str, params: &[(&str, String)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| [k, "=", &encode(v)].concat())
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        [path, "?", &query.join("&")].concat()
    }
}

/// A call to the Graph-compatible API, whose error bodies have Graph's shape
/// (`{"error": {"code", "message", "innerError": {"code", "request-id"}}}`): they become the
/// usual [`ApiError::Server`] with this service's own code, so pages treat both APIs alike.
async fn graph<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<String>,
) -> Result<T, ApiError> {
    let answer = sspr_web::api::request(method, path, body.as_deref()).await?;
    let status = answer.status;
    if answer.ok {
        return serde_wasm_bindgen::from_value(answer.json)
            .map_err(|_| ApiError::Decode { status });
    }
    let error: sspr_api::graph::GraphErrorBody =
        serde_wasm_bindgen::from_value(answer.json).map_err(|_| ApiError::Decode { status })?;
    Err(ApiError::Server {
        status,
        body: sspr_api::ErrorBody {
            code: error.error.inner_error.code,
            message: error.error.message,
            request_id: error.error.inner_error.request_id,
            attempts_left: None,
            retry_after_secs: None,
            violations: Vec::new(),
        },
    })
}

const METHODS_POLICY: &str = "/api/graph/v1.0/policies/authenticationMethodsPolicy";

/// `GET …/authenticationMethodsPolicy`.
pub async fn methods_policy() -> Result<sspr_api::graph::AuthenticationMethodsPolicy, ApiError> {
    graph("GET", METHODS_POLICY, None).await
}

/// `GET …/authenticationMethodConfigurations/{id}`.
pub async fn method(id: &str) -> Result<sspr_api::graph::MethodConfiguration, ApiError> {
    let path = [METHODS_POLICY, "/authenticationMethodConfigurations/", id].concat();
    graph("GET", &path, None).await
}

/// `PATCH …/authenticationMethodConfigurations/{id}` (204).
pub async fn patch_method(
    id: &str,
    patch: &sspr_api::graph::MethodConfigurationPatch,
) -> Result<(), ApiError> {
    let path = [METHODS_POLICY, "/authenticationMethodConfigurations/", id].concat();
    let body = serde_json::to_string(&skip_nulls(patch)).map_err(|_| ApiError::Network)?;
    graph("PATCH", &path, Some(body)).await
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
}
