//! Development mode without `SSPR_SECRET` (what `cargo xtask run` starts): every process of one
//! install shares the secret kept in its data folder, so what the command line prints works on
//! the running server. Production still needs `SSPR_SECRET`.

use crate::helpers::PASSWORD;
use serde_json::json;
use sspr_server::store::Db;
use sspr_server::{AppState, Config};

/// The server binary with only `env` set (no inherited `SSPR_*`).
fn command_line(env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sspr-server"))
        .env_clear()
        .envs(env.iter().copied())
        .env("SSPR_LOG", "error")
        .args(args)
        .output()
        .expect("runs")
}

#[tokio::test]
async fn a_setup_link_printed_by_the_command_line_works_on_the_running_development_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = format!("sqlite://{}", dir.path().join("data/sspr.db").display());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let origin = format!("http://{address}");
    let config = Config {
        listen: address,
        public_origin: origin.clone(),
        database_url: database_url.clone(),
        web_dir: dir.path().join("web"),
        dev: true,
        secret: None,
        ..Config::default()
    };
    config.validate().expect("development mode needs no secret");
    let db = Db::connect(&config.database_url, 4)
        .await
        .expect("database");
    let state = AppState::new(config, db).expect("state");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(sspr_server::serve(listener, state, async {
        let _ = stopped.await;
    }));

    // A second process of the same install prints a setup link while the server runs.
    let env = [
        ("SSPR_DEV", "true"),
        ("SSPR_DATABASE_URL", database_url.as_str()),
        ("SSPR_PUBLIC_ORIGIN", origin.as_str()),
    ];
    let printed = command_line(&env, &["bootstrap-admin"]);
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let stdout = String::from_utf8_lossy(&printed.stdout);
    let token = stdout
        .lines()
        .find(|l| l.trim().len() == 43)
        .expect("a token")
        .trim();
    assert!(
        dir.path().join("data/dev-secret").is_file(),
        "kept in the data folder"
    );

    let answer = reqwest::Client::new()
        .post(format!("{origin}/api/admin/bootstrap"))
        .header("x-sspr-csrf", "1")
        .header("origin", &origin)
        .json(&json!({"token": token, "email": "dev@contoso.example", "display_name": "Dev", "password": PASSWORD}))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        answer.status(),
        201,
        "{}",
        answer.text().await.unwrap_or_default()
    );

    // Production mode has no such file to fall back on: without SSPR_SECRET it refuses to run.
    let production = command_line(&env[1..], &["bootstrap-admin"]);
    assert!(!production.status.success());
    assert!(String::from_utf8_lossy(&production.stderr).contains("SSPR_SECRET"));

    let _ = stop.send(());
    server.await.expect("server task").expect("server");
}

#[test]
fn a_setting_that_cannot_work_stops_the_command_with_its_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = format!("sqlite://{}", dir.path().join("data/sspr.db").display());
    let base = [
        ("SSPR_DEV", "true"),
        ("SSPR_DATABASE_URL", database_url.as_str()),
    ];
    for (setting, value, said) in [
        (
            "SSPR_REQUESTS_PER_MINUTE",
            "0",
            "SSPR_REQUESTS_PER_MINUTE must be at least 1",
        ),
        (
            "SSPR_REQUEST_TIMEOUT_SECS",
            "0",
            "SSPR_REQUEST_TIMEOUT_SECS must be at least 1",
        ),
        (
            "SSPR_MAIL_FROM",
            "nobody",
            "SSPR_MAIL_FROM must be an address",
        ),
    ] {
        let mut env = base.to_vec();
        env.push((setting, value));
        let refused = command_line(&env, &["bootstrap-admin"]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(!refused.status.success(), "{setting}={value} was accepted");
        assert!(stderr.contains(said), "{setting}={value}: {stderr}");
    }
    assert!(
        !dir.path().join("data/sspr.db").exists(),
        "nothing was made before the refusal"
    );
}
