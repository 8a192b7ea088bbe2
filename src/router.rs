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
use wasm_bindgen::JsCast;

/// Every screen of the SPA. Adding a screen: a variant here, its path in [`Route::parse`] and
/// [`Route::path`], and its page in `app.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    NotFound(String),
}

impl Route {
    /// The route a URL path names (query and fragment ignored).
    pub fn parse(path: &str) -> Route {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let trimmed = path.trim_end_matches('/');
        match trimmed {
            "" => Route::Home,
            _ => Route::NotFound(path.to_owned()),
        }
    }

    /// The URL path of this route.
    pub fn path(&self) -> String {
        match self {
            Route::Home => "/".to_owned(),
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

/// The [`Router`] in context.
pub fn use_router() -> Router {
    use_context::<Router>().unwrap_or_else(|| Router {
        location: RwSignal::new(current_location()),
    })
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
        assert_eq!(Route::parse("/"), Route::Home);
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(Route::parse("/?lang=fr"), Route::Home);
        assert_eq!(Route::Home.path(), "/");
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
