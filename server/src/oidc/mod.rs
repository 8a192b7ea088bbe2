//! The OpenID Connect provider (issue 14): the organisation's applications sign their users in
//! here with the authorization code flow (OpenID Connect Core 1.0, RFC 6749, RFC 7636, RFC
//! 9700, RFC 9207), and get ID tokens and RFC 9068 access tokens signed with [`keys`].
//!
//! [`authorize`] checks a request and either answers it at once (a live session) or keeps it
//! while the user goes through the customer pages, which come back to its resume address;
//! [`token`] redeems codes and refresh tokens; [`userinfo`], [`revoke`] and [`logout`] are the
//! other endpoints, [`discovery`] describes them all. The rules free of HTTP and SQL are
//! `domain::oidc`; the tables `store::oidc` and `store::signing_keys`.

pub mod keys;
