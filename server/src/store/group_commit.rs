//! Group commit: the writes of many concurrent requests share one transaction and one fsync, and
//! each request is answered only once its own rows are committed.
//!
//! [`Db::write_batched`](super::Db::write_batched) is the batched equivalent of
//! [`Db::begin_write`](super::Db::begin_write) for short jobs that only run SQL (a flow start's
//! counters, flow, passcode, sealed message and audit record): a job is a closure that writes on
//! the connection it is given and returns its result.
//!
//! On SQLite one writer, on a thread of its own, owns two connections to the database file.
//! It takes every job waiting and runs the batch in one `BEGIN IMMEDIATE` transaction on each
//! connection that has jobs, each job inside a savepoint of its own (a job that fails rolls back
//! its own writes and nothing else), commits, and only then answers each job with its result.
//! An answer means the job's rows are on disk: N concurrent jobs pay for one `BEGIN` and one
//! `COMMIT` on each connection that has jobs (counted jobs on one, the others on the other; see
//! below), one write of each touched page to the WAL, and one fsync, which a thread of its
//! own makes after the commit ([`super::wal_sync`]) while the writer runs the next batch; the
//! batch is answered once it is done. The writer takes the same in-process write gate as
//! `begin_write`, so batches and other write transactions take SQLite's write lock in turn, in
//! arrival order, instead of polling for it under `busy_timeout`.
//!
//! The writer also checkpoints the WAL (copies it back into the database file) ([`Checkpoints`]).
//! SQLite's own checkpoint ran inside the commit that took the WAL past 1,000 pages, so that
//! batch's requests waited for it: with a million users it was the p99 of a passcode request
//! and a verify (docs/performance.md, "1,000,000 users"). Now a copy on a pooled connection
//! runs beside the batches, paced so that each finds about [`CHECKPOINT_FRAMES`] pages in the
//! WAL, and at least every [`CHECKPOINT_EVERY`]. The WAL starts over only once a checkpoint has
//! copied every frame and no commit came in between (a checkpoint beside the writer alone never
//! let it start over, and the WAL kept growing), so at most every [`RESTART_EVERY`] a second
//! step follows the copy, between two batches and inside the write gate: it copies only what
//! was committed during the copy, and fsyncs the WAL and the database file. A copy that
//! *settled* (its last pass found nothing committed since the pass before) needs no second
//! step: the next commit starts the WAL over, and the next copy follows it after the usual
//! wait whether or not another batch comes. Over a run of `cargo xtask bench --sqlite` about
//! a third of the copies settle; under a steady stream of thousands a second, hardly any
//! (docs/performance.md, "2026-12-06, late night"). At 1,000 flow starts a second that second
//! step held the gate about 1.3 ms; after every copy, as it ran until 2026-12-06, it came about
//! 18 times a second, and the requests that waited behind it were much of the p99
//! (docs/performance.md, "2026-12-06, afternoon"). Under 5,000 known-address requests a second
//! it held the gate 8.4 ms at the median, nine times a second, nearly all of it the database
//! file's fsync, which the copy had left to it; the copy now makes short passes after its
//! first, so that SQLite fsyncs the file beside the batches ([`copy_passes`];
//! docs/performance.md, "2026-12-06, late evening").
//!
//! A *counted* job is one made of [`Script`]s: the shape of a flow start
//! ([`Db::write_counted`](super::Db::write_counted): counters that each return one row, then
//! writes that depend only on those rows), or of a passcode check
//! ([`Db::write_staged`](super::Db::write_staged): scripts one after another, each chosen from
//! what the one before returned, [`Stage`]). Counted jobs run on the writer's direct connection
//! ([`super::direct`]): SQLite called in place on the writer's thread, each statement prepared
//! once, with no hand-off to another thread and back. Counters of the same key in one batch
//! count one after another, each seeing the ones before. Every other job is a Rust closure over
//! an `AnyConnection` and runs on the writer's sqlx connection, whose statements are each a
//! hand-off to the connection's thread, so those jobs send theirs in as few [`Script`]s as they
//! can.
//!
//! On PostgreSQL each job runs in a transaction of its own on a pooled connection: concurrent
//! commits already share WAL flushes there, and a batch on one connection would queue the
//! statements' round trips one behind another.
//!
//! A job runs in the writer's task, not the caller's: a caller that goes away (a client that
//! disconnects) cannot interrupt a job half-way; its rows commit or roll back with the batch.
//! Each of a batch's two transactions runs in a task of its own: a job that panics rolls its
//! transaction back (its callers get an error), and the other transaction and the writer go on.

use super::direct::Direct;
use super::script::{Row, Script};
use super::staged::{Stage, Then};
use super::wal_sync::{Syncer, WalFile};
use super::SQLITE_PRAGMAS;
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Executor, Row as _};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, Mutex, OwnedMutexGuard};
use tokio::task::JoinHandle;

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
pub(super) type Answer = Box<dyn FnOnce(Option<&sqlx::Error>) + Send>;

/// A job as the writer holds it: given the connection, or the reason there is none (then it
/// only makes its caller's answer).
type Erased = Box<
    dyn for<'c> FnOnce(Result<&'c mut AnyConnection, sqlx::Error>) -> JobFuture<'c, Ran> + Send,
>;

/// A counted job as the writer holds it (see the module documentation): scripts run one after
/// another, each chosen from what the one before returned ([`Stage`]).
pub(super) trait CountedJob: Send {
    /// The next script to run; `None` once the job is done.
    fn next(&mut self) -> Option<Script>;
    /// What the last script returned.
    fn ran(&mut self, ran: Result<Vec<Row>, sqlx::Error>);
    /// Whether the job ended with a value to keep (else its writes are undone).
    fn kept(&self) -> bool;
    /// Answers the caller, given the batch's error if it did not commit.
    fn answer(self: Box<Self>, failed: Option<&sqlx::Error>);
}

/// A counted job and the caller waiting for it.
struct Counted<T, E> {
    /// Its next step.
    stage: Option<Stage<T, E>>,
    /// What reads the rows of the script that ran last.
    waiting: Option<Then<T, E>>,
    result: Option<Result<T, E>>,
    reply: oneshot::Sender<Result<T, E>>,
}

impl<T, E> CountedJob for Counted<T, E>
where
    T: Send + 'static,
    E: From<sqlx::Error> + Send + 'static,
{
    fn next(&mut self) -> Option<Script> {
        match self.stage.take()? {
            Stage::Run(script, then) => {
                self.waiting = Some(then);
                Some(script)
            }
            Stage::Done(result) => {
                self.result = Some(result);
                None
            }
        }
    }

    fn ran(&mut self, ran: Result<Vec<Row>, sqlx::Error>) {
        self.stage = self.waiting.take().map(|then| then(ran));
    }

    fn kept(&self) -> bool {
        matches!(self.result, Some(Ok(_)))
    }

    fn answer(self: Box<Self>, failed: Option<&sqlx::Error>) {
        let result = match (failed, self.result) {
            (Some(error), Some(Ok(_)) | None) => Err(E::from(again(error))),
            (_, Some(result)) => result,
            (None, None) => Err(E::from(sqlx::Error::WorkerCrashed)),
        };
        let _ = self.reply.send(result);
    }
}

/// What the writer is handed: a job, or a counted job.
enum Work {
    Job(Erased),
    Counted(Box<dyn CountedJob>),
}

