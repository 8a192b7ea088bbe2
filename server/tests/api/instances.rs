//! Two instances of the server on one database, as behind a load balancer (SPEC §2): the
//! per-address limits and the single-use codes hold across them, and their mail workers send
//! each queued message once, because the limits, the codes and the queue live in the database,
//! not in either process; and what an administrator changes on one holds on the other from the
//! next request on, though each holds the settings in memory.

use crate::admins::first_global;
use crate::backend_tests_with;
use crate::helpers::{Answer, Browser, TestApp, PASSWORD};
use crate::policy_support::set_email;
use crate::support::{ip, trust_forwarded_for};
use serde_json::json;
use sspr_server::store::Db;
use sspr_server::AppState;
use std::sync::Arc;
use tokio::sync::{oneshot, Barrier};
use tokio::task::JoinSet;

/// A second server on `app`'s database, settings and clock (so the same public origin and
/// secret), on a port of its own; it stops when dropped.
struct SecondInstance {
    base: String,
    _stop: oneshot::Sender<()>,
}

impl SecondInstance {
    async fn start(app: &TestApp) -> SecondInstance {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let mut config = (*app.state.config).clone();
        config.listen = address;
        let db = Db::connect(&config.database_url, config.database_max_connections)
            .await
            .expect("the same database opens");
        let state = AppState::with_clock(config, db, Arc::new(app.clock.clone())).expect("state");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(sspr_server::serve(listener, state, async {
            let _ = stopped.await;
        }));
        SecondInstance {
            base: format!("http://{address}"),
            _stop: stop,
        }
    }
}

/// A browser on instance `n % 2` (the first is `app`'s), with `cookie` as its flow binding.
fn on_instance(app: &TestApp, second: &SecondInstance, n: usize, cookie: &str) -> Browser {
    let base = if n % 2 == 0 {
        app.url("")
    } else {
        second.base.clone()
    };
    let browser = Browser::new(&base, &app.origin);
    browser.set_cookie("__Host-sspr_flow", cookie);
    browser
}

async fn post(browser: &Browser, path: &str, address: &str, body: serde_json::Value) -> Answer {
    let request = browser
        .client
        .post(format!("{}{path}", browser.base()))
        .header("x-sspr-csrf", "1")
        .header("origin", browser.origin())
        .header("x-forwarded-for", address)
        .json(&body);
    browser.send(request).await
}

backend_tests_with! { trust_forwarded_for;
    async fn the_same_code_sent_to_two_instances_at_once_succeeds_once(app) {
        let second = SecondInstance::start(&app).await;
        let email = "twice@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "passwordless", email).await;
        let code = app.mailbox.code_for(email).await;
        let cookie = browser.cookie("__Host-sspr_flow").expect("the flow's binding");
        let gate = Arc::new(Barrier::new(16));
        let mut set = JoinSet::new();
        for n in 0..16 {
            let browser = on_instance(&app, &second, n, &cookie);
            let (gate, code, path) = (gate.clone(), code.clone(), format!("/api/flows/{id}/verify"));
            set.spawn(async move {
                gate.wait().await;
                post(&browser, &path, &ip(100 + n), json!({"code": code})).await
            });
        }
        let mut statuses = Vec::new();
        while let Some(answer) = set.join_next().await {
            statuses.push(answer.expect("a request").status);
        }
        statuses.sort_unstable();
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|s| [200, 400, 409].contains(s)), "{statuses:?}");
    }

    async fn mail_queued_through_both_instances_goes_out_once_each(app) {
        // Both instances' workers drain one queue, each message leased to one of them: codes
        // for new addresses and, for addresses with no account, suppressed rows that a worker
        // deletes as soon as it claims them.
        let second = SecondInstance::start(&app).await;
        let gate = Arc::new(Barrier::new(16));
        let mut set = JoinSet::new();
        for lane in 0..16 {
            let browser = on_instance(&app, &second, lane, "none");
            let gate = gate.clone();
            set.spawn(async move {
                gate.wait().await;
                for n in (lane..240).step_by(16) {
                    let (purpose, email) = if n % 2 == 0 {
                        ("sign_up", format!("once{n}@contoso.example"))
                    } else {
                        ("password_reset", format!("nobody{n}@contoso.example"))
                    };
                    let body = json!({"purpose": purpose, "email": email});
                    post(&browser, "/api/flows", &ip(300 + n), body).await.expect_status(201);
                }
            });
        }
        while let Some(done) = set.join_next().await {
            done.expect("a lane of starts");
        }
        let sent: Vec<String> = (0..240).step_by(2).map(|n| format!("once{n}@contoso.example")).collect();
        let unsent = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE sent_at_ms IS NULL")
                .fetch_one(&app.db.pool)
                .await
                .expect("the queue")
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while unsent().await > 0 || sent.iter().any(|to| app.mailbox.count_for(to) == 0) {
            assert!(std::time::Instant::now() < deadline, "the queue drained: {} left", unsent().await);
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        // Past every lease: a message whose delivery went unrecorded would go out again now.
        app.clock.advance_ms(120_000);
        tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
        for to in &sent {
            assert_eq!(app.mailbox.count_for(to), 1, "{to} got its code once");
        }
        assert_eq!(unsent().await, 0, "every message recorded as sent or dropped");
    }

    async fn a_client_address_meets_its_limit_once_across_both_instances(app) {
        let second = SecondInstance::start(&app).await;
        let limit = app.state.config.password_attempts_per_minute as usize;
        let mut refused = 0;
        for n in 0..limit + 6 {
            let browser = on_instance(&app, &second, n, "none");
            let answer = post(&browser, "/api/session", "10.9.9.9", json!({"email": "nobody@contoso.example", "password": "not the password at all"})).await;
            match answer.status {
                401 => assert!(n < limit, "attempt {n} was judged: the limit is {limit}"),
                429 => refused += 1,
                other => panic!("attempt {n}: {other} {}", answer.text),
            }
        }
        assert_eq!(refused, 6, "the attempts over {limit}, split across the instances, are refused");
    }

    async fn a_settings_change_on_one_instance_holds_on_the_other_from_the_next_request(app) {
        let second = SecondInstance::start(&app).await;
        let member = "changed@contoso.example";
        app.sign_up(member, PASSWORD).await;
        let reset = json!({"purpose": "password_reset", "email": member});
        let start = |n: usize| {
            let browser = on_instance(&app, &second, 1, "none");
            let body = reset.clone();
            async move { post(&browser, "/api/flows", &ip(200 + n), body).await }
        };
        // The second instance reads the settings and holds them.
        start(0).await.expect_status(201);
        start(1).await.expect_status(201);

        // Through the first instance's admin API.
        let admin = first_global(&app).await;
        set_email(&app, &admin, json!({"state": "disabled"})).await;
        let refused = start(2).await;
        assert_eq!(refused.status, 403, "{}", refused.text);
        assert_eq!(refused.code(), "method_disabled");
        set_email(&app, &admin, json!({"state": "enabled"})).await;
        start(3).await.expect_status(201);

        // Written straight into the database, as any other writer would.
        sqlx::query("UPDATE user_flows SET sspr_enabled = 0 WHERE is_default = 1")
            .execute(&app.db.pool)
            .await
            .expect("update");
        let refused = start(4).await;
        assert_eq!(refused.status, 403, "{}", refused.text);
        assert!(refused.text.contains("Password reset is turned off"), "{}", refused.text);
        sqlx::query("UPDATE user_flows SET sspr_enabled = 1 WHERE is_default = 1")
            .execute(&app.db.pool)
            .await
            .expect("update");
        start(5).await.expect_status(201);
    }
}
