//! A counted write decided in one statement on PostgreSQL.
//!
//! A flow start counts a send against the client address's rate limit and the email address's
//! cap, and what it then writes depends on whether both allow it: the code's real hash or an
//! unmatchable one, the sealed message or a suppressed row, the audit record's outcome. On
//! SQLite the group-commit writer runs the counters and then the writes chosen from their rows
//! in one savepoint, without a round trip ([`super::staged`]). On PostgreSQL the two were two
//! statements: two round trips and two commits, half of the database's CPU a flow start.
//!
//! Here both outcomes' writes are built first. When they are the same statements, only some of
//! their values differing, they are joined with the counters and a verdict in SQL into one
//! statement: the counters as data-modifying `WITH` clauses that return their rows, the verdict
//! a boolean over those rows' columns, and every value the two outcomes disagree on
//! `CASE WHEN verdict THEN allowed ELSE refused END`. One round trip, one commit, atomic on its
//! own. The verdict in SQL must say what the caller's judge says in Rust over the same rows
//! (which SQLite and any write that is not joined use); [`Db::write_judged`](super::Db::write_judged)
//! checks it in debug builds, and the flow tests run on both back ends.

use super::script::{rewrite, Returns, Row, Script, Value};
use sqlx::AnyConnection;
use std::fmt::Write as _;

/// A yes-or-no judgement in SQL over the columns the counters of a [`Judged`] write return:
/// `hits <= $1 AND send_blocked_until_ms <= $2`, with its own `$n` placeholders.
#[derive(Debug, Clone)]
pub struct Verdict {
    sql: &'static str,
    values: Vec<Value>,
}

impl Verdict {
    pub fn new(sql: &'static str) -> Verdict {
        Verdict {
            sql,
            values: Vec::new(),
        }
    }

    /// Binds the next placeholder.
    #[must_use]
    pub fn bind(mut self, value: impl Into<Value>) -> Verdict {
        self.values.push(value.into());
        self
    }
}

/// A value of the joined writes: the same for both outcomes, or one for each.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Choice {
    Same(Value),
    Either(Value, Value),
}

/// The counters, the verdict and both outcomes' writes as one PostgreSQL statement.
#[derive(Debug)]
pub(super) struct Judged {
    sql: String,
    values: Vec<Value>,
    counters: usize,
}

impl Judged {
    /// The one statement, or `None` when the counters are not all one-row statements, a write
    /// returns rows, or the two outcomes' writes are not the same statements in the same order
    /// (then the caller counts and writes in two steps).
    ///
    /// It runs without a transaction around it, so each counter must return its row whatever
    /// the tables hold, as an upsert does: with a guarded write among them that found no row,
    /// the writes would still be made (with the refused outcome's values) and only the answer
    /// would fail.
    pub(super) fn new(
        counts: &Script,
        verdict: &Verdict,
        allowed: &Script,
        refused: &Script,
    ) -> Option<Judged> {
        let counters: Vec<_> = counts.statements().collect();
        if counters.is_empty() || counters.iter().any(|(_, _, r)| *r != Returns::OneRow) {
            return None;
        }
        let writes = merged(allowed, refused)?;
        let mut sql = String::from("WITH ");
        let mut values = Vec::new();
        for (i, (text, bound, _)) in counters.iter().enumerate() {
            let _ = write!(sql, "s{i} AS (");
            append(&mut sql, &mut values, text, &same(bound));
            sql.push_str("), ");
        }
        sql.push_str("v AS (SELECT COALESCE((");
        append(&mut sql, &mut values, verdict.sql, &same(&verdict.values));
        sql.push_str("), false) AS verdict FROM ");
        sql.push_str(&joined_counters(counters.len()));
        sql.push(')');
        for (i, (text, choices)) in writes.iter().enumerate() {
            let _ = write!(sql, ", w{i} AS (");
            append(&mut sql, &mut values, text, choices);
            sql.push(')');
        }
        sql.push_str(" SELECT * FROM ");
        sql.push_str(&joined_counters(counters.len()));
        sql.push_str(" CROSS JOIN v");
        Some(Judged {
            sql,
            values,
            counters: counters.len(),
        })
    }

