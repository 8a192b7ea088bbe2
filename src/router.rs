//! Client-side routing: the URL path as a typed [`Route`], kept in step with the browser's
//! history.
//!
//! Why not `leptos_router`: its `Router` alone adds about 56 KB of wasm (20 KB brotli) —
//! measured with Leptos 0.8.23, a two-route app weighs 75 KB brotli before any page, over the
//! 60 KB budget for every customer page together (SPEC §7). What the SPA needs is small: a path
//! signal, `pushState` on navigation, the Back button (`popstate`), and same-origin `<a href>`
//! clicks handled without a reload. Route matching is plain Rust ([`Route::parse`]), so it is
//! unit-tested natively.

use leptos::prelude::*;
use sspr_api::FlowPurpose;
use wasm_bindgen::JsCast;

/// Every screen of the SPA. Adding a screen: a variant here, its path in [`Route::parse`] and
/// [`Route::path`], and its page in `app.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    /// Identifier-first sign-in: the email…
    SignIn,
    /// …then the password.
    SignInPassword,
    /// The first page of a flow: the email (or, for a guest, the invitation).
    Start(FlowPurpose),
    /// A guest's invitation link: `/guest?invitation=…`.
    Invitation(String),
    /// Enter the passcode: `/<flow>/code?flow=<id>`.
    Code(FlowPurpose, String),
    /// The last step: new password, display name: `/<flow>/finish?flow=<id>`.
    Finish(FlowPurpose, String),
    /// Unlock: keep the password or choose a new one: `/unlock/choose?flow=<id>`.
    UnlockChoice(String),
    Account,
    NotFound(String),
}

/// The path segment of each flow.
fn segment(purpose: FlowPurpose) -> &'static str {
    match purpose {
        FlowPurpose::SignUp => "sign-up",
        FlowPurpose::PasswordReset => "reset",
        FlowPurpose::Passwordless => "passwordless",
        FlowPurpose::Guest => "guest",
        FlowPurpose::Unlock => "unlock",
    }
}

impl Route {
    /// The route a URL path (with its query) names.
    pub fn parse(location: &str) -> Route {
        let (path, query) = location.split_once('?').unwrap_or((location, ""));
        let path = path.split('#').next().unwrap_or_default();
        let trimmed = path.trim_end_matches('/');
        let param = |name: &str| {
            query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_owned())
                .filter(|v| {
                    !v.is_empty()
                        && v.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })
        };
        let mut parts = trimmed.trim_start_matches('/').splitn(2, '/');
        let first = parts.next().unwrap_or_default();
        let rest = parts.next();
        let purpose = FlowPurpose::ALL.into_iter().find(|p| segment(*p) == first);
        match (first, rest, purpose) {
            ("", None, _) => Route::Home,
            ("sign-in", None, _) => Route::SignIn,
            ("sign-in", Some("password"), _) => Route::SignInPassword,
            ("account", None, _) => Route::Account,
            ("guest", None, _) => match param("invitation") {
                Some(token) => Route::Invitation(token),
                None => Route::Start(FlowPurpose::Guest),
            },
            (_, None, Some(p)) => Route::Start(p),
            (_, Some("code"), Some(p)) => {
                param("flow").map_or(Route::Start(p), |f| Route::Code(p, f))
            }
            (_, Some("finish"), Some(p)) => {
                param("flow").map_or(Route::Start(p), |f| Route::Finish(p, f))
            }
            ("unlock", Some("choose"), _) => {
                param("flow").map_or(Route::Start(FlowPurpose::Unlock), Route::UnlockChoice)
            }
            _ => Route::NotFound(path.to_owned()),
        }
    }

    /// The URL (path and query) of this route.
    pub fn path(&self) -> String {
        match self {
            Route::Home => "/".into(),
            Route::SignIn => "/sign-in".into(),
            Route::SignInPassword => "/sign-in/password".into(),
            Route::Account => "/account".into(),
            Route::Start(p) => ["/", segment(*p)].concat(),
            Route::Invitation(token) => ["/guest?invitation=", token].concat(),
            Route::Code(p, flow) => ["/", segment(*p), "/code?flow=", flow].concat(),
            Route::Finish(p, flow) => ["/", segment(*p), "/finish?flow=", flow].concat(),
            Route::UnlockChoice(flow) => ["/unlock/choose?flow=", flow].concat(),
            Route::NotFound(path) => path.clone(),
        }
    }
}

