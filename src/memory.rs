//! What the SPA remembers between the screens of one visit: the email typed on the first page
//! (so no step asks for it twice), where to return when done, the application the visit came
//! from (`?client_id=…`) with its user flow, and a notice for the next page.
//! Nothing here is stored beyond the tab's life; the server holds the flows themselves.

use crate::i18n::Text;
use crate::router::{Route, Router};
use leptos::prelude::*;
use sspr_api::{CustomerUserFlow, IdentityProvider};

#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// The email address as typed.
    pub email: RwSignal<String>,
    /// The `return_to` the visit started with (`?return_to=…` on the first page).
    pub return_to: StoredValue<Option<String>>,
    /// A confirmation to show on the next page ("your account is unlocked").
    pub notice: RwSignal<Option<Text>>,
    /// The application's client id (`?client_id=…` on the first page), sent with every flow.
    pub client_id: StoredValue<Option<String>>,
    /// The user flow the pages follow, once loaded (until then, the default's behaviour).
    pub user_flow: RwSignal<Option<CustomerUserFlow>>,
}

impl Memory {
    /// Whether the flow signs in with an email code only (no password pages).
    pub fn passcode_only(&self) -> bool {
        self.user_flow.with(|f| {
            f.as_ref()
                .is_some_and(|f| f.identity_provider == IdentityProvider::EmailOtp)
        })
    }

    /// Whether the flow offers password reset (**Forgot password?**).
    pub fn sspr_enabled(&self) -> bool {
        self.user_flow
            .with(|f| f.as_ref().is_none_or(|f| f.sspr_enabled))
    }
}

/// Puts a [`Memory`] in context, taking `return_to` from the URL the visit started at, and the
/// email when the link carries one (`/reset?email=…`, as in the reset mail an administrator
/// sends), so the first page comes filled in.
pub fn provide_memory() {
    let client_id = param("client_id=");
    let memory = Memory {
        email: RwSignal::new(param("email=").unwrap_or_default()),
        return_to: StoredValue::new(param("return_to=")),
        notice: RwSignal::new(None),
        client_id: StoredValue::new(client_id.clone()),
        user_flow: RwSignal::new(None),
    };
    provide_context(memory);
    leptos::task::spawn_local(async move {
        if let Ok(flow) = crate::api::user_flow(client_id.as_deref()).await {
            memory.user_flow.set(Some(flow));
        }
    });
}

/// The value of `name` (with its `=`) in the query the visit started with.
fn param(name: &str) -> Option<String> {
    window()
        .location()
        .search()
        .ok()
        .and_then(|q| {
            q.trim_start_matches('?')
                .split('&')
                .find_map(|pair| pair.strip_prefix(name).map(decode))
        })
        .filter(|r| !r.is_empty())
}

/// The [`Memory`] in context (see [`crate::router::use_router`] on why not `expect_context`).
pub fn use_memory() -> Memory {
    use_context::<Memory>().expect("the App provides the memory")
}

/// Goes to `target` once a flow or sign-in is done: a path on this origin through `router`,
/// an application URL (already checked by the server) with a full navigation.
pub fn go(router: Router, target: Option<String>) {
    let target = target.unwrap_or_else(|| Route::Account.path());
    if crate::router::is_internal_href(&target) {
        router.navigate(&target);
    } else {
        let _ = window().location().assign(&target);
    }
}

fn decode(text: &str) -> String {
    js_sys::decode_uri_component(text)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}
