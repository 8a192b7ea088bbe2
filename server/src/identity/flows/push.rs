//! Authenticator push in the method step of a reset or unlock (issue 13): once the emailed code
//! is right and the user chooses "Approve a request on my authenticator app", [`start`] sends a
//! request to their paired devices — a random id and nonce, a two-digit number the page shows,
//! the application, the approximate location of this client and the time — that waits 60 s. The
//! page polls [`status`]; the device answers through `identity::push_device`, whose approval
//! proves the method for this flow ([`prove_in`]) in the same transaction.
//!
//! A newer request of the same flow cancels the older one, so only the number on the page can
//! be approved. A request still pending past its time is marked `expired` by whichever of the
//! page's poll or the device's answer sees it first, and audited once.

use super::{event, load, load_with_rules, methods::offered, wrong_state};
use crate::domain::push as rules;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::limits::{self, VERIFY};
use crate::secrets::{looks_like_token, random_token};
use crate::store::audit;
use crate::store::flows as flows_store;
use crate::store::push::{self as store, Challenge};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{FlowState, MethodKind, PushStarted, PushState, PushStatus, WireName};

/// `POST /api/flows/{id}/push`: a new request to the user's devices; the number to show.
pub async fn start(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    id: &str,
) -> Result<PushStarted, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let (flow, flow_rules) = load_with_rules(&mut conn, state, binding, id).await?;
    offered(
        &mut conn,
        state,
        flow_rules.settings(),
        &flow,
        MethodKind::MicrosoftAuthenticator,
    )
    .await?;
    drop(conn);
    let user_id = flow.user_id.clone().ok_or_else(wrong_state)?;
    limits::enforce(state, VERIFY, &client.ip).await?;
    let now = state.now_ms();
    let challenge = Challenge {
        id: random_token(16),
        flow_id: flow.id.clone(),
        user_id: user_id.clone(),
        nonce: random_token(16),
        number: rules::new_number(),
        application: state.config.organisation_name.clone(),
        location: rules::approximate_location(&client.ip),
        created_at_ms: now,
        expires_at_ms: now + rules::CHALLENGE_LIFETIME_MS,
        state: PushState::Pending,
    };
    let mut tx = state.db.begin_write().await?;
    store::insert_challenge(&mut tx, &challenge).await?;
    let mut sent = event(client, "push_requested", "success", &user_id, flow.purpose);
    sent.detail = Some(detail(&flow, &challenge.id));
    audit::record(&mut tx, &sent, now).await?;
    tx.commit().await?;
    Ok(PushStarted {
        challenge_id: challenge.id,
        number: challenge.number,
        expires_in_secs: u64::try_from(rules::CHALLENGE_LIFETIME_MS / 1000).unwrap_or(60),
    })
}

/// `GET /api/flows/{id}/push/{challenge}`: where the flow's request stands.
pub async fn status(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    id: &str,
    challenge_id: &str,
) -> Result<PushStatus, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let flow = load(&mut conn, state, binding, id).await?;
    if !looks_like_token(challenge_id) {
        return Err(ApiError::not_found());
    }
    let challenge = store::challenge(&mut conn, challenge_id)
        .await?
        .filter(|c| c.flow_id == flow.id)
        .ok_or_else(ApiError::not_found)?;
    drop(conn);
    let now = state.now_ms();
    if challenge.state == PushState::Pending && challenge.expires_at_ms <= now {
        expire(state, client, &challenge, now).await?;
        return Ok(PushStatus {
            state: PushState::Expired,
        });
    }
    Ok(PushStatus {
        state: challenge.state,
    })
}

/// Marks `challenge` expired, auditing it once whoever notices first.
pub async fn expire(
    state: &AppState,
    client: &Client,
    challenge: &Challenge,
    now: i64,
) -> Result<(), ApiError> {
    let mut tx = state.db.begin_write().await?;
    if store::expire(&mut tx, &challenge.id, now).await? {
        let flow = flows_store::get(&mut tx, &challenge.flow_id).await?;
        let purpose = flow.as_ref().map(|f| f.purpose);
        let expired = audit::Event {
            event: "push_answered",
            outcome: PushState::Expired.as_str(),
            actor: None,
            subject: Some(&challenge.user_id),
            client_ip: Some(&client.ip),
            request_id: Some(&client.request_id),
            detail: Some(serde_json::json!({
                "purpose": purpose.map(|p| p.as_str()),
                "challenge": challenge.id,
            })),
        };
        audit::record(&mut tx, &expired, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Records the push method proven in the flow `flow_id`, inside the caller's transaction (the
/// one that approved the request). A flow past its method step, or one that already holds the
/// method, is left as it is.
pub async fn prove_in(conn: &mut AnyConnection, flow_id: &str) -> Result<(), sqlx::Error> {
    let kind = MethodKind::MicrosoftAuthenticator.as_str();
    // Two tries: a concurrent proof of another method may move `proven` between read and write.
    for _ in 0..2 {
        let Some(flow) = flows_store::get(conn, flow_id).await? else {
            return Ok(());
        };
        if flow.state != FlowState::CodeVerified || flow.proven.split(',').any(|p| p == kind) {
            return Ok(());
        }
        let after = if flow.proven.is_empty() {
            kind.to_owned()
        } else {
            format!("{},{kind}", flow.proven)
        };
        if flows_store::set_proven(conn, flow_id, &flow.proven, &after).await? {
            return Ok(());
        }
    }
    Ok(())
}

fn detail(flow: &crate::store::flows::Flow, challenge_id: &str) -> serde_json::Value {
    serde_json::json!({
        "purpose": flow.purpose.as_str(),
        "method": MethodKind::MicrosoftAuthenticator.as_str(),
        "challenge": challenge_id,
    })
}
