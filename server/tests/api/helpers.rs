//! `spawn_app`: a server on a free port with a fresh database, real SMTP delivery into a
//! capturing [`Mailbox`], a hand-moved clock, in production mode (secure cookies, CSRF checks);
//! and [`Browser`], a client that keeps cookies and sends what the SPA sends.
//!
//! SQLite tests get a new file in a temporary folder. PostgreSQL tests get a new database in the
//! cluster named by `SSPR_TEST_POSTGRES_URL` (the test command starts one); without that variable
//! they are skipped with a notice, unless `SSPR_TEST_REQUIRE_POSTGRES` is set, when they fail.
//! `backend_tests!` writes each test once and runs it on both back ends.

pub use crate::mailbox::Mailbox;
use serde_json::Value;
use sspr_api::ErrorBody;
use sspr_server::clock::ManualClock;
use sspr_server::store::{Backend, Db};
use sspr_server::{AppState, Config};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tempfile::TempDir;
use tokio::sync::oneshot;

/// The inline bootstrap script of the test web folder, whose hash the CSP must carry.
pub const BOOTSTRAP_SCRIPT: &str = "import init from '/app-0123456789abcdef.js'; init();";
/// The inline script of the admin portal's stand-in `admin/index.html`.
pub const ADMIN_BOOTSTRAP_SCRIPT: &str = "import init from '/admin/portal.js'; init();";
/// The inline script of the authenticator app's stand-in `authenticator/index.html`.
pub const AUTHENTICATOR_BOOTSTRAP_SCRIPT: &str =
    "import init from '/authenticator/authenticator.js'; init();";
/// The server secret of test apps.
pub const SECRET: &str = "c3Nwci10ZXN0LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVmMDEyMw==";
/// A password that meets the policy.
pub const PASSWORD: &str = "correct horse battery staple";
/// The organisation name of test apps.
pub const ORGANISATION: &str = "Contoso";

pub struct TestApp {
    pub address: SocketAddr,
    pub origin: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub backend: Backend,
    pub clock: ManualClock,
    pub mailbox: Mailbox,
    pub state: AppState,
    /// The PostgreSQL database's name and the cluster's admin URL, to drop it.
    pub postgres: Option<(String, String)>,
    pub stop: Option<oneshot::Sender<()>>,
    pub server: tokio::task::JoinHandle<anyhow::Result<()>>,
    _dir: TempDir,
}

/// A PostgreSQL test's database goes when its app does: left in the cluster, the 300-odd test
/// databases (about 9 MB each) would hold 3 GB of disk until the test command ends.
impl Drop for TestApp {
    fn drop(&mut self) {
        let Some((name, admin)) = self.postgres.take() else {
            return;
        };
        // `drop` cannot await and may run on the test's runtime: a thread with its own runtime.
        // `WITH (FORCE)` ends the connections the server still holds (PostgreSQL then polls
        // every 100 ms until they are gone, so the test does not wait for it); `IF EXISTS`
        // because a test may have dropped the database itself. Never a panic here: a database
        // left behind (the test binary ended first) costs disk until the cluster goes, nothing
        // more.
        let dropping = std::thread::Builder::new().spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                let Ok(pool) = sqlx::AnyPool::connect(&admin).await else {
                    return;
                };
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                if let Err(error) = sqlx::query(&sql).execute(&pool).await {
                    eprintln!("test database {name} not dropped: {error}");
                }
                pool.close().await;
            });
        });
        if let Err(error) = dropping {
            eprintln!("test database not dropped: no thread to drop it ({error})");
        }
    }
}