    /// Runs it on `conn`: a row for each counter, in order (as [`Script::run`] gives them), and
    /// the verdict.
    pub(super) async fn run(
        self,
        conn: &mut AnyConnection,
    ) -> Result<(Vec<Row>, bool), sqlx::Error> {
        let mut query = sqlx::query(&self.sql);
        for value in self.values {
            query = value.bind(query);
        }
        // Every message read to the end, the commit's answer included: a row can arrive before
        // PostgreSQL says whether the statement's implicit commit succeeded.
        let rows = query.fetch_all(conn).await?;
        let row = Row::of(rows.first().ok_or(sqlx::Error::RowNotFound)?)?;
        let verdict = row.int("verdict")? == 1;
        Ok((std::iter::repeat_n(row, self.counters).collect(), verdict))
    }
}

/// `s0 CROSS JOIN s1 …` for `n` counters.
fn joined_counters(n: usize) -> String {
    let mut sql = String::from("s0");
    for i in 1..n {
        let _ = write!(sql, " CROSS JOIN s{i}");
    }
    sql
}

fn same(values: &[Value]) -> Vec<Choice> {
    values.iter().cloned().map(Choice::Same).collect()
}

/// Both outcomes' writes as one list of statements, each value [`Choice::Same`] where they
/// agree; `None` unless they are the same statements (writes that return no rows) in the same
/// order.
fn merged(allowed: &Script, refused: &Script) -> Option<Vec<(&'static str, Vec<Choice>)>> {
    let allowed: Vec<_> = allowed.statements().collect();
    let refused: Vec<_> = refused.statements().collect();
    if allowed.len() != refused.len() {
        return None;
    }
    allowed
        .iter()
        .zip(&refused)
        .map(|((sql, yes, returns), (other, no, _))| {
            if sql != other || *returns != Returns::Nothing || yes.len() != no.len() {
                return None;
            }
            let choices = yes
                .iter()
                .zip(no.iter())
                .map(|(yes, no)| {
                    if yes == no {
                        Choice::Same(yes.clone())
                    } else {
                        Choice::Either(yes.clone(), no.clone())
                    }
                })
                .collect();
            Some((*sql, choices))
        })
        .collect()
}

