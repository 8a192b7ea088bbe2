//! A staged write: scripts run one after another in one transaction, each chosen from what the
//! ones before it returned.
//!
//! A passcode check is the shape: count the client's try against its rate limit, then (if it
//! may go on) the try on the flow's code, then — judged by the code — either the failure's
//! records or the code's use and the flow's move. Each step reads the rows of the one before, so
//! it cannot be one [`Script`]; as Rust closures over an `AnyConnection` its statements were each
//! a hand-off to sqlx-sqlite's connection thread and back, inside the group-commit writer's
//! batch, and on a busy host each hand-off is dear. As a [`Stage`] it is plain data and a
//! plain function between scripts, so the writer runs it on its direct connection
//! ([`super::direct`]) as it runs a flow start ([`Db::write_staged`](super::Db::write_staged)),
//! and elsewhere it runs on any connection with [`run`].

use super::script::{Row, Script};
use sqlx::AnyConnection;

/// What a staged write reads the rows (or the error) of its last script with.
pub type Then<T, E> = Box<dyn FnOnce(Result<Vec<Row>, sqlx::Error>) -> Stage<T, E> + Send>;

/// The next step of a staged write.
pub enum Stage<T, E> {
    /// Run the script, then give what it returned to the function.
    Run(Script, Then<T, E>),
    /// Done: `Ok` keeps what the scripts wrote, `Err` undoes it all.
    Done(Result<T, E>),
}

impl<T: std::fmt::Debug, E: std::fmt::Debug> std::fmt::Debug for Stage<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stage::Run(script, _) => f.debug_tuple("Run").field(script).finish_non_exhaustive(),
            Stage::Done(result) => f.debug_tuple("Done").field(result).finish(),
        }
    }
}

impl<T, E> Stage<T, E> {
    /// Runs `script`, then `then` with what it returned.
    pub fn run(
        script: Script,
        then: impl FnOnce(Result<Vec<Row>, sqlx::Error>) -> Stage<T, E> + Send + 'static,
    ) -> Stage<T, E> {
        Stage::Run(script, Box::new(then))
    }

    /// Runs `script`, then `then` with its rows; an error of the script ends the write with it
    /// (and undoes it).
    pub fn read(
        script: Script,
        then: impl FnOnce(Vec<Row>) -> Stage<T, E> + Send + 'static,
    ) -> Stage<T, E>
    where
        E: From<sqlx::Error>,
    {
        Stage::run(script, move |ran| match ran {
            Ok(rows) => then(rows),
            Err(error) => Stage::Done(Err(E::from(error))),
        })
    }

    /// Runs `writes` and ends with `value` once they ran.
    pub fn write(writes: Script, value: T) -> Stage<T, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error>,
    {
        Stage::read(writes, move |_| Stage::Done(Ok(value)))
    }
}

/// Runs `stage` on `conn`, which must be inside a transaction or savepoint that the caller
/// keeps on `Ok` and undoes on `Err`.
pub async fn run<T, E>(conn: &mut AnyConnection, mut stage: Stage<T, E>) -> Result<T, E> {
    loop {
        match stage {
            Stage::Done(result) => return result,
            Stage::Run(script, then) => stage = then(script.run(conn).await),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{run, Stage};
    use crate::store::script::Script;
    use sqlx::Connection as _;

    /// Counts a hit on `key`, then, below `limit`, inserts a row for it; at the limit ends
    /// with the refusal, keeping the hit.
    fn hit(key: &'static str, limit: i64) -> Stage<Result<i64, String>, sqlx::Error> {
        let mut count = Script::default();
        count
            .add_one_row(
                "INSERT INTO hits (key, n) VALUES ($1, 1) \
                 ON CONFLICT (key) DO UPDATE SET n = hits.n + 1 RETURNING n",
            )
            .bind(key);
        Stage::read(count, move |rows| {
            let n = match rows.first().map(|row| row.int("n")) {
                Some(Ok(n)) => n,
                _ => return Stage::Done(Err(sqlx::Error::RowNotFound)),
            };
            if n > limit {
                return Stage::Done(Ok(Err(format!("{key}: over the limit"))));
            }
            let mut log = Script::default();
            log.add("INSERT INTO log (key, n) VALUES ($1, $2)")
                .bind(key)
                .bind(n);
            Stage::write(log, Ok(n))
        })
    }

    #[tokio::test]
    async fn each_script_is_chosen_from_the_rows_of_the_one_before() {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect("sqlite::memory:")
            .await
            .expect("a database");
        sqlx::raw_sql(
            "CREATE TABLE hits (key TEXT PRIMARY KEY, n INTEGER NOT NULL); \
             CREATE TABLE log (key TEXT NOT NULL, n INTEGER NOT NULL);",
        )
        .execute(&mut conn)
        .await
        .expect("the tables");
        assert_eq!(run(&mut conn, hit("a", 2)).await.expect("a"), Ok(1));
        assert_eq!(run(&mut conn, hit("a", 2)).await.expect("a"), Ok(2));
        assert_eq!(
            run(&mut conn, hit("a", 2)).await.expect("a"),
            Err("a: over the limit".to_owned())
        );
        let logged: Vec<(String, i64)> = sqlx::query_as("SELECT key, n FROM log ORDER BY n")
            .fetch_all(&mut conn)
            .await
            .expect("the log");
        assert_eq!(logged, [("a".to_owned(), 1), ("a".to_owned(), 2)]);
        // A failed script ends the write with its error.
        let mut broken = Script::default();
        broken.add("INSERT INTO absent VALUES (1)");
        let failed = run(&mut conn, Stage::<(), sqlx::Error>::write(broken, ())).await;
        assert!(failed.is_err());
    }
}
