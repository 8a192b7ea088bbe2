//! The smallest Leptos app worth the name — one button, one signal, one reactive text — built
//! like the customer pages (`wasm-release` profile, wasm-bindgen, `wasm-opt -Oz`) by
//! `cargo xtask size --floor`. Its size is what any Leptos 0.8 page pays before it does anything
//! of its own.

use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| {
        let count = RwSignal::new(0);
        view! {
            <button on:click=move |_| count.update(|n| *n += 1)>
                {move || if count.get() > 2 { "many" } else { "few" }}
            </button>
        }
    });
}
