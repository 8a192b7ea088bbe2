//! A `201` to a flow start means its rows are committed (flow starts are group-committed, and each
//! is answered only after its batch commits): the server process is killed (SIGKILL) in the
//! middle of a burst of flow starts and started again on the same database, and every flow that
//! was answered `201` before the kill is verified with the code from its mail, which the
//! restarted server's mail worker delivers from the outbox.

use crate::backend_tests;
use crate::helpers::{Answer, Browser, TestApp, SECRET};
use crate::support::ip;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinSet;

/// Flow starts in flight at once.
const IN_FLIGHT: usize = 16;
/// Flow starts sent in all (the kill comes long before the last).
const BURST: usize = 2_000;
/// `201`s received before the kill.
const KILL_AFTER: usize = 60;

/// The server binary of this package, started as production would, on `app`'s database,
/// mail and web folder, on a free port of its own.
struct Process {
    child: Child,
    base: String,
}

impl Process {
    async fn start(app: &TestApp) -> Process {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let config = &app.state.config;
        let child = Command::new(env!("CARGO_BIN_EXE_sspr-server"))
            .arg("serve")
            .current_dir(config.web_dir.parent().expect("the test's folder"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("SSPR_LISTEN", format!("127.0.0.1:{port}"))
            .env("SSPR_PUBLIC_ORIGIN", &base)
            .env("SSPR_DATABASE_URL", &config.database_url)
            .env("SSPR_SECRET", SECRET)
            .env("SSPR_SMTP_URL", app.mailbox.url())
            .env("SSPR_WEB_DIR", &config.web_dir)
            .env("SSPR_TRUST_FORWARDED_FOR", "true")
            .env("SSPR_DEV", "false")
            .env("SSPR_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .expect("the server starts");
        let process = Process { child, base };
        process.wait_healthy().await;
        process
    }

    async fn wait_healthy(&self) {
        let client = reqwest::Client::new();
        for _ in 0..300 {
            let health = client.get(format!("{}/api/health", self.base)).send();
            if let Ok(Ok(answer)) = tokio::time::timeout(Duration::from_secs(1), health).await {
                if answer.status() == 200 {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not answer /api/health within 30 s");
    }

    fn browser(&self) -> Browser {
        Browser::new(&self.base, &self.base)
    }

    /// SIGKILL: no shutdown, no draining, whatever was in flight is cut off.
    fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One sign-up start from its own browser and client address.
async fn start(browser: &Browser, n: usize, email: &str) -> Option<Answer> {
    let request = browser
        .client
        .post(format!("{}/api/flows", browser.base()))
        .header("x-sspr-csrf", "1")
        .header("origin", browser.base())
        .header("x-forwarded-for", ip(n))
        .timeout(Duration::from_secs(20))
        .json(&json!({"purpose": "sign_up", "email": email}));
    browser.try_send(request).await
}

backend_tests! {
    async fn every_flow_answered_201_before_the_server_was_killed_can_be_verified_after_a_restart(app) {
        // The in-process server steps aside: only the process under test serves and mails.
        let mut app = app;
        if let Some(stop) = app.stop.take() {
            let _ = stop.send(());
        }
        let first = Process::start(&app).await;
        let answered: Arc<Mutex<Vec<(Browser, String, String)>>> = Arc::default();
        let next = Arc::new(AtomicUsize::new(0));
        let mut burst = JoinSet::new();
        for _ in 0..IN_FLIGHT {
            let (answered, next) = (answered.clone(), next.clone());
            let base = first.base.clone();
            burst.spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= BURST {
                        return;
                    }
                    let browser = Browser::new(&base, &base);
                    let email = format!("burst{n}@contoso.example");
                    let answer = start(&browser, n, &email).await;
                    match answer.as_ref().map(|a| (a.status, a.body["flow_id"].as_str())) {
                        Some((201, Some(id))) => {
                            let id = id.to_owned();
                            answered.lock().expect("answers").push((browser, email, id));
                        }
                        // Cut off by the kill, before or while the answer came.
                        None | Some((201, None)) => return,
                        Some(_) => panic!("a flow start failed: {:?}", answer.map(|a| a.text)),
                    }
                }
            });
        }
        while answered.lock().expect("answers").len() < KILL_AFTER {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        first.kill();
        while let Some(done) = burst.join_next().await {
            done.expect("a burst task");
        }
        let answered = std::mem::take(&mut *answered.lock().expect("answers"));
        assert!(answered.len() >= KILL_AFTER);
        assert!(answered.len() < BURST, "the kill came mid-burst");

        // Messages the killed worker had leased wait out their lease (a minute) before another
        // worker takes them; the restart takes them at once, as if that minute had passed.
        sqlx::query("UPDATE outbox SET locked_until_ms = 0 WHERE sent_at_ms IS NULL")
            .execute(&app.db.pool)
            .await
            .expect("leases end");
        let second = Process::start(&app).await;
        for (n, (browser, email, id)) in answered.iter().enumerate() {
            let code = tokio::time::timeout(Duration::from_secs(60), app.mailbox.code_for(email))
                .await
                .unwrap_or_else(|_| panic!("no code was mailed to {email}, answered 201"));
            let on_second = second.browser();
            on_second.set_cookie(
                "__Host-sspr_flow",
                &browser.cookie("__Host-sspr_flow").expect("the flow's binding cookie"),
            );
            let verify = on_second
                .client
                .post(format!("{}/api/flows/{id}/verify", on_second.base()))
                .header("x-sspr-csrf", "1")
                .header("origin", on_second.base())
                .header("x-forwarded-for", ip(BURST + n))
                .json(&json!({"code": code}));
            on_second.send(verify).await.expect_status(200);
        }
    }
}
