//! The few pages the provider shows itself, outside the SPA: an error that cannot be sent to
//! the application (an unknown client, an unregistered redirect URI, an expired sign-in) and
//! the "signed out" page of a logout without a return address, and the question a logout asks
//! first when it cannot tell the signed-in user asked for it. Plain HTML, no script, with the
//! theme's stylesheet.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// A page to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub status: StatusCode,
    pub title: &'static str,
    pub message: String,
    /// A button-styled link under the message: its address and its label.
    pub action: Option<(String, &'static str)>,
}

impl Page {
    /// A 400 page: the sign-in cannot go on.
    pub fn error(message: &str) -> Self {
        Page {
            status: StatusCode::BAD_REQUEST,
            title: "Sign-in stopped",
            message: message.to_owned(),
            action: None,
        }
    }

    /// A 200 page: the user is signed out.
    pub fn signed_out() -> Self {
        Page {
            status: StatusCode::OK,
            title: "Signed out",
            message: "You are signed out. You can close this window.".to_owned(),
            action: None,
        }
    }

    /// A 200 page: does the user signed in as `email` want to sign out? `link` signs them out.
    pub fn confirm_sign_out(email: &str, link: String) -> Self {
        Page {
            status: StatusCode::OK,
            title: "Sign out?",
            message: format!(
                "You are signed in as {email}. An application asked to sign you out: sign out only if you meant to."
            ),
            action: Some((link, "Sign out")),
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let html = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title><link rel=\"stylesheet\" href=\"/theme.css\"></head>\
             <body><main><h1>{title}</h1><p>{message}</p>{action}</main></body></html>",
            title = escape(self.title),
            message = escape(&self.message),
            action = self
                .action
                .map_or_else(String::new, |(href, label)| format!(
                    "<p><a class=\"button button--primary\" href=\"{}\">{}</a></p>",
                    escape(&href),
                    escape(label)
                )),
        );
        let mut response = (self.status, Html(html)).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}
