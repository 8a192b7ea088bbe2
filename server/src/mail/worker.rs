//! The outbox worker: claims due messages, delivers them, retries failures with back-off.
//!
//! Several server instances may run workers on one database: a message is claimed by setting a
//! lease (`locked_until_ms`) in a single `UPDATE … WHERE locked_until_ms <= now`, which only one
//! of them wins; on PostgreSQL a claim passes over rows another worker holds instead of waiting
//! for them ([`store::claim`]). A batch is delivered concurrently across recipients (one SMTP conversation
//! waits on the network far more than it computes) and in order for each recipient, over
//! pooled SMTP connections. What became of each message is written as it comes, several to a
//! write ([`store::settle`]): on SQLite every write waits for the one writer, which the
//! requests need. A failed send is retried after 5 s, 10 s, 20 s … up to 10 minutes, forever:
//! mail is never dropped, only delayed.
//!
//! For the same reason the worker claims in batches ([`serve`]): woken by a queued message, it
//! waits [`GATHER`] before it claims, so that the messages queued meanwhile share its claim and
//! its settling writes. Claiming as each message came made two writes of every passcode
//! request, each a transaction (and, on SQLite, an fsync) of its own when no request's batch
//! was there to join.

use super::outbox::Envelope;
use super::transport::Transport;
use crate::store::outbox::{self as store, Claimed, Settled};
use crate::store::script::Script;
use crate::AppState;
use std::future::Future;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// Most messages a claim takes; a drain delivers them one task per recipient, so up to this
/// many at once (the SMTP pool keeps as many connections, [`super::transport`]).
pub(crate) const BATCH: i64 = 20;
const LEASE_MS: i64 = 60_000;

/// How often a worker looks for due messages when nothing wakes it (retries come due so).
pub(crate) const POLL: Duration = Duration::from_secs(1);

/// How long a woken worker waits before it claims, so the messages queued meanwhile go in
/// one claim: a passcode arrives this much later, and a thousand requests a second cost the
/// writer about a hundred claims and settling writes a second instead of a thousand of each.
pub(crate) const GATHER: Duration = Duration::from_millis(10);

/// Runs until `shutdown` resolves.
pub async fn run(
    state: AppState,
    transport: Transport,
    shutdown: impl std::future::Future<Output = ()>,
) {
    serve(
        "outbox",
        BATCH,
        || drain(&state, &transport),
        || state.outbox.woken(),
        shutdown,
    )
    .await;
}

/// A worker's loop, the mail's and the phone's: `drain` claims at most `batch` due messages,
/// delivers them and says how many it claimed. After a full claim it claims again at once (a
/// backlog); otherwise it waits until `woken` resolves (a message was queued) or [`POLL`]
/// passes, then [`GATHER`] more. A stop request wins over a backlog (it stays queued).
pub(crate) async fn serve<D, DF, W, WF>(
    what: &'static str,
    batch: i64,
    mut drain: D,
    woken: W,
    shutdown: impl Future<Output = ()>,
) where
    D: FnMut() -> DF,
    DF: Future<Output = Result<usize, sqlx::Error>>,
    W: Fn() -> WF,
    WF: Future<Output = ()>,
{
    tokio::pin!(shutdown);
    loop {
        match drain().await {
            Ok(claimed) if i64::try_from(claimed).is_ok_and(|n| n >= batch) => {
                tokio::select! {
                    biased;
                    () = &mut shutdown => return,
                    () = std::future::ready(()) => continue,
                }
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "{what}: could not read the queue"),
        }
        tokio::select! {
            () = &mut shutdown => return,
            () = woken() => {}
            () = tokio::time::sleep(POLL) => {}
        }
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(GATHER) => {}
        }
    }
}

