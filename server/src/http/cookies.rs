//! The two cookies: the session (`__Host-sspr_session`) and the flow binding
//! (`__Host-sspr_flow`), which ties self-service flows to the browser that started them so a
//! leaked flow id is useless elsewhere.
//!
//! Both are HttpOnly, SameSite=Lax, Path=/, no Domain, and Secure with the `__Host-` prefix —
//! except in development mode over plain http, where browsers would refuse them.

use axum::http::{header, HeaderMap, HeaderValue};

pub const SESSION: &str = "sspr_session";
pub const FLOW_BINDING: &str = "sspr_flow";

/// The cookie's name as sent: `__Host-<name>` when cookies are secure.
pub fn name(base: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// The value of cookie `base` in the request, if present.
pub fn read(headers: &HeaderMap, base: &str, secure: bool) -> Option<String> {
    let wanted = name(base, secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == wanted)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// A `Set-Cookie` value; `max_age_secs` 0 deletes the cookie.
pub fn set(base: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure_attr = if secure { "; Secure" } else { "" };
    let text = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure_attr}",
        name(base, secure)
    );
    HeaderValue::from_str(&text).expect("cookie values are base64url")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secure_cookies_carry_the_host_prefix_and_every_attribute() {
        let v = set(SESSION, "abc", 86_400, true);
        assert_eq!(
            v.to_str().expect("ascii"),
            "__Host-sspr_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400; Secure"
        );
        assert!(!v.to_str().expect("ascii").contains("Domain"));
    }

    #[test]
    fn cookies_are_read_by_their_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("sspr_session=plain; __Host-sspr_session=secure"),
        );
        assert_eq!(read(&headers, SESSION, true).as_deref(), Some("secure"));
        assert_eq!(read(&headers, SESSION, false).as_deref(), Some("plain"));
        assert_eq!(read(&headers, FLOW_BINDING, true), None);
    }
}
