//! One file per screen of the portal, and which screen each [`AdminRoute`] shows.

mod admins;
mod api_tokens;
mod audit;
mod external;
mod group;
mod groups;
mod labels;
mod method;
mod methods;
mod not_found;
mod overview;
mod reset_policy;
mod setup;
mod sign_in;
mod user;
mod user_flow;
mod user_flows;
mod users;

use crate::i18n::AText;
use crate::route::AdminRoute;
use leptos::prelude::*;

/// The sections of the left navigation, in order.
pub static SECTIONS: &[(AdminRoute, AText)] = &[
    (AdminRoute::Overview, |m| m.nav_overview),
    (AdminRoute::Methods, |m| m.nav_methods),
    (AdminRoute::ResetPolicy, |m| m.nav_reset_policy),
    (AdminRoute::External, |m| m.nav_external),
    (AdminRoute::Users, |m| m.nav_users),
    (AdminRoute::Groups, |m| m.nav_groups),
    (AdminRoute::UserFlows, |m| m.nav_user_flows),
    (AdminRoute::Audit, |m| m.nav_audit),
    (AdminRoute::Admins, |m| m.nav_admins),
    (AdminRoute::ApiTokens, |m| m.nav_api_tokens),
];

/// The page of `route`.
pub fn page(route: AdminRoute) -> AnyView {
    match route {
        AdminRoute::Overview => view! { <overview::Overview/> }.into_any(),
        AdminRoute::Setup(token) => view! { <setup::Setup token/> }.into_any(),
        AdminRoute::SignIn => view! { <sign_in::SignIn/> }.into_any(),
        AdminRoute::Methods => view! { <methods::Methods/> }.into_any(),
        AdminRoute::Method(id) => view! { <method::Method id/> }.into_any(),
        AdminRoute::ResetPolicy => view! { <reset_policy::ResetPolicyPage/> }.into_any(),
        AdminRoute::External => view! { <external::External/> }.into_any(),
        AdminRoute::Users => view! { <users::Users/> }.into_any(),
        AdminRoute::User(id) => view! { <user::User id/> }.into_any(),
        AdminRoute::Groups => view! { <groups::Groups/> }.into_any(),
        AdminRoute::Group(id) => view! { <group::Group id/> }.into_any(),
        AdminRoute::UserFlows => view! { <user_flows::UserFlows/> }.into_any(),
        AdminRoute::UserFlow(id) => view! { <user_flow::UserFlowPage id/> }.into_any(),
        AdminRoute::Admins => view! { <admins::Admins/> }.into_any(),
        AdminRoute::ApiTokens => view! { <api_tokens::ApiTokens/> }.into_any(),
        AdminRoute::Audit => view! { <audit::Audit/> }.into_any(),
        AdminRoute::NotFound => view! { <not_found::NotFound/> }.into_any(),
    }
}
