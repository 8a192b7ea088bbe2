//! `GET /api/password-policy`: the password policy's numbers and context, for the SPA's live
//! checklist (the rules themselves: `sspr_api::password`, checked by `Passwords::check_new`).

use crate::http::json::Json;
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use sspr_api::PasswordPolicy;

pub fn router() -> Router<AppState> {
    Router::new().route("/password-policy", get(show))
}

#[utoipa::path(get, path = "/api/password-policy", tag = "account",
    responses((status = 200, body = PasswordPolicy)))]
async fn show(State(state): State<AppState>) -> Json<PasswordPolicy> {
    Json(PasswordPolicy::new(state.config.organisation_name.clone()))
}
