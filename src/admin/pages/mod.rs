//! One file per screen of the portal, the sections of its navigation, and [`Blade`]: a list
//! and its detail page as nested routes.

pub mod admins;
pub mod api_tokens;
pub mod applications;
pub mod audit;
pub mod branding;
pub mod directory_audits;
pub mod external;
pub mod group;
pub mod groups;
mod labels;
pub mod method;
pub mod methods;
pub mod not_found;
pub mod overview;
pub mod registration;
pub mod reports;
pub mod reset_policy;
pub mod setup;
pub mod sign_in;
pub mod sign_ins;
pub mod usage;
pub mod user;
pub mod user_flow;
pub mod user_flows;
pub mod users;

use crate::i18n::AText;
use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route};
use leptos_router::hooks::use_params_map;
use leptos_router::{path, StaticSegment};

/// The sections of the left navigation, in order.
pub static SECTIONS: &[(&str, AText)] = &[
    ("/admin", |m| m.nav_overview),
    ("/admin/methods", |m| m.nav_methods),
    ("/admin/password-reset", |m| m.nav_reset_policy),
    ("/admin/external-identities", |m| m.nav_external),
    ("/admin/users", |m| m.nav_users),
    ("/admin/groups", |m| m.nav_groups),
    ("/admin/user-flows", |m| m.nav_user_flows),
    ("/admin/applications", |m| m.nav_apps),
    ("/admin/branding", |m| m.nav_branding),
    ("/admin/audit", |m| m.nav_audit),
    ("/admin/reports", |m| m.nav_reports),
    ("/admin/administrators", |m| m.nav_admins),
    ("/admin/api-tokens", |m| m.nav_api_tokens),
];

/// `/admin/<section>` shows `list`; `/admin/<section>/:id` shows `detail` for that id (made
/// anew when the id changes).
#[component(transparent)]
pub fn Blade<L, LV, D, DV>(
    section: &'static str,
    list: L,
    detail: D,
) -> impl leptos_router::MatchNestedRoutes + Clone
where
    L: Fn() -> LV + Send + Clone + 'static,
    LV: IntoView + 'static,
    D: Fn(String) -> DV + Send + Sync + Copy + 'static,
    DV: IntoView + 'static,
{
    view! {
        <ParentRoute path=StaticSegment(section) view=Outlet>
            <Route path=path!("") view=list/>
            <Route path=path!("/:id") view=move || with_id(detail)/>
        </ParentRoute>
    }
    .into_inner()
}

/// `page` for the current `:id`, made anew when it changes.
fn with_id<V: IntoView + 'static>(
    page: impl Fn(String) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    move || page(id.get())
}
