//! The portal's shell: who is signed in (`GET /api/admin/session`), the header with **Sign out**,
//! the left navigation (like Entra's admin center), and the routes (`leptos_router`): the setup
//! and sign-in pages are open; every other page is nested under a route that needs a signed-in
//! administrator and otherwise goes to `/admin/sign-in`. A list and its detail page are nested
//! routes too (`/admin/users` → `/admin/users/:id`), like Entra's blades.
//!
//! After every navigation focus moves to the new page's heading and the document title follows
//! it, so screen readers announce the page.

use crate::api;
use crate::i18n::{at, AText};
use crate::pages;
use crate::ui::Loading;
use leptos::prelude::*;
use leptos_router::components::{Outlet, ProtectedParentRoute, Route, Router, Routes, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{path, NavigateOptions};
use sspr_api::{AdminRole, AdminView, Permission};
use sspr_web::components::{health_status::HealthStatus, language_switcher::LanguageSwitcher};
use sspr_web::i18n::provide_i18n;

/// The signed-in administrator and a notice for the next page, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Portal {
    /// `None` until known, then `Some(None)` when nobody is signed in.
    pub me: RwSignal<Option<Option<AdminView>>>,
    /// A confirmation to show on the next page ("You are signed out.").
    pub notice: RwSignal<Option<AText>>,
}

impl Portal {
    /// Whether the signed-in administrator's role grants `permission` (reactive; `false` while
    /// nobody is known). The server checks again on every request.
    pub fn can(&self, permission: Permission) -> bool {
        self.me.with(|me| {
            me.as_ref()
                .flatten()
                .is_some_and(|me| me.role.allows(permission))
        })
    }
}

pub fn use_portal() -> Portal {
    expect_context::<Portal>()
}

/// Whether the page at `path` is open to someone not signed in.
pub fn is_public(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    path == "/admin/setup" || path == "/admin/sign-in"
}

#[component]
pub fn AdminApp() -> impl IntoView {
    provide_i18n();
    let portal = Portal {
        me: RwSignal::new(None),
        notice: RwSignal::new(None),
    };
    provide_context(portal);
    let session = LocalResource::new(api::me);
    Effect::new(move || {
        if let Some(answer) = session.get() {
            portal.me.set(Some(answer.ok()));
        }
    });
    // After each navigation focus moves to the new page's heading, and the title follows it.
    let set_is_routing = sspr_web::app::focus_after_navigation(set_title);
    view! {
        <Router set_is_routing>
            <Frame/>
        </Router>
    }
}

