//! **Can't access your account?** (SPEC C10): the email, the choice between a password reset
//! and an unlock, and an on-screen verification code — on every try by default, as seed 003's
//! page asks for it, or, with `SSPR_CAPTCHA_FREE_TRIES` above 0, once the client address or the
//! email address has tried this entry point more than that many times in
//! [`WINDOW_MS`](captcha::WINDOW_MS) (15 minutes). [`prompt`] tells the page beforehand whether
//! to show the picture. Past it,
//! the existing reset or unlock flow starts ([`flows::start`]), with its answers and limits: known
//! and unknown addresses get the same answers here too, as nothing before the start looks at
//! the account. The plain **Forgot password?** (`POST /api/flows`) never asks for a code.
//!
//! A verification code is made by `POST /api/captcha` ([`challenge`]): its answer is kept only
//! as an HMAC with the server secret, bound to its id (as passcodes are), beside its picture and
//! spoken form ([`media`]); it lives five minutes and is deleted at the first answer checked.
//! Development mode alone also keeps the answers of the last few in memory, listed beside the
//! development outbox ([`dev_answers`]) so browser tests can read them. A wrong, used or expired
//! answer is audited (`captcha_failed`), and a client may make only
//! `SSPR_CAPTCHAS_PER_MINUTE` codes a minute.

use crate::domain::captcha;
use crate::domain::passcode::hashes_match;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::flows::{self, Started};
use crate::identity::limits;
use crate::secrets::{looks_like_token, random_token};
use crate::store::audit::{self, Event};
use crate::store::captchas::{self, Media, NewCaptcha};
use crate::store::rate_limits;
use crate::AppState;
use base64::Engine;
use sspr_api::{
    AccessPrompt, AccessRequest, CaptchaChallenge, ErrorCode, FlowPurpose, StartFlow, WireName,
};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// The purpose an answer's hash is bound to (the passcode hash's second part).
const PURPOSE: &str = "captcha";
/// How many answers development mode lists.
const DEV_KEPT: usize = 20;

/// `GET /api/flows/access`: whether this client's next try needs a verification code, as far as
/// the client address tells (the address typed is not known yet). Counts nothing.
pub async fn prompt(state: &AppState, client: &Client) -> Result<AccessPrompt, ApiError> {
    let free = state.config.captcha_free_tries;
    if free == 0 {
        return Ok(AccessPrompt {
            captcha_required: true,
        });
    }
    let mut conn = state.db.pool.acquire().await?;
    let tries = rate_limits::hits_now(
        &mut conn,
        &client_key(client),
        captcha::WINDOW_MS,
        state.now_ms(),
    )
    .await?;
    Ok(AccessPrompt {
        // The next try is this many plus one.
        captcha_required: captcha::required(free, tries + 1, 0),
    })
}

/// The counter of a client address's tries.
fn client_key(client: &Client) -> String {
    format!("access:{}", client.ip)
}

/// `POST /api/flows/access`: counts the try, checks the verification code when one is required,
/// and starts the chosen flow.
pub async fn access(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    request: AccessRequest,
) -> Result<Started, ApiError> {
    let now = state.now_ms();
    let client_key = client_key(client);
    // Keyed, so the counters name no address in clear.
    let address_key = format!(
        "access_address:{}",
        state.secrets.token_hash(&request.email.canonical())
    );
    let (client_tries, address_tries) = state
        .db
        .write_one(move |conn| {
            Box::pin(async move {
                let (by_client, _) =
                    rate_limits::hit(conn, &client_key, captcha::WINDOW_MS, now).await?;
                let (by_address, _) =
                    rate_limits::hit(conn, &address_key, captcha::WINDOW_MS, now).await?;
                Ok::<_, ApiError>((by_client, by_address))
            })
        })
        .await?;
    if captcha::required(state.config.captcha_free_tries, client_tries, address_tries) {
        check(
            state,
            client,
            request.choice.purpose(),
            request.captcha_id.as_deref(),
            request.captcha_answer.as_deref(),
        )
        .await?;
    }
    let start = StartFlow {
        purpose: request.choice.purpose(),
        email: Some(request.email),
        invitation: None,
        return_to: request.return_to,
        client_id: request.client_id,
    };
    flows::start(state, client, binding, start).await
}

