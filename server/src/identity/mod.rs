//! The identity use-cases: what happens when a customer starts a flow, types a passcode, signs
//! in, changes a password. Each function takes the parsed request, runs the domain rules against
//! the store inside a transaction, queues mail and audit records, and returns what the handler
//! should answer. Handlers (`routes/`) stay thin.
//!
//! [`flows`] (one file per step), [`access`] ("Can't access your account?" and its on-screen
//! verification code), [`admission`] (gathers what `domain::admission` weighs),
//! [`sign_in`], [`sessions`], [`account`], [`invitations`] (the guest invitation core, shared by
//! the portal, Graph and the command line), [`limits`] (rate limits per client address),
//! [`user_flow`] (the customer side of user flows), [`security_info`] (the methods a user
//! registers to prove who they are).

pub mod access;
pub mod account;
pub mod admission;
pub mod flows;
pub mod invitations;
pub mod limits;
pub mod push_device;
pub mod registration;
pub mod security_info;
pub mod sessions;
pub mod sign_in;
pub mod user_flow;
