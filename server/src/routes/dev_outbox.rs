//! `GET /api/dev/outbox` (JSON) and `GET /dev/outbox` (a plain page): the development outbox
//! (`mail::dev_outbox`), and beside it `GET /api/dev/captchas` with the answers of the last
//! on-screen verification codes (`identity::access`), which the page lists too. Outside
//! development mode all three answer 404: they show passcodes and answers.

use crate::error::ApiError;
use crate::http::json::Json;
use crate::identity::access::{self, DevCaptcha};
use crate::mail::dev_outbox::{self, OutboxMessage};
use crate::AppState;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/dev/outbox", get(json))
        .route("/dev/captchas", get(captchas))
}

pub fn page_router() -> Router<AppState> {
    Router::new().route("/dev/outbox", get(page))
}

#[utoipa::path(get, path = "/api/dev/outbox", tag = "development",
    responses((status = 200, description = "Kept mail, texts and calls, newest first (development mode only)", body = Vec<OutboxMessage>), (status = 404, description = "Not in development mode", body = sspr_api::ErrorBody)))]
async fn json(State(state): State<AppState>) -> Result<Json<Vec<OutboxMessage>>, ApiError> {
    Ok(Json(dev_outbox::messages(&state).await?))
}

#[utoipa::path(get, path = "/api/dev/captchas", tag = "development",
    responses((status = 200, description = "The answers of the last on-screen verification codes, newest first (development mode only)", body = Vec<DevCaptcha>), (status = 404, description = "Not in development mode", body = sspr_api::ErrorBody)))]
async fn captchas(State(state): State<AppState>) -> Result<Json<Vec<DevCaptcha>>, ApiError> {
    Ok(Json(access::dev_answers(&state)?))
}

async fn page(State(state): State<AppState>) -> Result<Html<String>, ApiError> {
    let list = dev_outbox::messages(&state).await?;
    Ok(Html(render(list, access::dev_answers(&state)?)))
}

/// The page: the captcha answers, then every kept message.
fn render(list: Vec<OutboxMessage>, captchas: Vec<DevCaptcha>) -> String {
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Development outbox</title></head>\
         <body><h1>Development outbox</h1><p>Mail, texts and calls the server would have sent, \
         newest first. Shown only in development mode.</p>",
    );
    html.push_str("<section id=\"captchas\"><h2>On-screen verification codes</h2><ul>");
    for c in captchas {
        html.push_str(&format!(
            "<li><span class=\"captcha-answer\" data-captcha-id=\"{}\">{}</span></li>",
            escape(&c.captcha_id),
            escape(&c.answer)
        ));
    }
    html.push_str("</ul></section><h2>Messages</h2>");
    if list.is_empty() {
        html.push_str("<p>No messages yet.</p>");
    }
    for m in list {
        let extension = m
            .extension
            .as_deref()
            .map(|e| format!(" ext. {}", escape(e)))
            .unwrap_or_default();
        html.push_str(&format!(
            "<article data-channel=\"{}\"><h3>{}</h3><p>To: {}{extension}</p><pre>{}</pre></article><hr>",
            escape(&m.channel),
            escape(&m.subject),
            escape(&m.to),
            escape(&m.text)
        ));
    }
    html.push_str("</body></html>");
    html
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