/// Takes the verification code `id` (it is used whatever the answer) and refuses unless it was
/// live and `typed` is its answer. A refused answer is audited (`captcha_failed`, with the
/// client and the choice, never the address) in the same write that uses the code up.
async fn check(
    state: &AppState,
    client: &Client,
    purpose: FlowPurpose,
    id: Option<&str>,
    typed: Option<&str>,
) -> Result<(), ApiError> {
    let (Some(id), Some(typed)) = (id, typed) else {
        return Err(ApiError::new(
            ErrorCode::CaptchaRequired,
            "Type the digits from the picture, or listen to them, to go on.",
        ));
    };
    let now = state.now_ms();
    let well_formed = looks_like_token(id);
    let owned = id.to_owned();
    let typed = captcha::normalise(typed).map(|t| state.secrets.passcode_hash(id, PURPOSE, &t));
    let (ip, request_id) = (client.ip.clone(), client.request_id.clone());
    let right = state
        .db
        .write_one(move |conn| {
            Box::pin(async move {
                let stored = if well_formed {
                    captchas::take(conn, &owned, now).await?
                } else {
                    None
                };
                let right = match (stored, typed) {
                    (Some(stored), Some(typed)) => hashes_match(&stored, &typed),
                    _ => false,
                };
                if !right {
                    let failed = Event {
                        event: "captcha_failed",
                        outcome: "failure",
                        actor: None,
                        subject: None,
                        client_ip: Some(&ip),
                        request_id: Some(&request_id),
                        detail: Some(serde_json::json!({ "purpose": purpose.as_str() })),
                    };
                    audit::record(conn, &failed, now).await?;
                }
                Ok::<_, sqlx::Error>(right)
            })
        })
        .await?;
    if right {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::CaptchaInvalid,
            "Those digits did not match. Try again with the new picture.",
        ))
    }
}

/// `POST /api/captcha`: a new verification code; what is sent back never holds its answer. A
/// client may make [`limits::CAPTCHA`] a minute (each is drawn, spoken and stored).
pub async fn challenge(state: &AppState, client: &Client) -> Result<CaptchaChallenge, ApiError> {
    limits::enforce(state, limits::CAPTCHA, &client.ip).await?;
    let rendered = tokio::task::spawn_blocking(captcha::render)
        .await
        .map_err(|e| anyhow::anyhow!("rendering a verification code: {e}"))?
        .ok_or_else(|| anyhow::anyhow!("a verification code could not be rendered"))?;
    let now = state.now_ms();
    let id = random_token(16);
    let answer_hash = state.secrets.passcode_hash(&id, PURPOSE, &rendered.answer);
    let engine = base64::engine::general_purpose::STANDARD;
    let (image, audio) = (engine.encode(&rendered.png), engine.encode(&rendered.wav));
    let row_id = id.clone();
    state
        .db
        .write_one(move |conn| {
            Box::pin(async move {
                let row = NewCaptcha {
                    id: &row_id,
                    answer_hash: &answer_hash,
                    image_base64: &image,
                    audio_base64: &audio,
                    now_ms: now,
                    expires_at_ms: now + captcha::LIFETIME_MS,
                };
                captchas::insert(conn, &row).await
            })
        })
        .await?;
    if state.config.dev {
        state.dev_captchas.keep(DevCaptcha {
            captcha_id: id.clone(),
            answer: rendered.answer,
            created_at_ms: now,
        });
    }
    Ok(CaptchaChallenge {
        captcha_id: id,
        length: captcha::LENGTH,
        expires_in_secs: u64::try_from(captcha::LIFETIME_MS / 1000).unwrap_or(300),
    })
}

/// `GET /api/captcha/{id}/image` and `/audio`: the bytes of a live, unused verification code;
/// 404 `not_found` otherwise.
pub async fn media(state: &AppState, id: &str, which: Media) -> Result<Vec<u8>, ApiError> {
    if !looks_like_token(id) {
        return Err(ApiError::not_found());
    }
    let mut conn = state.db.pool.acquire().await?;
    let stored = captchas::media(&mut conn, id, which, state.now_ms())
        .await?
        .ok_or_else(ApiError::not_found)?;
    base64::engine::general_purpose::STANDARD
        .decode(stored)
        .map_err(|_| ApiError::not_found())
}

/// A verification code's answer, as development mode lists it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DevCaptcha {
    pub captcha_id: String,
    pub answer: String,
    pub created_at_ms: i64,
}

/// The answers of the last verification codes made, kept only in development mode.
#[derive(Debug, Clone, Default)]
pub struct DevCaptchas(Arc<Mutex<VecDeque<DevCaptcha>>>);

impl DevCaptchas {
    fn keep(&self, captcha: DevCaptcha) {
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        kept.push_front(captcha);
        kept.truncate(DEV_KEPT);
    }

    fn list(&self) -> Vec<DevCaptcha> {
        let kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter().cloned().collect()
    }
}

/// `GET /api/dev/captchas`: the answers of the last verification codes, newest first; 404
/// `not_found` outside development mode (where none is ever kept).
pub fn dev_answers(state: &AppState) -> Result<Vec<DevCaptcha>, ApiError> {
    if !state.config.dev {
        return Err(ApiError::not_found());
    }
    Ok(state.dev_captchas.list())
}
