//! What the two delivery queues share — `outbox` (mail, [`super::outbox`]) and `phone_outbox`
//! (texts and calls, [`super::phone_outbox`]): how a worker claims the messages that are due.
//! Each queue names its table and the columns a claim returns ([`claim_statements!`]).

use super::script::Script;
use super::Backend;
use sqlx::{AnyConnection, Row as _};

/// A queue's claim: lease until `$1` at most `$3` of the messages due at `$2`, on each back end.
#[derive(Debug, Clone, Copy)]
pub(super) struct Claim {
    pub(super) sqlite: &'static str,
    pub(super) postgres: &'static str,
}

/// The [`Claim`] of the queue `$table`, returning `$columns`.
macro_rules! claim_statements {
    ($table:literal, $columns:literal) => {
        $crate::store::queue::Claim {
            sqlite: concat!(
                "UPDATE ",
                $table,
                " SET locked_until_ms = $1, attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM ",
                $table,
                " WHERE sent_at_ms IS NULL \
                              AND next_attempt_ms <= $2 AND locked_until_ms <= $2 \
                              ORDER BY next_attempt_ms LIMIT $3) \
                   AND locked_until_ms <= $2 \
                 RETURNING ",
                $columns
            ),
            postgres: concat!(
                "UPDATE ",
                $table,
                " SET locked_until_ms = $1, attempts = attempts + 1 \
                 WHERE id = ANY(ARRAY(SELECT id FROM ",
                $table,
                " WHERE sent_at_ms IS NULL \
                                      AND next_attempt_ms <= $2 AND locked_until_ms <= $2 \
                                      ORDER BY next_attempt_ms LIMIT $3 \
                                      FOR UPDATE SKIP LOCKED)) \
                   AND locked_until_ms <= $2 \
                 RETURNING ",
                $columns
            ),
        }
    };
}
pub(super) use claim_statements;

impl Claim {
    /// Leases up to `batch` due messages until `lease_until_ms`, counting an attempt on each, in
    /// one `UPDATE … WHERE locked_until_ms <= now` that only one worker wins; longest due first.
    ///
    /// In the order of the queue's `…_due` index (`next_attempt_ms` of the messages not yet
    /// sent), so that the claim walks the index and stops at `batch` rows. In order of queueing
    /// it sorted every waiting row at each claim: under a burst the backlog grew faster than the
    /// claims, and each claim took longer (about 8 ms each in a burst of flow starts), holding up
    /// the writer every request waits for. A message is due when queued, so the two orders
    /// differ only for retries; within a claim each queue puts each recipient's messages back in
    /// the order they were queued.
    ///
    /// The index holds only the messages not yet sent (`WHERE sent_at_ms IS NULL`). Until
    /// 2026-12-07 it was on (`sent_at_ms`, `next_attempt_ms`): SQLite walked it in order, but
    /// PostgreSQL cannot take `IS NULL` on the first column as fixing it, so it gathered every
    /// due message and sorted them at each claim, 35–60 ms for a claim of 20 behind a backlog of
    /// 47,000; delivery fell behind the flow starts that queued the mail.
    ///
    /// A script for [`Db::count`](super::Db::count): on SQLite it runs among the writer's
    /// counted jobs, on its direct connection, and shares their batch's one transaction.
    ///
    /// On PostgreSQL, where several instances' workers claim at once, the due rows are locked as
    /// they are picked (`FOR UPDATE SKIP LOCKED`), so a claim never waits for another worker. As
    /// a plain `UPDATE … WHERE id IN (…)` it did: it waited for a row another worker was
    /// settling, while keeping the locks it had taken on rows that worker had claimed
    /// (PostgreSQL re-reads a row changed under an `UPDATE` and keeps it locked even when it no
    /// longer matches), which the settling write then needed: a deadlock, which PostgreSQL broke
    /// after a second by failing one of them. When that was a settling write, its messages were
    /// tried again once their lease ended, and delivered ones went out twice.
    pub(super) fn script(
        self,
        backend: Backend,
        now_ms: i64,
        lease_until_ms: i64,
        batch: i64,
    ) -> Script {
        let statement = match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        };
        let mut script = Script::default();
        script
            .add_rows(statement)
            .bind(lease_until_ms)
            .bind(now_ms)
            .bind(batch);
        script
    }

    /// The database's plan for the claim at `now_ms`, one line per step (`EXPLAIN QUERY PLAN`
    /// on SQLite, `EXPLAIN` on PostgreSQL): tests check that it walks the due index and sorts
    /// nothing.
    pub(super) async fn plan(
        self,
        conn: &mut AnyConnection,
        backend: Backend,
        now_ms: i64,
    ) -> Result<Vec<String>, sqlx::Error> {
        let (explain, column) = match backend {
            Backend::Sqlite => (format!("EXPLAIN QUERY PLAN {}", self.sqlite), "detail"),
            Backend::Postgres => (format!("EXPLAIN {}", self.postgres), "QUERY PLAN"),
        };
        let rows = sqlx::query(&explain)
            .bind(now_ms + 60_000)
            .bind(now_ms)
            .bind(20_i64)
            .fetch_all(conn)
            .await?;
        rows.iter()
            .map(|row| row.try_get::<String, _>(column))
            .collect()
    }
}
