//! Rebuilds the server when a migration is added or changed: `sqlx::migrate!` embeds the files
//! under `migrations/` at compile time, and Cargo would not otherwise look at them.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
