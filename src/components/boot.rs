//! `index.html` paints a static frame — header, a card with a spinner, a `<noscript>` message —
//! so the first paint does not wait for the wasm. The app takes over by removing it before it
//! mounts. [`start`] is every bundle's `main`: the panic hook, the frame removed, the app
//! mounted.

use leptos::prelude::IntoView;

/// Removes the static frame (`#boot`) from the page, if it is there.
pub fn remove_static_frame() {
    if let Some(frame) = leptos::prelude::document().get_element_by_id("boot") {
        frame.remove();
    }
}

/// Starts a bundle: readable panic messages in the console while developing (release builds
/// show the crash screen instead), the static frame removed, and `app` mounted on `<body>`.
pub fn start<F, N>(app: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    #[cfg(not(debug_assertions))]
    crate::components::crash_screen::install();
    remove_static_frame();
    leptos::mount::mount_to_body(app);
}
