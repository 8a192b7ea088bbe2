//! English, the reference catalog.

use super::Messages;

pub static MESSAGES: Messages = Messages {
    language_name: "English",
    language_label: "Language",
    skip_to_content: "Skip to content",
    home_title: "Welcome",
    home_intro: "Sign in to your account, create one, or reset a forgotten password yourself.",
    not_found_title: "Page not found",
    not_found_body:
        "There is no page at this address. Check the link, or start again from the home page.",
    go_home: "Go to the home page",
    error_title: "Something went wrong",
    error_body: "This page could not be shown. Please try again.",
    status_checking: "Checking the service…",
    status_ok: "Service is running",
    status_unavailable: "Service is unavailable",
    status_unreachable: "Cannot reach the service",
    reload: "Reload the page",
    request_id: "Request id",
};
