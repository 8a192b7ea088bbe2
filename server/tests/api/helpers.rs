//! `spawn_app`: a server on a free port with a fresh database, and typed helpers to call it.
//!
//! SQLite tests get a new file in a temporary folder. PostgreSQL tests get a new database in the
//! cluster named by `SSPR_TEST_POSTGRES_URL` (the test command starts one); without that variable
//! they are skipped with a notice, unless `SSPR_TEST_REQUIRE_POSTGRES` is set, when they fail.
//! `backend_tests!` writes each test once and runs it on both back ends.

use sspr_api::ErrorBody;
use sspr_server::store::{Backend, Db};
use sspr_server::{AppState, Config};
use std::net::SocketAddr;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// The inline bootstrap script of the test web folder, whose hash the CSP must carry.
pub const BOOTSTRAP_SCRIPT: &str = "import init from '/app-0123456789abcdef.js'; init();";

pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub db: Db,
    pub backend: Backend,
    /// The PostgreSQL database's name and the cluster's admin URL, to drop it.
    pub postgres: Option<(String, String)>,
    pub stop: Option<oneshot::Sender<()>>,
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: TempDir,
}

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
}

/// Spawns a server on `backend`, or `None` when PostgreSQL is not configured (test skipped).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
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
    let config = Config {
        listen: "127.0.0.1:0".parse().expect("address"),
        database_url,
        database_max_connections: 8,
        web_dir,
        ..Config::default()
    };
    let db = Db::connect(&config.database_url, config.database_max_connections)
        .await
        .expect("database opens and migrates");
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = oneshot::channel::<()>();
    let state = AppState::new(config, db.clone());
    let server = tokio::spawn(sspr_server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    Some(TestApp {
        address,
        client: reqwest::Client::new(),
        db,
        backend,
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
/// brotli sibling.
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
    std::fs::write(dir.join("app-0123456789abcdef.js.br"), b"BROTLI-BYTES").expect("br");
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
    let header_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let value: serde_json::Value = response.json().await.expect("JSON body");
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
    let body: ErrorBody = serde_json::from_value(value).expect("error shape");
    assert_eq!(
        body.request_id, header_id,
        "body and header carry one request id"
    );
    assert!(!body.message.is_empty());
    body
}

/// Writes each test once and runs it on SQLite and on PostgreSQL:
/// `backend_tests! { async fn name(app) { … } }`.
#[macro_export]
macro_rules! backend_tests {
    ($(async fn $name:ident($app:ident) $body:block)+) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::helpers::spawn_app(sspr_server::store::Backend::Sqlite)
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
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some($app) = $crate::helpers::spawn_app(sspr_server::store::Backend::Postgres).await else {
                        return;
                    };
                    $body
                }
            )+
        }
    };
}