/// Settings a test may change before the app starts.
pub type Tweak = fn(&mut Config);

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// A fresh browser (no cookies) on this app.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.url(""), &self.origin)
    }

    /// Signs up `email` through the real flow (code read from the delivered mail) and returns
    /// the signed-in browser.
    pub async fn sign_up(&self, email: &str, password: &str) -> Browser {
        let browser = self.browser();
        let flow = browser
            .post(
                "/api/flows",
                serde_json::json!({"purpose": "sign_up", "email": email}),
            )
            .await
            .expect_status(201);
        let id = flow.body["flow_id"].as_str().expect("flow id").to_owned();
        let code = self.mailbox.code_for(email).await;
        browser
            .post(
                &format!("/api/flows/{id}/verify"),
                serde_json::json!({"code": code}),
            )
            .await
            .expect_status(200);
        browser
            .post(
                &format!("/api/flows/{id}/complete"),
                serde_json::json!({"password": password, "password_confirm": password, "display_name": "Test User"}),
            )
            .await
            .expect_status(200);
        browser
    }

    /// Starts a flow for `purpose` and `email` in `browser`; returns the flow id.
    pub async fn start_flow(&self, browser: &Browser, purpose: &str, email: &str) -> String {
        let answer = browser
            .post(
                "/api/flows",
                serde_json::json!({"purpose": purpose, "email": email}),
            )
            .await
            .expect_status(201);
        answer.body["flow_id"].as_str().expect("flow id").to_owned()
    }

    /// Runs `sql` on the app's database and returns every text and number cell, for dumps.
    pub async fn dump(&self, table: &str) -> Vec<String> {
        use sqlx::{Column, Row, TypeInfo, ValueRef};
        let rows = sqlx::query(&format!("SELECT * FROM {table}"))
            .fetch_all(&self.db.pool)
            .await
            .expect("dump");
        let mut cells = Vec::new();
        for row in rows {
            for column in row.columns() {
                let i = column.ordinal();
                let raw = row.try_get_raw(i).expect("cell");
                if raw.is_null() {
                    continue;
                }
                let name = raw.type_info().name().to_ascii_uppercase();
                if name.contains("INT") {
                    cells.push(
                        row.try_get::<i64, _>(i)
                            .map(|v| v.to_string())
                            .unwrap_or_default(),
                    );
                } else {
                    cells.push(row.try_get::<String, _>(i).unwrap_or_default());
                }
            }
        }
        cells
    }
}

/// Spawns a server on `backend`, or `None` when PostgreSQL is not configured (test skipped).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// The same, with `tweak` applied to the configuration first.
pub async fn spawn_app_with(backend: Backend, tweak: Tweak) -> Option<TestApp> {
    spawn_app_configured(backend, tweak).await
}

/// The same with a closure, for settings known only at run time (a local receiver's URL).
pub async fn spawn_app_configured(
    backend: Backend,
    tweak: impl FnOnce(&mut Config),
) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temp dir");
    let web_dir = dir.path().join("web");
    write_web_dir(&web_dir);
    let (database_url, postgres) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", dir.path().join("sspr.db").display()),
            None,
        ),
        Backend::Postgres => {
            let admin = match std::env::var("SSPR_TEST_POSTGRES_URL") {
                Ok(url) => url,
                Err(_) if std::env::var_os("SSPR_TEST_REQUIRE_POSTGRES").is_some() => {
                    panic!("SSPR_TEST_REQUIRE_POSTGRES is set but SSPR_TEST_POSTGRES_URL is not")
                }
                Err(_) => {
                    eprintln!("skipped: set SSPR_TEST_POSTGRES_URL to run the PostgreSQL tests");
                    return None;
                }
            };
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            admin_exec(&admin, &format!("CREATE DATABASE {name}")).await;
            let base = admin.rsplit_once('/').expect("a database in the URL").0;
            (format!("{base}/{name}"), Some((name, admin)))
        }
    };
    let mailbox = Mailbox::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let origin = format!("http://{address}");
    let mut config = Config {
        listen: address,
        public_origin: origin.clone(),
        database_url,
        database_max_connections: 8,
        web_dir,
        smtp_url: Some(mailbox.url()),
        mail_from: "Contoso <no-reply@contoso.example>".into(),
        organisation_name: ORGANISATION.into(),
        secret: Some(SECRET.into()),
        allowed_return_origins: vec!["https://app.contoso.example".into()],
        ..Config::default()
    };
    tweak(&mut config);
    config.validate().expect("valid test configuration");
    let db = Db::connect(&config.database_url, config.database_max_connections)
        .await
        .expect("database opens and migrates");
    let clock = ManualClock::new(1_800_000_000_000);
    let state = AppState::with_clock(config, db.clone(), Arc::new(clock.clone())).expect("state");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(sspr_server::serve(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    Some(TestApp {
        address,
        origin,
        client: reqwest::Client::new(),
        db,
        backend,
        clock,
        mailbox,
        state,
        postgres,
        stop: Some(stop),
        server,
        _dir: dir,
    })
}

/// Runs one statement on the cluster's admin database.
pub async fn admin_exec(admin_url: &str, sql: &str) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(admin_url)
        .await
        .expect("admin connection to the PostgreSQL cluster");
    sqlx::query(sql).execute(&pool).await.expect(sql);
    pool.close().await;
}

