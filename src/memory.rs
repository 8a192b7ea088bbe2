//! What the SPA remembers between the screens of one visit: the email typed on the first page
//! (so no step asks for it twice), where to return when done, the application the visit came
//! from (`?client_id=…`) with its user flow, and a notice for the next page.
//! Nothing here is stored beyond the tab's life; the server holds the flows themselves.

use crate::api::{self, ApiError};
use crate::i18n::Text;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use sspr_api::{CustomerUserFlow, IdentityProvider};

#[derive(Clone, Copy)]
pub struct Memory {
    /// The email address as typed.
    pub email: RwSignal<String>,
    /// The `return_to` the visit started with (`?return_to=…` on the first page).
    pub return_to: StoredValue<Option<String>>,
    /// A confirmation to show on the next page ("your account is unlocked").
    pub notice: RwSignal<Option<Text>>,
    /// The application's client id (`?client_id=…` on the first page), sent with every flow.
    pub client_id: StoredValue<Option<String>>,
    /// Whether the security info page is part of the sign-in's registration interrupt (it then
    /// offers **Done**, which goes on to `return_to`).
    pub registering: RwSignal<bool>,
    /// The user flow the pages follow (until it has loaded, the default's behaviour).
    pub user_flow: LocalResource<Result<CustomerUserFlow, ApiError>>,
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory").finish_non_exhaustive()
    }
}

impl Memory {
    /// The user flow, once loaded (reactive).
    fn flow<T>(&self, f: impl FnOnce(Option<&CustomerUserFlow>) -> T) -> T {
        f(self.user_flow.get().and_then(Result::ok).as_ref())
    }

    /// Whether the flow signs in with an email code only (no password pages).
    pub fn passcode_only(&self) -> bool {
        self.flow(|f| f.is_some_and(|f| f.identity_provider == IdentityProvider::EmailOtp))
    }

    /// Whether the flow offers password reset (**Forgot password?**).
    pub fn sspr_enabled(&self) -> bool {
        self.flow(|f| f.is_none_or(|f| f.sspr_enabled))
    }

    /// The attributes the flow collects at sign-up (untracked; empty until loaded).
    pub fn attributes(&self) -> Vec<sspr_api::UserAttribute> {
        self.user_flow
            .get_untracked()
            .and_then(Result::ok)
            .map(|f| f.attributes)
            .unwrap_or_default()
    }
}

/// Puts a [`Memory`] in context, taking `return_to` from the URL the visit started at, and the
/// email when the link carries one (`/reset?email=…`, as in the reset mail an administrator
/// sends), so the first page comes filled in; starts loading the application's user flow.
pub fn provide_memory() {
    let client_id = param("client_id");
    let memory = Memory {
        email: RwSignal::new(param("email").unwrap_or_default()),
        return_to: StoredValue::new(param("return_to")),
        notice: RwSignal::new(None),
        registering: RwSignal::new(false),
        client_id: StoredValue::new(client_id.clone()),
        user_flow: LocalResource::new(move || api::user_flow(client_id.clone())),
    };
    provide_context(memory);
}

/// The value of `name` in the query the visit started with.
fn param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
        .filter(|v| !v.is_empty())
}

/// The [`Memory`] in context.
pub fn use_memory() -> Memory {
    expect_context::<Memory>()
}

/// Goes to `target` once a flow or sign-in is done (`/account` when the server named none): a
/// path on this origin through the router, an application URL (already checked by the server)
/// with a full navigation.
pub fn go(navigate: &impl Fn(&str, NavigateOptions), target: Option<String>) {
    let target = target.unwrap_or_else(|| "/account".to_owned());
    if is_internal_href(&target) {
        navigate(&target, NavigateOptions::default());
    } else {
        let _ = window().location().assign(&target);
    }
}

/// Whether `href` is a path on this origin that the SPA routes: not `//host`, and not the
/// server's own paths (`/api`, and `/oauth2/…`, where the sign-in provider resumes an
/// application's request), which need a full page load.
pub fn is_internal_href(href: &str) -> bool {
    let server = ["/api", "/oauth2"].iter().any(|p| {
        href == *p
            || href
                .strip_prefix(p)
                .is_some_and(|r| r.starts_with(['/', '?']))
    });
    href.starts_with('/') && !href.starts_with("//") && !server
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_origin_paths_outside_the_api_are_routed() {
        assert!(is_internal_href("/reset"));
        assert!(!is_internal_href("//evil.example/reset"));
        assert!(!is_internal_href("https://example.com/"));
        assert!(!is_internal_href("/api/health"));
        assert!(!is_internal_href("/oauth2/resume?request=x"));
        assert!(is_internal_href("/oauth2x"));
        assert!(!is_internal_href("#content"));
    }
}
