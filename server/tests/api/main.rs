//! The server's integration tests: one binary, every test over real HTTP against the server on
//! port 0, each on a fresh database, on SQLite and on PostgreSQL (see `helpers`).

mod helpers;

mod errors;
mod health;
mod lifecycle;
mod spa;
