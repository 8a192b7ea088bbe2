//! The server as a process: configuration from the environment, start, and graceful stop.

use crate::helpers::spawn_app;
use sspr_server::store::Backend;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn the_server_finishes_when_its_shutdown_signal_fires() {
    let mut app = spawn_app(Backend::Sqlite).await.expect("sqlite");
    assert_eq!(app.get("/api/health").await.status(), 200);
    app.stop
        .take()
        .expect("stop handle")
        .send(())
        .expect("server alive");
    let outcome = tokio::time::timeout(Duration::from_secs(10), &mut app.server)
        .await
        .expect("stops within 10 s")
        .expect("task did not panic");
    outcome.expect("serve returned Ok");
}

#[test]
fn the_binary_reads_its_environment_serves_and_exits_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sspr-server"))
        .env_clear()
        .env("SSPR_LISTEN", format!("127.0.0.1:{port}"))
        .env("SSPR_PUBLIC_ORIGIN", format!("http://127.0.0.1:{port}"))
        .env(
            "SSPR_DATABASE_URL",
            format!("sqlite://{}/db/sspr.db", dir.path().display()),
        )
        .env("SSPR_WEB_DIR", dir.path().join("web"))
        // Required outside development mode since the identity core.
        .env("SSPR_SECRET", crate::helpers::SECRET)
        .env("SSPR_LOG", "info")
        .current_dir(dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let listening = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|line| line.contains("listening"));
    assert!(listening.is_some_and(|l| l.contains(&port.to_string())));
    assert!(
        dir.path().join("db/sspr.db").is_file(),
        "the SQLite file is created on first start"
    );

    let body = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async move {
            reqwest::get(format!("http://127.0.0.1:{port}/api/health"))
                .await
                .expect("health answers")
                .text()
                .await
                .expect("body")
        })
    })
    .join()
    .expect("request thread");
    assert!(body.contains("\"reachable\":true"), "{body}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = child.wait().expect("server exits");
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
    assert!(lines.map_while(Result::ok).any(|l| l.contains("stopped")));
}

#[test]
fn the_binary_refuses_a_bad_configuration_with_a_clear_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_sspr-server"))
        .env_clear()
        .env("SSPR_PUBLIC_ORIGIN", "id.example.com/path")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("SSPR_PUBLIC_ORIGIN"), "{stderr}");
}

#[test]
fn the_command_line_invites_a_guest_and_resets_the_redemption() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str]| crate::support::run_cli(dir.path(), args);
    let invited = run(&[
        "invite",
        "--email",
        "guest@partner.example",
        "--redirect",
        "/account",
    ]);
    assert!(
        invited.status.success(),
        "{}",
        String::from_utf8_lossy(&invited.stderr)
    );
    let out = String::from_utf8_lossy(&invited.stdout);
    assert!(
        out.lines()
            .any(|l| l.starts_with("https://id.contoso.example/guest?invitation=") && l.len() > 60),
        "{out}"
    );
    let reset = run(&["reset-redemption", "--email", "guest@partner.example"]);
    assert!(
        reset.status.success(),
        "{}",
        String::from_utf8_lossy(&reset.stderr)
    );
    assert!(String::from_utf8_lossy(&reset.stdout).contains("1 invitation(s)"));
    let not_guest = run(&["reset-redemption", "--email", "nobody@partner.example"]);
    assert!(!not_guest.status.success());
    assert!(String::from_utf8_lossy(&not_guest.stderr).contains("not a guest"));
    let bad = run(&["invite", "--email", "a@b@c", "--redirect", "/account"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--email"));
}
