//! The admin portal: a second wasm bundle, served only under `/admin` (SPEC §4, §7).
//!
//! It shares the customer pages' library — the HTTP transport ([`sspr_web::api::http`]), form
//! helpers, the language context, the footer components, the crash screen — and the design
//! tokens, but none of its own code ends up in the customer bundle, so what customers load
//! never grows with the portal.
//!
//! [`app`] is the shell and the routes (`leptos_router`: signed-in check, left navigation,
//! focus on each page's heading); [`api`] has one function per admin endpoint; [`i18n`] the
//! portal's message catalogs; [`ui`] its alerts, loads and switches; [`pages`] one file per
//! screen.

mod api;
mod app;
mod i18n;
mod pages;
mod ui;

fn main() {
    sspr_web::components::boot::start(app::AdminApp);
}
