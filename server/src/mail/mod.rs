//! Mail: what is sent (templates for flows, [`notices`] for security notifications), how it
//! waits (the outbox table), and how it leaves (SMTP, or the development outbox).
//!
//! Requests never talk to a mail server. A handler writes the message, sealed, into the outbox
//! in the same transaction as the change it reports, then wakes the [`worker`]; the worker sends
//! it and retries with back-off until it succeeds, so a mail server outage delays mail but loses
//! none. After sending, the sealed body is deleted: the database keeps no passcode.

pub mod dev_outbox;
pub mod look;
pub mod notices;
pub mod outbox;
pub mod templates;
pub mod transport;
pub mod worker;

pub use outbox::Outbox;
pub use templates::Mail;
