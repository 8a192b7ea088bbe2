//! Administrators (SPEC §4 A1, SECURITY.md §23, §24, §31): accounts apart from customers, each
//! with one role, a password and an authenticator app.
//!
//! There is no default account. The first global administrator is created with a one-time
//! bootstrap token ([`bootstrap`]), issued by `sspr-server bootstrap-admin` or logged once at
//! the first start on an empty database, and usable only while no administrator exists. Later
//! administrators are created by a global administrator, which issues a setup token for the new
//! account; the same endpoint redeems both kinds of token. Every sign-in needs the password and
//! a current TOTP code ([`sign_in`]); sessions live 12 h at most and end after 15 min idle
//! ([`sessions`]); every admin endpoint names the [`Permission`] it needs (the role table is
//! [`sspr_api::AdminRole::allows`], shared with the portal).
//!
//! The directory: [`users`] (search, detail, unlock, revoke sessions, disable, re-registration,
//! admin-started reset), [`groups`] and their members, and the [`audit_log`] view and export,
//! all paged by keyset ([`paging`]); every change is recorded by [`audit::record_change`].
//!
//! Also: the administrators' list ([`admins`]), resetting another administrator's sign-in
//! ([`sign_in_reset`]), API tokens for scripts ([`api_tokens`]) and the
//! [`Principal`] a Graph call acts as, the methods and reset [`policies`], [`guests`] and their
//! invitations, [`user_flows`], and the company [`branding`].

pub mod admins;
pub mod api_tokens;
pub mod applications;
pub mod audit;
pub mod audit_log;
pub mod bootstrap;
pub mod branding;
pub mod groups;
pub mod guests;
pub mod paging;
pub mod policies;
pub mod principal;
pub mod reports;
pub mod sessions;
pub mod sign_in;
pub mod sign_in_reset;
pub mod user_flows;
pub mod user_methods;
pub mod users;

pub use principal::Principal;
pub use sessions::AdminSession;
pub use sspr_api::Permission;
