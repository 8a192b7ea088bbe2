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
}
