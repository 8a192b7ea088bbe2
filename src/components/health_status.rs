//! The service status in the footer, from `GET /api/health`, announced politely to screen
//! readers when it changes.

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// "Service is running (v0.1.0)" or why not, with the request id when there is one.
#[component]
pub fn HealthStatus() -> impl IntoView {
    let i18n = use_i18n();
    let health = LocalResource::new(api::health);
    let state = move || match health.get() {
        None => "checking",
        Some(Ok(_)) => "ok",
        Some(Err(_)) => "down",
    };
    let text = move || {
        let t = i18n.t();
        match health.get() {
            None => t.status_checking.to_owned(),
            Some(Ok(h)) => [t.status_ok, " (v", &h.version, ")"].concat(),
            Some(Err(ApiError::Server { body, .. })) => [
                t.status_unavailable,
                " — ",
                t.request_id,
                ": ",
                &body.request_id,
            ]
            .concat(),
            Some(Err(_)) => t.status_unreachable.to_owned(),
        }
    };
    view! {
        <p class="health" role="status" aria-live="polite" data-state=state>
            <span class="health__dot" aria-hidden="true"></span>
            {text}
        </p>
    }
}
