//! The identity rules, free of HTTP and SQL: whether a flow may go on and what it sends
//! ([`admission`]), which flow step may follow which and what the last one does ([`flow`]),
//! what a passcode is and how a try is judged ([`passcode`], with every passcode default),
//! the password rules and hashing ([`password`]), how long a lockout lasts ([`lockout`]),
//! authenticator codes ([`totp`]), security questions ([`security_questions`]), which methods
//! count towards a reset ([`reset_methods`]), whether a sign-in stops for security info
//! ([`registration`]), the languages spoken ([`language`]), where a user
//! may be sent back to ([`return_to`]), the rules of user flows ([`user_flow`]), and what a
//! company branding may hold ([`branding`], its images [`branding_image`] and custom CSS
//! [`branding_css`]), and the on-screen verification code of "Can't access your account?"
//! ([`captcha`]), and phone numbers: reading, masking and speaking them ([`phone`]). Everything here is unit-tested without a server.

pub mod admission;
pub mod application;
pub mod branding;
pub mod branding_css;
pub mod branding_image;
pub mod captcha;
pub mod flow;
pub mod language;
pub mod lockout;
pub mod oidc;
pub mod passcode;
pub mod password;
pub mod phone;
pub mod push;
pub mod registration;
pub mod reset_methods;
pub mod return_to;
pub mod security_questions;
pub mod totp;
pub mod user_flow;
