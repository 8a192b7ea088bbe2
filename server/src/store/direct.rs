//! The group-commit writer's direct SQLite connection: SQLite called in place, on the writer's
//! own thread.
//!
//! sqlx-sqlite runs each connection on a thread of its own: every statement is handed to that
//! thread and every statement's result comes back as a message, and the writer slept until
//! each arrived, about eight times a flow start (docs/performance.md, "why a request's tail
//! is longer on the AMD EPYC host"). The writer's hot path, the counted jobs of a batch (flow
//! starts: counters, then the writes that depend on them; passcode checks, in stages; the mail
//! queue's claims and settling), runs here instead, through rusqlite on the same SQLite
//! library: each statement prepared once and kept, then bound and stepped with no hand-off.
//! Measured alone, the flow start's batch took a quarter less time and CPU than through sqlx's
//! thread, and 16 clients made a fifth more of them a second.
//!
//! Jobs that are Rust closures over an [`AnyConnection`](sqlx::AnyConnection) (a passcode
//! check that signs in, a new user) still run on the writer's sqlx connection, in a
//! transaction of their own after the counted jobs' one: both connections are the writer's,
//! taken in turn inside the write gate, and the WAL's one fsync after the batch makes both
//! commits durable.
//!
//! Errors come back as [`sqlx::Error`]s of the kind the rest of the store answers on: busy or
//! locked as [`sqlx::Error::PoolTimedOut`] and a failed read or write of the disk as
//! [`sqlx::Error::Io`] (both a 503), a missing row as [`sqlx::Error::RowNotFound`], anything
//! else (a broken constraint too) as a protocol error with SQLite's message (a 500).

use super::script::{only_statement, Returns, Row, Script, Value};
use rusqlite::types::{Null, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::Path;

/// Statements kept prepared: a flow start uses about ten, the other counted jobs a few more.
const PREPARED: usize = 64;

/// The writer's direct connection to the database file.
pub(super) struct Direct {
    conn: Connection,
}

impl Direct {
    /// Opens `file`, which must exist; the writer gives it its settings ([`Direct::execute`]).
    pub(super) fn open(file: &Path) -> Result<Direct, sqlx::Error> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(file, flags).map_err(error_of)?;
        conn.set_prepared_statement_cache_capacity(PREPARED);
        Ok(Direct { conn })
    }

    /// Runs `sql`, statements that return nothing (a transaction's `BEGIN`, `SAVEPOINT`, …).
    pub(super) fn execute(&self, sql: &str) -> Result<(), sqlx::Error> {
        self.conn.execute_batch(sql).map_err(error_of)
    }

    /// Runs the statements of `script` in order, each prepared once and kept; a row for each
    /// one-row statement, in order, or [`sqlx::Error::RowNotFound`] when one of them returned
    /// none or more than one (after every statement ran, as [`Script::run`] does); or every row
    /// of a [`Script::add_rows`] statement.
    pub(super) fn run(&self, script: &Script) -> Result<Vec<Row>, sqlx::Error> {
        let mut rows = Vec::new();
        let mut wanted = 0;
        let rows_alone = script.statements().count() == 1;
        for (sql, values, returns) in script.statements() {
            if returns == Returns::Rows && !rows_alone {
                return Err(only_statement());
            }
            let mut statement = self.conn.prepare_cached(sql).map_err(error_of)?;
            for i in 1..=statement.parameter_count() {
                // `$n` binds the statement's n-th value; one without a value is NULL, as
                // SQLite leaves an unbound placeholder.
                let value = statement
                    .parameter_name(i)
                    .and_then(|name| name.strip_prefix('$')?.parse::<usize>().ok())
                    .and_then(|n| values.get(n.checked_sub(1)?));
                debug_assert!(
                    value.is_some(),
                    "placeholder {i} in {sql:?} has no bound value"
                );
                match value {
                    Some(Value::Int(int)) => statement.raw_bind_parameter(i, int),
                    Some(Value::Text(text)) => statement.raw_bind_parameter(i, text),
                    None => statement.raw_bind_parameter(i, Null),
                }
                .map_err(error_of)?;
            }
            let mut returned = statement.raw_query();
            match returns {
                Returns::Nothing => while returned.next().map_err(error_of)?.is_some() {},
                // Every row it returned: from a one-row statement more than one fails the
                // script as none does.
                Returns::OneRow | Returns::Rows => {
                    while let Some(row) = returned.next().map_err(error_of)? {
                        rows.push(row_of(row)?);
                    }
                }
            }
            match returns {
                Returns::Rows => return Ok(rows),
                Returns::OneRow => wanted += 1,
                Returns::Nothing => {}
            }
        }
        if rows.len() != wanted {
            return Err(sqlx::Error::RowNotFound);
        }
        Ok(rows)
    }

    /// `PRAGMA wal_checkpoint(PASSIVE)`: the frames in the WAL, and how many are in the file.
    pub(super) fn wal_checkpoint(&self) -> Result<(i64, i64), sqlx::Error> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
                Ok((row.get(1)?, row.get(2)?))
            })
            .map_err(error_of)
    }
}

