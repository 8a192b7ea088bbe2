//! One file per screen of the portal, and which screen each [`AdminRoute`] shows.

mod not_found;
mod overview;
mod setup;
mod sign_in;

use crate::i18n::AText;
use crate::route::AdminRoute;
use leptos::prelude::*;

/// The sections of the left navigation, in order.
pub static SECTIONS: &[(AdminRoute, AText)] = &[(AdminRoute::Overview, |m| m.nav_overview)];

/// The page of `route`.
pub fn page(route: AdminRoute) -> AnyView {
    match route {
        AdminRoute::Overview => view! { <overview::Overview/> }.into_any(),
        AdminRoute::Setup(token) => view! { <setup::Setup token/> }.into_any(),
        AdminRoute::SignIn => view! { <sign_in::SignIn/> }.into_any(),
        _ => view! { <not_found::NotFound/> }.into_any(),
    }
}
