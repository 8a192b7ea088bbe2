//! The portal's shell: who is signed in (`GET /api/admin/session`), the header with **Sign out**,
//! the left navigation (like Entra's admin center), and the page of the current [`AdminRoute`].
//!
//! Pages other than setup and sign-in need a signed-in administrator: without one, the shell
//! goes to `/admin/sign-in`. After every navigation focus moves to the new page's heading and
//! the document title follows it, so screen readers announce the page.

use crate::api;
use crate::i18n::{at, AText};
use crate::pages;
use crate::route::AdminRoute;
use leptos::prelude::*;
use sspr_api::{AdminRole, AdminView, Permission};
use sspr_web::components::{health_status::HealthStatus, language_switcher::LanguageSwitcher};
use sspr_web::i18n::provide_i18n;
use sspr_web::router::{provide_router, use_router, Router};

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

/// The current screen (reactive).
pub fn current(router: Router) -> AdminRoute {
    AdminRoute::parse(&router.location())
}

/// Goes to `route`.
pub fn go(router: Router, route: &AdminRoute) {
    router.navigate(&route.path());
}

#[component]
pub fn AdminApp() -> impl IntoView {
    provide_i18n();
    let router = provide_router();
    let portal = Portal {
        me: RwSignal::new(None),
        notice: RwSignal::new(None),
    };
    provide_context(portal);
    leptos::task::spawn_local(async move {
        portal.me.set(Some(api::me().await.ok()));
    });
    // Nobody signed in on a page that needs it: to the sign-in page.
    Effect::new(move || {
        let route = current(router);
        if portal.me.get() == Some(None) && !route.is_public() {
            go(router, &AdminRoute::SignIn);
        }
    });
    let first = StoredValue::new(true);
    Effect::new(move || {
        router.location();
        let initial = first.get_value();
        first.set_value(false);
        request_animation_frame(move || {
            let Ok(Some(heading)) = document().query_selector("main h1") else {
                return;
            };
            let title = heading.text_content().unwrap_or_default();
            document().set_title(&[title.as_str(), " – SSPR"].concat());
            if !initial {
                if let Ok(heading) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(heading)
                {
                    let _ = heading.focus();
                }
            }
        });
    });
    let page = move || {
        let route = current(router);
        if !route.is_public() && !matches!(portal.me.get(), Some(Some(_))) {
            return view! { <crate::ui::Loading/> }.into_any();
        }
        pages::page(route)
    };
    let signed_in =
        move || matches!(portal.me.get(), Some(Some(_))) && !current(router).is_public();
    view! {
        <a class="skip-link" href="#content">{at(|m| m.skip_to_content)}</a>
        <header class="admin-header">
            <a class="brand" href="/admin">{at(|m| m.portal_name)}</a>
            <Show when=signed_in>
                <Who/>
            </Show>
        </header>
        <div class="admin-body" data-nav=move || if signed_in() { "true" } else { "false" }>
            <Show when=signed_in>
                <Navigation/>
            </Show>
            <main id="content" class="admin-main" tabindex="-1">
                {page}
            </main>
        </div>
        <footer class="site-footer">
            <LanguageSwitcher/>
            <HealthStatus/>
        </footer>
    }
}

/// Who is signed in, their role, and **Sign out**.
#[component]
fn Who() -> impl IntoView {
    let portal = use_portal();
    let router = use_router();
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            // Whatever the answer, the session is unusable afterwards; go to the sign-in page.
            let _ = api::sign_out().await;
            portal.notice.set(Some(|m| m.signed_out));
            portal.me.set(Some(None));
            go(router, &AdminRoute::SignIn);
        });
    };
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
            <button type="button" class="button button--secondary" on:click=sign_out>
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

/// The left navigation: one link per section, the current one marked `aria-current="page"`.
#[component]
fn Navigation() -> impl IntoView {
    let router = use_router();
    let link = move |route: AdminRoute, label: AText| {
        let href = route.path();
        let is_current = move || current(router).section() == route;
        view! {
            <li>
                <a class="admin-nav__link" href=href aria-current=move || is_current().then_some("page")>
                    {at(label)}
                </a>
            </li>
        }
    };
    view! {
        <nav class="admin-nav" aria-label=at(|m| m.nav_label)>
            <ul class="admin-nav__list">
                {pages::SECTIONS
                    .iter()
                    .map(|(route, label)| link(route.clone(), *label))
                    .collect_view()}
            </ul>
        </nav>
    }
}