/// A returned row as the store reads it: integers, text, and NULL (as an integer's).
fn row_of(row: &rusqlite::Row<'_>) -> Result<Row, sqlx::Error> {
    let statement = row.as_ref();
    let mut columns = Vec::with_capacity(statement.column_count());
    for i in 0..statement.column_count() {
        let name = statement.column_name(i).map_err(error_of)?.to_owned();
        let value = match row.get_ref(i).map_err(error_of)? {
            ValueRef::Null => Value::Int(None),
            ValueRef::Integer(int) => Value::Int(Some(int)),
            ValueRef::Text(text) => Value::Text(Some(String::from_utf8_lossy(text).into_owned())),
            ValueRef::Real(_) | ValueRef::Blob(_) => {
                return Err(sqlx::Error::ColumnDecode {
                    index: name,
                    source: "the store reads integers and text only".into(),
                })
            }
        };
        columns.push((name, value));
    }
    Ok(Row::new(columns))
}

/// The [`sqlx::Error`] the store answers on for `error` (see the module documentation).
fn error_of(error: rusqlite::Error) -> sqlx::Error {
    match &error {
        rusqlite::Error::QueryReturnedNoRows => sqlx::Error::RowNotFound,
        rusqlite::Error::SqliteFailure(failure, _) => match failure.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => sqlx::Error::PoolTimedOut,
            ErrorCode::SystemIoFailure
            | ErrorCode::DiskFull
            | ErrorCode::CannotOpen
            | ErrorCode::ReadOnly
            | ErrorCode::DatabaseCorrupt
            | ErrorCode::NotADatabase => sqlx::Error::Io(std::io::Error::other(error.to_string())),
            _ => sqlx::Error::Protocol(error.to_string()),
        },
        _ => sqlx::Error::Protocol(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::script::Script;
    use super::Direct;

    fn open() -> (tempfile::TempDir, Direct) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("direct.db");
        rusqlite::Connection::open(&file)
            .and_then(|conn| {
                conn.execute_batch(
                    "CREATE TABLE counters (key TEXT PRIMARY KEY, hits INTEGER NOT NULL, \
                     note TEXT)",
                )
            })
            .expect("the table");
        let direct = Direct::open(&file).expect("the connection");
        (dir, direct)
    }

    fn count(script: &mut Script, key: &str) {
        script
            .add_one_row(
                "INSERT INTO counters (key, hits) VALUES ($1, 1) \
                 ON CONFLICT (key) DO UPDATE SET hits = counters.hits + 1 \
                 RETURNING hits, note",
            )
            .bind(key);
    }

    #[test]
    fn a_script_binds_each_placeholder_by_number_and_gives_a_row_for_each_one_row_statement() {
        let (_dir, direct) = open();
        let mut script = Script::default();
        count(&mut script, "a");
        // `$2` before `$1`, and `$1` twice.
        script
            .add("INSERT INTO counters (note, key, hits) VALUES ($2, $1 || $1, 7)")
            .bind("b")
            .bind("noted");
        count(&mut script, "a");
        let rows = direct.run(&script).expect("the script");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].int("hits").expect("hits"), 1);
        assert_eq!(rows[1].int("hits").expect("hits"), 2);
        assert!(rows[1].text("note").is_err(), "NULL is no text");
        let mut read = Script::default();
        read.add_one_row("SELECT hits, note FROM counters WHERE key = $1")
            .bind("bb");
        let row = &direct.run(&read).expect("the read")[0];
        assert_eq!(row.int("hits").expect("hits"), 7);
        assert_eq!(row.text("note").expect("note"), "noted");
    }

    #[test]
    fn a_one_row_statement_that_returns_no_row_or_two_fails_the_script_after_the_rest_ran() {
        let (_dir, direct) = open();
        let mut script = Script::default();
        script
            .add_one_row("UPDATE counters SET hits = 0 WHERE key = $1 RETURNING hits")
            .bind("absent");
        count(&mut script, "after");
        assert!(matches!(direct.run(&script), Err(sqlx::Error::RowNotFound)));
        let mut read = Script::default();
        read.add_one_row("SELECT hits FROM counters WHERE key = $1")
            .bind("after");
        assert_eq!(
            direct.run(&read).expect("the read")[0].int("hits").ok(),
            Some(1)
        );
        // Two rows from a one-row statement fail it as none does.
        let mut two = Script::default();
        count(&mut two, "second");
        two.add_one_row("SELECT hits FROM counters");
        assert!(matches!(direct.run(&two), Err(sqlx::Error::RowNotFound)));
    }

    #[test]
    fn a_rows_statement_gives_every_row_it_returned_or_none() {
        let (_dir, direct) = open();
        let mut counts = Script::default();
        count(&mut counts, "a");
        direct.run(&counts).expect("a counter");
        count(&mut counts, "b");
        for _ in 0..2 {
            direct.run(&counts).expect("two counters");
        }
        // a: 3 hits, b: 2.
        let mut claim = Script::default();
        claim
            .add_rows("UPDATE counters SET note = $1 WHERE hits >= $2 RETURNING key, note")
            .bind("claimed")
            .bind(2);
        let rows = direct.run(&claim).expect("the claim");
        let mut keys: Vec<_> = rows
            .iter()
            .map(|row| row.text("key").expect("key"))
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["a", "b"]);
        assert!(rows
            .iter()
            .all(|row| row.text_or_null("note").ok() == Some(Some("claimed"))));
        let mut none = Script::default();
        none.add_rows("UPDATE counters SET note = NULL WHERE hits > $1 RETURNING key")
            .bind(100);
        assert_eq!(direct.run(&none).expect("no row"), Vec::new());
    }

    #[test]
    fn a_failed_statement_is_an_error_of_the_kind_the_store_answers_on() {
        let (dir, direct) = open();
        let mut script = Script::default();
        script.add("INSERT INTO absent (x) VALUES ($1)").bind(1);
        assert!(matches!(direct.run(&script), Err(sqlx::Error::Protocol(_))));
        // Another connection holds the write lock: busy, after the busy timeout.
        let other = rusqlite::Connection::open(dir.path().join("direct.db")).expect("a second");
        other.execute_batch("BEGIN IMMEDIATE").expect("the lock");
        let mut started = Script::default();
        count(&mut started, "locked");
        direct
            .execute("PRAGMA busy_timeout = 10")
            .expect("a short timeout");
        assert!(matches!(
            direct.run(&started),
            Err(sqlx::Error::PoolTimedOut)
        ));
    }
}
