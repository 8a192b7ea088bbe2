//! Entry point of the SPA: mount [`sspr_web::App`] on `<body>`.

fn main() {
    // Readable panic messages in the console while developing. Release builds leave it out:
    // it links Rust's whole formatting machinery, several KB of the customer pages' budget.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    #[cfg(not(debug_assertions))]
    sspr_web::components::crash_screen::install();
    leptos::mount::mount_to_body(sspr_web::App);
}
