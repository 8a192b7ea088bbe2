//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the application sends the
//! browser here, with `id_token_hint` (an ID token this provider issued, expired or not) and/or
//! `client_id`, and optionally `post_logout_redirect_uri` and `state`. The browser's session
//! ends; the browser goes back to `post_logout_redirect_uri` when it is one of the
//! application's registered redirect URIs exactly (Entra's rule: no separate list), else it is
//! shown a "signed out" page. A redirect address the application has not registered, or a hint
//! that is not ours, stops with an error page and signs nobody out.
//!
//! Without a hint of the signed-in user's own (no hint, or another user's), the user is asked
//! first (RP-Initiated Logout 1.0 §2 says the provider must): a page of ours offers **Sign
//! out**, a link carrying a confirmation only that page can know, so another site cannot sign
//! the user out by sending the browser here. With nobody signed in there is nothing to ask.

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
use subtle::ConstantTimeEq;

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
    // The hint's application and user.
    let (hinted, hinted_user) = match one("id_token_hint") {
        Some(hint) => match keys::verify(state, hint, "JWT").await? {
            Some(claims) => {
                let text = |name: &str| claims[name].as_str().map(str::to_owned);
                (text("aud"), text("sub"))
            }
            None => {
                return Ok(stop(
                    "The sign-out request is not valid: its ID token was not issued here.",
                ))
            }
        },
        None => (None, None),
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
        let theirs = hinted_user.as_deref() == Some(signed_in.user.id.as_str());
        let confirmation = confirmation(state, &signed_in.session.token_hash);
        let confirmed = one("confirm").is_some_and(|given| same(given, &confirmation));
        if !theirs && !confirmed {
            let mut again: Vec<(&str, &str)> = ["id_token_hint", "client_id"]
                .into_iter()
                .chain(["post_logout_redirect_uri", "state"])
                .filter_map(|name| one(name).map(|value| (name, value)))
                .collect();
            again.push(("confirm", &confirmation));
            let link = oidc::redirect("/oauth2/logout", &again);
            return Ok(LoggedOut {
                answer: Answer::Page(Page::confirm_sign_out(&signed_in.user.email, link)),
                signed_out: false,
            });
        }
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

/// The proof that a sign-out was asked for on the confirmation page: only a page of this
/// origin, in this browser's session, can read it (a keyed hash of the session's own hash).
fn confirmation(state: &AppState, session_hash: &str) -> String {
    state
        .secrets
        .token_hash(&["oidc-logout-confirmation:", session_hash].concat())
}

fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}
