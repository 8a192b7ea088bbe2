//! A QR code drawn as SVG (dark modules as one path, a four-module quiet zone), for an
//! authenticator app to scan: the portal's administrator setup and the customer's security info
//! page both show one.

use leptos::prelude::*;

/// `text` as a QR code named `label` for screen readers, or nothing if it does not fit a QR
/// code.
pub fn qr_code(text: &str, label: &'static str) -> Option<impl IntoView> {
    let qr = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).ok()?;
    let size = qr.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let extent = (size + 8).to_string();
    let view_box = ["0 0 ", &extent, " ", &extent].concat();
    Some(view! {
        <svg class="qr" viewBox=view_box role="img" aria-label=label
            shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg">
            <rect width="100%" height="100%" class="qr__light"/>
            <path d=path class="qr__dark"/>
        </svg>
    })
}
