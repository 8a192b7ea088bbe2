//! The WAL's fsync, taken off the SQLite writer's path: the writer commits a batch and goes on
//! with the next one while this thread makes the batch durable and only then answers it.
//!
//! With `synchronous = FULL` a batch's `COMMIT` wrote its pages into the WAL and then waited for
//! the disk, and the writer could begin nothing meanwhile: on this project's benchmark host that
//! wait was most of why the writer sat idle while the requests queued. Now the writer's own
//! connection commits with `synchronous = NORMAL` (SQLite writes the WAL but does not sync it at
//! a commit), and hands the batch's answers to [`Syncer`]. Its thread calls `fdatasync` on the
//! WAL file and then answers every batch that was handed over before the call began; batches
//! that commit while one fsync is under way share the next.
//!
//! What stays as it was:
//! - **No answer before the rows are on disk.** A batch is handed over after its commit, so the
//!   next fsync of the WAL begins after the batch's writes, and an fsync makes every write to
//!   the file before it durable, from whichever descriptor it came.
//! - **SQLite stays consistent.** In WAL mode `NORMAL` still syncs the WAL header when the WAL
//!   starts over, and the WAL before a checkpoint copies it into the database file; all it
//!   leaves out is the commit's own sync, which this thread makes.
//!
//! What changes: other connections can read a batch's rows up to one fsync before they are
//! durable. The requests that wrote them are still waiting here, but a request that only reads
//! may answer from them meanwhile (a rate limit that counts such a write, a flow's page), and
//! the mail worker may claim a message queued by one; a power cut in that moment loses the
//! rows as if they had never been committed.
//!
//! If an fsync fails, the batches waiting on it and every batch after it are answered with an
//! error, and the failure is logged: their rows may or may not survive a power cut, and once an
//! fsync has failed a later one may succeed although the pages of the failed one were lost
//! (Linux drops them from its cache), so nothing the writer commits is reported as kept again
//! until the server is restarted (SQLite then recovers the database from what is on disk).
//! Only the group-commit writer works this way; every other write transaction still commits
//! with `synchronous = FULL`.

use super::group_commit::Answer;
use std::fs::File;
use std::io;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Answers waiting for an fsync: each is called once, with the error if the fsync failed.
pub(super) type Waiting = Vec<Answer>;

/// The sync thread's handle; the thread ends once this is dropped and it has answered every
/// batch handed over.
#[derive(Debug)]
pub(super) struct Syncer {
    queue: mpsc::Sender<Waiting>,
}

impl Syncer {
    /// Starts the thread `sspr-wal-sync`, which makes each fsync with `sync`.
    pub(super) fn start(
        mut sync: impl FnMut() -> io::Result<()> + Send + 'static,
    ) -> io::Result<Syncer> {
        let (queue, handed) = mpsc::channel::<Waiting>();
        std::thread::Builder::new()
            .name("sspr-wal-sync".into())
            .spawn(move || {
                // Once an fsync failed, no later one is trusted (see the module documentation).
                let mut broken: Option<String> = None;
                while let Ok(mut waiting) = handed.recv() {
                    while let Ok(more) = handed.try_recv() {
                        waiting.extend(more);
                    }
                    if broken.is_none() {
                        let started = Instant::now();
                        let synced = sync();
                        log_sync(started.elapsed(), waiting.len());
                        if let Err(error) = synced {
                            tracing::error!(
                                %error,
                                "the WAL's fsync failed: no batched write is reported as kept \
                                 until the server restarts"
                            );
                            broken = Some(error.to_string());
                        }
                    }
                    let failed = broken.as_ref().map(|error| {
                        sqlx::Error::Io(io::Error::other(format!(
                            "an fsync of the WAL failed ({error}); restart the server"
                        )))
                    });
                    for answer in waiting {
                        answer(failed.as_ref());
                    }
                }
            })?;
        Ok(Syncer { queue })
    }

    /// Answers `waiting` after the next fsync. Committed writes only: the fsync must begin
    /// after them. `Err` gives them back when the thread is gone.
    pub(super) fn answer_after_sync(&self, waiting: Waiting) -> Result<(), Waiting> {
        self.queue
            .send(waiting)
            .map_err(|mpsc::SendError(back)| back)
    }
}

/// An fsync that takes longer is logged at `debug` ("slow fsync": how long it took and how many
/// requests' answers waited for it), to set beside the writer's "slow batch" and checkpoint
/// lines (target `sspr_server::store::wal_sync`).
const SLOW_SYNC: Duration = Duration::from_millis(2);

fn log_sync(took: Duration, answers: usize) {
    if took >= SLOW_SYNC {
        tracing::debug!(took_ms = took.as_secs_f64() * 1e3, answers, "slow fsync");
    }
}

/// The WAL file of a database, opened when first synced and again whenever the path names
/// another file than the one open (SQLite removes the WAL when the last connection closes, and
/// a descriptor of a removed file would sync nothing that matters).
#[derive(Debug)]
pub(super) struct WalFile {
    path: PathBuf,
    open: Option<File>,
}

impl WalFile {
    /// The WAL beside the database file `database` (`<database>-wal`).
    pub(super) fn beside(database: &std::path::Path) -> WalFile {
        let mut path = database.as_os_str().to_owned();
        path.push("-wal");
        WalFile {
            path: PathBuf::from(path),
            open: None,
        }
    }

    /// `fdatasync` of the file now at the path.
    pub(super) fn sync(&mut self) -> io::Result<()> {
        if !self.still_open()? {
            self.open = Some(File::open(&self.path)?);
        }
        match &self.open {
            Some(file) => file.sync_data(),
            None => Err(io::Error::other("the WAL is not open")),
        }
    }

