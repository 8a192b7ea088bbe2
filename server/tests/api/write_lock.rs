//! Writes under load and under cancellation: on SQLite every write takes the one write lock, so a
//! transaction that could not get it, or a connection left holding it, fails other requests.
//! Full password resets at once must all succeed, and no client behaviour — a request dropped at
//! any point — may leave a pooled connection inside a transaction.

use crate::backend_tests_with;
use crate::helpers::{Answer, Browser, TestApp};
use crate::support::{count, ip, now, trust_forwarded_for};
use serde_json::json;
use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::sync::Barrier;
use tokio::task::JoinSet;

const NEW_PASSWORD: &str = "a brand new passphrase under load";
/// How many resets run at once.
const AT_ONCE: usize = 16;

/// Accounts `load{i}@contoso.example` written straight into the table (a sign-up each would
/// hash a password sixteen times before the test starts).
async fn accounts(app: &TestApp, n: usize) -> Vec<String> {
    let mut emails = Vec::new();
    for i in 0..n {
        let email = format!("load{i}@contoso.example");
        sqlx::query(
            "INSERT INTO users (id, email, email_canonical, display_name, user_type, \
                                created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $2, 'Load', 'member', $3, $3)",
        )
        .bind(format!("load-{i}"))
        .bind(&email)
        .bind(now(app))
        .execute(&app.db.pool)
        .await
        .expect("insert");
        emails.push(email);
    }
    emails
}

/// POSTs `body` to `path` from `browser` as client address number `n`.
async fn post(
    app: &TestApp,
    browser: &Browser,
    n: usize,
    path: &str,
    body: serde_json::Value,
) -> Answer {
    let request = browser
        .client
        .post(app.url(path))
        .header("x-sspr-csrf", "1")
        .header("origin", &app.origin)
        .header("x-forwarded-for", ip(n))
        .json(&body);
    browser.send(request).await
}

/// Takes every connection of the pool at once and checks that none is inside a transaction (on
/// PostgreSQL also as the server sees it: no session of this database idle in a transaction),
/// then that a write transaction opens and commits.
async fn assert_no_connection_in_a_transaction(app: &TestApp) {
    use sqlx::Connection;
    let size = app.state.config.database_max_connections as usize;
    let mut held = Vec::new();
    for _ in 0..size {
        let conn = tokio::time::timeout(Duration::from_secs(20), app.db.pool.acquire())
            .await
            .expect("every pooled connection comes back")
            .expect("a connection");
        assert!(
            !conn.is_in_transaction(),
            "a pooled connection is inside a transaction"
        );
        held.push(conn);
    }
    if app.backend == sspr_server::store::Backend::Postgres {
        let idle_in_transaction: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
        )
        .fetch_one(&mut *held[0])
        .await
        .expect("pg_stat_activity");
        assert_eq!(idle_in_transaction, 0, "a session is idle in a transaction");
    }
    drop(held);
    let mut tx = app
        .db
        .begin_write()
        .await
        .expect("a write transaction opens");
    sqlx::query(
        "INSERT INTO rate_limits (key, window_start_ms, hits) VALUES ('probe', 0, 1) \
         ON CONFLICT (key) DO UPDATE SET hits = rate_limits.hits + 1",
    )
    .execute(&mut *tx)
    .await
    .expect("a write");
    tx.commit().await.expect("commit");
}

