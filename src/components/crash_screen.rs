//! The last-resort error boundary: if the app panics, the page shows a sentence and a reload
//! link instead of freezing or going blank.
//!
//! A panic in wasm stops the app, so this is a panic hook that writes plain DOM. It reads no
//! signal (the reactive system may be mid-update) and formats nothing (Rust's formatting
//! machinery would cost the size budget): the texts come from the catalog of the page's
//! language, the one chosen in the footer (kept outside the reactive system, [`chosen_tag`]),
//! else the browser's. Errors a page expects — network, validation, server — are shown by the page itself.

use crate::i18n::{browser_locale, chosen_tag, Locale};
use leptos::prelude::document;

/// Installs the hook; call once, before mounting.
pub fn install() {
    std::panic::set_hook(Box::new(|_| show()));
}

fn show() {
    let locale = match chosen_tag() {
        "" => browser_locale(),
        tag => Locale::negotiate([tag]),
    };
    let t = locale.messages();
    let Some(body) = document().body() else {
        return;
    };
    let html = [
        r#"<main class="site-main"><section class="card" role="alert"><h1>"#,
        t.error_title,
        "</h1><p>",
        t.error_body,
        r#"</p><a href="/">"#,
        t.reload,
        "</a></section></main>",
    ]
    .concat();
    body.set_inner_html(&html);
}