/// The handle requests submit jobs through. Cheap to clone; the writer task ends when the last
/// handle is dropped.
#[derive(Debug, Clone)]
pub struct Batcher {
    jobs: mpsc::UnboundedSender<Work>,
    /// The WAL fsyncs made off the writer's path so far (see `wal_sync`): how the tests see
    /// that a batch was answered after one.
    #[cfg_attr(not(test), allow(dead_code))]
    synced: Arc<AtomicU64>,
}

impl Batcher {
    /// Starts the SQLite writer task for the database `options` opens; it stops writing when
    /// `pool` is closed, as every other use of the database does.
    ///
    /// The writer runs on a thread of its own, with a single-threaded runtime: its direct
    /// connection's statements run on that thread, and each statement on its sqlx connection
    /// is a hand-off to that connection's thread and back, which the writer must take up at
    /// once rather than queue behind the requests on the server's runtime.
    pub fn start(options: AnyConnectOptions, gate: WriteGate, pool: AnyPool) -> Batcher {
        let (jobs, queue) = mpsc::unbounded_channel();
        let synced = Arc::new(AtomicU64::new(0));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let spawned = runtime.and_then(|runtime| {
            let writer = writer(options, gate, pool, queue, Arc::clone(&synced));
            std::thread::Builder::new()
                .name("sspr-writer".into())
                .spawn(move || runtime.block_on(writer))
        });
        if let Err(error) = spawned {
            tracing::error!(%error, "the writer thread did not start; no batched write can commit");
        }
        Batcher { jobs, synced }
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
            .send(Work::Job(erased))
            .map_err(|_| E::from(sqlx::Error::WorkerCrashed))?;
        answer
            .await
            .unwrap_or_else(|_| Err(E::from(sqlx::Error::WorkerCrashed)))
    }

    /// Runs the staged job `stage` in the next batch; its value once the batch committed (or the
    /// commit's error).
    pub async fn run_staged<T, E>(&self, stage: Stage<T, E>) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, E>>();
        let job = Counted {
            stage: Some(stage),
            waiting: None,
            result: None,
            reply,
        };
        self.jobs
            .send(Work::Counted(Box::new(job)))
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

/// The writer task: gathers waiting jobs, runs them, commits, answers.
async fn writer(
    options: AnyConnectOptions,
    gate: WriteGate,
    pool: AnyPool,
    mut queue: mpsc::UnboundedReceiver<Work>,
    synced: Arc<AtomicU64>,
) {
    let mut conns: Option<Connections> = None;
    let mut syncer: Option<Syncer> = None;
    let mut checkpoints = Checkpoints::new(pool.clone());
    while let Some(first) = queue.recv().await {
        let mut batch = Batch::default();
        batch.add(first);
        let entered = gate.enter().await;
        // Jobs that arrived while the gate was taken join this batch.
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(work) => batch.add(work),
                Err(_) => break,
            }
        }
        let opened = match (&entered, conns.take()) {
            (Err(error), _) => Err(again(error)),
            _ if pool.is_closed() => Err(sqlx::Error::PoolClosed),
            (Ok(_), Some(open)) => Ok(open),
            (Ok(_), None) => connect(&options, &mut syncer, &synced).await,
        };
        let outcomes = match opened {
            Ok(open) => {
                let (kept, outcomes) = run_batch(open, batch).await;
                conns = kept;
                outcomes
            }
            Err(error) => vec![(Some(again(&error)), batch.refuse(&error).await)],
        };
        // Answered after the gate is released: the next batch can begin meanwhile. What
        // committed is answered once the WAL is synced (see `wal_sync`), the rest at once.
        drop(entered);
        let mut committed = Vec::new();
        for (failed, answers) in outcomes {
            match failed {
                None => committed.extend(answers),
                Some(error) => answers.into_iter().for_each(|answer| answer(Some(&error))),
            }
        }
        let refused = match syncer.as_ref() {
            Some(sync) if !committed.is_empty() => match sync.answer_after_sync(committed) {
                Ok(()) => Vec::new(),
                Err(back) => {
                    // Not known to be durable: refused, and the next batch starts afresh.
                    tracing::error!("the WAL's sync thread is gone; the writer starts it again");
                    syncer = None;
                    conns = None;
                    back
                }
            },
            _ => {
                committed.into_iter().for_each(|answer| answer(None));
                Vec::new()
            }
        };
        refused
            .into_iter()
            .for_each(|answer| answer(Some(&sqlx::Error::WorkerCrashed)));
        checkpoints
            .after_batch(&gate, conns.as_mut().map(|c| &mut c.direct))
            .await;
    }
}

/// A batch that takes longer is logged at `debug` ("slow batch": its jobs and the time they
/// took to run and commit, which writes the WAL; the fsync comes after, on the sync thread),
/// to tell where a request's tail goes beside the checkpoint log.
const SLOW_BATCH: Duration = Duration::from_millis(2);

/// The longest wait between two checkpoints (under a light load).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// About how many WAL frames (one for each page a commit writes) a checkpoint's copy should
/// find. The copy's time grows with them, and with it the frames committed meanwhile, which
/// the second step copies inside the gate: at about 1,000 a checkpoint it held the gate about
/// 4 ms, at 9,000 about 11 ms (both under a stream of known-address passcode requests,
/// docs/performance.md).
const CHECKPOINT_FRAMES: f64 = 1_000.0;

/// The shortest wait between two checkpoints: each costs two fsyncs of the database file.
const CHECKPOINT_SOONEST: Duration = Duration::from_millis(20);

/// The longest the WAL goes on without starting over (the second step, inside the gate).
const RESTART_EVERY: Duration = CHECKPOINT_EVERY;

/// The most frames the WAL takes in before it starts over, whatever the time: half SQLite's own
/// checkpoint (`wal_autocheckpoint`, [`writer_settings`]), which would run inside a batch's
/// commit. Under thousands of requests a second the copies hardly ever settle and this, not
/// [`RESTART_EVERY`], brings the second step: at 5,000 frames (20 MB) it came 10–13 times a
/// second under `--peer`'s passcode requests, at 20,000 (80 MB) 2–4 times, each holding the
/// gate a little longer (2.1–2.2 ms at the median against 1.7–2.0); the known address's p99 was
/// lower in three of four pairs (docs/performance.md, "2026-12-07, night").
const RESTART_FRAMES: i64 = 20_000;

/// SQLite's own checkpoint on the writer's connections (`wal_autocheckpoint`): only a backstop,
/// twice [`RESTART_FRAMES`].
const SQLITE_CHECKPOINT_FRAMES: i64 = 2 * RESTART_FRAMES;

/// The wait before the next checkpoint, for the last cycle's rate (`frames` written in
/// `cycle`) to leave about [`CHECKPOINT_FRAMES`] in the WAL, between [`CHECKPOINT_SOONEST`]
/// and [`CHECKPOINT_EVERY`].
fn next_checkpoint_in(frames: i64, cycle: Duration) -> Duration {
    if frames <= 0 {
        return CHECKPOINT_EVERY;
    }
    cycle
        .mul_f64(CHECKPOINT_FRAMES / frames as f64)
        .clamp(CHECKPOINT_SOONEST, CHECKPOINT_EVERY)
}

/// Whether the WAL should start over after a copy: `since` it last did, with `frames` in it.
fn restart_due(since: Duration, frames: i64) -> bool {
    since >= RESTART_EVERY || frames >= RESTART_FRAMES
}

/// What a copy found ([`copy_passes`]).
#[derive(Debug, Clone, Copy)]
struct Copied {
    /// The frames in the WAL at its last pass.
    frames: i64,
    /// How many of them are in the database file.
    copied: i64,
    /// The passes it made.
    passes: usize,
    /// Whether its last pass found the WAL as the pass before found it: nothing was committed
    /// from the start of the pass before to the start of the last, so SQLite fsynced the file
    /// after the pass before and every frame is in it. The next commit starts the WAL over, as
    /// after the second step.
    settled: bool,
}