/// A stand-in for `dist/`: an index with an inline bootstrap script and one hashed asset with a
/// brotli sibling; the admin portal's index and one asset in `admin/`; the authenticator
/// app's index and manifest in `authenticator/`.
fn write_web_dir(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).expect("web dir");
    std::fs::write(
        dir.join("index.html"),
        format!(
            "<!DOCTYPE html><html><head><title>t</title><script type=\"module\">{BOOTSTRAP_SCRIPT}</script></head><body></body></html>"
        ),
    )
    .expect("index");
    std::fs::write(dir.join("app-0123456789abcdef.js"), "console.log('plain');").expect("js");
    std::fs::create_dir_all(dir.join("admin")).expect("admin dir");
    std::fs::write(
        dir.join("admin").join("index.html"),
        format!(
            "<!DOCTYPE html><html><head><title>admin</title><script type=\"module\">{ADMIN_BOOTSTRAP_SCRIPT}</script></head><body></body></html>"
        ),
    )
    .expect("admin index");
    std::fs::write(
        dir.join("admin").join("portal-0123456789abcdef.js"),
        "console.log('admin');",
    )
    .expect("admin js");
    std::fs::create_dir_all(dir.join("authenticator")).expect("authenticator dir");
    std::fs::write(
        dir.join("authenticator").join("index.html"),
        format!(
            "<!DOCTYPE html><html><head><title>authenticator</title><script type=\"module\">{AUTHENTICATOR_BOOTSTRAP_SCRIPT}</script></head><body></body></html>"
        ),
    )
    .expect("authenticator index");
    std::fs::write(
        dir.join("authenticator").join("manifest.webmanifest"),
        r#"{"name": "SSPR Authenticator", "start_url": "/authenticator"}"#,
    )
    .expect("manifest");
    std::fs::write(dir.join("app-0123456789abcdef.js.br"), b"BROTLI-BYTES").expect("br");
    std::fs::create_dir_all(dir.join("themes")).expect("themes dir");
    for theme in ["default", "dark"] {
        let css = format!("/* the {theme} theme */ :root {{ }}");
        std::fs::write(dir.join("themes").join(format!("{theme}.css")), css).expect("theme");
    }
}

/// A client that behaves like the SPA in a browser: keeps cookies (whatever their `Secure`
/// flag: the test server is plain http on loopback, as browsers allow), sends the CSRF header and
/// the page's `Origin` on every state change.
#[derive(Debug, Clone)]
pub struct Browser {
    base: String,
    origin: String,
    pub client: reqwest::Client,
    cookies: Arc<Mutex<HashMap<String, String>>>,
}

/// An answer, read whole.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Answer {
    #[track_caller]
    pub fn expect_status(self, status: u16) -> Self {
        assert_eq!(self.status, status, "unexpected answer: {}", self.text);
        self
    }

    /// The error body, checked to be exactly the error shape.
    #[track_caller]
    pub fn error(&self) -> ErrorBody {
        check_error_shape(&self.body, &self.headers);
        serde_json::from_value(self.body.clone()).expect("error body")
    }

    /// The error code of an error answer.
    #[track_caller]
    pub fn code(&self) -> String {
        self.error().code
    }

    /// The `Set-Cookie` headers.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }
}