/// The header, the navigation, the routed page and the footer.
#[component]
fn Frame() -> impl IntoView {
    let portal = use_portal();
    let location = use_location();
    // The first page's title, once its heading is there (the session check comes first).
    sspr_web::app::title_first_page(set_title);
    let signed_in =
        move || matches!(portal.me.get(), Some(Some(_))) && !is_public(&location.pathname.get());
    let signed_in_now = move || portal.me.get().map(|me| me.is_some());
    view! {
        <a class="skip-link" href="#content">{at(|m| m.skip_to_content)}</a>
        <header class="admin-header">
            <A href="/admin" exact=true attr:class="brand">{at(|m| m.portal_name)}</A>
            <Show when=signed_in>
                <Who/>
            </Show>
        </header>
        <div class="admin-body" data-nav=move || if signed_in() { "true" } else { "false" }>
            <Show when=signed_in>
                <Navigation/>
            </Show>
            <main id="content" class="admin-main" tabindex="-1">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/admin/setup") view=pages::setup::Setup/>
                    <Route path=path!("/admin/sign-in") view=pages::sign_in::SignIn/>
                    <ProtectedParentRoute
                        path=path!("/admin")
                        view=Outlet
                        condition=signed_in_now
                        redirect_path=|| "/admin/sign-in"
                        fallback=Loading
                    >
                        <Route path=path!("") view=pages::overview::Overview/>
                        <pages::Blade section="methods" list=pages::methods::Methods detail=|id: String| view! { <pages::method::Method id/> }/>
                        <Route path=path!("/password-reset") view=pages::reset_policy::ResetPolicyPage/>
                        <Route path=path!("/external-identities") view=pages::external::External/>
                        <pages::Blade section="users" list=pages::users::Users detail=|id: String| view! { <pages::user::User id/> }/>
                        <pages::Blade section="groups" list=pages::groups::Groups detail=|id: String| view! { <pages::group::Group id/> }/>
                        <pages::Blade section="user-flows" list=pages::user_flows::UserFlows detail=|id: String| view! { <pages::user_flow::UserFlowPage id/> }/>
                        <Route path=path!("/applications") view=pages::applications::Applications/>
                        <Route path=path!("/audit") view=pages::audit::Audit/>
                        <Route path=path!("/reports") view=pages::usage::Usage/>
                        <Route path=path!("/reports/registration") view=pages::registration::Registration/>
                        <Route path=path!("/reports/sign-ins") view=pages::sign_ins::SignIns/>
                        <Route path=path!("/reports/directory-audits") view=pages::directory_audits::DirectoryAudits/>
                        <Route path=path!("/branding") view=pages::branding::BrandingPage/>
                        <Route path=path!("/administrators") view=pages::admins::Admins/>
                        <Route path=path!("/api-tokens") view=pages::api_tokens::ApiTokens/>
                    </ProtectedParentRoute>
                </Routes>
            </main>
        </div>
        <footer class="site-footer">
            <LanguageSwitcher/>
            <HealthStatus/>
        </footer>
    }
}

/// The document title from the page's heading: "Users – SSPR".
fn set_title(heading: &web_sys::HtmlElement) {
    sspr_web::app::title_from_heading(heading, "SSPR");
}

/// Who is signed in, their role, and **Sign out**.
#[component]
fn Who() -> impl IntoView {
    let portal = use_portal();
    let navigate = use_navigate();
    let sign_out = Action::new_local(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            // Whatever the answer, the session is unusable afterwards; go to the sign-in page.
            let _ = api::sign_out().await;
            portal.notice.set(Some(|m| m.signed_out));
            portal.me.set(Some(None));
            navigate("/admin/sign-in", NavigateOptions::default());
        }
    });
    let signing_out = sign_out.pending();
    view! {
        <div class="who">
            {move || {
                portal.me.get().flatten().map(|me| {
                    view! {
                        <span class="who__name">
                            <span class="visually-hidden">{at(|m| m.signed_in_as)} " "</span>
                            {me.display_name.clone()}
                        </span>
                        <span class="who__role">{at(role_text(me.role))}</span>
                    }
                })
            }}
            <button
                type="button"
                class="button button--secondary"
                disabled=signing_out
                on:click=move |_| {
                    sign_out.dispatch(());
                }
            >
                {at(|m| m.sign_out)}
            </button>
        </div>
    }
}

/// The name of `role`.
pub fn role_text(role: AdminRole) -> AText {
    match role {
        AdminRole::GlobalAdministrator => |m| m.role_global_administrator,
        AdminRole::AuthenticationPolicyAdministrator => {
            |m| m.role_authentication_policy_administrator
        }
        AdminRole::UserAdministrator => |m| m.role_user_administrator,
        AdminRole::Reader => |m| m.role_reader,
    }
}

/// The left navigation: one link per section, the current one (or the one whose detail page is
/// open) marked `aria-current="page"` by `<A>`.
#[component]
fn Navigation() -> impl IntoView {
    view! {
        <nav class="admin-nav" aria-label=at(|m| m.nav_label)>
            <ul class="admin-nav__list">
                {pages::SECTIONS
                    .iter()
                    .map(|(href, label)| {
                        view! {
                            <li>
                                <A href=*href exact=*href == "/admin" attr:class="admin-nav__link">
                                    {at(*label)}
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
