//! The companion authenticator app (issue 13, SPEC C8): a third wasm bundle, served under
//! `/authenticator` for the browser of the phone that approves requests, installable through
//! its web app manifest.
//!
//! It pairs with an account from the single-use link the security info page shows, keeps a
//! non-extractable WebCrypto P-256 key per account in IndexedDB ([`device`]), lists the
//! requests waiting for the user and answers them with number matching, signing each call with
//! that key ([`api`], the protocol of `sspr_api::push`), and shows the account's app codes
//! (RFC 6238, `totp-rs`). It shares the customer pages' transport and language context; its
//! texts are its own ([`i18n`]).

mod api;
mod app;
mod device;
mod i18n;

fn main() {
    sspr_web::components::boot::start(app::AuthenticatorApp);
}
