//! Message catalogs: every text a person reads comes from here.
//!
//! A catalog is a `Messages` value in its own file (`en.rs`, `fr.rs`). Because it is a struct,
//! a catalog that misses a text does not compile. To add a language: copy `en.rs`, translate it,
//! add a variant to [`Locale`] and a line to [`Locale::messages`] and [`Locale::ALL`].
//! The locale is taken at start from `?ui_locales=` when a link carries it (OpenID Connect's
//! parameter, which the sign-in provider passes on from the application), else from the
//! browser's languages; it can be switched in the footer.

mod en;
mod fr;

use leptos::prelude::*;

/// The languages the SPA speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    En,
    Fr,
}

impl Locale {
    /// Every locale, in the order the language switcher lists them.
    pub const ALL: &'static [Locale] = &[Locale::En, Locale::Fr];

    /// The catalog of this locale.
    pub fn messages(self) -> &'static Messages {
        match self {
            Locale::En => &en::MESSAGES,
            Locale::Fr => &fr::MESSAGES,
        }
    }

    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// The first supported locale among `preferred` (browser language tags), else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Locale {
        preferred
            .into_iter()
            .find_map(|tag| {
                let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
                Locale::ALL.iter().copied().find(|l| l.tag() == primary)
            })
            .unwrap_or(Locale::En)
    }
}

