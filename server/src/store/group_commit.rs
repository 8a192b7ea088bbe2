//! Group commit: the writes of many concurrent requests share one transaction and one fsync, and
//! each request is answered only once its own rows are committed.
//!
//! [`Db::write_batched`](super::Db::write_batched) is the batched equivalent of
//! [`Db::begin_write`](super::Db::begin_write) for short jobs that only run SQL (a flow start's
//! counters, flow, passcode, sealed message and audit record): a job is a closure that writes on
//! the connection it is given and returns its result.
//!
//! On SQLite one writer task owns a connection of its own. It takes every job waiting, opens one
//! `BEGIN IMMEDIATE` transaction, runs each job inside a savepoint of its own (a job that fails
//! rolls back its own writes and nothing else), commits once and only then answers each job with
//! its result. The writer makes its statements one after another, each a hand-off to the
//! connection's thread, so jobs send theirs in as few [`Script`](super::script::Script)s as they
//! can. Its connection, as every other, runs with `synchronous = FULL`, so the commit is
//! fsynced: an answer means the job's rows are on disk, and N concurrent jobs pay for one
//! `BEGIN`, one `COMMIT`, one write of each touched page to the WAL, and one fsync. While one
//! batch commits the next one gathers. The writer takes the same in-process write gate as `begin_write`, so
//! batches and other write transactions take SQLite's write lock in turn, in arrival order,
//! instead of polling for it under `busy_timeout`.
//!
//! On PostgreSQL each job runs in a transaction of its own on a pooled connection: concurrent
//! commits already share WAL flushes there, and a batch on one connection would queue the
//! statements' round trips one behind another.
//!
//! A job runs in the writer's task, not the caller's: a caller that goes away (a client that
//! disconnects) cannot interrupt a job half-way; its rows commit or roll back with the batch. A
//! batch runs in a task of its own: a job that panics rolls its batch back (its callers get an
//! error) and the writer goes on.

use super::SQLITE_PRAGMAS;
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Executor};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, Mutex, OwnedMutexGuard};

/// A job's future, borrowing the connection it writes on.
pub type JobFuture<'c, T> = Pin<Box<dyn Future<Output = T> + Send + 'c>>;

/// Most jobs in one transaction: enough to amortise the commit, few enough that a batch's
/// statements never hold the write lock for long.
const MAX_BATCH: usize = 64;

/// How long a write waits for the write gate before it fails, as SQLite's `busy_timeout`.
pub const GATE_TIMEOUT: Duration = Duration::from_secs(5);

/// The in-process write gate on SQLite: one writer at a time, served in arrival order.
#[derive(Debug, Clone, Default)]
pub struct WriteGate(Arc<Mutex<()>>);

impl WriteGate {
    /// Waits for the gate (at most [`GATE_TIMEOUT`]).
    pub async fn enter(&self) -> Result<OwnedMutexGuard<()>, sqlx::Error> {
        tokio::time::timeout(GATE_TIMEOUT, self.0.clone().lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)
    }
}

/// What a job left after it ran: whether to keep its writes, and how to answer its caller once
/// the batch's commit is known.
struct Ran {
    keep: bool,
    answer: Answer,
}

/// Answers a job's caller, given the batch's error if it did not commit.
type Answer = Box<dyn FnOnce(Option<&sqlx::Error>) + Send>;

/// A job as the writer holds it: given the connection, or the reason there is none (then it
/// only makes its caller's answer).
type Erased = Box<
    dyn for<'c> FnOnce(Result<&'c mut AnyConnection, sqlx::Error>) -> JobFuture<'c, Ran> + Send,
>;

/// The handle requests submit jobs through. Cheap to clone; the writer task ends when the last
/// handle is dropped.
#[derive(Debug, Clone)]
pub struct Batcher {
    jobs: mpsc::UnboundedSender<Erased>,
}

impl Batcher {
    /// Starts the SQLite writer task for the database `options` opens; it stops writing when
    /// `pool` is closed, as every other use of the database does.
    ///
    /// The writer runs on a thread of its own, with a single-threaded runtime: each of a batch's
    /// statements is a hand-off to the connection's thread and back, and the writer must take up
    /// the next one at once rather than queue behind the requests on the server's runtime.
    pub fn start(options: AnyConnectOptions, gate: WriteGate, pool: AnyPool) -> Batcher {
        let (jobs, queue) = mpsc::unbounded_channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let spawned = runtime.and_then(|runtime| {
            let writer = writer(options, gate, pool, queue);
            std::thread::Builder::new()
                .name("sspr-writer".into())
                .spawn(move || runtime.block_on(writer))
        });
        if let Err(error) = spawned {
            tracing::error!(%error, "the writer thread did not start; no batched write can commit");
        }
        Batcher { jobs }
    }

    /// Runs `job` in the next batch; its result once the batch committed (or the commit's error).
    pub async fn run<T, E, F>(&self, job: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> JobFuture<'c, Result<T, E>> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, E>>();
        let erased: Erased = Box::new(move |conn| {
            Box::pin(async move {
                let result = match conn {
                    Ok(conn) => job(conn).await,
                    Err(error) => Err(E::from(error)),
                };
                Ran {
                    keep: result.is_ok(),
                    answer: Box::new(move |failed: Option<&sqlx::Error>| {
                        let result = match failed {
                            Some(error) if result.is_ok() => Err(E::from(again(error))),
                            _ => result,
                        };
                        let _ = reply.send(result);
                    }),
                }
            })
        });
        self.jobs
            .send(erased)
            .map_err(|_| E::from(sqlx::Error::WorkerCrashed))?;
        answer
            .await
            .unwrap_or_else(|_| Err(E::from(sqlx::Error::WorkerCrashed)))
    }
}

