//! The development outbox: in development mode without SMTP, delivered messages are kept and
//! listed at `GET /api/dev/outbox` (JSON) and `GET /dev/outbox` (a plain page). Outside
//! development mode both answer 404: they show passcodes.

use crate::error::{ApiError, Json};
use crate::mail::outbox::Envelope;
use crate::AppState;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use sqlx::Row;

/// One kept message.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OutboxMessage {
    pub id: String,
    pub purpose: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub created_at_ms: i64,
}

pub fn api_router() -> Router<AppState> {
    Router::new().route("/dev/outbox", get(json))
}

pub fn page_router() -> Router<AppState> {
    Router::new().route("/dev/outbox", get(page))
}

async fn messages(state: &AppState) -> Result<Vec<OutboxMessage>, ApiError> {
    if !state.config.dev {
        return Err(ApiError::NotFound);
    }
    let rows = sqlx::query(
        "SELECT id, purpose, sealed_body, created_at_ms FROM outbox \
         WHERE sealed_body IS NOT NULL ORDER BY created_at_ms DESC LIMIT 100",
    )
    .fetch_all(&state.db.pool)
    .await?;
    let mut list = Vec::new();
    for row in rows {
        let sealed: String = row.try_get("sealed_body").map_err(ApiError::from)?;
        let Some(envelope) = state
            .secrets
            .open(&sealed)
            .and_then(|p| serde_json::from_slice::<Envelope>(&p).ok())
        else {
            continue;
        };
        list.push(OutboxMessage {
            id: row.try_get("id").map_err(ApiError::from)?,
            purpose: row.try_get("purpose").map_err(ApiError::from)?,
            to: envelope.to,
            subject: envelope.message.subject,
            text: envelope.message.text,
            created_at_ms: row.try_get("created_at_ms").map_err(ApiError::from)?,
        });
    }
    Ok(list)
}

#[utoipa::path(get, path = "/api/dev/outbox", tag = "development",
    responses((status = 200, description = "Kept messages, newest first (development mode only)", body = Vec<OutboxMessage>), (status = 404, description = "Not in development mode", body = sspr_api::ErrorBody)))]
async fn json(State(state): State<AppState>) -> Result<Json<Vec<OutboxMessage>>, ApiError> {
    Ok(Json(messages(&state).await?))
}

async fn page(State(state): State<AppState>) -> Result<Html<String>, ApiError> {
    let list = messages(&state).await?;
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Development outbox</title></head>\
         <body><h1>Development outbox</h1><p>Mail the server would have sent, newest first. \
         Shown only in development mode.</p>",
    );
    if list.is_empty() {
        html.push_str("<p>No messages yet.</p>");
    }
    for m in list {
        html.push_str(&format!(
            "<article><h2>{}</h2><p>To: {}</p><pre>{}</pre></article><hr>",
            escape(&m.subject),
            escape(&m.to),
            escape(&m.text)
        ));
    }
    html.push_str("</body></html>");
    Ok(Html(html))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