/// Every text of the SPA, one field per text.
#[derive(Debug)]
pub struct Messages {
    pub language_name: &'static str,
    pub language_label: &'static str,
    pub skip_to_content: &'static str,
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub go_home: &'static str,
    pub error_title: &'static str,
    pub error_body: &'static str,
    pub reload: &'static str,
    pub status_checking: &'static str,
    pub status_ok: &'static str,
    pub status_unavailable: &'static str,
    pub status_unreachable: &'static str,
    pub request_id: &'static str,
    pub sign_in: &'static str,
    pub sign_up: &'static str,
    pub next: &'static str,
    pub back: &'static str,
    pub send_code: &'static str,
    pub verify: &'static str,
    pub resend: &'static str,
    pub resend_in: &'static str,
    pub seconds: &'static str,
    pub reset_password: &'static str,
    pub forgot_password: &'static str,
    pub start_again: &'static str,
    pub try_again: &'static str,
    pub sign_out: &'static str,
    pub revoke: &'static str,
    pub change: &'static str,
    pub show_password: &'static str,
    pub hide_password: &'static str,
    pub show: &'static str,
    pub hide: &'static str,
    pub working: &'static str,
    pub email_label: &'static str,
    pub password_label: &'static str,
    pub new_password_label: &'static str,
    pub confirm_password_label: &'static str,
    pub display_name_label: &'static str,
    pub attr_given_name: &'static str,
    pub attr_surname: &'static str,
    pub attr_city: &'static str,
    pub attr_country: &'static str,
    pub attr_job_title: &'static str,
    pub attr_postal_code: &'static str,
    pub attr_state: &'static str,
    pub attr_street_address: &'static str,
    pub attribute_required: &'static str,
    pub reset_off: &'static str,
    pub code_label: &'static str,
    pub email_invalid: &'static str,
    pub password_required: &'static str,
    pub name_required: &'static str,
    pub code_invalid: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_intro: &'static str,
    pub password_title: &'static str,
    pub no_account: &'static str,
    pub use_code_instead: &'static str,
    pub cant_access: &'static str,
    pub access_intro: &'static str,
    pub access_choose: &'static str,
    pub access_forgot: &'static str,
    pub access_locked: &'static str,
    pub access_choice_missing: &'static str,
    pub captcha_title: &'static str,
    pub captcha_alt: &'static str,
    pub captcha_label: &'static str,
    pub captcha_hint: &'static str,
    pub captcha_listen: &'static str,
    pub captcha_new: &'static str,
    pub captcha_missing: &'static str,
    pub err_captcha_required: &'static str,
    pub err_captcha_invalid: &'static str,
    pub reset_title: &'static str,
    pub reset_intro: &'static str,
    pub sign_up_title: &'static str,
    pub sign_up_intro: &'static str,
    pub passwordless_title: &'static str,
    pub passwordless_intro: &'static str,
    pub guest_title: &'static str,
    pub guest_intro: &'static str,
    pub unlock_title: &'static str,
    pub unlock_intro: &'static str,
    pub code_title: &'static str,
    pub code_sent_to: &'static str,
    pub code_hint: &'static str,
    pub code_resent: &'static str,
    pub code_to_alternate: &'static str,
    pub code_alternate_sent: &'static str,
    pub new_password_title: &'static str,
    pub details_title: &'static str,
    pub profile_title: &'static str,
    pub unlock_choice_title: &'static str,
    pub unlock_choice_intro: &'static str,
    pub unlock_keep: &'static str,
    pub unlock_reset: &'static str,
    pub unlocked: &'static str,
    pub policy_title: &'static str,
    pub rule_length: &'static str,
    pub rule_context: &'static str,
    pub rule_common: &'static str,
    pub rule_match: &'static str,
    pub rule_met: &'static str,
    pub rule_unmet: &'static str,
    pub strength_label: &'static str,
    pub strength_0: &'static str,
    pub strength_1: &'static str,
    pub strength_2: &'static str,
    pub strength_3: &'static str,
    pub strength_4: &'static str,
    pub err_credentials: &'static str,
    pub err_code_wrong: &'static str,
    pub err_tries_left: &'static str,
    pub err_code_dead: &'static str,
    pub err_flow_gone: &'static str,
    pub err_wrong_step: &'static str,
    pub err_throttled: &'static str,
    pub err_network: &'static str,
    pub err_server: &'static str,
    pub err_password_policy: &'static str,
    pub err_password_common: &'static str,
    pub err_mismatch: &'static str,
    pub err_invitation: &'static str,
    pub err_disabled_method: &'static str,
    pub err_signed_out: &'static str,
    pub err_not_found: &'static str,
    pub err_method_not_allowed: &'static str,
    pub err_invalid_json: &'static str,
    pub err_unsupported_media_type: &'static str,
    pub err_payload_too_large: &'static str,
    pub err_validation_failed: &'static str,
    pub err_database_unavailable: &'static str,
    pub err_csrf_failed: &'static str,
    pub err_forbidden: &'static str,
    pub err_session_not_found: &'static str,
    pub err_admin_setup_invalid: &'static str,
    pub err_admin_exists: &'static str,
    pub err_group_exists: &'static str,
    pub err_group_reserved: &'static str,
    pub err_group_in_use: &'static str,
    pub err_invalid_cursor: &'static str,
    pub err_invalid_filter: &'static str,
    pub err_user_flow_in_use: &'static str,
    pub err_reauthentication_required: &'static str,
    pub err_last_reset_method: &'static str,
    pub err_more_methods_required: &'static str,
    pub err_invalid_answers: &'static str,
    pub err_timeout: &'static str,
    pub different_email: &'static str,
    pub load_failed: &'static str,
    pub account_title: &'static str,
    pub signed_in_as: &'static str,
    pub methods_title: &'static str,
    pub method_email: &'static str,
    pub method_password: &'static str,
    pub sessions_title: &'static str,
    pub this_session: &'static str,
    pub started: &'static str,
    pub loading: &'static str,
    pub security_info_title: &'static str,
    pub security_info_link: &'static str,
    pub change_password_link: &'static str,
    pub change_password_title: &'static str,
    pub no_password_to_change: &'static str,
    pub current_password_label: &'static str,
    pub current_password_wrong: &'static str,
    pub password_changed_done: &'static str,
    pub security_info_intro: &'static str,
    pub back_to_account: &'static str,
    pub method_added: &'static str,
    pub method_deleted: &'static str,
    pub kind_app: &'static str,
    pub kind_alternate_email: &'static str,
    pub kind_questions: &'static str,
    pub col_method: &'static str,
    pub col_detail: &'static str,
    pub col_added: &'static str,
    pub col_last_used: &'static str,
    pub col_actions: &'static str,
    pub delete: &'static str,
    pub proof_title: &'static str,
    pub proof_intro: &'static str,
    pub proof_send: &'static str,
    pub proof_app_code: &'static str,
    pub confirm: &'static str,
    pub add_method: &'static str,
    pub choose_method: &'static str,
    pub add: &'static str,
    pub app_intro: &'static str,
    pub app_qr_label: &'static str,
    pub app_secret: &'static str,
    pub app_code: &'static str,
    pub alternate_email_label: &'static str,
    pub kind_mobile_phone: &'static str,
    pub kind_alternate_phone: &'static str,
    pub kind_office_phone: &'static str,
    pub phone_extension_label: &'static str,
    pub phone_extension_hint: &'static str,
    pub phone_call_only: &'static str,
    pub phone_number_label: &'static str,
    pub phone_number_hint: &'static str,
    pub phone_delivery_legend: &'static str,
    pub phone_delivery_sms: &'static str,
    pub phone_delivery_voice: &'static str,
    pub phone_code_hint: &'static str,
    pub phone_invalid: &'static str,
    pub phone_delivery_off: &'static str,
    /// A number refused for an alternate or office phone (called, so a landline will do).
    pub phone_call_invalid: &'static str,
    /// An office phone's extension that is not 1 to 10 digits.
    pub phone_extension_invalid: &'static str,
    pub questions_intro: &'static str,
    pub question_label: &'static str,
    /// The built-in security questions, in the order of
    /// [`sspr_api::security_info::BUILT_IN_QUESTIONS`] ([`question_in`]).
    pub built_in_questions: [&'static str; 12],
    pub answer_label: &'static str,
    pub save: &'static str,
    pub guest_badge: &'static str,
    pub more_title: &'static str,
    pub more_intro: &'static str,
    pub more_intro_unlock: &'static str,
    pub more_choose: &'static str,
    pub more_choose_one: &'static str,
    pub more_app_label: &'static str,
    pub more_app_hint: &'static str,
    pub more_app_wrong: &'static str,
    pub more_questions_intro: &'static str,
    pub more_answer_required: &'static str,
    pub more_disabled: &'static str,
    pub more_none: &'static str,
    pub more_one_more: &'static str,
    pub more_phone_text: &'static str,
    pub more_phone_call: &'static str,
    pub more_alternate_phone_call: &'static str,
    pub more_office_phone_call: &'static str,
    pub more_phone_send_text: &'static str,
    pub more_phone_send_call: &'static str,
    pub more_phone_code: &'static str,
    pub more_phone_first: &'static str,
    pub err_registration_incomplete: &'static str,
    pub err_skip_not_allowed: &'static str,
    pub reg_title: &'static str,
    pub reg_intro: &'static str,
    pub reg_again_intro: &'static str,
    pub reg_skip: &'static str,
    pub reg_skips_left: &'static str,
    pub reg_done_intro: &'static str,
    pub reg_done: &'static str,
    pub reconfirm_title: &'static str,
    pub reconfirm_intro: &'static str,
    pub looks_good: &'static str,
    pub change_methods: &'static str,
    pub kind_push: &'static str,
    pub push_pair_intro: &'static str,
    pub push_pair_qr_label: &'static str,
    pub push_pair_link: &'static str,
    pub push_pair_done: &'static str,
    pub push_pair_waiting: &'static str,
    pub push_send: &'static str,
    pub push_number_intro: &'static str,
    pub push_waiting: &'static str,
    pub push_denied: &'static str,
    pub push_wrong_number: &'static str,
    pub push_expired: &'static str,
}

/// The current locale, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    /// Changed only by [`I18n::choose`], which keeps the API's language with it.
    locale: RwSignal<Locale>,
}

