//! The identity use-cases: what happens when a customer starts a flow, types a passcode, signs
//! in, changes a password. Each function takes the parsed request, runs the domain rules against
//! the store inside a transaction, queues mail and audit records, and returns what the handler
//! should answer. Handlers (`routes/`) stay thin.

pub mod account;
pub mod admission;
pub mod flows;
pub mod invitations;
pub mod limits;
pub mod sessions;
pub mod sign_in;
pub mod user_flow;
