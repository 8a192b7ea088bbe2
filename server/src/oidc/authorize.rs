//! The authorization endpoint (OpenID Connect Core §3.1.2) and its resume address.
//!
//! The request is checked before any page is shown: an unknown `client_id` or a `redirect_uri`
//! that is not registered exactly is an error page, never a redirect (the URI is not trusted);
//! every other fault goes back to the application with `error`, `state` and `iss` (RFC 9207).
//! A browser with a session fresh enough (`max_age`) gets a code at once. Otherwise — no
//! session, `prompt=login`, `prompt=create` — the checked request is kept server-side for 30
//! minutes and the browser goes to the customer pages (sign-in, or sign-up for `create`) with
//! the application's `client_id`, the `login_hint` as the email, the page language, and
//! `return_to` set to [`RESUME_PATH`]. Every customer flow that signs the user in (password,
//! sign-up, passwordless, guest, password reset, and a sign-in after an unlock) ends at
//! `return_to`, where [`resume`] issues the code. `prompt=none` never shows a page: without a
//! usable session it answers `login_required`.
//!
//! A session whose sign-in still owes the registration interrupt (`identity::registration`)
//! gets no code: the browser goes to the interrupt ([`MORE_INFO_PATH`]) with the same
//! `return_to`, and comes back here once the user registered, confirmed or skipped;
//! `prompt=none` answers `interaction_required`.

use super::issuer;
use super::pages::Page;
use crate::domain::application::{RedirectKind, Registration};
use crate::domain::oidc::{self, Params, Prompt, Refusal, Request};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::sessions::{self, SignedIn};
use crate::secrets::{looks_like_token, random_token};
use crate::store::applications;
use crate::store::audit::{self, Event};
use crate::store::oidc::{self as store, Code, Grant};
use crate::AppState;
use axum::http::HeaderMap;
use sqlx::AnyConnection;

/// Where the customer pages send the browser back to once the user is signed in.
pub const RESUME_PATH: &str = "/oauth2/resume";

/// The customer page of the registration interrupt.
pub const MORE_INFO_PATH: &str = "/more-info";

/// What the endpoint answers: a redirect (to the application or to the customer pages), or a
/// page saying what is wrong when the application cannot be trusted with the answer.
#[derive(Debug)]
pub enum Answer {
    Redirect(String),
    Page(Page),
}

/// `GET` or `POST /oauth2/authorize` with the parameters `query` (form-encoded).
pub async fn authorize(
    state: &AppState,
    client: &Client,
    headers: &HeaderMap,
    query: &str,
) -> Result<Answer, ApiError> {
    let params = Params::parse(query);
    let (app, redirect_uri, kind) = match trusted(state, &params).await? {
        Ok(found) => found,
        Err(page) => return Ok(Answer::Page(page)),
    };
    let issuer = issuer(state);
    let request = match oidc::check(&params, &app.app_id, &redirect_uri, kind.is_public()) {
        Ok(request) => request,
        Err(refusal) => {
            let state_param = params.one("state").ok().flatten();
            let url = oidc::error_redirect(&redirect_uri, state_param, &issuer, &refusal);
            return Ok(Answer::Redirect(url));
        }
    };
    let now = state.now_ms();
    let usable = sessions::current(state, headers)
        .await?
        .filter(|s| oidc::fresh_enough(&request, s.session.created_at_ms, now));
    let interrupted = usable
        .as_ref()
        .is_some_and(|s| s.session.registration_pending);
    match (request.prompt, usable) {
        (Some(Prompt::None), Some(_)) if interrupted => {
            let refusal = Refusal::new(
                "interaction_required",
                "The user must register their security info first.",
            );
            let url = oidc::error_redirect(
                &request.redirect_uri,
                request.state.as_deref(),
                &issuer,
                &refusal,
            );
            Ok(Answer::Redirect(url))
        }
        (None, Some(_)) if interrupted => wait(state, &request, now, Some(MORE_INFO_PATH))
            .await
            .map(Answer::Redirect),
        (Some(Prompt::None), None) => {
            let refusal = Refusal::new("login_required", "The user is not signed in.");
            let url = oidc::error_redirect(
                &request.redirect_uri,
                request.state.as_deref(),
                &issuer,
                &refusal,
            );
            Ok(Answer::Redirect(url))
        }
        (Some(Prompt::Login | Prompt::Create), _) | (None, None) => {
            wait(state, &request, now, None).await.map(Answer::Redirect)
        }
        (Some(Prompt::None) | None, Some(signed_in)) => {
            let mut tx = state.db.begin_write().await?;
            let url = issue_code(&mut tx, state, client, &request, &signed_in).await?;
            tx.commit().await?;
            Ok(Answer::Redirect(url))
        }
    }
}

