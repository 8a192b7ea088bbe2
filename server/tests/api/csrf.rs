//! Cross-site request forgery (SECURITY.md §29): every state change needs the `x-sspr-csrf`
//! header and, when the browser names one, this site's `Origin`; a cross-site form post is
//! refused before anything happens.

use crate::backend_tests;
use crate::helpers::{Answer, Browser, TestApp, PASSWORD};
use crate::support::{count, written_rows};
use serde_json::{json, Value};

/// Sends `method path` with a JSON `body`, `csrf` header value and `origin` as given.
async fn request(
    app: &TestApp,
    browser: &Browser,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    csrf: Option<&str>,
    origin: Option<&str>,
) -> Answer {
    let mut request = browser.client.request(method, app.url(path));
    if let Some(body) = body {
        request = request.json(&body);
    }
    if let Some(value) = csrf {
        request = request.header("x-sspr-csrf", value);
    }
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    browser.send(request).await
}

/// Every state-changing endpoint, with a body it would accept.
fn state_changes(email: &str, flow: &str) -> Vec<(reqwest::Method, String, Option<Value>)> {
    use reqwest::Method;
    vec![
        (
            Method::POST,
            "/api/flows".into(),
            Some(json!({"purpose": "password_reset", "email": email})),
        ),
        (
            Method::POST,
            format!("/api/flows/{flow}/resend"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/flows/{flow}/verify"),
            Some(json!({"code": "12345678"})),
        ),
        (
            Method::POST,
            format!("/api/flows/{flow}/complete"),
            Some(json!({"password": "x"})),
        ),
        (
            Method::POST,
            "/api/session".into(),
            Some(json!({"email": email, "password": PASSWORD})),
        ),
        (Method::DELETE, "/api/session".into(), None),
        (Method::DELETE, "/api/sessions/some-id".into(), None),
        (
            Method::POST,
            "/api/account/password".into(),
            Some(
                json!({"current_password": PASSWORD, "new_password": "a brand new passphrase 2026"}),
            ),
        ),
    ]
}

backend_tests! {
    async fn a_state_change_without_the_csrf_header_or_with_a_foreign_origin_is_refused(app) {
        let email = "target@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        app.clock.advance_ms(60_000);
        let flow = app.start_flow(&browser, "password_reset", email).await;
        let before = written_rows(&app).await;
        let cases: [(Option<&str>, Option<&str>, &str); 8] = [
            (None, Some(app.origin.as_str()), "no header"),
            (None, None, "no header, no origin"),
            (Some("0"), Some(app.origin.as_str()), "header not 1"),
            (Some(""), None, "empty header"),
            (Some("1"), Some("https://evil.example"), "foreign origin"),
            (Some("1"), Some("null"), "opaque origin"),
            (Some("1"), Some(&format!("{}/", app.origin)), "origin with a path"),
            (Some("1"), Some(&app.origin.replace("http://", "https://")), "other scheme"),
        ];
        for (method, path, body) in state_changes(email, &flow) {
            for (csrf, origin, what) in cases {
                let answer = request(&app, &browser, method.clone(), &path, body.clone(), csrf, origin).await;
                assert_eq!(answer.status, 403, "{method} {path}, {what}: {}", answer.text);
                assert_eq!(answer.code(), "csrf_failed", "{method} {path}, {what}");
                assert!(answer.set_cookies().is_empty(), "{method} {path}, {what}");
            }
        }
        assert_eq!(written_rows(&app).await, before, "nothing was written");
        // The session survived the forged sign-out and password change.
        browser.get("/api/session").await.expect_status(200);
        assert_eq!(crate::support::sign_in(&app, email, PASSWORD).await.1.status, 200);
        // And the same requests with the header and this origin pass the check.
        let answer = request(&app, &browser, reqwest::Method::DELETE, "/api/session", None, Some("1"), Some(&app.origin)).await;
        assert_eq!(answer.status, 204, "{}", answer.text);
    }

    async fn a_cross_site_text_plain_form_post_to_sign_in_is_refused(app) {
        let email = "victim@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let sessions = count(&app, "sessions").await;
        let sign_ins = count(&app, "audit_log WHERE event = 'sign_in'").await;
        // What an attacker's page can send without a preflight: a form with
        // enctype="text/plain", whose body happens to be JSON; the browser adds its Origin.
        let browser = app.browser();
        for origin in [Some("https://evil.example"), None] {
            let mut post = browser
                .client
                .post(app.url("/api/session"))
                .header("content-type", "text/plain")
                .body(format!(r#"{{"email":"{email}","password":"{PASSWORD}","x":"="}}"#));
            if let Some(origin) = origin {
                post = post.header("origin", origin);
            }
            let answer = browser.send(post).await;
            assert_eq!(answer.status, 403, "{origin:?}: {}", answer.text);
            assert_eq!(answer.code(), "csrf_failed");
            assert!(answer.set_cookies().is_empty());
        }
        assert_eq!(browser.cookie("__Host-sspr_session"), None);
        assert_eq!(count(&app, "sessions").await, sessions);
        assert_eq!(count(&app, "audit_log WHERE event = 'sign_in'").await, sign_ins, "the handler never ran");
    }

    async fn reading_needs_no_csrf_header(app) {
        let browser = app.sign_up("reader@contoso.example", PASSWORD).await;
        for path in ["/api/session", "/api/sessions", "/api/password-policy", "/api/health"] {
            let answer = browser.get(path).await;
            assert_eq!(answer.status, 200, "{path}: {}", answer.text);
        }
    }
}
