//! Malformed requests on every endpoint: each gets a 4xx in the error shape, never a 5xx, and
//! nothing is half-written (no account, flow, code, session, mail or audit row appears).

use crate::backend_tests;
use crate::helpers::{check_error_shape, Answer, Browser, TestApp, PASSWORD};
use crate::support::written_rows;

/// A request body: bytes and the content type they are sent with.
#[derive(Debug, Clone)]
struct Body {
    what: &'static str,
    bytes: Vec<u8>,
    content_type: Option<&'static str>,
}

fn json(what: &'static str, text: &str) -> Body {
    Body {
        what,
        bytes: text.as_bytes().to_vec(),
        content_type: Some("application/json"),
    }
}

/// Bodies no JSON endpoint accepts, whatever its fields.
fn malformed() -> Vec<Body> {
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    vec![
        json("empty body", ""),
        json("truncated JSON", "{\"email\":"),
        json("single quotes", "{'email': 'a@contoso.example'}"),
        json("trailing garbage", "{} trailing"),
        json("null", "null"),
        json("an array", "[]"),
        json("a string", "\"hello\""),
        json("a number", "42"),
        json("nesting beyond any limit", &deep),
        Body {
            what: "invalid UTF-8 bytes",
            bytes: b"{\"email\":\"\xff\xfe@contoso.example\",\"password\":\"\xc3\x28\"}".to_vec(),
            content_type: Some("application/json"),
        },
        Body {
            what: "a 1 MB body",
            bytes: format!("{{\"email\":\"{}@contoso.example\"}}", "a".repeat(1 << 20))
                .into_bytes(),
            content_type: Some("application/json"),
        },
        Body {
            what: "text/plain",
            bytes: br#"{"email":"a@contoso.example"}"#.to_vec(),
            content_type: Some("text/plain"),
        },
        Body {
            what: "form-encoded",
            bytes: b"email=a%40contoso.example&password=x".to_vec(),
            content_type: Some("application/x-www-form-urlencoded"),
        },
        Body {
            what: "no content type",
            bytes: br#"{"email":"a@contoso.example"}"#.to_vec(),
            content_type: None,
        },
    ]
}

