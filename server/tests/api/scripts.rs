//! Scripts (`store::script`) on both back ends: a guarded write added as a one-row statement
//! (`UPDATE … WHERE state = … RETURNING`) that did not apply fails its script, on SQLite (one
//! multi-statement query) as on PostgreSQL (joined `WITH` clauses), and the caller's
//! transaction then keeps nothing of it. A right passcode's use and its flow's move rely on it
//! (`store::flows::use_code`).

use crate::backend_tests;
use sqlx::Row;
use sspr_server::store::rate_limits;
use sspr_server::store::script::Script;

/// A counter, a guarded write on `guarded`'s row, and a plain write after them.
fn script(guarded: &str) -> Script {
    let mut script = Script::default();
    rate_limits::add_hit(&mut script, "scripts:counted", 60_000, 1_000);
    script
        .add_one_row("UPDATE rate_limits SET hits = hits WHERE key = $1 RETURNING key AS guarded")
        .bind(guarded);
    script
        .add("INSERT INTO rate_limits (key, window_start_ms, hits) VALUES ($1, 0, 1)")
        .bind("scripts:after");
    script
}

backend_tests! {
    async fn a_guarded_write_that_missed_fails_its_script_and_keeps_nothing(app) {
        sqlx::query("INSERT INTO rate_limits (key, window_start_ms, hits) VALUES ($1, 0, 1)")
            .bind("scripts:present")
            .execute(&app.db.pool)
            .await
            .expect("a row to guard on");
        let keys = || async {
            sqlx::query("SELECT key FROM rate_limits WHERE key LIKE 'scripts:%' ORDER BY key")
                .fetch_all(&app.db.pool)
                .await
                .expect("a read")
                .iter()
                .map(|row| row.get(0))
                .collect::<Vec<String>>()
        };

        let mut tx = app.db.pool.begin().await.expect("a transaction");
        let missed = script("scripts:absent").run(&mut tx).await;
        assert!(matches!(missed, Err(sqlx::Error::RowNotFound)));
        drop(tx);
        assert_eq!(keys().await, ["scripts:present"]);

        // The same script whose guard finds its row runs whole.
        let mut tx = app.db.pool.begin().await.expect("a transaction");
        let rows = script("scripts:present").run(&mut tx).await.expect("the script");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].text("guarded").expect("a text"), "scripts:present");
        tx.commit().await.expect("the commit");
        assert_eq!(keys().await, ["scripts:after", "scripts:counted", "scripts:present"]);
    }
}
