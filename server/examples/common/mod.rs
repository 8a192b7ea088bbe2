//! What the benchmarks that run the server in their own process share: the server on a free
//! local port over a fresh database, and a signed-in administrator's cookie.

use sspr_api::AdminRole;
use sspr_server::store::admins::{self, Admin};
use sspr_server::store::Db;
use sspr_server::{AppState, Config};
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// The server secret of every benchmark run (the databases are thrown away).
const SECRET: &str = "c3Nwci1iZW5jaC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZjAxMjM=";

/// A server ready to serve: its listener, its state and the database behind it.
pub struct Bench {
    pub listener: TcpListener,
    pub address: SocketAddr,
    pub state: AppState,
    pub db: Db,
    /// The placeholder SPA folder, deleted when the benchmark ends.
    _web_dir: tempfile::TempDir,
}

impl Bench {
    /// Opens `database_url` (migrated) and builds the server's state with the benchmark's
    /// settings, changed by `tune` (for example the rate limits a single client would hit).
    pub async fn start(
        database_url: &str,
        tune: impl FnOnce(&mut Config),
    ) -> anyhow::Result<Bench> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let web_dir = tempfile::tempdir()?;
        std::fs::write(
            web_dir.path().join("index.html"),
            "<!DOCTYPE html><title>x</title>",
        )?;
        let mut config = Config {
            listen: address,
            public_origin: format!("http://{address}"),
            database_url: database_url.to_owned(),
            database_max_connections: 8,
            web_dir: web_dir.path().to_owned(),
            secret: Some(SECRET.into()),
            ..Config::default()
        };
        tune(&mut config);
        config.validate()?;
        let db = Db::connect(&config.database_url, config.database_max_connections).await?;
        let state = AppState::new(config, db.clone())?;
        Ok(Bench {
            listener,
            address,
            state,
            db,
            _web_dir: web_dir,
        })
    }
}

/// A reader administrator's session cookie, written straight into the store (the bootstrap
/// and TOTP are not what is measured).
pub async fn admin_cookie(state: &AppState) -> anyhow::Result<String> {
    let now = state.now_ms();
    let admin = Admin {
        id: "benchadmin".into(),
        email: "bench@example.com".into(),
        email_canonical: "bench@example.com".into(),
        display_name: "Bench".into(),
        role: AdminRole::Reader,
        password_hash: None,
        totp_secret_sealed: None,
        totp_enrolled_at_ms: Some(now),
        totp_last_step: None,
    };
    let mut conn = state.db.pool.acquire().await?;
    admins::insert(&mut conn, &admin, now).await?;
    let token = sspr_server::secrets::random_token(32);
    admins::insert_session(
        &mut conn,
        &state.secrets.token_hash(&token),
        &admin.id,
        now,
        now + 12 * 60 * 60_000,
    )
    .await?;
    Ok(format!("__Host-sspr_admin={token}"))
}