/// What follows a copy ([`Checkpoints::copy_done`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AfterCopy {
    /// The second step, now, inside the gate.
    SecondStep,
    /// The next copy after the wait, whether or not a batch comes: the copy settled, and the
    /// batch that just committed came after its last pass (a batch during it would have kept it
    /// from settling), so an idle writer would otherwise leave that batch out of the file.
    CopyAfterWait,
    /// The next copy after the wait, begun by a batch.
    NextBatch,
}

/// The writer's WAL checkpoints. Each is a copy on a pooled connection, beside the batches,
/// paced by [`next_checkpoint_in`]. A copy that settled lets the next commit start
/// the WAL over; when none has for [`RESTART_EVERY`] (or the WAL holds [`RESTART_FRAMES`]), a
/// second step follows inside the gate so that the WAL starts over. Between two restarts the
/// WAL only grows, but its readers look a page up among the frames after the last copy alone,
/// and once it has reached its largest size its writes reuse the file's blocks. Both steps are
/// logged at `debug` (target `sspr_server::store::group_commit`) with the frames in the WAL (one
/// for each page a commit wrote since it started over), how many of them are now in the
/// database file, and how long the step took; the checkpoint figures in docs/performance.md
/// come from that log.
struct Checkpoints {
    pool: AnyPool,
    /// The copy, while it runs: what it found.
    copying: Option<JoinHandle<Option<Copied>>>,
    /// When the last checkpoint ended.
    last: Instant,
    /// The wait from `last` to the next checkpoint ([`next_checkpoint_in`]).
    every: Duration,
    /// The frames the WAL held at the last checkpoint (0 once it started over).
    seen: i64,
    /// When the WAL last started over (the last second step, or copy that settled).
    restarted: Instant,
}

impl Checkpoints {
    fn new(pool: AnyPool) -> Checkpoints {
        Checkpoints {
            pool,
            copying: None,
            last: Instant::now(),
            every: CHECKPOINT_EVERY,
            seen: 0,
            restarted: Instant::now(),
        }
    }

    /// Takes in what a copy found (nothing if it failed): sets the wait before the next one
    /// from the frames the WAL took in, notes a start-over if it settled, and says what
    /// follows.
    fn copy_done(&mut self, copied: Option<Copied>) -> AfterCopy {
        if let Some(Copied {
            frames, settled, ..
        }) = copied
        {
            let new = if frames >= self.seen {
                frames - self.seen
            } else {
                frames
            };
            self.every = next_checkpoint_in(new, self.last.elapsed());
            self.seen = frames;
            // Past `RESTART_FRAMES`, the WAL has not started over after such copies (a reader
            // held on to its frames); the second step comes as it would without them.
            if settled && frames < RESTART_FRAMES {
                self.started_over();
                return AfterCopy::CopyAfterWait;
            }
        }
        if restart_due(self.restarted.elapsed(), self.seen) {
            AfterCopy::SecondStep
        } else {
            AfterCopy::NextBatch
        }
    }

    /// The WAL starts over at the next commit.
    fn started_over(&mut self) {
        self.seen = 0;
        self.restarted = Instant::now();
    }

    /// After each batch is answered: once the wait has passed, a copy begins on a pooled
    /// connection, beside the batches that follow; once it is done, the next wait is set from
    /// the frames the WAL took in. A copy that settled lets the next commit start the
    /// WAL over; when none has for too long, the second step follows, here, inside the gate.
    async fn after_batch(&mut self, gate: &WriteGate, conn: Option<&mut Direct>) {
        match self.copying.take() {
            Some(copying) if copying.is_finished() => {
                let copied = copying.await.ok().flatten();
                match self.copy_done(copied) {
                    AfterCopy::SecondStep => {
                        if let Some(conn) = conn {
                            if finish_checkpoint(gate, conn).await {
                                self.started_over();
                            }
                        }
                    }
                    AfterCopy::CopyAfterWait => {
                        let (wait, pool) = (self.every, self.pool.clone());
                        self.copying = Some(tokio::spawn(async move {
                            tokio::time::sleep(wait).await;
                            copy_wal(pool).await
                        }));
                    }
                    AfterCopy::NextBatch => {}
                }
                self.last = Instant::now();
            }
            None if self.last.elapsed() >= self.every => {
                self.copying = Some(tokio::spawn(copy_wal(self.pool.clone())));
            }
            running => self.copying = running,
        }
    }
}

/// The copy: passive checkpoints on a pooled connection, outside the gate ([`copy_passes`]).
/// Each copies every frame committed when it began while batches go on (a passive checkpoint
/// never blocks a writer). SQLite fsyncs the database file after a pass only when no batch
/// committed while it ran; the pages of the others become durable with a later pass's fsync or
/// the second step's ([`finish_checkpoint`]).
async fn copy_wal(pool: AnyPool) -> Option<Copied> {
    let started = Instant::now();
    let copied = match pool.acquire().await {
        Ok(mut conn) => copy_passes(&mut conn).await,
        Err(error) => Err(error),
    };
    match copied {
        Ok(copied) => {
            tracing::debug!(
                wal_frames = copied.frames,
                copied_frames = copied.copied,
                passes = copied.passes,
                settled = copied.settled,
                took_ms = started.elapsed().as_secs_f64() * 1e3,
                "checkpoint copy"
            );
            Some(copied)
        }
        Err(error) => {
            tracing::warn!(%error, "a WAL checkpoint's copy failed");
            None
        }
    }
}

/// The second step, between two batches and inside the gate: copies what was committed during
/// the copy, so that no commit comes in between and the next one starts the WAL over. Whether
/// it ran.
async fn finish_checkpoint(gate: &WriteGate, conn: &mut Direct) -> bool {
    let Ok(_entered) = gate.enter().await else {
        return false;
    };
    let started = Instant::now();
    match conn.wal_checkpoint() {
        Ok((wal_frames, copied_frames)) => {
            tracing::debug!(
                wal_frames,
                copied_frames,
                held_ms = started.elapsed().as_secs_f64() * 1e3,
                "checkpoint"
            );
            true
        }
        Err(error) => {
            tracing::warn!(%error, "a WAL checkpoint failed");
            false
        }
    }
}

/// The most passive checkpoints one copy makes ([`copy_passes`]).
const COPY_PASSES: usize = 4;

/// Passive checkpoints one after another, until one finds the WAL as the one before found it
/// (nothing was committed since) or [`COPY_PASSES`] ran. Each pass after the first copies only
/// what was committed while the one before ran: a short copy, which may end before the next
/// batch commits, and then SQLite fsyncs the database file after it, here beside the batches
/// rather than in the second step inside the gate (see the module documentation). Under
/// thousands of requests a second nearly every copy makes all its passes and does not settle.
async fn copy_passes(conn: &mut AnyConnection) -> Result<Copied, sqlx::Error> {
    let (frames, copied) = wal_checkpoint(conn).await?;
    let mut found = Copied {
        frames,
        copied,
        passes: 1,
        settled: false,
    };
    while found.passes < COPY_PASSES {
        let (frames, copied) = wal_checkpoint(conn).await?;
        found.passes += 1;
        // -1: another connection's checkpoint was running; what the pass before found stands.
        if frames < 0 {
            break;
        }
        found.settled = frames <= found.frames;
        (found.frames, found.copied) = (frames, copied);
        if found.settled {
            break;
        }
    }
    Ok(found)
}