impl I18n {
    /// The current catalog (reactive: reading it in a view re-renders on a language switch).
    pub fn t(&self) -> &'static Messages {
        self.locale.get().messages()
    }

    /// The current locale (reactive).
    pub fn locale(&self) -> ReadSignal<Locale> {
        self.locale.read_only()
    }

    /// Switches the page to `locale`: its texts, `<html lang>`, and the language the API hears.
    pub fn choose(&self, locale: Locale) {
        CHOSEN.with(|chosen| chosen.set(locale.tag()));
        self.locale.set(locale);
    }
}

thread_local! {
    /// The tag of the page's language, kept with the signal by [`provide_i18n`] and
    /// [`I18n::choose`], and read outside any reactive owner by the API's requests.
    static CHOSEN: std::cell::Cell<&'static str> = const { std::cell::Cell::new("") };
}

/// The tag of the page's language (`en`, `fr`; empty before [`provide_i18n`]). Every request
/// built by `api::http` sends it as `Accept-Language`, so the mail, notices and texts (SMS,
/// calls) a request causes speak the language the reader chose, not only the browser's.
pub fn chosen_tag() -> &'static str {
    CHOSEN.with(std::cell::Cell::get)
}

/// A security question as `messages` word it: a built-in one from the catalog (the server stores
/// and sends its English text), an administrator's custom one as written.
pub fn question_in<'a>(messages: &'static Messages, question: &'a str) -> &'a str {
    sspr_api::security_info::BUILT_IN_QUESTIONS
        .iter()
        .position(|built_in| *built_in == question)
        .map_or(question, |i| messages.built_in_questions[i])
}

