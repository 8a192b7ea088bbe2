//! Run-time policies administrators change: the authentication methods policy (SPEC §4 A2–A3,
//! Graph's `authenticationMethodsPolicy`) and the password reset policy (A4).
//!
//! Both live in the `policies` table, one JSON document per row (`store::policies`); a missing
//! row means the defaults, which take the configured passcode lifetimes and guest switch as
//! their initial values. A change made on one instance holds on every instance sharing the
//! database from the next request on: the documents a flow reads on every request are held in
//! memory only as long as the database's settings version says they are current
//! ([`admin_settings`]); the rest are read when needed. [`enforce`] turns the documents into
//! what a flow may do, [`registration`] into what a user may register, [`phones`] into where
//! and how often a code may go to a phone.

pub mod admin_settings;
pub mod enforce;
pub mod methods;
pub mod phones;
pub mod registration;
pub mod reset;