/// Sends what is due; returns how many messages it handled.
pub async fn drain(state: &AppState, transport: &Transport) -> Result<usize, sqlx::Error> {
    let now = state.clock.now_ms();
    let rows = state
        .db
        .count(store::claim(state.db.backend, now, now + LEASE_MS, BATCH))
        .await?;
    let claimed = store::claimed(&rows)?;
    let count = claimed.len();
    let transport = transport.clone();
    let context = state.clone();
    let delivery = move |message| {
        let (state, transport) = (context.clone(), transport.clone());
        async move { deliver(&state, &transport, message).await }
    };
    deliver_per_recipient(
        state,
        claimed,
        |m| m.recipient.clone(),
        delivery,
        store::settle,
    )
    .await?;
    Ok(count)
}

/// Delivers `claimed` with one task per recipient, each delivering that recipient's messages
/// in the order they were queued (a person reads "your code" before "your password was
/// changed"), different recipients concurrently; and writes what became of each (`settle`
/// makes its statement) as soon as the write before it is done, together with every one that
/// came in meanwhile: a batch costs a write or two, not one each (on SQLite every write waits
/// for the one writer, which the requests need), and a recipient whose server is slow holds up
/// no one else's record. Also the phone worker's. The first failed write's error; its
/// messages stay leased and go out again when the lease ends.
pub(crate) async fn deliver_per_recipient<M, D, F>(
    state: &AppState,
    claimed: Vec<M>,
    recipient: fn(&M) -> String,
    deliver: D,
    settle: fn(&mut Script, Settled),
) -> Result<(), sqlx::Error>
where
    M: Send + 'static,
    D: Fn(M) -> F + Clone + Send + 'static,
    F: std::future::Future<Output = Settled> + Send + 'static,
{
    let mut by_recipient: Vec<(String, Vec<M>)> = Vec::new();
    for message in claimed {
        let to = recipient(&message);
        match by_recipient.iter_mut().find(|(r, _)| *r == to) {
            Some((_, queue)) => queue.push(message),
            None => by_recipient.push((to, vec![message])),
        }
    }
    let (outcomes, settled) = tokio::sync::mpsc::unbounded_channel();
    let mut deliveries = tokio::task::JoinSet::new();
    for (_, queue) in by_recipient {
        let (deliver, outcomes) = (deliver.clone(), outcomes.clone());
        deliveries.spawn(async move {
            for message in queue {
                if outcomes.send(deliver(message).await).is_err() {
                    return;
                }
            }
        });
    }
    drop(outcomes);
    let written = record_as_they_come(state, settled, settle).await;
    while deliveries.join_next().await.is_some() {}
    written
}

