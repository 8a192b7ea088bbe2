//! SSPR's single-page app (Leptos, client-side rendered, compiled to wasm by Trunk).
//!
//! [`app`] holds the routes (`leptos_router`); [`api`] is the only place that talks HTTP
//! (`gloo-net`, serde into the contract crate's types); [`pages`] has one file per routed
//! screen; [`components`] the presentational pieces; [`i18n`] the message catalogs every
//! visible text comes from; [`memory`] what a visit remembers between screens.

pub mod api;
pub mod app;
pub mod components;
pub mod i18n;
pub mod memory;
pub mod pages;

pub use app::App;
