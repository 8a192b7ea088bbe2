//! What the SPA remembers between the screens of one visit: the email typed on the first page
//! (so no step asks for it twice), where to return when done, and a notice for the next page.
//! Nothing here is stored beyond the tab's life; the server holds the flows themselves.

use crate::i18n::Text;
use crate::router::{Route, Router};
use leptos::prelude::*;

#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// The email address as typed.
    pub email: RwSignal<String>,
    /// The `return_to` the visit started with (`?return_to=…` on the first page).
    pub return_to: StoredValue<Option<String>>,
    /// A confirmation to show on the next page ("your account is unlocked").
    pub notice: RwSignal<Option<Text>>,
}

/// Puts a [`Memory`] in context, taking `return_to` from the URL the visit started at, and the
/// email when the link carries one (`/reset?email=…`, as in the reset mail an administrator
/// sends), so the first page comes filled in.
pub fn provide_memory() {
    let query = window().location().search().unwrap_or_default();
    let param = |name: &str| {
        query
            .trim_start_matches('?')
            .split('&')
            .find_map(|pair| pair.strip_prefix(name).map(decode))
            .filter(|v| !v.is_empty())
    };
    provide_context(Memory {
        email: RwSignal::new(param("email=").unwrap_or_default()),
        return_to: StoredValue::new(param("return_to=")),
        notice: RwSignal::new(None),
    });
}

pub fn use_memory() -> Memory {
    expect_context::<Memory>()
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
