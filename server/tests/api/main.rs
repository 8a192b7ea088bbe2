//! The server's integration tests: one binary, every test over real HTTP against the server on
//! port 0, each on a fresh database, on SQLite and on PostgreSQL (see `helpers`).

// Shared by every test file; not each file uses every helper.
#[allow(dead_code)]
mod helpers;
#[allow(dead_code)]
mod mailbox;

mod errors;
mod health;
mod lifecycle;
mod reset;
mod spa;