    /// Whether the open file is the one at the path (an error when the path names none).
    #[cfg(unix)]
    fn still_open(&self) -> io::Result<bool> {
        use std::os::unix::fs::MetadataExt;
        let now = std::fs::metadata(&self.path)?;
        let Some(file) = &self.open else {
            return Ok(false);
        };
        let open = file.metadata()?;
        Ok((open.dev(), open.ino()) == (now.dev(), now.ino()))
    }

    /// Elsewhere the file is opened again for every fsync.
    #[cfg(not(unix))]
    fn still_open(&self) -> io::Result<bool> {
        std::fs::metadata(&self.path).map(|_| false)
    }
}

#[cfg(test)]
mod tests {
    use super::{Syncer, Waiting, WalFile};
    use std::os::unix::fs::MetadataExt;
    use std::sync::{mpsc, Arc, Mutex};
    use std::time::Duration;

    /// A batch of `n` answers that report on `to` whether they got an error.
    fn answers(n: usize, to: &mpsc::Sender<bool>) -> Waiting {
        (0..n)
            .map(|_| {
                let to = to.clone();
                Box::new(move |failed: Option<&sqlx::Error>| {
                    let _ = to.send(failed.is_some());
                }) as super::Answer
            })
            .collect()
    }

    #[test]
    fn answers_wait_for_an_fsync_begun_after_they_were_handed_over_and_later_batches_share_one() {
        // Each fsync waits until the test lets it end, and counts itself.
        let (release, gate) = mpsc::channel::<()>();
        let gate = Mutex::new(gate);
        let syncs = Arc::new(Mutex::new(0));
        let counted = Arc::clone(&syncs);
        let syncer = Syncer::start(move || {
            *counted.lock().expect("the count") += 1;
            gate.lock().expect("the gate").recv().expect("released");
            Ok(())
        })
        .expect("the thread");
        let (answered, heard) = mpsc::channel();
        syncer
            .answer_after_sync(answers(2, &answered))
            .unwrap_or_else(|_| panic!("the sync thread is gone"));
        std::thread::sleep(Duration::from_millis(50));
        assert!(heard.try_recv().is_err(), "answered before its fsync ended");
        assert_eq!(*syncs.lock().expect("the count"), 1);
        // Three batches commit while that fsync runs: they wait for the next one, together.
        for _ in 0..3 {
            syncer
                .answer_after_sync(answers(1, &answered))
                .unwrap_or_else(|_| panic!("the sync thread is gone"));
        }
        release.send(()).expect("the fsync waits");
        for _ in 0..2 {
            let failed = heard
                .recv_timeout(Duration::from_secs(5))
                .expect("answered");
            assert!(!failed);
        }
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            heard.try_recv().is_err(),
            "a batch handed over during an fsync was answered by it"
        );
        release.send(()).expect("the fsync waits");
        for _ in 0..3 {
            let failed = heard
                .recv_timeout(Duration::from_secs(5))
                .expect("answered");
            assert!(!failed);
        }
        assert_eq!(*syncs.lock().expect("the count"), 2);
        // Dropping the handle ends the thread; nothing is left unanswered.
        drop(syncer);
        assert!(heard.recv_timeout(Duration::from_millis(200)).is_err());
    }

    #[test]
    fn a_failed_fsync_answers_its_batches_and_every_later_one_with_an_error() {
        // The first fsync fails, every later one would succeed.
        let calls = Arc::new(Mutex::new(0));
        let counted = Arc::clone(&calls);
        let syncer = Syncer::start(move || {
            let mut calls = counted.lock().expect("the count");
            *calls += 1;
            if *calls == 1 {
                Err(std::io::Error::other("disk gone"))
            } else {
                Ok(())
            }
        })
        .expect("thread");
        let (answered, heard) = mpsc::channel();
        for batch in 0..3 {
            syncer
                .answer_after_sync(answers(2, &answered))
                .unwrap_or_else(|_| panic!("the sync thread is gone"));
            for _ in 0..2 {
                let failed = heard
                    .recv_timeout(Duration::from_secs(5))
                    .expect("answered");
                assert!(
                    failed,
                    "batch {batch} was answered as kept after a failed fsync"
                );
            }
        }
        assert_eq!(
            *calls.lock().expect("the count"),
            1,
            "an fsync after the failed one"
        );
    }

    /// The inode of the file `wal` holds open.
    fn open_inode(wal: &WalFile) -> u64 {
        let file = wal.open.as_ref().expect("open");
        file.metadata().expect("its metadata").ino()
    }

    #[test]
    fn the_wal_is_opened_again_when_its_path_names_another_file() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let database = dir.path().join("test.db");
        let wal_path = dir.path().join("test.db-wal");
        let mut wal = WalFile::beside(&database);
        assert!(wal.sync().is_err(), "synced a WAL that does not exist");
        std::fs::write(&wal_path, b"first").expect("a file");
        wal.sync().expect("the first WAL");
        let first = open_inode(&wal);
        // Kept while the path names the same file.
        wal.sync().expect("again");
        let same = open_inode(&wal);
        assert_eq!(first, same);
        // Removed and made again, as when the last connection closes and another opens.
        let held = std::fs::File::open(&wal_path).expect("held open");
        std::fs::remove_file(&wal_path).expect("removed");
        std::fs::write(&wal_path, b"second").expect("a new file");
        wal.sync().expect("the new WAL");
        let now = open_inode(&wal);
        assert_ne!(now, held.metadata().expect("meta").ino());
        assert_eq!(now, std::fs::metadata(&wal_path).expect("meta").ino());
    }
}
