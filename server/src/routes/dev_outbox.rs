//! `GET /api/dev/outbox` (JSON) and `GET /dev/outbox` (a plain page): the development outbox
//! (`mail::dev_outbox`). Outside development mode both answer 404: they show passcodes.

use crate::error::ApiError;
use crate::http::json::Json;
use crate::mail::dev_outbox::{self, OutboxMessage};
use crate::AppState;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;

pub fn api_router() -> Router<AppState> {
    Router::new().route("/dev/outbox", get(json))
}

pub fn page_router() -> Router<AppState> {
    Router::new().route("/dev/outbox", get(page))
}

#[utoipa::path(get, path = "/api/dev/outbox", tag = "development",
    responses((status = 200, description = "Kept messages, newest first (development mode only)", body = Vec<OutboxMessage>), (status = 404, description = "Not in development mode", body = sspr_api::ErrorBody)))]
async fn json(State(state): State<AppState>) -> Result<Json<Vec<OutboxMessage>>, ApiError> {
    Ok(Json(dev_outbox::messages(&state).await?))
}

async fn page(State(state): State<AppState>) -> Result<Html<String>, ApiError> {
    let list = dev_outbox::messages(&state).await?;
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
