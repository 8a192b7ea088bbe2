//! User flows (SPEC §4 A5, §3 C1/C4): sign-up-and-sign-in flows that decide, per application,
//! how customers sign up and sign in — email with password or email one-time passcode, the
//! attributes collected at sign-up, whether SSPR is offered — and where they may be sent back.
//!
//! [`manage`] is the administrators' side (every change audited), [`customer`] the checks the
//! self-service endpoints make for the application a request names, [`validate`] the rules of a
//! flow's settings. The flow `default` serves requests that name no application, so a service
//! without applications behaves as before user flows existed.

pub mod customer;
pub mod manage;
pub mod validate;

pub use customer::{admit, admit_password_sign_in, follow, save_sign_up_attributes, Followed};
