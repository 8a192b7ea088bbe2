//! The database behind one interface, for SQLite and PostgreSQL alike.
//!
//! One `sqlx::AnyPool` serves both back ends, so every query is written once. The SQL is the
//! common subset of the two dialects: `$1` placeholders (SQLite accepts them too), `BIGINT` unix
//! milliseconds for time, `TEXT` ids, `INSERT … ON CONFLICT` and `UPDATE … RETURNING` for the
//! atomic steps. The schema differs, so each back end has its own migration folder
//! (`server/migrations/{sqlite,postgres}`), applied automatically at start; a few statements
//! differ where one dialect has the better tool (a queue's claim skips, on PostgreSQL, the rows
//! another worker holds: [`queue`]).
//!
//! Every SQL statement of the server is in this folder, one file per table group (a unit test
//! checks no other module holds one), and every write transaction opens with
//! [`Db::begin_write`], or, for the short writes many requests make at once, runs as a job of
//! [`Db::write_batched`] (group commit, see [`group_commit`]).

pub mod account_codes;
pub mod admins;
pub mod api_tokens;
pub mod applications;
pub mod audit;
pub mod audit_page;
pub mod audit_search;
pub mod branding;
pub mod captchas;
mod direct;
pub mod directory;
pub mod email_state;
pub mod flows;
pub mod group_commit;
pub mod groups;
pub mod invitations;
pub mod judged;
pub mod methods;
pub mod oidc;
pub mod outbox;
pub mod phone_outbox;
pub mod policies;
pub mod push;
mod queue;
pub mod rate_limits;
pub mod reports;
pub mod script;
pub mod sessions;
pub mod settings_version;
pub mod signing_keys;
pub mod staged;
pub mod sweep;
pub mod user_flows;
pub mod users;
mod wal_sync;

