//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the application sends the
//! browser here, with `id_token_hint` (an ID token this provider issued, expired or not) and/or
//! `client_id`, and optionally `post_logout_redirect_uri` and `state`. The browser's session
//! ends; the browser goes back to `post_logout_redirect_uri` when it is one of the
//! application's registered redirect URIs exactly (Entra's rule: no separate list), else it is
//! shown a "signed out" page. A redirect address the application has not registered, or a hint
//! that is not ours, stops with an error page and signs nobody out.

use super::authorize::Answer;
use super::keys;
use super::pages::Page;
use crate::domain::oidc::{self, Params};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::{account, sessions};
use crate::store::applications;
use crate::AppState;
use axum::http::HeaderMap;

/// What a logout answers, and whether a session ended (its cookie must go).
#[derive(Debug)]
pub struct LoggedOut {
    pub answer: Answer,
    pub signed_out: bool,
}

/// `GET` or `POST /oauth2/logout` with the parameters `query`.
pub async fn logout(
    state: &AppState,
    client: &Client,
    headers: &HeaderMap,
    query: &str,
) -> Result<LoggedOut, ApiError> {
    let stop = |message: &str| LoggedOut {
        answer: Answer::Page(Page::error(message)),
        signed_out: false,
    };
    if !Params::well_formed(query) {
        return Ok(stop("The sign-out request is not valid."));
    }
    let params = Params::parse(query);
    let one = |name: &str| params.one(name).ok().flatten();
    let hinted = match one("id_token_hint") {
        Some(hint) => match keys::verify(state, hint, "JWT").await? {
            Some(claims) => claims["aud"].as_str().map(str::to_owned),
            None => {
                return Ok(stop(
                    "The sign-out request is not valid: its ID token was not issued here.",
                ))
            }
        },
        None => None,
    };
    let client_id = match (one("client_id"), hinted.as_deref()) {
        (Some(given), Some(hinted)) if given != hinted => {
            return Ok(stop(
                "The sign-out request names two different applications.",
            ))
        }
        (given, hinted) => given.or(hinted).map(str::to_owned),
    };
    let mut back = None;
    if let Some(uri) = one("post_logout_redirect_uri") {
        let mut conn = state.db.pool.acquire().await?;
        let registered = match client_id.as_deref() {
            Some(id) if crate::domain::user_flow::is_client_id(id) => {
                applications::by_app_id(&mut conn, id).await?
            }
            _ => None,
        }
        .is_some_and(|app| app.redirect_kind(uri).is_some());
        if !registered {
            return Ok(stop(
                "The application asked to send you back to an address it has not registered, so you were not signed out.",
            ));
        }
        let mut query = Vec::new();
        if let Some(state_param) = one("state") {
            query.push(("state", state_param));
        }
        back = Some(if query.is_empty() {
            uri.to_owned()
        } else {
            oidc::redirect(uri, &query)
        });
    }
    let signed_in = sessions::current(state, headers).await?;
    if let Some(signed_in) = &signed_in {
        account::sign_out(state, client, signed_in).await?;
    }
    Ok(LoggedOut {
        answer: match back {
            Some(url) => Answer::Redirect(url),
            None => Answer::Page(Page::signed_out()),
        },
        signed_out: signed_in.is_some(),
    })
}