/// `GET /oauth2/resume?request=…`: the customer pages are done; the code goes to the
/// application if the user signed in for this request (after it was made when it asked for a
/// new sign-in, within `max_age`), else the browser goes back to sign in.
pub async fn resume(
    state: &AppState,
    client: &Client,
    headers: &HeaderMap,
    id: &str,
) -> Result<Answer, ApiError> {
    let expired = || {
        Answer::Page(Page::error(
            "This sign-in has expired or was already used. Go back to the application and sign in again.",
        ))
    };
    if !looks_like_token(id) {
        return Ok(expired());
    }
    let now = state.now_ms();
    let hash = state.secrets.token_hash(id);
    let mut conn = state.db.pool.acquire().await?;
    let Some((json, created_at_ms)) = store::pending(&mut conn, &hash, now).await? else {
        return Ok(expired());
    };
    drop(conn);
    let request: Request = serde_json::from_str(&json).map_err(anyhow::Error::from)?;
    let wants_new = matches!(request.prompt, Some(Prompt::Login | Prompt::Create));
    // A sign-in made for this request is fresh whatever `max_age` says (`max_age=0` asks for
    // exactly that, OpenID Connect Core §3.1.2.1); an older one must be within it, and is never
    // enough for `prompt=login` or `create`.
    let signed_in = sessions::current(state, headers).await?.filter(|s| {
        let made_for_it = s.session.created_at_ms > created_at_ms;
        made_for_it || (!wants_new && oidc::fresh_enough(&request, s.session.created_at_ms, now))
    });
    let Some(signed_in) = signed_in else {
        return Ok(Answer::Redirect(pages_url(state, &request, id, None)));
    };
    if signed_in.session.registration_pending {
        return Ok(Answer::Redirect(pages_url(
            state,
            &request,
            id,
            Some(MORE_INFO_PATH),
        )));
    }
    let mut tx = state.db.begin_write().await?;
    let still_registered = applications::by_app_id(&mut tx, &request.client_id)
        .await?
        .and_then(|app| app.redirect_kind(&request.redirect_uri))
        .is_some();
    if !store::take_pending(&mut tx, &hash).await? || !still_registered {
        return Ok(expired());
    }
    let url = issue_code(&mut tx, state, client, &request, &signed_in).await?;
    tx.commit().await?;
    Ok(Answer::Redirect(url))
}

/// The registered application and redirect URI the request names, and the URI's platform; a
/// page saying what is wrong otherwise.
async fn trusted(
    state: &AppState,
    params: &Params,
) -> Result<Result<(Registration, String, RedirectKind), Page>, ApiError> {
    let unknown = || {
        Page::error(
            "The application that sent you here is not registered with this service, so you cannot sign in to it from this link.",
        )
    };
    let Ok(Some(client_id)) = params.one("client_id") else {
        return Ok(Err(unknown()));
    };
    if !crate::domain::user_flow::is_client_id(client_id) {
        return Ok(Err(unknown()));
    }
    let mut conn = state.db.pool.acquire().await?;
    let Some(app) = applications::by_app_id(&mut conn, client_id).await? else {
        return Ok(Err(unknown()));
    };
    let bad_uri = || {
        Page::error(
            "The application asked to send you back to an address it has not registered, so this sign-in was stopped.",
        )
    };
    let Ok(Some(redirect_uri)) = params.one("redirect_uri") else {
        return Ok(Err(bad_uri()));
    };
    match app.redirect_kind(redirect_uri) {
        Some(kind) => {
            let uri = redirect_uri.to_owned();
            Ok(Ok((app, uri, kind)))
        }
        None => Ok(Err(bad_uri())),
    }
}