use group_commit::{Batcher, JobFuture, WriteGate};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Executor};
use staged::Stage;
use std::str::FromStr;
use std::time::Duration;

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The back end a `database_url` names.
    pub fn of_url(url: &str) -> Option<Self> {
        match url.split("://").next()? {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A connection pool and the back end it talks to.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite: one writer at a time, in arrival order (see [`Db::begin_write`]).
    gate: WriteGate,
    /// SQLite: the group-commit writer ([`Db::write_batched`]).
    batcher: Option<Batcher>,
}

/// A write transaction from [`Db::begin_write`]: use it as the connection (`&mut tx`), then
/// [`commit`](WriteTx::commit) it; dropped uncommitted, it rolls back. On SQLite it holds the
/// write gate until then.
#[derive(Debug)]
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL (use sqlite:// or postgres://)")]
    UnsupportedUrl,
    #[error("could not create the folder for the SQLite file: {0}")]
    CreateDir(#[source] std::io::Error),
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("could not apply migrations: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// The settings of every SQLite connection. WAL lets readers run beside the one writer;
/// `busy_timeout` makes the writers of another process queue instead of failing; foreign keys
/// are off by default in SQLite; `synchronous = FULL` fsyncs every commit before it is
/// answered, so a committed write survives a power cut, not only a crash of the server. The
/// group-commit writer alone then sets `NORMAL` and makes that fsync on a thread of its own,
/// answering nothing before it (`wal_sync`).
pub(crate) const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Opens a pool on `url` (creating a SQLite file and its folder when missing) and applies
    /// every pending migration.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url).ok_or(StoreError::UnsupportedUrl)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(StoreError::Connect)?;
        let gate = WriteGate::default();
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .test_before_acquire(false)
            .before_acquire(|conn, meta| Box::pin(alive_if_idle(conn, meta)))
            .after_release(|conn, _meta| Box::pin(out_of_transaction(conn)))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(SQLITE_PRAGMAS).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options.clone())
            .await
            .map_err(StoreError::Connect)?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await.map_err(StoreError::Migrate)?;
        let batcher = (backend == Backend::Sqlite)
            .then(|| Batcher::start(options, gate.clone(), pool.clone()));
        Ok(Db {
            pool,
            backend,
            gate,
            batcher,
        })
    }

    /// The one way to open a transaction that writes (every use-case calls this or
    /// [`Db::write_batched`]; nothing calls `pool.begin()`). On SQLite it first waits for the
    /// in-process write gate, so this process's writers take SQLite's one write lock in arrival
    /// order: without it they polled for the lock under `busy_timeout`, whose sleeps grow to
    /// 100 ms, and the lock sat idle while the machine did too (the stalls of up to 2 s in the
    /// benchmark's tail). It then takes the write lock at once (`BEGIN IMMEDIATE`, waiting under
    /// `busy_timeout` only for another process): a deferred transaction that read first cannot
    /// upgrade once another connection has committed — SQLite fails it at once with
    /// `SQLITE_BUSY` / `_SNAPSHOT` whatever the timeout, which the API would answer with a 500
    /// (16 password resets in flight failed a quarter of their last steps that way). PostgreSQL
    /// needs neither.
    ///
    /// `BEGIN` runs in a task of its own, so that dropping the caller (a client that
    /// disconnects, a request timeout) cannot interrupt it half-way. Both drivers have a window
    /// there in which the database has begun the transaction but no `Transaction` value exists
    /// yet to roll it back on drop: sqlx-sqlite 0.8 acknowledges `BEGIN IMMEDIATE` from its
    /// worker thread and only then checks, at another `.await`, that the connection is in a
    /// transaction; sqlx-postgres 0.8 counts the transaction only after `BEGIN` is answered, so
    /// its cancellation guard rolls back nothing. A future dropped in that window returned its
    /// connection to the pool inside a transaction — on SQLite holding the write lock, so every
    /// other write waited out `busy_timeout` and failed with "database is locked", and the next
    /// `begin_with` on that connection failed with "attempted to call begin_with at non-zero
    /// transaction depth". In its own task the `BEGIN` always finishes, and a `Transaction`
    /// nobody receives is dropped there, which rolls it back. The pool's `after_release` check
    /// guards its return path as well.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        let pool = self.pool.clone();
        let backend = self.backend;
        let gate = self.gate.clone();
        tokio::spawn(async move {
            match backend {
                Backend::Sqlite => {
                    let entered = gate.enter().await?;
                    let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                    Ok(WriteTx {
                        tx,
                        _gate: Some(entered),
                    })
                }
                Backend::Postgres => Ok(WriteTx {
                    tx: pool.begin().await?,
                    _gate: None,
                }),
            }
        })
        .await
        .map_err(|_| sqlx::Error::WorkerCrashed)?
    }

    /// Runs `job` as one write that commits with others (group commit, see [`group_commit`]):
    /// its result comes back only once its rows are committed (on SQLite, fsynced). A job that
    /// fails leaves no row behind. The job only runs SQL (and decides on what it read): it holds
    /// the write lock for the whole batch. It runs in the writer's task, so a caller that goes
    /// away does not cut it short.
    pub async fn write_batched<T, E, F>(&self, job: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> JobFuture<'c, Result<T, E>> + Send + 'static,
    {
        match &self.batcher {
            Some(batcher) => batcher.run(job).await,
            None => {
                let db = self.clone();
                tokio::spawn(async move {
                    let mut tx = db.begin_write().await?;
                    let result = job(&mut tx).await?;
                    tx.commit().await?;
                    Ok(result)
                })
                .await
                .unwrap_or_else(|_| Err(E::from(sqlx::Error::WorkerCrashed)))
            }
        }
    }

    /// A write in two stages, the shape of a flow start: the statements of `counts`, each an
    /// atomic counter that returns exactly one row, then the writes `then` makes of their rows
    /// (and the value to answer with). Its result comes back only once the writes are committed.
    ///
    /// On SQLite the group-commit writer runs it in the next batch on its direct connection
    /// ([`group_commit`]), in a savepoint of its own: a job that fails keeps nothing. On
    /// PostgreSQL the counters run on their own (each is atomic, and a counter is never
    /// un-counted: a write that fails after them leaves them counted, as a rate limit counts a
    /// request it then refuses), then the writes as one statement (see [`script`]) — two to three round trips, no `BEGIN`
    /// and `COMMIT`; writes that do not fit one statement run in a transaction.
    pub async fn write_counted<T, E, F>(&self, counts: script::Script, then: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
        F: FnOnce(&[script::Row]) -> Result<(script::Script, T), E> + Send + 'static,
    {
        if let Some(batcher) = &self.batcher {
            let stage = Stage::read(counts, move |rows| match then(&rows) {
                Ok((writes, value)) => Stage::write(writes, value),
                Err(error) => Stage::Done(Err(error)),
            });
            return batcher.run_staged(stage).await;
        }
        let db = self.clone();
        tokio::spawn(async move {
            let mut conn = db.pool.acquire().await?;
            let rows = counts.run(&mut conn).await?;
            let (writes, value) = then(&rows)?;
            if writes.is_one_statement_on_postgres() {
                writes.run(&mut conn).await?;
            } else {
                drop(conn);
                let mut tx = db.begin_write().await?;
                writes.run(&mut tx).await?;
                tx.commit().await?;
            }
            Ok(value)
        })
        .await
        .unwrap_or_else(|_| Err(E::from(sqlx::Error::WorkerCrashed)))
    }

    /// A counted write whose writes depend only on a yes or no over the counters' rows: `judge`
    /// says it in Rust and `verdict` in SQL, and `build` makes the writes (and the value to
    /// answer with) for either. On SQLite, [`Db::write_counted`] with `judge`; on PostgreSQL
    /// the counters and both outcomes' writes are one statement ([`judged`]), when the two
    /// outcomes are the same statements with other values, and `write_counted` otherwise.
    pub async fn write_judged<T, E, J, B>(
        &self,
        counts: script::Script,
        verdict: judged::Verdict,
        judge: J,
        build: B,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
        J: Fn(&[script::Row]) -> Result<bool, sqlx::Error> + Send + 'static,
        B: Fn(bool) -> Result<(script::Script, T), E> + Send + 'static,
    {
        if self.batcher.is_none() && self.backend == Backend::Postgres {
            let (allowed, if_allowed) = build(true)?;
            let (refused, if_refused) = build(false)?;
            if let Some(statement) = judged::Judged::new(&counts, &verdict, &allowed, &refused) {
                let pool = self.pool.clone();
                // On a task of its own, so a request given up half-way still finishes its write.
                let (rows, verdict) = tokio::spawn(async move {
                    let mut conn = pool.acquire().await?;
                    statement.run(&mut conn).await
                })
                .await
                .unwrap_or(Err(sqlx::Error::WorkerCrashed))?;
                debug_assert_eq!(
                    judge(&rows).ok(),
                    Some(verdict),
                    "the verdict in SQL and the judge in Rust disagree"
                );
                return Ok(if verdict { if_allowed } else { if_refused });
            }
        }
        self.write_counted(counts, move |rows| build(judge(rows)?))
            .await
    }

    /// A write in stages ([`staged`]): scripts run one after another, each chosen from what the
    /// ones before returned; its value once it is committed, and nothing kept when it ends with
    /// an error. On SQLite the group-commit writer runs it in the next batch on its direct
    /// connection, as a counted job ([`group_commit`]), in a savepoint of its own; on
    /// PostgreSQL it runs in a transaction of its own, each script one or a few round trips
    /// ([`script`]).
    pub async fn write_staged<T, E>(&self, stage: Stage<T, E>) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
    {
        match &self.batcher {
            Some(batcher) => batcher.run_staged(stage).await,
            None => {
                self.write_batched(move |conn| Box::pin(staged::run(conn, stage)))
                    .await
            }
        }
    }

    /// Counters alone ([`Db::write_counted`] with no writes after them): a row for each, once
    /// committed.
    pub async fn count(&self, counts: script::Script) -> Result<Vec<script::Row>, sqlx::Error> {
        self.write_counted(counts, |rows| {
            Ok::<_, sqlx::Error>((script::Script::default(), rows.to_vec()))
        })
        .await
    }

    /// Writes alone ([`Db::write_counted`] with no counters before them), once committed: on
    /// SQLite in the next batch, on PostgreSQL as one statement when they fit one (see
    /// [`script`]) and in a transaction otherwise.
    pub async fn write_script(&self, writes: script::Script) -> Result<(), sqlx::Error> {
        self.write_counted(script::Script::default(), move |_| {
            Ok::<_, sqlx::Error>((writes, ()))
        })
        .await
    }

    /// [`Db::write_batched`] for a job that is one statement (atomic on its own, such as a
    /// counter's upsert): on SQLite the same, in the next batch; on PostgreSQL on a pooled
    /// connection without `BEGIN` and `COMMIT` around it, which would triple its round trips.
    pub async fn write_one<T, E, F>(&self, job: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> JobFuture<'c, Result<T, E>> + Send + 'static,
    {
        match (&self.batcher, self.backend) {
            (Some(batcher), _) => batcher.run(job).await,
            (None, Backend::Postgres) => {
                let pool = self.pool.clone();
                tokio::spawn(async move {
                    let mut conn = pool.acquire().await?;
                    job(&mut conn).await
                })
                .await
                .unwrap_or_else(|_| Err(E::from(sqlx::Error::WorkerCrashed)))
            }
            (None, Backend::Sqlite) => self.write_batched(job).await,
        }
    }

    /// One round trip to the database.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

/// A connection idle for longer than this is pinged before it is handed out.
const IDLE_CHECK: Duration = Duration::from_secs(10);

/// The pool's check on every connection handed out: one that sat idle for [`IDLE_CHECK`] is
/// pinged, and a dead one (a restarted database, a dropped network path) is closed and replaced
/// before any request sees it. A connection in use a moment ago is not: sqlx's default pings
/// every connection at every acquire, a round trip to PostgreSQL (and a hand-off to SQLite's
/// thread) that a request makes two to four times, measured as a quarter of a flow start's
/// round trips.
async fn alive_if_idle(
    conn: &mut sqlx::AnyConnection,
    meta: sqlx::pool::PoolConnectionMetadata,
) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    if meta.idle_for >= IDLE_CHECK {
        conn.ping().await?;
    }
    Ok(true)
}

/// The pool's check on every connection handed back: only a connection outside any
/// transaction goes back to the pool; one still inside a transaction is closed (which rolls the
/// transaction back and frees SQLite's write lock), and the pool opens a fresh one when needed.
///
/// A `Transaction` dropped without commit queues its `ROLLBACK`, which the round trip below
/// runs; a connection still inside a transaction after that was left there by a cancelled
/// `BEGIN` (see [`Db::begin_write`]) or by anything else that escaped the drivers'
/// cancellation guards. The common case (no transaction) costs nothing.
async fn out_of_transaction(conn: &mut sqlx::AnyConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::warn!("a database connection came back inside a transaction: closed it");
        return Ok(false);
    }
    Ok(true)
}

/// Adds `mode=rwc` (create when missing) and creates the file's folder.
fn sqlite_url(url: &str) -> Result<String, StoreError> {
    let rest = url.trim_start_matches("sqlite://");
    let path = rest.split('?').next().unwrap_or_default();
    if path != ":memory:" && !path.is_empty() {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(StoreError::CreateDir)?;
            }
        }
    }
    Ok(if rest.contains("mode=") {
        url.to_owned()
    } else if rest.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_is_read_from_the_url_scheme() {
        assert_eq!(Backend::of_url("sqlite://x.db"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::of_url("postgresql://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://u@h/db"), None);
    }

    #[test]
    fn a_sqlite_url_is_opened_read_write_create() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("sub/x.db");
        let url = format!("sqlite://{}", file.display());
        assert_eq!(sqlite_url(&url).expect("ok"), format!("{url}?mode=rwc"));
        assert!(file.parent().expect("parent").is_dir());
        let with_mode = format!("{url}?mode=ro");
        assert_eq!(sqlite_url(&with_mode).expect("ok"), with_mode);
    }

    #[tokio::test]
    async fn the_counters_keep_their_rows_when_they_become_without_rowid_tables() {
        use sqlx::Row;
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.expect("connect");
        let mut before = sqlx::migrate!("./migrations/sqlite");
        before.migrations = std::borrow::Cow::Owned(
            before
                .migrations
                .iter()
                .filter(|m| m.version <= 25)
                .cloned()
                .collect(),
        );
        before.run(&pool).await.expect("the migrations up to 0025");
        for sql in [
            "INSERT INTO rate_limits (key, window_start_ms, hits) VALUES ('flow_start:10.0.0.1', 5, 3)",
            "INSERT INTO email_state (email_canonical, sends_in_window, otp_failures) \
             VALUES ('ada@example.com', 2, 4)",
        ] {
            sqlx::query(sql).execute(&pool).await.expect(sql);
        }
        pool.close().await;
        let db = Db::connect(&url, 1)
            .await
            .expect("the remaining migrations");
        let hits: i64 =
            sqlx::query("SELECT hits FROM rate_limits WHERE key = 'flow_start:10.0.0.1'")
                .fetch_one(&db.pool)
                .await
                .expect("the counter")
                .get(0);
        let row = sqlx::query(
            "SELECT sends_in_window, otp_failures FROM email_state \
             WHERE email_canonical = 'ada@example.com'",
        )
        .fetch_one(&db.pool)
        .await
        .expect("the address's state");
        assert_eq!(
            (hits, row.get::<i64, _>(0), row.get::<i64, _>(1)),
            (3, 2, 4)
        );
        for table in ["rate_limits", "email_state"] {
            let sql: String = sqlx::query("SELECT sql FROM sqlite_master WHERE name = $1")
                .bind(table)
                .fetch_one(&db.pool)
                .await
                .expect("the table")
                .get(0);
            assert!(sql.ends_with("WITHOUT ROWID"), "{table}: {sql}");
        }
    }
}
