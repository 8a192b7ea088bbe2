//! Who is calling the token and revocation endpoints: a client identified by `client_id`, and
//! authenticated by a client secret sent one way — HTTP Basic (`client_secret_basic`) or the
//! form (`client_secret_post`) — or not at all (a public client, `none`). Secrets are compared
//! by their keyed hash; an expired one does not count.

use super::OAuthError;
use crate::domain::application::Registration;
use crate::error::ApiError;
use crate::store::applications;
use crate::AppState;
use axum::http::{header, HeaderMap};
use base64::Engine;

/// The caller, found and (when it sent a secret) authenticated.
#[derive(Debug, Clone)]
pub struct Caller {
    pub app: Registration,
    /// It proved a live client secret.
    pub authenticated: bool,
}

/// The client credentials a request carries: from `Authorization: Basic`, or from the form's
/// `client_id` and `client_secret`.
pub fn credentials(
    headers: &HeaderMap,
    form_id: Option<&str>,
    form_secret: Option<&str>,
) -> Result<(String, Option<String>), OAuthError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, value)| value.trim());
    match (basic, form_secret) {
        (Some(_), Some(_)) => Err(OAuthError::invalid_request(
            "Authenticate the client one way only.",
        )),
        (Some(value), None) => {
            let (id, secret) = decode_basic(value).ok_or_else(|| {
                OAuthError::invalid_client("The Authorization header is not valid Basic.")
            })?;
            if form_id.is_some_and(|f| f != id) {
                return Err(OAuthError::invalid_request(
                    "client_id differs from the authenticated client.",
                ));
            }
            Ok((id, Some(secret)))
        }
        (None, secret) => {
            let id = form_id.ok_or_else(|| {
                OAuthError::invalid_client("Name the client (client_id) or authenticate it.")
            })?;
            Ok((id.to_owned(), secret.map(str::to_owned)))
        }
    }
}

/// `client_id:client_secret`, each form-urlencoded, in base64 (RFC 6749 §2.3.1).
fn decode_basic(value: &str) -> Option<(String, String)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (id, secret) = text.split_once(':')?;
    let decode = |s: &str| -> String {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((decode(id), decode(secret)))
}

/// The registered client `client_id`, authenticated by `secret` when one is given.
pub async fn identify(
    state: &AppState,
    client_id: &str,
    secret: Option<&str>,
) -> Result<Result<Caller, OAuthError>, ApiError> {
    let unknown = || OAuthError::invalid_client("The client is unknown or its secret is wrong.");
    if !crate::domain::user_flow::is_client_id(client_id) {
        return Ok(Err(unknown()));
    }
    let mut conn = state.db.pool.acquire().await?;
    let Some(app) = applications::by_app_id(&mut conn, client_id).await? else {
        return Ok(Err(unknown()));
    };
    let Some(secret) = secret else {
        return Ok(Ok(Caller {
            app,
            authenticated: false,
        }));
    };
    let hash = state.secrets.token_hash(secret);
    let now = state.now_ms();
    let live = applications::secrets(&mut conn, &app.id)
        .await?
        .into_iter()
        .filter(|s| s.end_at_ms > now)
        .any(|s| crate::domain::passcode::hashes_match(&s.secret_hash, &hash));
    if live && secret.len() <= 200 {
        Ok(Ok(Caller {
            app,
            authenticated: true,
        }))
    } else {
        Ok(Err(unknown()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn basic_credentials_are_form_decoded_and_one_way_only() {
        let mut headers = HeaderMap::new();
        let value = base64::engine::general_purpose::STANDARD.encode("my%20app:s%3Acret");
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {value}")).expect("ascii"),
        );
        let (id, secret) = credentials(&headers, None, None).expect("basic");
        assert_eq!(id, "my app");
        assert_eq!(secret.as_deref(), Some("s:cret"));
        assert!(credentials(&headers, None, Some("x")).is_err());
        assert!(credentials(&headers, Some("other"), None).is_err());
        let none = HeaderMap::new();
        let (id, secret) = credentials(&none, Some("app"), Some("pw")).expect("post");
        assert_eq!((id.as_str(), secret.as_deref()), ("app", Some("pw")));
        assert!(credentials(&none, None, None).is_err());
    }
}