backend_tests_with! { trust_forwarded_for;
    async fn sixteen_full_password_resets_at_once_all_succeed(app) {
        let app = Arc::new(app);
        let emails = accounts(&app, AT_ONCE).await;
        // Every step of every reset starts together, so each step's transactions collide.
        let gate = Arc::new(Barrier::new(AT_ONCE));
        let mut set = JoinSet::new();
        for (n, email) in emails.into_iter().enumerate() {
            let (app, gate) = (app.clone(), gate.clone());
            set.spawn(async move {
                let browser = app.browser();
                gate.wait().await;
                let started = post(&app, &browser, n, "/api/flows", json!({"purpose": "password_reset", "email": email})).await;
                assert_eq!(started.status, 201, "start: {}", started.text);
                let id = started.body["flow_id"].as_str().expect("flow id").to_owned();
                let code = app.mailbox.code_for(&email).await;
                gate.wait().await;
                let verified = post(&app, &browser, 100 + n, &format!("/api/flows/{id}/verify"), json!({"code": code})).await;
                assert_eq!(verified.status, 200, "verify: {}", verified.text);
                gate.wait().await;
                let done = post(&app, &browser, 200 + n, &format!("/api/flows/{id}/complete"), json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})).await;
                assert_eq!(done.status, 200, "complete: {}", done.text);
                assert_eq!(done.body["signed_in"], true);
                browser.get("/api/session").await.expect_status(200);
            });
        }
        while let Some(reset) = set.join_next().await {
            reset.expect("every reset succeeds");
        }
        assert_eq!(count(&app, "audit_log WHERE event = 'password_reset' AND outcome = 'success'").await, AT_ONCE as i64);
        assert_eq!(count(&app, "users WHERE password_hash IS NOT NULL").await, AT_ONCE as i64);
    }

    async fn requests_dropped_mid_flight_leave_no_connection_inside_a_transaction(app) {
        // Verified resets whose last step will be cut off while it hashes or writes.
        let emails = accounts(&app, 8).await;
        let mut verified = Vec::new();
        for (n, email) in emails.iter().enumerate() {
            let browser = app.browser();
            let started = post(&app, &browser, n, "/api/flows", json!({"purpose": "password_reset", "email": email})).await.expect_status(201);
            let id = started.body["flow_id"].as_str().expect("flow id").to_owned();
            let code = app.mailbox.code_for(email).await;
            post(&app, &browser, n, &format!("/api/flows/{id}/verify"), json!({"code": code})).await.expect_status(200);
            verified.push((browser, id));
        }
        let mut requests = Vec::new();
        for n in 0..160 {
            let body = json!({"purpose": "password_reset", "email": format!("drop{n}@contoso.example")}).to_string();
            requests.push(raw_post(&app, "/api/flows", "", n, &body));
        }
        for (n, (browser, id)) in verified.iter().enumerate() {
            let cookie = format!("cookie: __Host-sspr_flow={}\r\n", browser.cookie("__Host-sspr_flow").expect("flow cookie"));
            let body = json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}).to_string();
            requests.push(raw_post(&app, &format!("/api/flows/{id}/complete"), &cookie, 500 + n, &body));
        }
        // Each request is sent whole, then its socket is reset after 0 to 40 ms: some are cut
        // off before the handler runs, some while it waits for the write lock or inside BEGIN,
        // some while it hashes, some after it answered.
        let mut set = JoinSet::new();
        for (n, request) in requests.into_iter().enumerate() {
            let address = app.address;
            set.spawn(async move {
                let mut socket = tokio::net::TcpStream::connect(address).await.expect("connect");
                socket.write_all(request.as_bytes()).await.expect("send");
                let micros = (n as u64 * 7_919) % 40_000;
                tokio::time::sleep(Duration::from_micros(micros)).await;
                socket.set_zero_linger().expect("linger");
                drop(socket);
            });
        }
        while let Some(done) = set.join_next().await {
            done.expect("request task");
        }
        assert_no_connection_in_a_transaction(&app).await;
        // Writes succeed at once: sixteen flow starts in a row, each on whichever connection the
        // pool hands out.
        for n in 0..16 {
            let browser = app.browser();
            post(&app, &browser, 900 + n, "/api/flows", json!({"purpose": "sign_up", "email": format!("after{n}@contoso.example")}))
                .await
                .expect_status(201);
        }
    }

    async fn a_write_transaction_dropped_while_it_begins_leaves_no_connection_inside_it(app) {
        // The future of `begin_write` is dropped after its first, second, … pending poll, so
        // every await point inside BEGIN is a place it stops once; each time, no pooled
        // connection may be left inside a transaction, and the next write transaction opens.
        for pending_polls in 0..48 {
            let mut begin = Box::pin(app.db.begin_write());
            let mut polls = 0;
            let finished = std::future::poll_fn(|cx| match begin.as_mut().poll(cx) {
                Poll::Ready(result) => Poll::Ready(Some(result)),
                Poll::Pending if polls >= pending_polls => Poll::Ready(None),
                Poll::Pending => {
                    polls += 1;
                    Poll::Pending
                }
            })
            .await;
            drop(begin);
            if let Some(result) = finished {
                result.expect("BEGIN").rollback().await.expect("rollback");
            }
            assert_no_connection_in_a_transaction(&app).await;
        }
    }
}

/// A whole HTTP/1.1 POST as the SPA sends it, from client address number `n`.
fn raw_post(app: &TestApp, path: &str, cookie: &str, n: usize, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n\
         x-sspr-csrf: 1\r\norigin: {origin}\r\nx-forwarded-for: {ip}\r\n{cookie}\
         content-length: {len}\r\n\r\n{body}",
        host = app.address,
        origin = app.origin,
        ip = ip(n),
        len = body.len(),
    )
}