/// The error each job of a batch that failed gets: `error` again, of the same kind where the
/// kind decides the answer (an unavailable database is a 503).
fn again(error: &sqlx::Error) -> sqlx::Error {
    match error {
        sqlx::Error::PoolClosed => sqlx::Error::PoolClosed,
        sqlx::Error::PoolTimedOut => sqlx::Error::PoolTimedOut,
        sqlx::Error::Io(io) => sqlx::Error::Io(std::io::Error::new(io.kind(), io.to_string())),
        other => sqlx::Error::Protocol(format!("the batch did not commit: {other}")),
    }
}

/// The writer task: gathers waiting jobs, runs them in one transaction, commits, answers.
async fn writer(
    options: AnyConnectOptions,
    gate: WriteGate,
    pool: AnyPool,
    mut queue: mpsc::UnboundedReceiver<Erased>,
) {
    let mut conn: Option<AnyConnection> = None;
    while let Some(first) = queue.recv().await {
        let mut jobs = vec![first];
        let entered = gate.enter().await;
        // Jobs that arrived while the gate was taken join this batch.
        while jobs.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let opened = match (&entered, conn.take()) {
            (Err(error), _) => Err(again(error)),
            _ if pool.is_closed() => Err(sqlx::Error::PoolClosed),
            (Ok(_), Some(open)) => Ok(open),
            (Ok(_), None) => connect(&options).await,
        };
        let (failed, answers) = match opened {
            // In a task of its own, so that a job that panics fails its batch, not the writer.
            Ok(mut open) => match tokio::spawn(async move {
                let ran = run_batch(&mut open, jobs).await;
                (open, ran)
            })
            .await
            {
                Ok((open, (fit, outcome))) => {
                    if fit {
                        conn = Some(open);
                    }
                    outcome
                }
                Err(_) => {
                    tracing::error!("a batch of writes panicked and was rolled back");
                    (None, Vec::new())
                }
            },
            Err(error) => (None, refuse_all(jobs, &error).await),
        };
        // Answered after the gate is released: the next batch can begin meanwhile.
        drop(entered);
        for answer in answers {
            answer(failed.as_ref());
        }
    }
}

/// Each job of a batch that could not begin, answered with the batch's error (it never runs
/// outside a transaction).
async fn refuse_all(jobs: Vec<Erased>, error: &sqlx::Error) -> Vec<Answer> {
    let mut answers = Vec::with_capacity(jobs.len());
    for job in jobs {
        answers.push(job(Err(again(error))).await.answer);
    }
    answers
}

/// Runs `jobs` in one transaction on `conn`; returns whether `conn` is fit to keep, and the
/// batch's error (if any) with each job's answer.
///
/// Each job runs inside the savepoint `job`. The transaction's statements are raw SQL rather
/// than sqlx's `Transaction`, so that closing one job's savepoint and opening the next is one
/// hand-off to the connection's thread (see [`super::script`]) instead of two, and `BEGIN` and
/// `COMMIT` ride with the first and last. The connection is the writer's own and no caller can
/// cancel the batch, so nothing can leave it inside a transaction unnoticed: on any error it is
/// given up (closing it rolls back).
async fn run_batch(
    conn: &mut AnyConnection,
    jobs: Vec<Erased>,
) -> (bool, (Option<sqlx::Error>, Vec<Answer>)) {
    if let Err(error) = conn.execute("BEGIN IMMEDIATE; SAVEPOINT job").await {
        return (false, (None, refuse_all(jobs, &error).await));
    }
    let mut answers = Vec::with_capacity(jobs.len());
    // Whether the last job failed: its writes are rolled back before anything else runs.
    let mut undo = false;
    let mut pending = jobs.into_iter();
    let mut first = true;
    while let Some(job) = pending.next() {
        if !first {
            let next = if undo {
                "ROLLBACK TO job; RELEASE job; SAVEPOINT job"
            } else {
                "RELEASE job; SAVEPOINT job"
            };
            if let Err(error) = conn.execute(next).await {
                answers.push(job(Err(again(&error))).await.answer);
                answers.extend(refuse_all(pending.collect(), &error).await);
                return (false, (Some(error), answers));
            }
        }
        first = false;
        let ran = job(Ok(&mut *conn)).await;
        undo = !ran.keep;
        answers.push(ran.answer);
    }
    let end = if undo {
        "ROLLBACK TO job; COMMIT"
    } else {
        "COMMIT"
    };
    match conn.execute(end).await {
        Ok(_) => (true, (None, answers)),
        Err(error) => {
            tracing::error!(%error, "a batch of writes did not commit");
            (false, (Some(error), answers))
        }
    }
}

/// The writer's own connection, with the pool's settings (every commit fsynced).
async fn connect(options: &AnyConnectOptions) -> Result<AnyConnection, sqlx::Error> {
    let mut conn = options.connect().await?;
    conn.execute(SQLITE_PRAGMAS).await?;
    Ok(conn)
}
