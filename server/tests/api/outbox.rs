//! The outbox: mail leaves through a worker, is retried until the mail server takes it, and in
//! development mode is kept for the outbox page.

use crate::backend_tests;
use crate::backend_tests_with;
use crate::helpers::PASSWORD;
use serde_json::json;
use sqlx::Row;
use std::time::Duration;

/// Messages waiting to be sent, and how many of them have a recorded failure.
async fn pending(app: &crate::helpers::TestApp) -> (i64, i64) {
    let row = sqlx::query(
        "SELECT COUNT(*), COUNT(last_error) FROM outbox WHERE sent_at_ms IS NULL AND sealed_body IS NOT NULL",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("count");
    (
        row.try_get(0).expect("count"),
        row.try_get(1).expect("failed"),
    )
}

/// Waits until `pending` is `want`, failing with `what` after `within`.
async fn wait_pending(
    app: &crate::helpers::TestApp,
    want: (i64, i64),
    within: Duration,
    what: &str,
) {
    let deadline = std::time::Instant::now() + within;
    while pending(app).await != want {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: {:?}",
            pending(app).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

backend_tests! {
    async fn a_message_the_mail_server_refuses_is_retried_until_it_is_delivered(app) {
        let email = "retry@contoso.example";
        app.sign_up(email, PASSWORD).await;
        app.mailbox.set_down(true);
        let browser = app.browser();
        // The request answers at once: it never waits for the mail server.
        app.start_flow(&browser, "password_reset", email).await;
        wait_pending(&app, (1, 1), Duration::from_secs(10), "the failed send was not recorded").await;
        // The mail server comes back; after the back-off the message goes out.
        app.mailbox.set_down(false);
        app.clock.advance_ms(10 * 60_000);
        let code = app.mailbox.code_for(email).await;
        assert_eq!(code.len(), 8);
        // The worker records the delivery right after the mail server took the message.
        wait_pending(&app, (0, 0), Duration::from_secs(5), "the delivery was not recorded").await;
        // Delivered mail keeps no body (it held the code).
        let bodies: i64 = sqlx::query("SELECT COUNT(*) FROM outbox WHERE sealed_body IS NOT NULL")
            .fetch_one(&app.db.pool)
            .await
            .expect("count")
            .try_get(0)
            .expect("number");
        assert_eq!(bodies, 0);
    }

    async fn outside_development_mode_there_is_no_outbox_page(app) {
        let answer = app.browser().get("/api/dev/outbox").await.expect_status(404);
        assert_eq!(answer.code(), "not_found");
        let page = app.get("/dev/outbox").await;
        let text = page.text().await.expect("text");
        assert!(!text.contains("Development outbox"));
    }

    async fn a_claim_behind_a_backlog_walks_the_due_index_and_sorts_nothing(app) {
        let backend = app.backend;
        for (table, index) in [("outbox", "outbox_due"), ("phone_outbox", "phone_outbox_due")] {
            backlog(&app, table, 3_000).await;
            let mut conn = app.db.pool.acquire().await.expect("a connection");
            let plan = if table == "outbox" {
                sspr_server::store::outbox::claim_plan(&mut conn, backend, LATER_MS + 3_000).await
            } else {
                sspr_server::store::phone_outbox::claim_plan(&mut conn, backend, LATER_MS + 3_000).await
            }
            .expect("a plan");
            assert!(plan.iter().any(|step| step.contains(index)), "{table}: {plan:?}");
            assert!(
                !plan.iter().any(|step| step.contains("TEMP B-TREE") || step.contains("Sort")),
                "{table}: every claim sorts the whole backlog: {plan:?}"
            );
        }
    }
}

mod development {
    use super::*;

    backend_tests_with! {
        |c| { c.dev = true; c.smtp_url = None; };

        async fn in_development_mode_mail_is_kept_and_shown_on_the_outbox_page(app) {
            let browser = app.browser();
            browser
                .post("/api/flows", json!({"purpose": "sign_up", "email": "dev@contoso.example"}))
                .await
                .expect_status(201);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            let messages = loop {
                let answer = browser.get("/api/dev/outbox").await.expect_status(200);
                let list = answer.body.as_array().cloned().unwrap_or_default();
                if !list.is_empty() {
                    break list;
                }
                assert!(std::time::Instant::now() < deadline, "nothing reached the outbox");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            };
            assert_eq!(messages[0]["to"], "dev@contoso.example");
            assert!(messages[0]["text"].as_str().is_some_and(|t| t.contains("Your code: ")));
            let page = app.get("/dev/outbox").await;
            assert_eq!(page.status(), 200);
            let html = page.text().await.expect("html");
            assert!(html.contains("Development outbox") && html.contains("dev@contoso.example"));
        }
    }
}

mod pooled_connections {
    use super::*;

    backend_tests_with! {
        |c| c.flow_starts_per_minute = 1_000;

        async fn a_full_batch_of_recipients_is_delivered_over_connections_the_pool_keeps(app) {
            // Twenty messages fail while the mail server is down, so that after the back-off all
            // come due at once: one claim, delivered to twenty recipients concurrently.
            app.mailbox.set_down(true);
            let addresses: Vec<String> =
                (0..20).map(|i| format!("batch{i:02}@contoso.example")).collect();
            for address in &addresses {
                app.start_flow(&app.browser(), "sign_up", address).await;
            }
            wait_pending(&app, (20, 20), Duration::from_secs(10), "every first try failed").await;
            app.mailbox.set_down(false);
            app.clock.advance_ms(10 * 60_000);
            for address in &addresses {
                assert_eq!(app.mailbox.code_for(address).await.len(), 8);
            }
            wait_pending(&app, (0, 0), Duration::from_secs(10), "every delivery recorded").await;
            // The pool keeps every connection the batch used: none is closed after one message
            // (lettre's default pool of ten closed half of them with QUIT, and a backlog opened
            // as many again for every claim).
            assert_eq!(app.mailbox.quits(), 0);
        }
    }
}

/// On PostgreSQL several instances' workers claim from one queue: a claim passes over a
/// message another worker holds (here: is settling) instead of waiting for it. A claim that
/// waited kept the locks it had already taken on the rows that worker had claimed, which the
/// settling write needed next: a deadlock, broken after a second by failing one of the two.
/// (On SQLite one writer makes every claim and settling write in turn.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_postgres_a_claim_passes_over_a_message_another_worker_holds() {
    use sspr_server::clock::Clock as _;
    use sspr_server::store::{outbox, phone_outbox, Backend};
    let Some(app) = crate::helpers::spawn_app_with(Backend::Postgres, |_| {}).await else {
        return;
    };
    // Due a day from now on the test's clock, so the app's own workers leave them alone.
    let due = app.clock.now_ms() + 86_400_000;
    type Claim = fn(Backend, i64, i64, i64) -> sspr_server::store::script::Script;
    let queues: [(&str, &str, Claim); 2] = [
        ("outbox", "", outbox::claim),
        ("phone_outbox", "'sms', ", phone_outbox::claim),
    ];
    for (table, channel, claim) in queues {
        let columns = if channel.is_empty() { "" } else { "channel, " };
        for (id, at) in [("held", due - 1), ("free", due)] {
            sqlx::query(&format!(
                "INSERT INTO {table} (id, purpose, {columns}recipient, created_at_ms, next_attempt_ms) \
                 VALUES ($1, 'test', {channel}'+15550100', $2, $2)"
            ))
            .bind(id)
            .bind(at)
            .execute(&app.db.pool)
            .await
            .expect("a queued message");
        }
        let mut other = app
            .db
            .pool
            .begin()
            .await
            .expect("another worker's transaction");
        sqlx::query(&format!(
            "UPDATE {table} SET attempts = attempts WHERE id = 'held'"
        ))
        .execute(&mut *other)
        .await
        .expect("the other worker holds its row");
        let rows = tokio::time::timeout(
            Duration::from_secs(5),
            app.db
                .count(claim(Backend::Postgres, due, due + 60_000, 20)),
        )
        .await
        .unwrap_or_else(|_| panic!("{table}: the claim waited for the row another worker holds"))
        .expect("the claim");
        let ids: Vec<String> = rows
            .iter()
            .map(|row| row.text("id").expect("an id").to_owned())
            .collect();
        assert_eq!(ids, ["free"], "{table}: the free message, and only it");
        other.rollback().await.expect("the other worker lets go");
        let rows = app
            .db
            .count(claim(Backend::Postgres, due, due + 60_000, 20))
            .await
            .expect("the next claim");
        assert_eq!(rows.len(), 1, "{table}: the held message, once let go");
        assert_eq!(rows[0].text("id").expect("an id"), "held");
    }
}

/// Far enough ahead that the server's own worker claims none of a [`backlog`].
const LATER_MS: i64 = 4_000_000_000_000;

/// Queues `n` messages straight into `table`, due from [`LATER_MS`] on, as a burst of flow
/// starts leaves them: on top of `n` delivered ones that the database's statistics last saw
/// (a table that grows faster than autovacuum looks at it).
async fn backlog(app: &crate::helpers::TestApp, table: &str, n: i64) {
    insert_messages(app, table, n, true).await;
    sqlx::query(&format!("ANALYZE {table}"))
        .execute(&app.db.pool)
        .await
        .expect("statistics");
    insert_messages(app, table, n, false).await;
}

/// Inserts `n` messages into `table`: delivered long ago, or waiting from [`LATER_MS`] on.
async fn insert_messages(app: &crate::helpers::TestApp, table: &str, n: i64, delivered: bool) {
    let (channel, sms) = if table == "phone_outbox" {
        (", channel", ", 'sms'")
    } else {
        ("", "")
    };
    let sql = format!(
        "INSERT INTO {table} \
           (id, purpose, recipient, sealed_body, created_at_ms, next_attempt_ms, sent_at_ms{channel}) \
         VALUES ($1, 'password_reset', 'someone@contoso.example', $2, $3, $3, $4{sms})"
    );
    let mut tx = app.db.pool.begin().await.expect("a transaction");
    for i in 0..n {
        let (id, sealed, due, sent) = if delivered {
            (format!("d{i:06}"), None, i, Some(i))
        } else {
            (format!("m{i:06}"), Some("sealed"), LATER_MS + i, None)
        };
        sqlx::query(&sql)
            .bind(id)
            .bind(sealed)
            .bind(due)
            .bind(sent)
            .execute(&mut *tx)
            .await
            .expect("a message");
    }
    tx.commit().await.expect("committed");
}
