//! The authenticator app's message catalogs, in English (`en.rs`) and French (`fr.rs`).
//!
//! The language is the shared [`sspr_web::i18n::I18n`] context (browser language, the footer's
//! switcher); only the texts are the app's own. A catalog that misses a text does not compile.

mod en;
mod fr;

use leptos::prelude::Get;
use sspr_web::i18n::{use_i18n, Locale};

/// The catalog of `locale`.
pub fn messages(locale: Locale) -> &'static AppMessages {
    match locale {
        Locale::En => &en::MESSAGES,
        Locale::Fr => &fr::MESSAGES,
    }
}

/// A text of the catalog, named by a function from the catalog to it: `|m| m.approve`.
pub type Text = fn(&'static AppMessages) -> &'static str;

/// The text `text` in the current language, as a reactive view or attribute value.
pub fn t(text: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || text(messages(i18n.locale().get()))
}

macro_rules! catalog {
    ($($field:ident),* $(,)?) => {
        /// Every text of the authenticator app, one field per text.
        #[derive(Debug)]
        pub struct AppMessages {
            $(pub $field: &'static str,)*
        }
    };
}

catalog! {
    app_name, loading, unsupported, network, server_error,
    // Pairing
    pair_title, pair_intro, pair_button, pair_failed, paired, none_paired,
    // Accounts and app codes
    accounts_title, code_label, code_seconds, no_codes, forget,
    // Requests
    requests_title, no_requests, request_title, request_app, request_location, request_time,
    location_this_computer, location_local_network, location_unknown,
    number_label, number_hint, err_number, approve, deny, approved, denied, wrong_number,
    expired, answered_elsewhere,
}