/// Keeps `request` while the user signs in; answers where to send the browser.
async fn wait(
    state: &AppState,
    request: &Request,
    now: i64,
    page: Option<&str>,
) -> Result<String, ApiError> {
    let id = random_token(32);
    let json = serde_json::to_string(request).map_err(anyhow::Error::from)?;
    let mut tx = state.db.begin_write().await?;
    let hash = state.secrets.token_hash(&id);
    store::insert_pending(&mut tx, &hash, &json, now, now + oidc::PENDING_LIFETIME_MS).await?;
    tx.commit().await?;
    Ok(pages_url(state, request, &id, page))
}

/// The customer page that starts the sign-in (or the sign-up for `prompt=create`) for the
/// pending request `id`, or `page` when given.
fn pages_url(state: &AppState, request: &Request, id: &str, page: Option<&str>) -> String {
    let page = match (page, request.prompt) {
        (Some(page), _) => page,
        (None, Some(Prompt::Create)) => "/sign-up",
        (None, _) => "/sign-in",
    };
    let resume = oidc::redirect(
        &format!("{}{RESUME_PATH}", issuer(state)),
        &[("request", id)],
    );
    let mut params = vec![
        ("client_id", request.client_id.as_str()),
        ("return_to", resume.as_str()),
    ];
    if let Some(hint) = &request.login_hint {
        params.push(("email", hint));
    }
    if let Some(locale) = &request.ui_locale {
        params.push(("ui_locales", locale));
    }
    oidc::redirect(page, &params)
}

/// Issues a code for `request` to the signed-in user (a new grant), and answers the redirect
/// that carries it to the application.
async fn issue_code(
    conn: &mut AnyConnection,
    state: &AppState,
    client: &Client,
    request: &Request,
    signed_in: &SignedIn,
) -> Result<String, ApiError> {
    let now = state.now_ms();
    let expires_at_ms = now + oidc::CODE_LIFETIME_MS;
    let grant = Grant {
        id: uuid::Uuid::new_v4().simple().to_string(),
        client_id: request.client_id.clone(),
        user_id: signed_in.user.id.clone(),
        scope: request.scope.join(" "),
        nonce: request.nonce.clone(),
        auth_time_ms: signed_in.session.created_at_ms,
        public_client: request.public_client,
        created_at_ms: now,
        expires_at_ms,
        revoked_at_ms: None,
    };
    store::insert_grant(conn, &grant).await?;
    let code = random_token(32);
    let stored = Code {
        grant_id: grant.id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        code_challenge: request.code_challenge.clone(),
        expires_at_ms,
    };
    store::insert_code(conn, &state.secrets.token_hash(&code), &stored).await?;
    let event = Event {
        event: "oidc_authorize",
        outcome: "success",
        subject: Some(&signed_in.user.id),
        client_ip: Some(&client.ip),
        request_id: Some(&client.request_id),
        detail: Some(serde_json::json!({ "client_id": request.client_id })),
        ..Event::default()
    };
    audit::record(conn, &event, now).await?;
    let issuer = issuer(state);
    let mut params = vec![("code", code.as_str())];
    if let Some(state_param) = &request.state {
        params.push(("state", state_param));
    }
    params.push(("iss", &issuer));
    Ok(oidc::redirect(&request.redirect_uri, &params))
}
