//! Entry point of the SPA: replace `index.html`'s static frame with [`sspr_web::App`].

fn main() {
    // Readable panic messages in the console while developing; release builds show the crash
    // screen instead.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    #[cfg(not(debug_assertions))]
    sspr_web::components::crash_screen::install();
    sspr_web::components::boot::remove_static_frame();
    leptos::mount::mount_to_body(sspr_web::App);
}
