//! SSPR's single-page app (Leptos, client-side rendered, compiled to wasm by Trunk).
//!
//! [`app`] maps routes to pages; [`router`] keeps the URL and the route in step; [`api`] is the
//! only place that talks HTTP;
//! [`pages`] has one file per routed screen; [`components`] the presentational pieces;
//! [`i18n`] the message catalogs every visible text comes from.

pub mod api;
pub mod app;
pub mod components;
pub mod i18n;
pub mod memory;
pub mod pages;
pub mod router;

pub use app::App;