/// Writes the outcomes as they come (see [`deliver_per_recipient`]).
async fn record_as_they_come(
    state: &AppState,
    mut settled: UnboundedReceiver<Settled>,
    settle: fn(&mut Script, Settled),
) -> Result<(), sqlx::Error> {
    let mut first_error = None;
    while let Some(first) = settled.recv().await {
        let mut script = Script::default();
        settle(&mut script, first);
        while let Ok(more) = settled.try_recv() {
            settle(&mut script, more);
        }
        let written = state.db.write_script(script).await;
        if let Err(error) = written {
            first_error.get_or_insert(error);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// Delivers one claimed message; what became of it is written by [`drain`].
async fn deliver(state: &AppState, transport: &Transport, message: Claimed) -> Settled {
    let Claimed {
        id,
        purpose,
        sealed,
        attempts,
        ..
    } = message;
    let Some(sealed) = sealed else {
        return Settled::Dropped { id };
    };
    let envelope = state
        .secrets
        .open(&sealed)
        .and_then(|plain| serde_json::from_slice::<Envelope>(&plain).ok());
    let Some(envelope) = envelope else {
        tracing::error!(
            id,
            "outbox: a message cannot be opened (was the secret changed?)"
        );
        return failed(state, id, attempts, "cannot open the sealed body");
    };
    match transport.send(&envelope).await {
        Ok(()) => {
            tracing::info!(id, purpose, "mail delivered");
            Settled::Sent {
                id,
                kept_body: transport.keeps_body().then_some(sealed),
                at_ms: state.clock.now_ms(),
            }
        }
        Err(error) => {
            tracing::warn!(id, purpose, attempts, %error, "mail delivery failed; will retry");
            failed(state, id, attempts, &error.to_string())
        }
    }
}

/// A failed try of message `id`: retried after [`backoff_ms`], the error kept (500 characters).
pub(crate) fn failed(state: &AppState, id: String, attempts: i64, error: &str) -> Settled {
    Settled::Failed {
        id,
        next_attempt_ms: state.clock.now_ms() + backoff_ms(attempts),
        error: error.chars().take(500).collect(),
    }
}

/// 5 s after the first failure, doubling, at most 10 minutes.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = (attempts - 1).clamp(0, 10) as u32;
    (5_000i64 << doublings).min(600_000)
}

#[cfg(test)]
mod tests {
    use super::{backoff_ms, serve, GATHER, POLL};
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn retries_back_off_from_five_seconds_to_ten_minutes() {
        assert_eq!(backoff_ms(1), 5_000);
        assert_eq!(backoff_ms(2), 10_000);
        assert_eq!(backoff_ms(4), 40_000);
        assert_eq!(backoff_ms(50), 600_000);
    }

    /// `serve` with a queue of `queued` messages: each drain claims up to `batch` of them and
    /// records when it ran and how many it claimed.
    struct Queue {
        queued: std::sync::Mutex<usize>,
        drains: std::sync::Mutex<Vec<(tokio::time::Instant, usize)>>,
        wake: tokio::sync::Notify,
    }

    impl Queue {
        fn add(&self, messages: usize) {
            *self.queued.lock().expect("the queue") += messages;
            self.wake.notify_one();
        }

        /// The claims that took at least one message, from `from` on.
        fn claims_since(&self, from: tokio::time::Instant) -> Vec<(tokio::time::Instant, usize)> {
            let drains = self.drains.lock().expect("the drains");
            drains
                .iter()
                .filter(|(at, n)| *at >= from && *n > 0)
                .copied()
                .collect()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_woken_worker_gathers_what_is_queued_meanwhile_and_claims_a_backlog_at_once() {
        let queue = Arc::new(Queue {
            queued: std::sync::Mutex::new(0),
            drains: std::sync::Mutex::new(Vec::new()),
            wake: tokio::sync::Notify::new(),
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let worker = tokio::spawn({
            let queue = Arc::clone(&queue);
            async move {
                let drain = || {
                    let queue = Arc::clone(&queue);
                    async move {
                        let mut queued = queue.queued.lock().expect("the queue");
                        let claimed = (*queued).min(20);
                        *queued -= claimed;
                        let now = tokio::time::Instant::now();
                        queue
                            .drains
                            .lock()
                            .expect("the drains")
                            .push((now, claimed));
                        Ok(claimed)
                    }
                };
                let woken = || queue.wake.notified();
                serve("test", 20, drain, woken, async {
                    let _ = stopped.await;
                })
                .await;
            }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        let start = tokio::time::Instant::now();
        // Three messages a millisecond apart go in one claim, GATHER after the first.
        for _ in 0..3 {
            queue.add(1);
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        tokio::time::sleep(GATHER * 4).await;
        let claims = queue.claims_since(start);
        assert_eq!(claims.len(), 1, "{claims:?}");
        assert_eq!(claims[0].1, 3);
        assert_eq!(claims[0].0 - start, GATHER);
        // A backlog of 45: 20, 20 and 5, the second and third at once after the first.
        tokio::time::sleep(POLL * 2).await;
        let backlog = tokio::time::Instant::now();
        queue.add(45);
        tokio::time::sleep(GATHER * 2).await;
        let claims = queue.claims_since(backlog);
        assert_eq!(
            claims.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
            [20, 20, 5]
        );
        assert!(
            claims.iter().all(|(at, _)| *at == backlog + GATHER),
            "{claims:?}"
        );
        stop.send(()).expect("the worker runs");
        worker.await.expect("the worker stops");
    }
}