/// Appends `sql` to `out` with each of its `$n` placeholders numbered on after the values
/// already in `values`, and the values pushed: a [`Choice::Same`] as one placeholder, a
/// [`Choice::Either`] as a `CASE` on the verdict over two. A placeholder used twice in `sql`
/// stands for the same value(s) both times.
fn append(out: &mut String, values: &mut Vec<Value>, sql: &str, choices: &[Choice]) {
    // Where each of the statement's own values lands among `values`.
    let mut at = Vec::with_capacity(choices.len());
    for choice in choices {
        at.push(values.len() + 1);
        match choice {
            Choice::Same(value) => values.push(value.clone()),
            Choice::Either(yes, no) => {
                values.push(yes.clone());
                values.push(no.clone());
            }
        }
    }
    rewrite(sql, out, |n, out| {
        match (
            n.checked_sub(1).and_then(|i| choices.get(i)),
            at.get(n.wrapping_sub(1)),
        ) {
            (Some(Choice::Either(..)), Some(&k)) => {
                let _ = write!(
                    out,
                    "CASE WHEN (SELECT verdict FROM v) THEN ${k} ELSE ${} END",
                    k + 1
                );
            }
            (_, Some(&k)) => {
                let _ = write!(out, "${k}");
            }
            // Unbound: NULL, as SQLite would bind it (`script`'s `positional`).
            (_, None) => {
                debug_assert!(false, "${n} in {sql:?} has no bound value");
                out.push_str("NULL");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{Judged, Verdict};
    use crate::store::script::{Script, Value};

    fn counts() -> Script {
        let mut counts = Script::default();
        counts
            .add_one_row("INSERT INTO a (k, n) VALUES ($1, 1) RETURNING n")
            .bind("key");
        counts
            .add_one_row("UPDATE b SET until = $1 WHERE k = $2 RETURNING until")
            .bind(5)
            .bind("key");
        counts
    }

    fn writes(allowed: bool) -> Script {
        let mut writes = Script::default();
        writes
            .add("INSERT INTO c (x, y, z) VALUES ($1, $2, $1)")
            .bind(7)
            .bind(if allowed { "real" } else { "none" });
        writes.add("INSERT INTO d (w) VALUES ($1)").bind("same");
        writes
    }

    #[test]
    fn the_outcomes_values_that_differ_become_a_case_on_the_verdict_and_the_rest_stay_one() {
        let verdict = Verdict::new("n <= $1 AND until <= $2").bind(20).bind(9);
        let judged =
            Judged::new(&counts(), &verdict, &writes(true), &writes(false)).expect("one statement");
        assert_eq!(
            judged.sql,
            "WITH s0 AS (INSERT INTO a (k, n) VALUES ($1, 1) RETURNING n), \
             s1 AS (UPDATE b SET until = $2 WHERE k = $3 RETURNING until), \
             v AS (SELECT COALESCE((n <= $4 AND until <= $5), false) AS verdict \
             FROM s0 CROSS JOIN s1), \
             w0 AS (INSERT INTO c (x, y, z) VALUES ($6, \
             CASE WHEN (SELECT verdict FROM v) THEN $7 ELSE $8 END, $6)), \
             w1 AS (INSERT INTO d (w) VALUES ($9)) \
             SELECT * FROM s0 CROSS JOIN s1 CROSS JOIN v"
        );
        assert_eq!(
            judged.values,
            [
                Value::from("key"),
                Value::from(5),
                Value::from("key"),
                Value::from(20),
                Value::from(9),
                Value::from(7),
                Value::from("real"),
                Value::from("none"),
                Value::from("same"),
            ]
        );
        assert_eq!(judged.counters, 2);
    }

    /// On a real PostgreSQL (the test command's): a counter that allows two hits writes the
    /// allowed values for the first two and the refused ones for the third, each in the one
    /// statement, and says so.
    #[tokio::test]
    async fn on_postgresql_the_counters_verdict_chooses_each_written_value() {
        use sqlx::Connection as _;
        let Ok(url) = std::env::var("SSPR_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var_os("SSPR_TEST_REQUIRE_POSTGRES").is_none(),
                "SSPR_TEST_REQUIRE_POSTGRES is set but SSPR_TEST_POSTGRES_URL is not"
            );
            eprintln!("skipped: set SSPR_TEST_POSTGRES_URL to run it on PostgreSQL");
            return;
        };
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&url)
            .await
            .expect("PostgreSQL");
        sqlx::raw_sql(
            "CREATE TEMPORARY TABLE hits (k TEXT PRIMARY KEY, n BIGINT NOT NULL); \
             CREATE TEMPORARY TABLE sent (id BIGINT NOT NULL, what TEXT, k TEXT NOT NULL);",
        )
        .execute(&mut conn)
        .await
        .expect("the tables");
        let mut verdicts = Vec::new();
        for id in 1..=3_i64 {
            let mut counts = Script::default();
            counts
                .add_one_row(
                    "INSERT INTO hits (k, n) VALUES ($1, 1) \
                     ON CONFLICT (k) DO UPDATE SET n = hits.n + 1 RETURNING n",
                )
                .bind("key");
            let write = |what: Option<&str>| {
                let mut writes = Script::default();
                writes
                    .add("INSERT INTO sent (id, what, k) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(what)
                    .bind("key");
                writes
            };
            let judged = Judged::new(
                &counts,
                &Verdict::new("n <= $1").bind(2),
                &write(Some("code")),
                &write(None),
            )
            .expect("one statement");
            let (rows, verdict) = judged.run(&mut conn).await.expect("it runs");
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].int("n").expect("the count"), id);
            verdicts.push(verdict);
        }
        assert_eq!(verdicts, [true, true, false]);
        let sent: Vec<(i64, Option<String>)> =
            sqlx::query_as("SELECT id, what FROM sent ORDER BY id")
                .fetch_all(&mut conn)
                .await
                .expect("the rows");
        assert_eq!(
            sent,
            [
                (1, Some("code".to_owned())),
                (2, Some("code".to_owned())),
                (3, None)
            ]
        );
    }

    #[test]
    fn outcomes_that_are_not_the_same_statements_are_not_joined() {
        let verdict = Verdict::new("n <= $1").bind(20);
        let mut other = writes(false);
        other.add("DELETE FROM e");
        assert!(Judged::new(&counts(), &verdict, &writes(true), &other).is_none());
        let mut no_counters = Script::default();
        no_counters.add("DELETE FROM e");
        assert!(Judged::new(&no_counters, &verdict, &writes(true), &writes(false)).is_none());
    }
}