/// `PRAGMA wal_checkpoint(PASSIVE)` on a pooled connection: the frames in the WAL, and how
/// many are in the file.
async fn wal_checkpoint(conn: &mut AnyConnection) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(conn)
        .await?;
    Ok((row.try_get(1)?, row.try_get(2)?))
}

/// The jobs of one batch: the counted ones run first, together.
#[derive(Default)]
struct Batch {
    counted: Vec<Box<dyn CountedJob>>,
    jobs: Vec<Erased>,
}

impl Batch {
    fn add(&mut self, work: Work) {
        match work {
            Work::Job(job) => self.jobs.push(job),
            Work::Counted(job) => self.counted.push(job),
        }
    }

    fn len(&self) -> usize {
        self.counted.len() + self.jobs.len()
    }

    /// Every job answered with `error` (the batch could not run).
    async fn refuse(self, error: &sqlx::Error) -> Vec<Answer> {
        let mut answers = counted_answers(self.counted);
        answers.extend(refuse_all(self.jobs, error).await);
        answers
    }
}

/// The counted jobs' answers, made once the batch's commit is known.
fn counted_answers(counted: Vec<Box<dyn CountedJob>>) -> Vec<Answer> {
    counted
        .into_iter()
        .map(|job| -> Answer { Box::new(move |failed| job.answer(failed)) })
        .collect()
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

/// What one transaction of a batch left: its error, if it did not commit, and its jobs'
/// answers.
type Outcome = (Option<sqlx::Error>, Vec<Answer>);

/// The writer's two connections to the database file: the direct one for counted jobs, the
/// sqlx one for the other jobs (see [`super::direct`]).
struct Connections {
    direct: Direct,
    any: AnyConnection,
}

/// Runs `batch`: its counted jobs in one transaction on the direct connection, then its other
/// jobs in one on the sqlx connection, each in a task of its own, so that a job that panics
/// rolls back its own transaction (its callers get an error) and neither the other
/// transaction's answers nor the writer. The connections come back when both are fit to keep,
/// with each transaction's outcome.
async fn run_batch(conns: Connections, batch: Batch) -> (Option<Connections>, Vec<Outcome>) {
    let began = Instant::now();
    let Connections { direct, any } = conns;
    let Batch { counted, jobs } = batch;
    let size = counted.len() + jobs.len();
    let mut outcomes = Vec::with_capacity(2);
    let direct = if counted.is_empty() {
        Some(direct)
    } else {
        let counting = async move {
            let mut counted = counted;
            let ran = run_counted(&direct, &mut counted);
            if let Err(error) = &ran {
                tracing::error!(%error, "a batch of counted writes did not commit");
                // Out of the transaction before the other jobs open theirs; the connection is
                // given up all the same.
                let _ = direct.execute("ROLLBACK");
            }
            let fit = ran.is_ok();
            ((ran.err(), counted_answers(counted)), fit.then_some(direct))
        };
        in_task(counting, &mut outcomes).await
    };
    let any = if jobs.is_empty() {
        Some(any)
    } else {
        let running = async move {
            let mut any = any;
            let (fit, outcome) = run_jobs(&mut any, jobs).await;
            (outcome, fit.then_some(any))
        };
        in_task(running, &mut outcomes).await
    };
    let took = began.elapsed();
    if took >= SLOW_BATCH {
        tracing::debug!(
            jobs = size,
            took_ms = took.as_secs_f64() * 1000.0,
            "slow batch"
        );
    }
    let kept = direct
        .zip(any)
        .map(|(direct, any)| Connections { direct, any });
    (kept, outcomes)
}

/// Runs one of a batch's transactions in a task of its own: its outcome goes to `outcomes`, and
/// its connection comes back when fit to keep. A job that panics drops the connection with the
/// task (closing it rolls the transaction back); its callers' answers go with it, and they get
/// an error.
async fn in_task<C: Send + 'static>(
    transaction: impl Future<Output = (Outcome, Option<C>)> + Send + 'static,
    outcomes: &mut Vec<Outcome>,
) -> Option<C> {
    match tokio::spawn(transaction).await {
        Ok((outcome, conn)) => {
            outcomes.push(outcome);
            conn
        }
        Err(_) => {
            tracing::error!("a batch's transaction panicked and was rolled back");
            None
        }
    }
}

/// Runs the counted jobs in one transaction on the direct connection, each job (its scripts, one
/// after another) in a savepoint of its own: a job that fails keeps nothing, not even its
/// counts, and the others commit. Counters of the same key count one after another, each job
/// seeing the ones before. `Err` when the transaction itself failed; then the connection is
/// given up (closing it rolls back).
fn run_counted(direct: &Direct, jobs: &mut [Box<dyn CountedJob>]) -> Result<(), sqlx::Error> {
    direct.execute("BEGIN IMMEDIATE")?;
    for job in jobs.iter_mut() {
        direct.execute("SAVEPOINT job")?;
        while let Some(script) = job.next() {
            job.ran(direct.run(&script));
        }
        direct.execute(if job.kept() {
            "RELEASE job"
        } else {
            "ROLLBACK TO job; RELEASE job"
        })?;
    }
    direct.execute("COMMIT")
}