/// The current route, and navigation; shared through context by [`provide_router`].
#[derive(Debug, Clone, Copy)]
pub struct Router {
    location: RwSignal<String>,
}

impl Router {
    /// The current route (reactive).
    pub fn route(&self) -> Route {
        Route::parse(&self.location.get())
    }

    /// The current path with its query string (reactive).
    pub fn location(&self) -> String {
        self.location.get()
    }

    /// Goes to `href` (a same-origin path, optionally with a query): a new history entry, no
    /// reload.
    pub fn navigate(&self, href: &str) {
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href));
        }
        self.location.set(href.to_owned());
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Starts routing: reads the current URL, follows Back/Forward, and turns clicks on same-origin
/// links into navigations.
pub fn provide_router() -> Router {
    let router = Router {
        location: RwSignal::new(current_location()),
    };
    window_event_listener(leptos::ev::popstate, move |_| {
        router.location.set(current_location());
    });
    window_event_listener(leptos::ev::click, move |event| {
        if let Some(href) = internal_link(&event) {
            event.prevent_default();
            router.navigate(&href);
        }
    });
    provide_context(router);
    router
}

/// The [`Router`] in context. Call it while building a component (not inside an async task,
/// which has no context) and move the copy where it is needed.
///
/// Not `expect_context`: its panic message `Debug`-formats the caller's location and the type
/// name, which links Rust's `Debug` and Unicode-escaping code (about 3 KB brotli) into the wasm.
pub fn use_router() -> Router {
    use_context::<Router>().expect("the App provides the router")
}

fn current_location() -> String {
    let location = window().location();
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    let search = location.search().unwrap_or_default();
    path + &search
}

/// The path of the link a plain left click landed on, when the SPA should handle it: same
/// origin, no modifier key, no `target` or `download`, not an `/api` address.
fn internal_link(event: &web_sys::MouseEvent) -> Option<String> {
    if event.default_prevented()
        || event.button() != 0
        || event.ctrl_key()
        || event.meta_key()
        || event.shift_key()
        || event.alt_key()
    {
        return None;
    }
    let anchor = event
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("a[href]")
        .ok()??;
    if anchor.has_attribute("target") || anchor.has_attribute("download") {
        return None;
    }
    let href = anchor.get_attribute("href")?;
    is_internal_href(&href).then_some(href)
}

/// Whether `href` is a path on this origin that the SPA routes (not `//host`, not `/api`).
pub fn is_internal_href(href: &str) -> bool {
    href.starts_with('/') && !href.starts_with("//") && href != "/api" && !href.starts_with("/api/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_to_routes_and_back() {
        let routes = [
            Route::Home,
            Route::SignIn,
            Route::SignInPassword,
            Route::Account,
            Route::Start(FlowPurpose::PasswordReset),
            Route::Start(FlowPurpose::SignUp),
            Route::Code(FlowPurpose::PasswordReset, "abc_-9".into()),
            Route::Finish(FlowPurpose::SignUp, "f1".into()),
            Route::Code(FlowPurpose::Guest, "g".into()),
            Route::Invitation("tok".into()),
            Route::UnlockChoice("u1".into()),
        ];
        for route in routes {
            assert_eq!(Route::parse(&route.path()), route, "{}", route.path());
        }
        assert_eq!(Route::parse("/?lang=fr"), Route::Home);
        assert_eq!(
            Route::parse("/reset/"),
            Route::Start(FlowPurpose::PasswordReset)
        );
    }

    #[test]
    fn a_step_without_a_usable_flow_id_goes_back_to_the_start() {
        assert_eq!(
            Route::parse("/reset/code"),
            Route::Start(FlowPurpose::PasswordReset)
        );
        assert_eq!(
            Route::parse("/reset/code?flow=<x>"),
            Route::Start(FlowPurpose::PasswordReset)
        );
        assert_eq!(
            Route::parse("/nope/code?flow=a"),
            Route::NotFound("/nope/code".into())
        );
        assert_eq!(
            Route::parse("/some/client/route"),
            Route::NotFound("/some/client/route".into())
        );
    }

    #[test]
    fn only_same_origin_paths_outside_the_api_are_routed() {
        assert!(is_internal_href("/reset"));
        assert!(!is_internal_href("//evil.example/reset"));
        assert!(!is_internal_href("https://example.com/"));
        assert!(!is_internal_href("/api/health"));
        assert!(!is_internal_href("#content"));
    }
}
