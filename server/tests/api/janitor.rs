//! Housekeeping removes what can no longer matter, and nothing else.

use crate::backend_tests;
use crate::helpers::PASSWORD;
use sqlx::Row;

async fn count(app: &crate::helpers::TestApp, table: &str) -> i64 {
    sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
        .try_get(0)
        .expect("number")
}

backend_tests! {
    async fn the_janitor_removes_long_expired_flows_and_keeps_live_ones(app) {
        app.sign_up("keep@contoso.example", PASSWORD).await;
        let browser = app.browser();
        app.start_flow(&browser, "password_reset", "keep@contoso.example").await;
        let flows_before = count(&app, "flows").await;
        assert!(flows_before >= 2);
        // Nothing is old enough yet.
        sspr_server::janitor::sweep(&app.state).await.expect("sweep");
        assert_eq!(count(&app, "flows").await, flows_before);
        assert!(count(&app, "users").await == 1);
        // Two days later every flow has been expired for over a day.
        app.clock.advance_ms(2 * 24 * 60 * 60_000);
        sspr_server::janitor::sweep(&app.state).await.expect("sweep");
        assert_eq!(count(&app, "flows").await, 0);
        assert_eq!(count(&app, "passcodes").await, 0);
        assert_eq!(count(&app, "rate_limits").await, 0);
        assert_eq!(count(&app, "users").await, 1, "accounts are never swept");
    }

    async fn the_janitor_sweeps_a_backlog_larger_than_a_chunk_and_keeps_what_still_counts(app) {
        const DAY_MS: i64 = 24 * 60 * 60_000;
        let user = app.sign_up("keep@contoso.example", PASSWORD).await;
        drop(user);
        let user_id: String = sqlx::query_scalar("SELECT id FROM users")
            .fetch_one(&app.db.pool)
            .await
            .expect("user");
        let now = app.state.now_ms();
        let old = now - 2 * DAY_MS;
        let sessions_before = count(&app, "sessions").await;
        let rate_limits_before = count(&app, "rate_limits").await;
        let flows_before = count(&app, "flows").await;
        let passcodes_before = count(&app, "passcodes").await;
        let flow_clients_before = count(&app, "flow_clients").await;
        // One transaction for the 2,454 rows: each a commit of its own is slow on a slow disk.
        let mut tx = app.db.pool.begin().await.expect("a transaction");
        // 700 stale counters, with a live one between every tenth, so the walk by key has to
        // step over live rows inside and across its chunks.
        for n in 0..770 {
            let window = if n % 11 == 10 { now } else { old };
            sqlx::query("INSERT INTO rate_limits (key, window_start_ms, hits) VALUES ($1, $2, 1)")
                .bind(format!("test:{n:04}"))
                .bind(window)
                .execute(&mut *tx)
                .await
                .expect("counter");
        }
        // 600 expired on-screen codes and one still live.
        for n in 0..601 {
            let expires = if n == 600 { now + 60_000 } else { old };
            sqlx::query(
                "INSERT INTO captchas (id, answer_hash, image, audio, created_at_ms, expires_at_ms) \
                 VALUES ($1, '', '', '', $2, $2)",
            )
            .bind(format!("captcha-{n}"))
            .bind(expires)
            .execute(&mut *tx)
            .await
            .expect("captcha");
        }
        // 300 sessions that ended over a week ago — half expired, half revoked while their
        // expiry is still ahead — and one revoked only yesterday.
        for n in 0..301 {
            let (expires, revoked) = match n {
                300 => (now + DAY_MS, Some(now - DAY_MS)),
                n if n % 2 == 0 => (now - 8 * DAY_MS, None),
                _ => (now + DAY_MS, Some(now - 8 * DAY_MS)),
            };
            sqlx::query(
                "INSERT INTO sessions (token_hash, public_id, user_id, created_at_ms, \
                 expires_at_ms, last_seen_ms, revoked_at_ms, user_agent, client_ip) \
                 VALUES ($1, $2, $3, $4, $5, $4, $6, 'test', '192.0.2.1')",
            )
            .bind(format!("token-{n}"))
            .bind(format!("public-{n}"))
            .bind(&user_id)
            .bind(now - 9 * DAY_MS)
            .bind(expires)
            .bind(revoked)
            .execute(&mut *tx)
            .await
            .expect("session");
        }
        // 260 flows that expired two days ago, each with a passcode and the application it was
        // started for, so the flows' sweep takes more than one chunk and each chunk takes its
        // children by cascade; and one flow still live.
        for n in 0..261 {
            let expires = if n == 260 { now + 60_000 } else { old };
            sqlx::query(
                "INSERT INTO flows (id, purpose, state, email, email_canonical, binding_hash, \
                 created_at_ms, expires_at_ms, last_sent_at_ms) \
                 VALUES ($1, 'password_reset', 'code_sent', 'a@contoso.example', \
                 'a@contoso.example', 'binding', $2, $3, $2)",
            )
            .bind(format!("flow-{n}"))
            .bind(expires - 60_000)
            .bind(expires)
            .execute(&mut *tx)
            .await
            .expect("flow");
            sqlx::query(
                "INSERT INTO passcodes (id, flow_id, code_hash, created_at_ms, expires_at_ms) \
                 VALUES ($1, $2, 'hash', $3, $3)",
            )
            .bind(format!("passcode-{n}"))
            .bind(format!("flow-{n}"))
            .bind(expires)
            .execute(&mut *tx)
            .await
            .expect("passcode");
            sqlx::query(
                "INSERT INTO flow_clients (flow_id, user_flow_id, client_id) VALUES ($1, 'uf', 'app')",
            )
            .bind(format!("flow-{n}"))
            .execute(&mut *tx)
            .await
            .expect("flow's application");
        }
        // 260 administrators' lockouts untouched for two days, and one renewed now.
        for n in 0..261 {
            let updated = if n == 260 { now } else { old };
            sqlx::query(
                "INSERT INTO admin_lockouts (admin_id, client_ip, failures, updated_at_ms) \
                 VALUES ($1, '192.0.2.1', 3, $2)",
            )
            .bind(format!("admin-{n}"))
            .bind(updated)
            .execute(&mut *tx)
            .await
            .expect("lockout");
        }
        tx.commit().await.expect("the rows");

        let removed = sspr_server::janitor::sweep(&app.state).await.expect("sweep");

        assert_eq!(count(&app, "rate_limits").await, rate_limits_before + 70);
        let stale: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_limits WHERE window_start_ms < $1")
            .bind(now - DAY_MS)
            .fetch_one(&app.db.pool)
            .await
            .expect("stale");
        assert_eq!(stale, 0, "no stale counter is left");
        assert_eq!(count(&app, "captchas").await, 1, "the live code stays");
        assert_eq!(count(&app, "sessions").await, sessions_before + 1, "yesterday's stays");
        assert_eq!(count(&app, "flows").await, flows_before + 1, "the live flow stays");
        let children: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM passcodes p JOIN flow_clients c ON c.flow_id = p.flow_id \
             WHERE p.flow_id = 'flow-260'",
        )
        .fetch_one(&app.db.pool)
        .await
        .expect("the live flow's children");
        assert_eq!(children, 1, "the live flow keeps its passcode and application");
        assert_eq!(
            count(&app, "passcodes").await,
            passcodes_before + 1,
            "passcodes go with their flows"
        );
        assert_eq!(
            count(&app, "flow_clients").await,
            flow_clients_before + 1,
            "so do their applications"
        );
        let lockout: String = sqlx::query_scalar("SELECT admin_id FROM admin_lockouts")
            .fetch_one(&app.db.pool)
            .await
            .expect("the renewed lockout, alone");
        assert_eq!(lockout, "admin-260");
        assert!(removed >= 700 + 600 + 300 + 260 + 260, "removed {removed}");
        // A second pass finds nothing more.
        assert_eq!(sspr_server::janitor::sweep(&app.state).await.expect("sweep"), 0);
    }
}