/// Runs `jobs` in one transaction on the sqlx connection, each inside the savepoint `job`;
/// returns whether the connection is fit to keep, and the outcome.
///
/// The transaction's statements are raw SQL rather than sqlx's `Transaction`, so that closing
/// one job's savepoint and opening the next is one hand-off to the connection's thread (see
/// [`super::script`]) instead of two. The connection is the writer's own and no caller can
/// cancel the batch, so nothing can leave it inside a transaction unnoticed: on any error it
/// is given up (closing it rolls back).
async fn run_jobs(conn: &mut AnyConnection, jobs: Vec<Erased>) -> (bool, Outcome) {
    if let Err(error) = conn.execute("BEGIN IMMEDIATE; SAVEPOINT job").await {
        let answers = refuse_all(jobs, &error).await;
        return (false, (Some(again(&error)), answers));
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

/// Opens the writer's connections to the database file, each with the pool's settings and
/// then [`writer_settings`]; `syncer` is started here for the database's WAL file the first
/// time. Without it the commits keep their own fsync (`FULL`), and batches are answered at
/// once. The database must be a file: the writer opens it twice.
async fn connect(
    options: &AnyConnectOptions,
    syncer: &mut Option<Syncer>,
    synced: &Arc<AtomicU64>,
) -> Result<Connections, sqlx::Error> {
    let mut any = options.connect().await?;
    any.execute(SQLITE_PRAGMAS).await?;
    let Some(database) = wal_database(&mut any).await? else {
        return Err(sqlx::Error::Configuration(
            "the group-commit writer needs a SQLite database file in WAL mode".into(),
        ));
    };
    if syncer.is_none() {
        let mut wal = WalFile::beside(&database);
        let synced = Arc::clone(synced);
        let sync = move || {
            wal.sync()?;
            synced.fetch_add(1, Ordering::Relaxed);
            Ok(())
        };
        match Syncer::start(sync) {
            Ok(started) => *syncer = Some(started),
            Err(error) => {
                tracing::warn!(%error, "no WAL sync thread; batches commit with their fsync")
            }
        }
    }
    let settings = writer_settings(syncer.is_some());
    any.execute(settings.as_str()).await?;
    let direct = Direct::open(&database)?;
    direct.execute(SQLITE_PRAGMAS)?;
    direct.execute(&settings)?;
    Ok(Connections { direct, any })
}

/// The writer's connections' settings beyond the pool's ([`SQLITE_PRAGMAS`]): their commits
/// leave the fsync to the sync thread when it runs (`synced`), SQLite's own checkpoint is only
/// a backstop (the writer runs them, see [`Checkpoints`]), and temporary storage stays in
/// memory. Each job's savepoint keeps the pages it changes in a statement journal; past 64 KiB,
/// which one flow start's pages nearly fill, SQLite spilled it into a temporary file in
/// /var/tmp, made and removed for nearly every batch. The writer runs short jobs only, never a
/// large sort.
fn writer_settings(synced: bool) -> String {
    let synchronous = if synced {
        "PRAGMA synchronous = NORMAL; "
    } else {
        ""
    };
    format!(
        "{synchronous}PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_FRAMES}; \
         PRAGMA temp_store = MEMORY;"
    )
}

/// The file of the connection's database when it keeps a WAL (not in memory).
async fn wal_database(conn: &mut AnyConnection) -> Result<Option<PathBuf>, sqlx::Error> {
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Ok(None);
    }
    let file: String = sqlx::query("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .fetch_one(conn)
        .await?
        .try_get(0)?;
    Ok((!file.is_empty()).then(|| PathBuf::from(file)))
}

#[cfg(test)]
mod tests {
    use super::super::script::{Row, Script};
    use super::super::staged::Stage;
    use super::super::{rate_limits, Db};
    use sqlx::Row as _;
    use std::sync::Arc;

    /// A counted job as a flow start makes one: count `key`, then insert `row` into
    /// `rate_limits` (a key already there makes the insert fail). Its result: the count seen.
    async fn counted(db: Db, key: &'static str, row: String) -> Result<i64, sqlx::Error> {
        let mut counts = Script::default();
        rate_limits::add_hit(&mut counts, key, 60_000, 1_000);
        db.write_counted(counts, move |rows: &[Row]| {
            let seen = rows[0].int("hits")?;
            let mut writes = Script::default();
            writes
                .add("INSERT INTO rate_limits (key, window_start_ms, hits) VALUES ($1, 0, 1)")
                .bind(row.clone());
            Ok::<_, sqlx::Error>((writes, seen))
        })
        .await
    }

    async fn open() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = Db::connect(&url, 4).await.expect("the database");
        (dir, db)
    }

    async fn hits(db: &Db, key: &str) -> Option<i64> {
        sqlx::query("SELECT hits FROM rate_limits WHERE key = $1")
            .bind(key)
            .fetch_optional(&db.pool)
            .await
            .expect("a read")
            .map(|row| row.get(0))
    }

    /// Counted jobs ([`counted`]) of each key and row, as one batch ([`all_in_one_batch`]).
    async fn in_one_batch(
        db: &Db,
        jobs: Vec<(&'static str, String)>,
    ) -> Vec<Result<i64, sqlx::Error>> {
        let jobs = jobs
            .into_iter()
            .map(|(key, row)| counted(db.clone(), key, row));
        all_in_one_batch(db, jobs).await
    }

    /// Starts `jobs` in order while the write gate is held, so the writer takes them as one
    /// batch; their results, in order.
    async fn all_in_one_batch<T: Send + 'static>(
        db: &Db,
        jobs: impl IntoIterator<Item = impl std::future::Future<Output = T> + Send + 'static>,
    ) -> Vec<T> {
        let held = db.gate.enter().await.expect("the gate");
        let tasks: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        drop(held);
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("the job's task"));
        }
        results
    }

    /// How many rows `rate_limits` has in the database file alone: a copy of the file without
    /// its WAL, as the last checkpoint left it. `None` when the copy cannot be read, or is torn
    /// (a checkpoint's first step, outside the write gate, was writing the file meanwhile).
    async fn in_the_file(db: &Db, dir: &std::path::Path) -> Option<i64> {
        let copy = dir.join("copy.db");
        for side in ["copy.db-wal", "copy.db-shm"] {
            let _ = std::fs::remove_file(dir.join(side));
        }
        {
            let _held = db.gate.enter().await.ok()?;
            let (from, to) = (dir.join("test.db"), copy.clone());
            tokio::task::spawn_blocking(move || std::fs::copy(from, to))
                .await
                .ok()?
                .ok()?;
        }
        let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", copy.display()))
            .await
            .ok()?;
        let whole = sqlx::query("PRAGMA quick_check")
            .fetch_one(&pool)
            .await
            .is_ok_and(|row| row.get::<String, _>(0) == "ok");
        let count = sqlx::query("SELECT COUNT(*) FROM rate_limits")
            .fetch_one(&pool)
            .await
            .ok()
            .filter(|_| whole)
            .map(|row| row.get::<i64, _>(0));
        pool.close().await;
        count
    }

    /// Waits up to 10 s, looking every [`CHECKPOINT_EVERY`](super::CHECKPOINT_EVERY), until
    /// the database file itself holds `want` rows of `rate_limits` ([`in_the_file`]); fails
    /// with `what` otherwise.
    async fn until_in_the_file(db: &Db, dir: &std::path::Path, want: i64, what: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while in_the_file(db, dir).await != Some(want) {
            assert!(std::time::Instant::now() < deadline, "{what}");
            tokio::time::sleep(super::CHECKPOINT_EVERY).await;
        }
    }

    /// The WAL's checkpoint sequence number: SQLite adds one each time a commit starts the WAL
    /// over, from its beginning.
    fn wal_restarts(dir: &std::path::Path) -> u32 {
        let header = std::fs::read(dir.join("test.db-wal")).unwrap_or_default();
        header
            .get(12..16)
            .map_or(0, |n| u32::from_be_bytes([n[0], n[1], n[2], n[3]]))
    }

    #[test]
    fn checkpoints_come_sooner_the_faster_the_wal_fills_within_their_bounds() {
        use super::{next_checkpoint_in, CHECKPOINT_EVERY, CHECKPOINT_SOONEST};
        let ms = std::time::Duration::from_millis;
        // 9,000 frames in 250 ms: the next checkpoint finds about 1,000 after about 28 ms.
        let wait = next_checkpoint_in(9_000, ms(250));
        assert!(wait > ms(27) && wait < ms(28), "{wait:?}");
        // Half the rate, twice the wait.
        assert_eq!(next_checkpoint_in(4_500, ms(250)), wait * 2);
        // A light load waits the longest, a very heavy one the shortest; nothing written,
        // the longest.
        assert_eq!(next_checkpoint_in(100, ms(250)), CHECKPOINT_EVERY);
        assert_eq!(next_checkpoint_in(100_000, ms(250)), CHECKPOINT_SOONEST);
        assert_eq!(next_checkpoint_in(0, ms(250)), CHECKPOINT_EVERY);
    }

    #[test]
    fn the_wal_starts_over_once_the_interval_has_passed_or_it_holds_too_many_frames() {
        use super::{restart_due, RESTART_EVERY, RESTART_FRAMES};
        let soon = RESTART_EVERY / 2;
        assert!(!restart_due(soon, 1_000));
        assert!(restart_due(RESTART_EVERY, 1_000));
        assert!(restart_due(soon, RESTART_FRAMES));
        assert!(!restart_due(soon, RESTART_FRAMES - 1));
        // SQLite's own checkpoint, inside a batch's commit, is never the one that comes first.
        for synced in [true, false] {
            let autocheckpoint =
                format!("wal_autocheckpoint = {};", super::SQLITE_CHECKPOINT_FRAMES);
            assert!(super::writer_settings(synced).contains(&autocheckpoint));
        }
        const { assert!(RESTART_FRAMES < super::SQLITE_CHECKPOINT_FRAMES) };
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_starts_over_amid_a_steady_stream() {
        let (dir, db) = open().await;
        counted(db.clone(), "stream", "first".to_owned())
            .await
            .expect("a committed job");
        let before = wal_restarts(dir.path());
        // Four clients write for sixteen restart intervals, so batches are committed all
        // through each checkpoint's copy.
        let until = std::time::Instant::now() + super::RESTART_EVERY * 16;
        let writers: Vec<_> = (0..4)
            .map(|writer| {
                let db = db.clone();
                tokio::spawn(async move {
                    let pad = "x".repeat(2_000);
                    let mut jobs = 0;
                    while std::time::Instant::now() < until {
                        counted(db.clone(), "stream", format!("{writer}-{jobs}{pad}"))
                            .await
                            .expect("a committed job");
                        jobs += 1;
                    }
                    jobs
                })
            })
            .collect();
        let mut jobs = 1;
        for writer in writers {
            jobs += writer.await.expect("a writer");
        }
        // A checkpoint's second step leaves nothing uncopied, so the commit after it writes
        // the WAL from its start again. A checkpoint beside the writer alone would never let
        // it start over while commits come in (here, about 6 times in 16 intervals). (How
        // often it does is `restart_due`'s: about 20 times here, 90 when it was after every
        // copy.)
        let restarts = wal_restarts(dir.path()).wrapping_sub(before);
        assert!(
            restarts >= 11,
            "the WAL started over {restarts} times in sixteen restart intervals"
        );
        assert_eq!(hits(&db, "stream").await, Some(jobs));
    }

    #[tokio::test]
    async fn a_copy_of_a_wal_no_one_writes_to_takes_every_frame_and_stops_at_its_second_pass() {
        let (_dir, db) = open().await;
        for i in 0..5 {
            counted(db.clone(), "copied", format!("copied{i}"))
                .await
                .expect("a committed job");
        }
        // The writer's own copy, if one began after those batches, is over by then.
        tokio::time::sleep(super::CHECKPOINT_EVERY * 2).await;
        let mut conn = db.pool.acquire().await.expect("a connection");
        let copied = super::copy_passes(&mut conn).await.expect("the copy");
        assert!(copied.frames > 0, "the batches left no frame in the WAL");
        assert_eq!(copied.copied, copied.frames);
        // The second pass found the WAL as the first left it: nothing more to copy.
        assert_eq!(copied.passes, 2);
        assert!(copied.settled);
    }

    #[tokio::test]
    async fn a_copy_that_settled_stands_for_the_second_step_unless_the_wal_is_too_long() {
        use super::AfterCopy::{CopyAfterWait, NextBatch, SecondStep};
        use super::{Checkpoints, Copied, RESTART_EVERY, RESTART_FRAMES};
        let (_dir, db) = open().await;
        let mut checkpoints = Checkpoints::new(db.pool.clone());
        let long_ago = std::time::Instant::now() - RESTART_EVERY * 2;
        let copy = |frames, settled| {
            Some(Copied {
                frames,
                copied: frames,
                passes: if settled { 2 } else { super::COPY_PASSES },
                settled,
            })
        };
        // Due by time: a copy that settled needs no second step, and counts as the WAL's
        // start-over.
        checkpoints.restarted = long_ago;
        assert_eq!(checkpoints.copy_done(copy(1_200, true)), CopyAfterWait);
        assert_eq!(checkpoints.seen, 0);
        assert!(checkpoints.restarted > long_ago);
        // One that did not settle (batches committed during each pass) is no start-over, nor
        // is a failed one; once due, the second step follows.
        assert_eq!(checkpoints.copy_done(copy(900, false)), NextBatch);
        checkpoints.restarted = long_ago;
        assert_eq!(checkpoints.copy_done(copy(1_500, false)), SecondStep);
        assert_eq!(checkpoints.copy_done(None), SecondStep);
        assert_eq!(checkpoints.seen, 1_500);
        // A WAL that went on growing after settled copies (a reader held on to its frames)
        // gets the second step.
        assert_eq!(
            checkpoints.copy_done(copy(RESTART_FRAMES, true)),
            SecondStep
        );
    }

    #[tokio::test]
    async fn a_batch_after_a_copy_that_settled_reaches_the_file_with_no_batch_after_it() {
        let (dir, db) = open().await;
        let before = in_the_file(&db, dir.path()).await.unwrap_or(0);
        // After the checkpoint interval, the first batch is followed by a copy, which settles
        // on a writer with nothing more to write.
        tokio::time::sleep(super::CHECKPOINT_EVERY * 2).await;
        counted(db.clone(), "settled", "first".to_owned())
            .await
            .expect("a committed job");
        tokio::time::sleep(super::CHECKPOINT_EVERY).await;
        // The second batch finds that copy done: no second step follows it, and nothing is
        // written after it.
        counted(db.clone(), "settled", "second".to_owned())
            .await
            .expect("a committed job");
        until_in_the_file(
            &db,
            dir.path(),
            before + 3,
            "the batch after the settled copy never reached the database file",
        )
        .await;
    }

    #[tokio::test]
    async fn the_writer_checkpoints_between_batches_long_before_the_wal_is_full() {
        let (dir, db) = open().await;
        let before = in_the_file(&db, dir.path()).await.unwrap_or(0);
        for i in 0..2 {
            counted(db.clone(), "checkpointed", format!("checkpointed{i}"))
                .await
                .expect("a committed job");
            // The second batch comes after the checkpoint interval: it is followed by one.
            tokio::time::sleep(super::CHECKPOINT_EVERY * 2).await;
        }
        // Two small batches are far below SQLite's own mark: only the writer copies them.
        until_in_the_file(
            &db,
            dir.path(),
            before + 3,
            "the batches never reached the database file",
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checkpoints_run_amid_a_steady_stream_of_batches_and_fail_none() {
        let (dir, db) = open().await;
        let before = in_the_file(&db, dir.path()).await.unwrap_or(0);
        // Eight clients write until eight samples of the file are taken, one every checkpoint
        // interval, so a batch is always waiting when the writer checkpoints: rows of more
        // than a page, at most 400 of them a client (about 40 MB in all on a fast disk), then
        // small ones.
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writers: Vec<_> = (0..8)
            .map(|writer| {
                let (db, stop) = (db.clone(), Arc::clone(&stop));
                tokio::spawn(async move {
                    let big = "x".repeat(5_000);
                    let mut jobs = 0;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let pad = if jobs < 400 { big.as_str() } else { "" };
                        let key = format!("{writer}-{jobs}{pad}");
                        counted(db.clone(), "steady", key)
                            .await
                            .expect("a committed job");
                        jobs += 1;
                    }
                    jobs
                })
            })
            .collect();
        let mut in_the_file_meanwhile = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while in_the_file_meanwhile.len() < 8 && std::time::Instant::now() < deadline {
            tokio::time::sleep(super::CHECKPOINT_EVERY).await;
            in_the_file_meanwhile.extend(in_the_file(&db, dir.path()).await);
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut jobs = 0;
        for writer in writers {
            jobs += writer.await.expect("a writer");
        }
        // The writer checkpoints after a batch once an interval has passed, so the file grows
        // from one sample to the next; with SQLite's own checkpoint alone (every 10,000
        // frames) it grew in two intervals of eight here.
        let grew = std::iter::once(&before)
            .chain(&in_the_file_meanwhile)
            .zip(&in_the_file_meanwhile)
            .filter(|(earlier, later)| later > earlier)
            .count();
        assert!(
            in_the_file_meanwhile.len() == 8 && grew * 2 >= in_the_file_meanwhile.len(),
            "the writer's checkpoints did not keep up with the stream: {in_the_file_meanwhile:?}"
        );
        assert_eq!(hits(&db, "steady").await, Some(jobs));
        // One more batch, after the checkpoint interval: the checkpoint that follows it copies
        // everything.
        tokio::time::sleep(super::CHECKPOINT_EVERY * 2).await;
        counted(db.clone(), "steady", "last".to_owned())
            .await
            .expect("a committed job");
        let committed: i64 = sqlx::query("SELECT COUNT(*) FROM rate_limits")
            .fetch_one(&db.pool)
            .await
            .expect("a count")
            .get(0);
        until_in_the_file(
            &db,
            dir.path(),
            committed,
            "the database file never caught up with the WAL",
        )
        .await;
    }

    /// The WAL fsyncs the writer's sync thread has made.
    fn synced(db: &Db) -> u64 {
        let batcher = db.batcher.as_ref().expect("SQLite has a writer");
        batcher.synced.load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn synchronous(conn: &mut sqlx::AnyConnection) -> Result<i64, sqlx::Error> {
        sqlx::query("PRAGMA synchronous")
            .fetch_one(conn)
            .await?
            .try_get(0)
    }

    #[tokio::test]
    async fn on_a_database_file_a_batch_commits_without_its_fsync_and_is_answered_after_the_wals() {
        let (_dir, db) = open().await;
        // The writer's connections leave the commit's fsync to the sync thread (NORMAL = 1):
        // the sqlx one and the direct one; every other connection keeps making its own
        // (FULL = 2).
        let writer = db
            .write_batched(|conn| Box::pin(synchronous(conn)))
            .await
            .expect("a batched job");
        assert_eq!(writer, 1);
        let mut read = Script::default();
        read.add_one_row("SELECT synchronous FROM pragma_synchronous");
        let direct = db.count(read).await.expect("a counted read");
        assert_eq!(direct[0].int("synchronous").expect("the setting"), 1);
        let mut pooled = db.pool.acquire().await.expect("a connection");
        assert_eq!(synchronous(&mut pooled).await.expect("a read"), 2);
        drop(pooled);
        for n in 1..=3 {
            let before = synced(&db);
            let seen = counted(db.clone(), "synced", format!("row-{n}")).await;
            assert_eq!(seen.expect("committed"), n);
            assert!(synced(&db) > before, "answered before an fsync of the WAL");
        }
    }

    #[tokio::test]
    async fn counted_jobs_in_one_batch_each_see_the_count_before_them_and_all_commit() {
        let (_dir, db) = open().await;
        let jobs = (0..20).map(|i| ("same", format!("row{i}"))).collect();
        let mut seen: Vec<i64> = in_one_batch(&db, jobs)
            .await
            .into_iter()
            .map(|r| r.expect("a committed job"))
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, (1..=20).collect::<Vec<i64>>());
        assert_eq!(hits(&db, "same").await, Some(20));
        for i in 0..20 {
            assert_eq!(hits(&db, &format!("row{i}")).await, Some(1));
        }
    }

    /// A counted job whose writes end with a guarded one: an insert of `row`, then an update
    /// that must return a row and returns none when `key` has no counter.
    async fn guarded(db: Db, key: &'static str, row: String) -> Result<(), sqlx::Error> {
        let mut counts = Script::default();
        rate_limits::add_hit(&mut counts, "guarded", 60_000, 1_000);
        db.write_counted(counts, move |_: &[Row]| {
            let mut writes = Script::default();
            writes
                .add("INSERT INTO rate_limits (key, window_start_ms, hits) VALUES ($1, 0, 1)")
                .bind(row.clone());
            writes
                .add_one_row("UPDATE rate_limits SET hits = hits + 1 WHERE key = $1 RETURNING hits")
                .bind(key);
            Ok::<_, sqlx::Error>((writes, ()))
        })
        .await
    }

    #[tokio::test]
    async fn a_guarded_write_that_finds_no_row_fails_its_job_alone_before_the_commit() {
        let (_dir, db) = open().await;
        let held = db.gate.enter().await.expect("the gate");
        let tasks = vec![
            tokio::spawn(guarded(db.clone(), "guarded", "kept".to_owned())),
            tokio::spawn(guarded(db.clone(), "nowhere", "dropped".to_owned())),
        ];
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        drop(held);
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("the job's task"));
        }
        // The second job's update found no counter: its insert and its counter's hit went
        // back, though no statement failed; the first job's writes were committed.
        assert!(results[0].is_ok(), "{results:?}");
        assert!(
            results[1].is_err(),
            "the job whose guard found no row is refused"
        );
        assert_eq!(hits(&db, "kept").await, Some(1));
        assert_eq!(hits(&db, "dropped").await, None);
        assert_eq!(hits(&db, "guarded").await, Some(2));
    }

    /// A counted job whose writes are `inserts`, in that order, each with its values.
    async fn inserts(
        db: Db,
        inserts: Vec<(&'static str, Vec<&'static str>)>,
    ) -> Result<(), sqlx::Error> {
        let mut counts = Script::default();
        rate_limits::add_hit(&mut counts, "inserts", 60_000, 1_000);
        db.write_counted(counts, move |_: &[Row]| {
            let mut writes = Script::default();
            for (sql, values) in &inserts {
                let statement = writes.add(sql);
                for value in values {
                    statement.bind(*value);
                }
            }
            Ok::<_, sqlx::Error>((writes, ()))
        })
        .await
    }

    #[tokio::test]
    async fn each_counted_job_of_a_batch_writes_in_its_own_order_so_its_rows_may_refer_to_each_other(
    ) {
        let (_dir, db) = open().await;
        sqlx::raw_sql(
            "CREATE TABLE parents (id TEXT PRIMARY KEY); \
             CREATE TABLE children (id TEXT PRIMARY KEY, parent TEXT NOT NULL REFERENCES parents (id)); \
             INSERT INTO parents (id) VALUES ('old')",
        )
        .execute(&db.pool)
        .await
        .expect("the tables");
        const PARENT: &str = "INSERT INTO parents (id) VALUES ($1)";
        const CHILD: &str = "INSERT INTO children (id, parent) VALUES ($1, $2)";
        let held = db.gate.enter().await.expect("the gate");
        // Grouped by text across the batch, every child would come before every new parent,
        // and the second job's child would refer to a parent not yet inserted.
        let tasks = vec![
            tokio::spawn(inserts(
                db.clone(),
                vec![(CHILD, vec!["x", "old"]), (PARENT, vec!["p1"])],
            )),
            tokio::spawn(inserts(
                db.clone(),
                vec![(PARENT, vec!["p2"]), (CHILD, vec!["y", "p2"])],
            )),
        ];
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        drop(held);
        for task in tasks {
            task.await
                .expect("the job's task")
                .expect("a committed job");
        }
        let rows = sqlx::query("SELECT id, parent FROM children ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .expect("the children");
        let rows: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        assert_eq!(
            rows,
            [("x".into(), "old".into()), ("y".into(), "p2".into())]
        );
        let parents: i64 = sqlx::query("SELECT COUNT(*) FROM parents")
            .fetch_one(&db.pool)
            .await
            .expect("the parents")
            .get(0);
        assert_eq!(parents, 3);
    }

    #[tokio::test]
    async fn a_counted_job_that_fails_keeps_nothing_and_the_others_of_its_batch_commit() {
        let (_dir, db) = open().await;
        sqlx::query("INSERT INTO rate_limits (key, window_start_ms, hits) VALUES ('taken', 0, 1)")
            .execute(&db.pool)
            .await
            .expect("the row that makes one job fail");
        let jobs = vec![
            ("a", "first".to_owned()),
            ("b", "taken".to_owned()),
            ("a", "third".to_owned()),
        ];
        let results = in_one_batch(&db, jobs).await;
        assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
        assert!(results[1].is_err(), "the job whose insert fails is refused");
        // The failed job's counter went back with its writes; the others' stayed.
        assert_eq!(hits(&db, "b").await, None);
        assert_eq!(hits(&db, "a").await, Some(2));
        assert_eq!(hits(&db, "first").await, Some(1));
        assert_eq!(hits(&db, "third").await, Some(1));
    }

    /// A staged job as a passcode check makes one: count `key`; on its first count, count
    /// `second` too and insert a row named after both counts; on a later one, end refused —
    /// kept (`Ok(Err(count))`) or undone (`Err`) as `keep_refusal` says.
    async fn staged(
        db: Db,
        key: &'static str,
        keep_refusal: bool,
    ) -> Result<Result<i64, i64>, sqlx::Error> {
        let mut counts = Script::default();
        rate_limits::add_hit(&mut counts, key, 60_000, 1_000);
        let stage = Stage::read(counts, move |rows| {
            let seen = match rows[0].int("hits") {
                Ok(seen) => seen,
                Err(error) => return Stage::Done(Err(error)),
            };
            if seen > 1 {
                return Stage::Done(if keep_refusal {
                    Ok(Err(seen))
                } else {
                    Err(sqlx::Error::RowNotFound)
                });
            }
            let mut second = Script::default();
            rate_limits::add_hit(&mut second, "second", 60_000, 1_000);
            Stage::read(second, move |rows| {
                let Ok(then) = rows[0].int("hits") else {
                    return Stage::Done(Err(sqlx::Error::RowNotFound));
                };
                let mut writes = Script::default();
                writes
                    .add("INSERT INTO rate_limits (key, window_start_ms, hits) VALUES ($1, 0, $2)")
                    .bind(format!("{key}-after-{then}"))
                    .bind(then);
                Stage::write(writes, Ok(seen))
            })
        });
        db.write_staged(stage).await
    }

    #[tokio::test]
    async fn staged_jobs_in_one_batch_each_choose_their_next_script_from_the_rows_before_it() {
        let (_dir, db) = open().await;
        let jobs = [("a", true), ("a", true), ("a", false), ("b", false)]
            .into_iter()
            .map(|(key, keep)| staged(db.clone(), key, keep));
        let results = all_in_one_batch(&db, jobs).await;
        assert!(matches!(results[0], Ok(Ok(1))), "{results:?}");
        assert!(
            matches!(results[1], Ok(Err(2))),
            "a kept refusal: {results:?}"
        );
        assert!(results[2].is_err(), "an undone refusal: {results:?}");
        assert!(matches!(results[3], Ok(Ok(1))), "{results:?}");
        // The undone job's count went back; the kept refusal's stayed.
        assert_eq!(hits(&db, "a").await, Some(2));
        assert_eq!(hits(&db, "b").await, Some(1));
        // Each first count went on to the second stage, which saw the one before it.
        assert_eq!(hits(&db, "second").await, Some(2));
        assert_eq!(hits(&db, "a-after-1").await, Some(1));
        assert_eq!(hits(&db, "b-after-2").await, Some(2));
    }

    #[tokio::test]
    async fn counted_and_other_jobs_of_one_batch_all_commit_and_are_answered_after_the_wals_sync() {
        let (_dir, db) = open().await;
        let before = synced(&db);
        let held = db.gate.enter().await.expect("the gate");
        let counted_jobs: Vec<_> = (0..3)
            .map(|i| tokio::spawn(counted(db.clone(), "mixed", format!("mixed{i}"))))
            .collect();
        let other = tokio::spawn({
            let db = db.clone();
            async move {
                db.write_batched(|conn| {
                    Box::pin(async move {
                        sqlx::query(
                            "INSERT INTO rate_limits (key, window_start_ms, hits) VALUES ('other', 0, 9)",
                        )
                        .execute(conn)
                        .await
                        .map(drop)
                    })
                })
                .await
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        drop(held);
        for job in counted_jobs {
            job.await.expect("the job's task").expect("a committed job");
        }
        other
            .await
            .expect("the job's task")
            .expect("a committed job");
        assert!(synced(&db) > before, "answered before an fsync of the WAL");
        assert_eq!(hits(&db, "mixed").await, Some(3));
        assert_eq!(hits(&db, "other").await, Some(9));
        for i in 0..3 {
            assert_eq!(hits(&db, &format!("mixed{i}")).await, Some(1));
        }
    }

    /// A counted job whose `then` panics, after counting `panics`.
    async fn panicking_counted(db: Db) -> Result<(), sqlx::Error> {
        let mut counts = Script::default();
        rate_limits::add_hit(&mut counts, "panics", 60_000, 1_000);
        db.write_counted(counts, |_: &[Row]| -> Result<(Script, ()), sqlx::Error> {
            panic!("a job's bug")
        })
        .await
    }

    #[tokio::test]
    async fn a_job_that_panics_fails_its_batch_and_the_writer_goes_on() {
        let (_dir, db) = open().await;
        let held = db.gate.enter().await.expect("the gate");
        let beside = tokio::spawn(counted(db.clone(), "beside", "beside-row".to_owned()));
        let panics = tokio::spawn(panicking_counted(db.clone()));
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        drop(held);
        assert!(panics.await.expect("the caller's task").is_err());
        assert!(beside.await.expect("the caller's task").is_err());
        assert_eq!(hits(&db, "beside").await, None, "the batch was rolled back");
        assert_eq!(hits(&db, "panics").await, None);
        // The writer opens its connections again and the next batch commits.
        let next = counted(db.clone(), "beside", "next-row".to_owned()).await;
        assert_eq!(next.expect("a committed job"), 1);
    }

    /// A job that is a closure over the sqlx connection: inserts a counter `key`, or panics.
    async fn other(db: Db, key: &'static str, panics: bool) -> Result<(), sqlx::Error> {
        db.write_batched(move |conn| {
            Box::pin(async move {
                assert!(!panics, "a job's bug");
                sqlx::query(
                    "INSERT INTO rate_limits (key, window_start_ms, hits) VALUES ($1, 0, 5)",
                )
                .bind(key)
                .execute(conn)
                .await
                .map(drop)
            })
        })
        .await
    }

    #[tokio::test]
    async fn a_job_that_panics_rolls_back_its_own_transaction_and_the_other_commits() {
        let (_dir, db) = open().await;
        // A counted job beside another job that panics: the counted one commits.
        let held = db.gate.enter().await.expect("the gate");
        let kept = tokio::spawn(counted(db.clone(), "first", "kept-row".to_owned()));
        let panics = tokio::spawn(other(db.clone(), "never", true));
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        drop(held);
        assert_eq!(kept.await.expect("the caller").expect("committed"), 1);
        assert!(panics.await.expect("the caller").is_err());
        assert_eq!(hits(&db, "kept-row").await, Some(1));
        assert_eq!(hits(&db, "never").await, None);
        // A counted job that panics beside another job: the other one commits.
        let held = db.gate.enter().await.expect("the gate");
        let panics = tokio::spawn(panicking_counted(db.clone()));
        let beside = tokio::spawn(other(db.clone(), "beside", false));
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        drop(held);
        assert!(panics.await.expect("the caller").is_err());
        beside.await.expect("the caller").expect("committed");
        assert_eq!(hits(&db, "beside").await, Some(5));
        assert_eq!(hits(&db, "panics").await, None);
    }
}
