//! The identity rules, free of HTTP and SQL: what a passcode is, how passwords are hashed, which
//! flow step may follow which, how long a lockout lasts, where a user may be sent back to.
//! Everything here is unit-tested without a server.

pub mod admission;
pub mod application;
pub mod flow;
pub mod lockout;
pub mod oidc;
pub mod passcode;
pub mod password;
pub mod return_to;
pub mod totp;
pub mod user_flow;