/// A text of the catalog, named by a function from the catalog to it: `|m| m.sign_in`.
pub type Text = fn(&'static Messages) -> &'static str;

/// The text `text` in the current language, as a reactive view or attribute value. Every use
/// shares one closure type, which keeps the wasm small.
pub fn tr(text: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || text(i18n.t())
}

/// Puts an [`I18n`] in context, starting from the browser's preferred languages, and keeps
/// `<html lang>` in step with it.
pub fn provide_i18n() {
    let start = browser_locale();
    CHOSEN.with(|chosen| chosen.set(start.tag()));
    let locale = RwSignal::new(start);
    Effect::new(move || {
        let tag = locale.get().tag();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", tag);
        }
    });
    provide_context(I18n { locale });
}

/// The [`I18n`] in context (the App always provides one).
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        locale: RwSignal::new(Locale::En),
    })
}

/// The first supported locale among the languages the page's `?ui_locales=` names (space
/// separated), then the browser's preferred languages.
pub fn browser_locale() -> Locale {
    let asked: Vec<String> = window()
        .location()
        .search()
        .ok()
        .and_then(|query| {
            query
                .trim_start_matches('?')
                .split('&')
                .find_map(|pair| pair.strip_prefix("ui_locales=").map(str::to_owned))
        })
        .map(|tags| tags.split(['+', ' ']).map(decode).collect())
        .unwrap_or_default();
    let navigator = window().navigator();
    let languages: Vec<String> = asked
        .into_iter()
        .chain(navigator.languages().iter().filter_map(|v| v.as_string()))
        .chain(navigator.language())
        .collect();
    Locale::negotiate(languages.iter().map(String::as_str))
}

/// `text` with its percent-escapes decoded.
fn decode(text: &str) -> String {
    js_sys::decode_uri_component(text)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_supported_browser_language_wins() {
        assert_eq!(Locale::negotiate(["de-DE", "fr-CA", "en"]), Locale::Fr);
        assert_eq!(Locale::negotiate(["en-GB"]), Locale::En);
        assert_eq!(Locale::negotiate(["ja"]), Locale::En);
        assert_eq!(Locale::negotiate([]), Locale::En);
    }

    #[test]
    fn every_catalog_fills_every_text() {
        for locale in Locale::ALL {
            let m = locale.messages();
            // A catalog's Debug output lists every field; none may be blank.
            let debug = format!("{m:?}");
            assert!(!debug.contains(": \"\""), "{locale:?} has an empty text");
            assert!(!debug.contains(": \" \""), "{locale:?} has a blank text");
        }
    }

    #[test]
    fn french_punctuation_is_not_left_alone_at_a_line_start() {
        // French puts a space before ? : ; ! — a no-break one, so the sign cannot wrap alone.
        let debug = format!("{:?}", Locale::Fr.messages());
        for sign in [" ?", " :", " ;", " !"] {
            assert!(!debug.contains(sign), "a plain space before {sign:?}");
        }
    }

    #[test]
    fn a_built_in_question_reads_in_the_page_language_and_a_custom_one_as_written() {
        let built_in = sspr_api::security_info::BUILT_IN_QUESTIONS[7];
        assert_eq!(question_in(Locale::En.messages(), built_in), built_in);
        assert_eq!(
            question_in(Locale::Fr.messages(), built_in),
            "Quel était le nom de votre premier animal de compagnie\u{a0}?"
        );
        let custom = "What was the name of the ship?";
        assert_eq!(question_in(Locale::Fr.messages(), custom), custom);
        for (i, question) in Locale::Fr.messages().built_in_questions.iter().enumerate() {
            assert!(
                question.ends_with('?'),
                "French question {i} is not a question"
            );
        }
    }
}
