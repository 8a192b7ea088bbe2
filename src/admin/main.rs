//! The admin portal: a second wasm bundle, served only under `/admin` (SPEC §4, §7).
//!
//! It shares the customer pages' library — the API client ([`sspr_web::api`]), the router's
//! history handling, form helpers, the language context, the footer components, the crash
//! screen — and the design tokens, but none of its own code ends up in the customer bundle, so
//! the customer pages keep their size budget however large the portal grows.
//!
//! [`app`] is the shell (signed-in check, left navigation, focus on each page's heading);
//! [`route`] maps `/admin/…` paths to pages; [`api`] has the admin endpoints; [`i18n`] the
//! portal's message catalogs; [`ui`] its form and table pieces; [`pages`] one file per screen.

mod api;
mod app;
mod i18n;
mod pages;
mod route;
mod ui;

fn main() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    #[cfg(not(debug_assertions))]
    sspr_web::components::crash_screen::install();
    leptos::mount::mount_to_body(app::AdminApp);
}
