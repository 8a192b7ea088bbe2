//! Entry point of the SPA: replace `index.html`'s static frame with [`sspr_web::App`].

fn main() {
    sspr_web::components::boot::start(sspr_web::App);
}
