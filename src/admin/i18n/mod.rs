//! The portal's message catalogs: every text of the admin pages, in English (`en.rs`) and
//! French (`fr.rs`).
//!
//! The language itself is the shared [`sspr_web::i18n::I18n`] context (browser language, footer
//! switcher), so the footer and the portal switch together; only the texts are the portal's, so
//! the customer bundle never carries them. A catalog that misses a text does not compile.

mod en;
mod fr;

use leptos::prelude::Get;
use sspr_web::i18n::{use_i18n, Locale};

/// The catalog of `locale`.
pub fn messages(locale: Locale) -> &'static AdminMessages {
    match locale {
        Locale::En => &en::MESSAGES,
        Locale::Fr => &fr::MESSAGES,
    }
}

/// A text of the catalog, named by a function from the catalog to it: `|m| m.sign_in`.
pub type AText = fn(&'static AdminMessages) -> &'static str;

/// The text `text` in the current language, as a reactive view or attribute value.
pub fn at(text: AText) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || text(messages(i18n.locale().get()))
}

/// The current catalog (reactive).
pub fn catalog() -> &'static AdminMessages {
    messages(use_i18n().locale().get())
}

macro_rules! catalog {
    ($($field:ident),* $(,)?) => {
        /// Every text of the portal, one field per text.
        #[derive(Debug)]
        pub struct AdminMessages {
            $(pub $field: &'static str,)*
        }
    };
}

catalog! {
    // The frame, navigation and shared words
    skip_to_content, portal_name, nav_label, nav_overview, nav_methods, nav_reset_policy,
    nav_external, nav_users, nav_groups, nav_audit, nav_user_flows, signed_in_as, sign_out,
    loading, load_failed, try_again, save, saved, yes, no, next, previous, not_found_title, not_found_body,
    go_overview, role_global_administrator, role_authentication_policy_administrator,
    role_user_administrator, role_reader, role_label, default_badge, search, until,
    actions_title,
    // Overview, setup and sign-in
    overview_title, overview_intro, setup_title, setup_intro, setup_no_token, setup_email,
    setup_name, setup_password_hint, setup_submit, enrol_title, enrol_intro, enrol_qr_label,
    enrol_secret, enrol_uri, enrol_code, enrol_code_hint, enrol_submit, enrol_done,
    sign_in_title, sign_in_intro, email_label, code_label, code_hint, sign_in, signed_out,
    session_expired,
    // Errors
    err_email, err_password, err_name, err_code, err_forbidden, read_only, err_setup_invalid,
    err_credentials, err_not_found, err_flow_name, err_group_name, err_range,
    // Authentication methods and external identities
    methods_title, methods_intro, col_method, col_target, col_enabled, method_email, method_sms,
    method_voice, method_software_oath, method_authenticator, method_fido2, method_tap,
    method_other, method_password, method_security_questions, state_always_on,
    questions_policy_note, methods_builtin_note, target_all, target_none, target_group, target_groups, target_select, back_to_methods,
    settings_suffix, enable, include_legend, include_groups, exclude_legend, email_settings,
    passcode_length, passcode_length_hint, passcode_lifetime, passcode_lifetime_hint,
    guest_passcode_lifetime, guest_passcode_lifetime_hint, passcode_attempts,
    passcode_attempts_hint, allow_external, allow_external_hint, phone_settings,
    usable_for_sign_in, usable_for_sign_in_hint, office_phone_allowed, office_phone_allowed_hint,
    software_oath_enabled, software_oath_enabled_hint,
    allowed_countries, allowed_countries_hint, sends_per_number, sends_per_number_hint,
    sends_per_day, sends_per_day_hint, external_intro,
    guest_otp_title, guest_otp_question, invite_title, invite_name, invite_redirect,
    invite_redirect_hint, invite_send, invite_submit, invite_link, invite_resend,
    reset_redemption, invitations_title, invitations_none, done_invited, done_resent,
    done_redemption_reset, methods_required, methods_available, col_methods,
    // Password reset policy
    reset_policy_title, reset_policy_intro, sspr_enabled_for, scope_none, scope_group,
    scope_all, sspr_group, choose_group, reset_method_email, reset_method_mobile,
    reset_method_office, reset_method_questions, reset_method_app, notify_users, notify_admins,
    notify_unlock, notify_disable, notify_method_change,
    require_registration, reconfirm_days, reconfirm_hint, snooze_days, snooze_hint, questions_legend,
    questions_to_register, questions_to_register_hint, questions_to_reset,
    questions_to_reset_hint, custom_questions, custom_questions_hint,
    // User flows
    user_flows_intro, user_flow_new, user_flow_title, user_flow_delete, back_to_user_flows,
    col_provider, col_sspr, col_applications, provider_email_password, provider_email_otp,
    attributes_legend, attr_display_name, attr_given_name, attr_surname, attr_city,
    attr_country, attr_job_title, attr_postal_code, attr_state, attr_street_address, flow_sspr,
    flow_sspr_hint, flow_apps_note,
    // App registrations
    nav_apps, apps_intro, app_new, app_name, app_client_id, app_user_flow, app_web_uris,
    app_spa_uris, app_uris_hint, app_register, apps_none, col_redirect_uris, col_secrets,
    app_secret_add, app_secret_shown, app_delete, done_app_registered, done_app_deleted,
    done_secret_added, err_app_name,
    // Users, groups and the audit log
    audit_show_detail, users_title, users_intro, users_search, users_none, user_title,
    back_to_users, col_name, col_email, col_type, col_status, col_last_sign_in, col_created,
    col_password_changed, col_redemption, col_reregistration, col_started, col_last_seen,
    col_device, col_ip, col_description, col_members, col_time, col_outcome, col_actor,
    col_subject, col_detail, status_active, status_locked, status_disabled, type_member,
    type_guest, redemption_redeemed, redemption_pending, action_unlock, action_revoke,
    action_disable, action_enable, action_reregister, action_reset, done_unlock, done_revoke,
    done_disable, done_enable, done_reregister, done_reset, sessions_title, sessions_none,
    groups_intro, groups_none, group_title, group_new, group_create, group_delete,
    back_to_groups, members_none, member_add_title, member_add, member_remove,
    done_group_created, done_member_added, done_member_removed, audit_intro, audit_filters,
    audit_user, audit_event, audit_any, outcome_success, outcome_failure, outcome_suppressed,
    audit_from, audit_to,
    audit_apply, audit_csv, audit_none, audit_older, audit_newest, user_methods_title,
    user_methods_none, col_added, method_delete, done_method_deleted, kind_app,
    kind_alternate_email, kind_questions, kind_email, kind_mobile_phone, kind_push,
    kind_alternate_phone, kind_office_phone,
    // API tokens
    nav_api_tokens, tokens_intro, token_new, token_days, token_days_hint, token_create, token_secret, token_revoke, token_revoked, tokens_none, col_expires, col_last_used, done_token_created, done_token_revoked, err_token_name,
    // Administrators
    nav_admins, admins_intro, admin_new, admin_add, admin_setup_link, admin_link_expires, admin_set_up, admin_pending,
    done_admin_added, err_admin_exists,
    // Company branding
    nav_branding, branding_title, branding_intro, branding_colour, branding_colour_hint, branding_logo, branding_logo_hint, branding_sign_in_text, branding_username_hint, branding_forgot_text, branding_theme, branding_theme_default, branding_preview_light, branding_preview_dark, branding_contrast_low, branding_language, branding_language_default, branding_language_fr, branding_language_hint, branding_square_logo, branding_square_logo_hint, branding_background_image, branding_background_image_hint, branding_file_type, branding_file_size, branding_file_pixels, branding_file_empty, branding_file_svg, branding_file_unreadable, branding_privacy_text, branding_privacy_url, branding_terms_text, branding_terms_url, branding_url_hint, branding_css, branding_css_hint, branding_css_refused, preview_sign_in, preview_email, preview_forgot, preview_next,
    // Custom CSS refused: the rule broken
    css_on_line, css_not_utf8, css_too_large, css_at_rule, css_media_without_block,
    css_media_function, css_attribute_selector, css_unknown_class, css_pseudo,
    css_element_selector, css_id_selector, css_selector_token, css_rule_without_block,
    css_declaration_expected, css_unknown_token, css_property, css_function, css_nested_rule,
    css_unclosed, css_foreign_url,
    // Reports
    nav_reports, nav_report_usage, nav_report_registration, nav_report_sign_ins, nav_report_audits, report_filters, report_none, registration_intro, col_sspr_registered, col_sspr_enabled, col_sspr_capable, col_mfa_registered, usage_intro, usage_period, usage_7_days, usage_30_days, usage_totals, usage_resets, usage_unlocks, usage_started, usage_completed, usage_abandoned, usage_day, usage_chart_summary, usage_show_table, usage_methods, usage_methods_summary, usage_succeeded, usage_failed, sign_ins_intro, sign_in_unknown_account, sign_in_locked, sign_in_disabled, sign_in_wrong_credentials, sign_in_failed_because, method_session, col_application, audits_intro, col_activity, col_category,
    // Directory audits: activities, categories and the types of what changed
    activity_admin_create, activity_admin_reset_sign_in, activity_api_token_create,
    activity_api_token_revoke, activity_application_create, activity_application_update,
    activity_application_delete, activity_application_add_password,
    activity_application_remove_password, activity_authentication_method,
    activity_authentication_methods_policy, activity_password_reset_policy, activity_branding,
    activity_branding_localization_deleted, activity_group_create, activity_group_update,
    activity_group_delete, activity_group_member_add, activity_group_member_remove,
    activity_guest_invite, activity_guest_resend_invitation, activity_guest_reset_redemption,
    activity_user_unlock, activity_user_disable, activity_user_enable,
    activity_user_revoke_sessions, activity_user_require_reregistration,
    activity_user_reset_password, activity_user_delete_method, activity_user_flow_create,
    activity_user_flow_update, activity_user_flow_delete, category_application_management,
    category_directory_management, category_group_management, category_policy,
    category_role_management, category_user_management, resource_administrator,
    resource_api_token, resource_application, resource_policy, resource_branding,
    resource_group, resource_user, resource_user_flow, resource_other,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_fills_every_text() {
        for locale in Locale::ALL {
            let debug = format!("{:?}", messages(*locale));
            assert!(!debug.contains(": \"\""), "{locale:?} has an empty text");
        }
    }

    #[test]
    fn french_punctuation_is_not_left_alone_at_a_line_start() {
        // French puts a space before ? : ; ! — a no-break one, so the sign cannot wrap alone.
        let debug = format!("{:?}", messages(Locale::Fr));
        for sign in [" ?", " :", " ;", " !"] {
            assert!(!debug.contains(sign), "a plain space before {sign:?}");
        }
    }
}
