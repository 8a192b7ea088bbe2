//! The customer pages' shell with no page but the home and 404 pages: language and switcher,
//! both catalogs, routing, the layout with its health line, the user-flow lookup, focus
//! handling and the crash screen — what every customer page carries before its own code. Built
//! like the pages and measured by `cargo xtask size --floor`.

use leptos::prelude::*;
use sspr_web::app::Shell;
use sspr_web::memory::Memory;
use sspr_web::pages::{home::Home, not_found::NotFound};
use sspr_web::router::Route;

fn home_only(route: Route, _: Memory) -> AnyView {
    match route {
        Route::Home => view! { <Home/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

fn main() {
    sspr_web::components::crash_screen::install();
    leptos::mount::mount_to_body(|| view! { <Shell pages=home_only/> });
}
