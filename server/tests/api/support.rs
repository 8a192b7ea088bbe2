//! What the security tests share beyond `helpers`: requests with extra headers (a client address
//! in `X-Forwarded-For`, forged `Host` headers), answers reduced to what must not differ between
//! accounts, direct SQL probes, and `backend_tests_with!` for configuration variants.

use crate::helpers::{Answer, Browser, TestApp};
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::BTreeMap;

/// A password that is wrong for every account in these tests.
pub const WRONG_PASSWORD: &str = "not the right password at all";

/// The test clock's time.
pub fn now(app: &TestApp) -> i64 {
    use sspr_server::clock::Clock;
    app.clock.now_ms()
}

/// A distinct client address for request number `n` (used with `trust_forwarded_for`).
pub fn ip(n: usize) -> String {
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

/// POSTs `body` as JSON from `browser` (cookies, CSRF header and Origin as the SPA sends them)
/// with the extra `headers`.
pub async fn post_with(
    app: &TestApp,
    browser: &Browser,
    path: &str,
    body: Value,
    headers: &[(&str, &str)],
) -> Answer {
    let mut request = browser
        .client
        .post(app.url(path))
        .header("x-sspr-csrf", "1")
        .header("origin", &app.origin)
        .json(&body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    browser.send(request).await
}

/// POSTs `body` from `browser` as if from client address `address` (`X-Forwarded-For`).
pub async fn post_from(
    app: &TestApp,
    browser: &Browser,
    path: &str,
    body: Value,
    address: &str,
) -> Answer {
    post_with(app, browser, path, body, &[("x-forwarded-for", address)]).await
}

/// A password sign-in in a fresh browser; returns the browser and the answer.
pub async fn sign_in(app: &TestApp, email: &str, password: &str) -> (Browser, Answer) {
    let browser = app.browser();
    let answer = browser
        .post(
            "/api/session",
            json!({"email": email, "password": password}),
        )
        .await;
    (browser, answer)
}

/// Locks `email`'s account with ten wrong passwords (each answered 401).
pub async fn lock(app: &TestApp, email: &str) {
    for _ in 0..10 {
        let (_, answer) = sign_in(app, email, WRONG_PASSWORD).await;
        assert_eq!(answer.status, 401, "{}", answer.text);
    }
}

/// A code of the same shape that is not `code`.
pub fn other_code(code: &str) -> String {
    if code == "00000000" {
        "11111111".into()
    } else {
        "00000000".into()
    }
}

/// The parts of an answer that must be the same for every account: the status, every header
/// (the `Set-Cookie` values blanked, as cookie values are random; `date` and `x-request-id`
/// left out) and the body without its per-request ids (`flow_id`, `request_id`).
pub fn comparable(answer: &Answer) -> (u16, BTreeMap<String, Vec<String>>, Value) {
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in &answer.headers {
        let name = name.as_str().to_owned();
        if name == "date" || name == "x-request-id" {
            continue;
        }
        let mut value = value.to_str().unwrap_or("<binary>").to_owned();
        if name == "set-cookie" {
            value = blank_cookie_value(&value);
        }
        headers.entry(name).or_default().push(value);
    }
    for values in headers.values_mut() {
        values.sort();
    }
    let mut body = answer.body.clone();
    if let Some(object) = body.as_object_mut() {
        object.remove("flow_id");
        object.remove("request_id");
    }
    assert!(
        !body.is_null(),
        "the answer has a JSON body: {}",
        answer.text
    );
    (answer.status, headers, body)
}

/// `name=value; attributes` → `name=<value>; attributes`.
pub fn blank_cookie_value(set_cookie: &str) -> String {
    let (pair, attributes) = set_cookie.split_once(';').unwrap_or((set_cookie, ""));
    let name = pair.split_once('=').map_or(pair, |(n, _)| n);
    format!("{name}=<value>;{attributes}")
}

/// The value of cookie `name` in an answer's `Set-Cookie` headers.
pub fn set_cookie_value(answer: &Answer, name: &str) -> Option<String> {
    answer.set_cookies().iter().find_map(|c| {
        let pair = c.split(';').next()?;
        let (n, v) = pair.split_once('=')?;
        (n == name).then(|| v.to_owned())
    })
}

/// `SELECT COUNT(*) FROM table [WHERE …]`.
pub async fn count(app: &TestApp, table_and_filter: &str) -> i64 {
    let row = sqlx::query(&format!("SELECT COUNT(*) FROM {table_and_filter}"))
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    row.try_get::<i64, _>(0).expect("a count")
}

/// One integer from `sql` with one text parameter.
pub async fn int(app: &TestApp, sql: &str, param: &str) -> i64 {
    let row = sqlx::query(sql)
        .bind(param)
        .fetch_one(&app.db.pool)
        .await
        .expect(sql);
    row.try_get::<i64, _>(0).expect("an integer")
}

/// Runs one statement with one text parameter.
pub async fn exec(app: &TestApp, sql: &str, param: &str) {
    sqlx::query(sql)
        .bind(param)
        .execute(&app.db.pool)
        .await
        .expect(sql);
}

/// The row counts of the tables a refused request must not write to.
pub async fn written_rows(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "users",
        "flows",
        "passcodes",
        "sessions",
        "outbox",
        "invitations",
        "audit_log",
    ] {
        counts.push((table, count(app, table).await));
    }
    counts
}

/// Every table of the schema.
pub const TABLES: [&str; 9] = [
    "passcodes",
    "outbox",
    "flows",
    "email_state",
    "sessions",
    "users",
    "audit_log",
    "rate_limits",
    "invitations",
];

/// The invitation token in an invitation link (`…?invitation=<token>`).
pub fn invitation_token(link: &str) -> String {
    link.split_once("invitation=")
        .map(|(_, t)| t.to_owned())
        .expect("an invitation link")
}

/// Writes each test once and runs it on both back ends, with `tweak` applied to the
/// configuration: `backend_tests_with! { tweak; async fn name(app) { … } }`.
#[macro_export]
macro_rules! backend_tests_with {
    ($tweak:expr; $(async fn $name:ident($app:ident) $body:block)+) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let $app = $crate::helpers::spawn_app_with(sspr_server::store::Backend::Sqlite, $tweak)
                        .await
                        .expect("SQLite is always available");
                    $body
                }
            )+
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let Some($app) = $crate::helpers::spawn_app_with(sspr_server::store::Backend::Postgres, $tweak).await else {
                        return;
                    };
                    $body
                }
            )+
        }
    };
}

/// Trusts `X-Forwarded-For`, so one test can speak from many client addresses.
pub fn trust_forwarded_for(config: &mut sspr_server::Config) {
    config.trust_forwarded_for = true;
}

/// A delivered message's text with quoted-printable undone (soft line breaks joined, `=XX`
/// decoded), so links and secrets are found whole.
pub fn decoded(data: &str) -> String {
    let bytes = data.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let hex = |b: u8| (b as char).to_digit(16);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') => i += 3,
            b'=' => match (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                    i += 3;
                }
                _ => {
                    out.push(b'=');
                    i += 1;
                }
            },
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs the server binary's command line (`invite`, `bootstrap-admin`, …) on a SQLite file in
/// `dir`, in production mode with the test secret; returns what it printed and its status.
pub fn run_cli(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sspr-server"))
        .env_clear()
        .env("SSPR_PUBLIC_ORIGIN", "https://id.contoso.example")
        .env(
            "SSPR_DATABASE_URL",
            format!("sqlite://{}/sspr.db", dir.display()),
        )
        .env("SSPR_SECRET", crate::helpers::SECRET)
        .env("SSPR_LOG", "warn")
        .args(args)
        .output()
        .expect("runs")
}
