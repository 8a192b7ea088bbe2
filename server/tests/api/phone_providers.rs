//! The phone providers, each against a real local HTTP receiver: the webhook's signature
//! (checked with an HMAC computed here), its retries through the phone outbox with nothing lost,
//! Twilio's request shape (method, path, form fields, basic authentication), the development
//! outbox beside the mail, and a message given up once its passcode has expired.

use crate::helpers::{spawn_app_configured, TestApp};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::Row;
use sspr_server::config::PhoneProviderKind;
use sspr_server::domain::language::Language;
use sspr_server::phone::outbox::send;
use sspr_server::phone::PhoneMessage;
use sspr_server::store::Backend;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WEBHOOK_SECRET: &str = "webhook-secret-0123456789abcdefghijklmnop";

/// One request a receiver saw, and what it answered.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
    accepted: bool,
}

/// An HTTP server on 127.0.0.1 that records every request and refuses the first
/// `failures` of them with a 500.
#[derive(Clone)]
struct Receiver {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Receiver {
    async fn start(failures: usize) -> Receiver {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let left = Arc::new(AtomicUsize::new(failures));
        let record = seen.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let (record, left) = (record.clone(), left.clone());
                async move {
                    let fail = left
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                    record.lock().expect("lock").push(Seen {
                        method,
                        path: uri.path().to_owned(),
                        headers,
                        body: body.to_vec(),
                        accepted: !fail,
                    });
                    if fail {
                        (StatusCode::INTERNAL_SERVER_ERROR, "down")
                    } else {
                        (StatusCode::CREATED, "{}")
                    }
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    /// Waits until `n` requests were accepted.
    async fn accepted(&self, n: usize) -> Vec<Seen> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let accepted: Vec<Seen> = self.seen().into_iter().filter(|s| s.accepted).collect();
            if accepted.len() >= n {
                return accepted;
            }
            assert!(Instant::now() < deadline, "only {accepted:?} arrived");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn with_webhook(backend: Backend, receiver: &Receiver) -> Option<TestApp> {
    let url = format!("{}/hooks/phone", receiver.url);
    spawn_app_configured(backend, move |c| {
        c.phone_provider = PhoneProviderKind::Webhook;
        c.phone_webhook_url = Some(url);
        c.phone_webhook_secret = Some(WEBHOOK_SECRET.into());
        c.phone_from = Some("Contoso".into());
    })
    .await
}

/// (queued, delivered, kept bodies) in the phone outbox.
async fn outbox_rows(app: &TestApp) -> (i64, i64, i64) {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, COUNT(sent_at_ms) AS sent, COUNT(sealed_body) AS bodies FROM phone_outbox",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("count");
    (
        row.try_get("n").expect("n"),
        row.try_get("sent").expect("sent"),
        row.try_get("bodies").expect("bodies"),
    )
}

/// Whether a failed try of the queued message is written down.
async fn failure_recorded(app: &TestApp) -> bool {
    sqlx::query("SELECT COUNT(*) AS n FROM phone_outbox WHERE last_error IS NOT NULL")
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
        .try_get::<i64, _>("n")
        .expect("n")
        > 0
}

/// Waits until every queued message is recorded as delivered.
async fn all_delivered(app: &TestApp) -> (i64, i64, i64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = outbox_rows(app).await;
        if rows.0 > 0 && rows.0 == rows.1 {
            return rows;
        }
        assert!(Instant::now() < deadline, "not all delivered: {rows:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn hex_hmac(secret: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("key");
    mac.update(message);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn header<'a>(seen: &'a Seen, name: &str) -> &'a str {
    seen.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

fn form(seen: &Seen) -> Vec<(String, String)> {
    form_urlencoded::parse(&seen.body).into_owned().collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn a_webhook_message_is_signed_over_its_timestamp_and_body(backend: Backend) {
    let receiver = Receiver::start(0).await;
    let Some(app) = with_webhook(backend, &receiver).await else {
        return;
    };
    let text = PhoneMessage::code_by_text(
        "phone_verification",
        Language::En,
        "Contoso",
        "+447400123456",
        "20481632",
    );
    send(&app.state, &text).await.expect("queued");
    let seen = receiver.accepted(1).await.remove(0);
    assert_eq!(seen.method, Method::POST);
    assert_eq!(seen.path, "/hooks/phone");
    assert_eq!(header(&seen, "content-type"), "application/json");
    let timestamp = header(&seen, "x-sspr-timestamp");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64;
    let sent_at: i64 = timestamp.parse().expect("unix seconds");
    assert!((now - sent_at).abs() < 300, "a fresh timestamp");
    // The signature, computed here from what arrived.
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(&seen.body);
    let expected = format!("v1={}", hex_hmac(WEBHOOK_SECRET.as_bytes(), &signed));
    assert_eq!(header(&seen, "x-sspr-signature"), expected);
    // Another key, or another body, gives another signature.
    assert_ne!(
        format!("v1={}", hex_hmac(b"another key", &signed)),
        expected
    );
    let body: serde_json::Value = serde_json::from_slice(&seen.body).expect("json");
    assert_eq!(body["channel"], "sms");
    assert_eq!(body["to"], "+447400123456");
    assert_eq!(body["from"], "Contoso");
    assert_eq!(body["purpose"], "phone_verification");
    assert_eq!(body["extension"], serde_json::Value::Null);
    assert_eq!(body["text"], "Your Contoso verification code is 20481632.");
    assert_eq!(body["language"], "en");
    assert!(body["id"].as_str().is_some_and(|id| !id.is_empty()));
    // Delivered: recorded, and the body with the code is gone.
    assert_eq!(all_delivered(&app).await, (1, 1, 0));
}

async fn a_webhook_that_fails_twice_gets_every_message_in_the_end(backend: Backend) {
    let receiver = Receiver::start(2).await;
    let Some(app) = with_webhook(backend, &receiver).await else {
        return;
    };
    let codes = ["11111111", "22222222", "33333333"];
    for code in codes {
        let call = PhoneMessage::code_by_call(
            "phone_verification",
            Language::En,
            "Contoso",
            "+12015550123",
            Some("4567"),
            code,
        );
        send(&app.state, &call).await.expect("queued");
    }
    // Failures are retried after the back-off (5 s, then 10 s): move time on until all arrive.
    let deadline = Instant::now() + Duration::from_secs(20);
    while receiver.seen().iter().filter(|s| s.accepted).count() < codes.len() {
        assert!(Instant::now() < deadline, "seen: {:?}", receiver.seen());
        app.clock.advance_ms(10_000);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(all_delivered(&app).await, (3, 3, 0));
    let seen = receiver.seen();
    assert_eq!(seen.iter().filter(|s| !s.accepted).count(), 2);
    // Each message arrived once accepted, with the same id on its retry; none is lost.
    let mut accepted_ids = Vec::new();
    let mut spoken = Vec::new();
    for s in seen.iter().filter(|s| s.accepted) {
        let body: serde_json::Value = serde_json::from_slice(&s.body).expect("json");
        assert_eq!(body["channel"], "voice");
        assert_eq!(body["extension"], "4567");
        accepted_ids.push(body["id"].as_str().expect("id").to_owned());
        spoken.push(body["text"].as_str().expect("text").to_owned());
    }
    for s in seen.iter().filter(|s| !s.accepted) {
        let body: serde_json::Value = serde_json::from_slice(&s.body).expect("json");
        assert!(accepted_ids.iter().any(|id| body["id"] == *id.as_str()));
    }
    accepted_ids.sort();
    accepted_ids.dedup();
    assert_eq!(accepted_ids.len(), 3);
    for code in codes {
        let digits = sspr_server::domain::phone::spoken_digits(code);
        assert!(
            spoken.iter().any(|t| t.contains(&digits)),
            "{digits} in {spoken:?}"
        );
    }
}

async fn the_twilio_provider_posts_texts_and_calls_in_twilios_shape(backend: Backend) {
    let receiver = Receiver::start(0).await;
    let base = receiver.url.clone();
    let Some(app) = spawn_app_configured(backend, move |c| {
        c.phone_provider = PhoneProviderKind::Twilio;
        c.twilio_base_url = base;
        c.twilio_account_sid = Some("AC0123456789abcdef".into());
        c.twilio_auth_token = Some("twilio-auth-token".into());
        c.phone_from = Some("+15005550006".into());
    })
    .await
    else {
        return;
    };
    let text = PhoneMessage::code_by_text(
        "phone_verification",
        Language::En,
        "Contoso",
        "+447400123456",
        "4071",
    );
    send(&app.state, &text).await.expect("queued");
    let sms = receiver.accepted(1).await.remove(0);
    let call = PhoneMessage::code_by_call(
        "phone_verification",
        Language::En,
        "Contoso",
        "+12015550123",
        Some("4567"),
        "4071",
    );
    send(&app.state, &call).await.expect("queued");
    let voice = receiver.accepted(2).await.remove(1);
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("AC0123456789abcdef:twilio-auth-token")
    );
    for seen in [&sms, &voice] {
        assert_eq!(seen.method, Method::POST);
        assert_eq!(header(seen, "authorization"), basic);
        assert_eq!(
            header(seen, "content-type"),
            "application/x-www-form-urlencoded"
        );
    }
    assert_eq!(
        sms.path,
        "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json"
    );
    let fields = form(&sms);
    assert_eq!(field(&fields, "To"), Some("+447400123456"));
    assert_eq!(field(&fields, "From"), Some("+15005550006"));
    assert_eq!(
        field(&fields, "Body"),
        Some("Your Contoso verification code is 4071.")
    );
    assert_eq!(fields.len(), 3);

    assert_eq!(
        voice.path,
        "/2010-04-01/Accounts/AC0123456789abcdef/Calls.json"
    );
    let fields = form(&voice);
    assert_eq!(field(&fields, "To"), Some("+12015550123"));
    assert_eq!(field(&fields, "From"), Some("+15005550006"));
    assert_eq!(field(&fields, "SendDigits"), Some("wwww4567"));
    let twiml = field(&fields, "Twiml").expect("TwiML");
    assert!(twiml.starts_with("<Response>") && twiml.ends_with("</Response>"));
    assert!(
        twiml.contains(
            "<Say language=\"en\">This is Contoso. Your verification code is 4, 0, 7, 1. Again: 4, 0, 7, 1.</Say>"
        ),
        "{twiml}"
    );
    assert_eq!(all_delivered(&app).await, (2, 2, 0));
}

async fn a_message_whose_passcode_has_expired_is_given_up(backend: Backend) {
    let receiver = Receiver::start(usize::MAX).await;
    let Some(app) = with_webhook(backend, &receiver).await else {
        return;
    };
    let text = PhoneMessage::code_by_text(
        "phone_verification",
        Language::En,
        "Contoso",
        "+447400123456",
        "1234",
    );
    send(&app.state, &text).await.expect("queued");
    let deadline = Instant::now() + Duration::from_secs(10);
    // Wait for the failed try to be recorded, not only made: a failure written after the clock
    // moves would be due again only 5 s past the new time, which this frozen clock never reaches.
    while !failure_recorded(&app).await {
        assert!(
            Instant::now() < deadline,
            "never tried: seen {:?}",
            receiver.seen().len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The passcode lived 10 minutes; after that the message is dropped, body and all.
    app.clock.advance_ms(11 * 60_000);
    let deadline = Instant::now() + Duration::from_secs(10);
    while outbox_rows(&app).await.0 != 0 {
        assert!(Instant::now() < deadline, "the dead message stayed queued");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn the_development_outbox_lists_texts_and_calls_beside_the_mail(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, |c| {
        c.dev = true;
        c.smtp_url = None;
    })
    .await
    else {
        return;
    };
    let browser = app.browser();
    browser
        .post(
            "/api/flows",
            serde_json::json!({"purpose": "sign_up", "email": "dev@contoso.example"}),
        )
        .await
        .expect_status(201);
    let text = PhoneMessage::code_by_text(
        "phone_verification",
        Language::En,
        "Contoso",
        "+447400123456",
        "4071",
    );
    send(&app.state, &text).await.expect("queued");
    let call = PhoneMessage::code_by_call(
        "phone_verification",
        Language::En,
        "Contoso",
        "+12015550123",
        Some("4567"),
        "4071",
    );
    send(&app.state, &call).await.expect("queued");
    let deadline = Instant::now() + Duration::from_secs(10);
    let list = loop {
        let answer = browser.get("/api/dev/outbox").await.expect_status(200);
        let list = answer.body.as_array().cloned().unwrap_or_default();
        if list.len() == 3 {
            break list;
        }
        assert!(Instant::now() < deadline, "outbox: {list:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let of = |channel: &str| {
        list.iter()
            .find(|m| m["channel"] == channel)
            .unwrap_or_else(|| panic!("no {channel} in {list:?}"))
            .clone()
    };
    assert_eq!(of("email")["to"], "dev@contoso.example");
    let sms = of("sms");
    assert_eq!(sms["to"], "+447400123456");
    assert_eq!(sms["subject"], "Text message");
    assert_eq!(sms["text"], "Your Contoso verification code is 4071.");
    let voice = of("voice");
    assert_eq!(voice["extension"], "4567");
    assert_eq!(voice["subject"], "Voice call");
    assert!(voice["text"]
        .as_str()
        .is_some_and(|t| t.contains("4, 0, 7, 1")));
    // Delivered to the development outbox, the bodies are kept for the page.
    assert_eq!(all_delivered(&app).await, (2, 2, 2));
    let html = app.get("/dev/outbox").await.text().await.expect("html");
    assert!(html.contains("Voice call") && html.contains("+12015550123 ext. 4567"));
    assert!(html.contains("Text message") && html.contains("+447400123456"));
}

macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(sspr_server::store::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(sspr_server::store::Backend::Postgres).await;
                }
            )+
        }
    };
}

on_both_backends!(
    a_webhook_message_is_signed_over_its_timestamp_and_body,
    a_webhook_that_fails_twice_gets_every_message_in_the_end,
    the_twilio_provider_posts_texts_and_calls_in_twilios_shape,
    a_message_whose_passcode_has_expired_is_given_up,
    the_development_outbox_lists_texts_and_calls_beside_the_mail,
);