impl Browser {
    /// A fresh browser (no cookies) on the server at `base`, its pages at `origin`.
    pub fn new(base: &str, origin: &str) -> Browser {
        Browser {
            base: base.to_owned(),
            origin: origin.to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: Arc::default(),
        }
    }

    /// The server's address, e.g. `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The origin of the pages this browser has open (sent as `Origin`).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .expect("cookies")
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The value of a cookie this browser holds.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().expect("cookies").get(name).cloned()
    }

    /// Sets a cookie by hand (to replay a stolen one, say).
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .expect("cookies")
            .insert(name.to_owned(), value.to_owned());
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        self.try_send(request).await.expect("request sent")
    }

    /// [`Browser::send`], or `None` when no answer came (the connection failed or was cut).
    pub async fn try_send(&self, request: reqwest::RequestBuilder) -> Option<Answer> {
        let response = request
            .header("cookie", self.cookie_header())
            .send()
            .await
            .ok()?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        for set in headers.get_all(reqwest::header::SET_COOKIE) {
            let text = set.to_str().unwrap_or_default();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            if let Some((name, value)) = pair.split_once('=') {
                let mut cookies = self.cookies.lock().expect("cookies");
                if attributes.contains("Max-Age=0") {
                    cookies.remove(name);
                } else {
                    cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Some(Answer {
            status,
            headers,
            text,
            body,
        })
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.client.get(format!("{}{path}", self.base)))
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(
            self.client
                .post(format!("{}{path}", self.base))
                .header("x-sspr-csrf", "1")
                .header("origin", &self.origin)
                .json(&body),
        )
        .await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.send(
            self.client
                .put(format!("{}{path}", self.base))
                .header("x-sspr-csrf", "1")
                .header("origin", &self.origin)
                .json(&body),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(
            self.client
                .delete(format!("{}{path}", self.base))
                .header("x-sspr-csrf", "1")
                .header("origin", &self.origin),
        )
        .await
    }
}

/// Checks `value` is exactly the error shape: `code`, `message`, `request_id` (matching the
/// header), and only the documented optional fields.
#[track_caller]
pub fn check_error_shape(value: &Value, headers: &reqwest::header::HeaderMap) {
    let object = value.as_object().expect("an error body is a JSON object");
    for key in object.keys() {
        assert!(
            [
                "code",
                "message",
                "request_id",
                "attempts_left",
                "retry_after_secs",
                "violations"
            ]
            .contains(&key.as_str()),
            "unexpected key {key} in {value}"
        );
    }
    let code = object["code"].as_str().expect("code");
    assert!(
        <sspr_api::ErrorCode as sspr_api::WireName>::parse(code).is_some(),
        "unknown code {code}"
    );
    assert!(!object["message"].as_str().expect("message").is_empty());
    let header_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert_eq!(object["request_id"].as_str(), Some(header_id));
}

/// Reads an error answer's body, checking it is exactly the error shape.
pub async fn error_body(response: reqwest::Response) -> ErrorBody {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let headers = response.headers().clone();
    let value: Value = response.json().await.expect("JSON body");
    check_error_shape(&value, &headers);
    let keys: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["code", "message", "request_id"],
        "exactly the error shape"
    );
    serde_json::from_value(value).expect("error shape")
}

/// Writes each test once and runs it on SQLite and on PostgreSQL:
/// `backend_tests! { async fn name(app) { … } }` (see `backend_tests_with!` to change settings).
#[macro_export]
macro_rules! backend_tests {
    ($(async fn $name:ident($app:ident) $body:block)+) => {
        $crate::backend_tests_with! { |_| {}; $(async fn $name($app) $body)+ }
    };
}