/// Bodies that are JSON but not what `endpoint` takes: missing fields, wrong types, unknown
/// fields, unknown values.
fn wrong_shapes(endpoint: &str) -> Vec<Body> {
    match endpoint {
        "start" => vec![
            json("no fields", "{}"),
            json("no purpose", r#"{"email":"a@contoso.example"}"#),
            json(
                "unknown purpose",
                r#"{"purpose":"admin","email":"a@contoso.example"}"#,
            ),
            json(
                "purpose of the wrong type",
                r#"{"purpose":5,"email":"a@contoso.example"}"#,
            ),
            json(
                "email of the wrong type",
                r#"{"purpose":"sign_up","email":true}"#,
            ),
            json(
                "an unknown field",
                r#"{"purpose":"sign_up","email":"a@contoso.example","is_admin":true}"#,
            ),
            json("an empty email", r#"{"purpose":"sign_up","email":""}"#),
            json("no email", r#"{"purpose":"sign_up"}"#),
            json(
                "a 60 KB email",
                &format!(
                    r#"{{"purpose":"sign_up","email":"{}@contoso.example"}}"#,
                    "a".repeat(60_000)
                ),
            ),
            json(
                "return_to of the wrong type",
                r#"{"purpose":"sign_up","email":"a@contoso.example","return_to":["/x"]}"#,
            ),
            json(
                "invitation of the wrong type",
                r#"{"purpose":"guest","invitation":{"token":"x"}}"#,
            ),
        ],
        "verify" => vec![
            json("no code", "{}"),
            json("a number for a code", r#"{"code":12345678}"#),
            json("null code", r#"{"code":null}"#),
            json("an unknown field", r#"{"code":"12345678","trust_me":true}"#),
            json("letters", r#"{"code":"abcdefgh"}"#),
            json(
                "a 60 KB code",
                &format!(r#"{{"code":"{}"}}"#, "1".repeat(60_000)),
            ),
        ],
        "complete" => vec![
            json(
                "a number for a password",
                r#"{"password":5,"password_confirm":5}"#,
            ),
            json("an unknown action", r#"{"action":"delete_account"}"#),
            json("an unknown field", r#"{"password":"x","role":"admin"}"#),
        ],
        "sign_in" => vec![
            json("no fields", "{}"),
            json("no password", r#"{"email":"a@contoso.example"}"#),
            json("no email", r#"{"password":"correct horse battery staple"}"#),
            json(
                "a number for a password",
                r#"{"email":"a@contoso.example","password":5}"#,
            ),
            json(
                "an unknown field",
                r#"{"email":"a@contoso.example","password":"x","admin":true}"#,
            ),
            json(
                "an invalid email",
                r#"{"email":"not an email","password":"x"}"#,
            ),
        ],
        "change" => vec![
            json("no fields", "{}"),
            json(
                "no new password",
                r#"{"current_password":"correct horse battery staple"}"#,
            ),
            json(
                "wrong types",
                r#"{"current_password":[],"new_password":{}}"#,
            ),
            json(
                "an unknown field",
                r#"{"current_password":"x","new_password":"y","user_id":"someone"}"#,
            ),
        ],
        _ => Vec::new(),
    }
}

/// Sends `body` with `browser`'s cookies. An oversized body is answered before it is read and
/// the connection closed, so the client, still writing, may see the connection reset before it
/// reads the answer: such transport failures are retried (the answer itself is what is tested).
async fn send(
    app: &TestApp,
    browser: &Browser,
    method: reqwest::Method,
    path: &str,
    body: &Body,
) -> Answer {
    let cookies: Vec<String> = [
        "__Host-sspr_session",
        "__Host-sspr_flow",
        "__Host-sspr_admin",
    ]
    .iter()
    .filter_map(|name| browser.cookie(name).map(|value| format!("{name}={value}")))
    .collect();
    let mut request = browser
        .client
        .request(method, app.url(path))
        .header("x-sspr-csrf", "1")
        .header("origin", &app.origin)
        .header("cookie", cookies.join("; "))
        .body(body.bytes.clone());
    if let Some(content_type) = body.content_type {
        request = request.header("content-type", content_type);
    }
    let mut last_error = None;
    for _ in 0..20 {
        match request.try_clone().expect("a plain body").send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let text = response.text().await.unwrap_or_default();
                let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
                return Answer {
                    status,
                    headers,
                    text,
                    body,
                };
            }
            Err(error) => {
                last_error = Some(error);
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
    panic!("{path} ({}): no answer: {last_error:?}", body.what);
}

#[track_caller]
fn assert_refused(answer: &Answer, what: &str) {
    assert!(
        (400..500).contains(&answer.status),
        "{what}: answered {} {}",
        answer.status,
        answer.text
    );
    check_error_shape(&answer.body, &answer.headers);
    assert!(
        answer
            .set_cookies()
            .iter()
            .all(|c| !c.starts_with("__Host-sspr_session")),
        "{what}: a session cookie"
    );
}

backend_tests! {
    async fn malformed_requests_get_a_4xx_in_the_error_shape_and_change_nothing(app) {
        // A signed-in user with a flow under way, so every endpoint is reachable.
        let email = "careful@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        let flow = app.start_flow(&browser, "password_reset", email).await;
        let code = app.mailbox.code_for(email).await;
        let before = written_rows(&app).await;

        use reqwest::Method;
        let endpoints = [
            ("start", Method::POST, "/api/flows".to_owned()),
            ("verify", Method::POST, format!("/api/flows/{flow}/verify")),
            ("complete", Method::POST, format!("/api/flows/{flow}/complete")),
            ("sign_in", Method::POST, "/api/session".to_owned()),
            ("change", Method::POST, "/api/account/password".to_owned()),
        ];
        let mut checked = 0;
        for (endpoint, method, path) in &endpoints {
            for body in malformed().iter().chain(wrong_shapes(endpoint).iter()) {
                let answer = send(&app, &browser, method.clone(), path, body).await;
                assert_refused(&answer, &format!("{endpoint}: {}", body.what));
                checked += 1;
            }
            // A fresh rate-limit window for each endpoint.
            app.clock.advance_ms(60_000);
        }
        assert!(checked >= 100, "{checked}");

        // Unknown ids and odd paths, on every endpoint that takes one.
        let empty = json("an empty object", "{}");
        for id in ["unknown", &"x".repeat(300), "%FF%FE", "%00", "..%2F..", "a%2Fb"] {
            for (method, path) in [
                (Method::GET, format!("/api/flows/{id}")),
                (Method::POST, format!("/api/flows/{id}/resend")),
                (Method::POST, format!("/api/flows/{id}/verify")),
                (Method::POST, format!("/api/flows/{id}/complete")),
                (Method::DELETE, format!("/api/sessions/{id}")),
            ] {
                let body = if method == Method::POST { json("a code", r#"{"code":"12345678"}"#) } else { empty.clone() };
                let answer = send(&app, &browser, method.clone(), &path, &body).await;
                assert_refused(&answer, &format!("{method} {path}"));
            }
        }

        assert_eq!(written_rows(&app).await, before, "a refused request wrote something");
        // The flow and the session are intact: malformed verifications used no try.
        browser.get("/api/session").await.expect_status(200);
        let answer = browser
            .post(&format!("/api/flows/{flow}/verify"), serde_json::json!({"code": code}))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }

    async fn administrators_paths_with_a_nul_byte_are_refused_and_change_nothing(app) {
        // PostgreSQL cannot hold a NUL byte in text: an id carrying one is refused, never a 500.
        let admin = crate::admins::first_global(&app).await;
        let before = written_rows(&app).await;
        use reqwest::Method;
        let empty = json("an empty object", "{}");
        for id in ["%00", "a%00b"] {
            for (method, path) in [
                (Method::DELETE, format!("/api/admin/api-tokens/{id}")),
                (Method::GET, format!("/api/admin/user-flows/{id}")),
                (Method::GET, format!("/api/admin/users/{id}")),
                (Method::DELETE, format!("/api/admin/users/{id}/methods/{id}")),
                (Method::POST, format!("/api/admin/guests/{id}/reset-redemption")),
                (Method::POST, format!("/api/admin/invitations/{id}/resend")),
                (Method::GET, format!("/api/admin/groups/{id}")),
                (Method::POST, format!("/api/admin/admins/{id}/reset-sign-in")),
                (Method::GET, format!("/api/graph/v1.0/applications/{id}")),
            ] {
                let answer = send(&app, &admin, method.clone(), &path, &empty).await;
                let what = format!("{method} {path}");
                assert!((400..500).contains(&answer.status), "{what}: answered {} {}", answer.status, answer.text);
            }
        }
        assert_eq!(written_rows(&app).await, before, "a refused request wrote something");
    }

    async fn refusals_say_what_is_wrong_with_stable_codes(app) {
        let browser = app.browser();
        let cases: [(&str, Body, u16, &str); 6] = [
            ("/api/flows", json("unknown field", r#"{"purpose":"sign_up","email":"a@contoso.example","x":1}"#), 400, "invalid_json"),
            ("/api/flows", json("bad JSON", "{"), 400, "invalid_json"),
            ("/api/flows", Body { what: "text/plain", bytes: b"{}".to_vec(), content_type: Some("text/plain") }, 415, "unsupported_media_type"),
            ("/api/flows", Body { what: "1 MB", bytes: vec![b' '; 1 << 20], content_type: Some("application/json") }, 413, "payload_too_large"),
            ("/api/flows", json("no email", r#"{"purpose":"password_reset"}"#), 422, "validation_failed"),
            ("/api/session", json("no password", r#"{"email":"a@contoso.example"}"#), 400, "invalid_json"),
        ];
        for (path, body, status, code) in cases {
            let answer = send(&app, &browser, reqwest::Method::POST, path, &body).await;
            assert_eq!(answer.status, status, "{}: {}", body.what, answer.text);
            assert_eq!(answer.code(), code, "{}", body.what);
            // The message never echoes a password back.
            assert!(!answer.text.contains(PASSWORD));
        }
        let answer = browser
            .post("/api/session", serde_json::json!({"email": "a@contoso.example", "password": ["correct horse battery staple"]}))
            .await;
        assert_eq!(answer.status, 400);
        assert!(!answer.text.contains(PASSWORD), "{}", answer.text);
        // A value of the wrong type is named by its kind, never repeated (it may be a code).
        let answer = browser
            .post("/api/session", serde_json::json!({"email": "a@contoso.example", "password": 91_827_364_500_i64}))
            .await;
        assert_eq!(answer.status, 400);
        assert!(answer.error().message.contains("invalid type: integer, expected"), "{}", answer.text);
        assert!(!answer.text.contains("91827364500"), "{}", answer.text);
    }
}
