//! `index.html` paints a static frame — header, a card with a spinner, a `<noscript>` message —
//! so the first paint does not wait for the wasm. The app takes over by removing it before it
//! mounts (both bundles use this).

/// Removes the static frame (`#boot`) from the page, if it is there.
pub fn remove_static_frame() {
    if let Some(frame) = leptos::prelude::document().get_element_by_id("boot") {
        frame.remove();
    }
}
