//! The load generator: open-loop at a fixed rate, and closed-loop at a fixed concurrency.
//!
//! **Open loop** (for latency at a given rate): request *i* is due at `start + i / rate`,
//! whatever happened to the requests before it. A pacer on its own OS thread (precise sleeps,
//! unaffected by a busy async runtime) launches each request on the runtime at its due time, and
//! latency is measured from the *due* time, not the send time. A server or client that falls
//! behind therefore shows up as latency instead of silently lowering the rate (no coordinated
//! omission). The first `warmup` of requests are sent but not counted.
//!
//! **Closed loop** (for the most a server sustains): `concurrency` workers each send a request,
//! wait for its answer and send the next. Throughput counts the answers that finish inside the
//! measured window, after the warm-up.

use crate::report::Latencies;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One request (or a short sequence of them): `Ok`, or a short description of what went wrong.
pub type Job = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// What a run measured.
#[derive(Debug, Default)]
pub struct Outcomes {
    /// Latency of every counted job, successful or not.
    pub latencies: Latencies,
    pub ok: u64,
    /// Failures by description.
    pub errors: BTreeMap<String, u64>,
    /// The measured window (after the warm-up).
    pub window: Duration,
    /// Whether a closed-loop run ran out of work before its window ended.
    pub exhausted: bool,
}

impl Outcomes {
    pub fn failed(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Successful jobs per second over the window.
    pub fn ok_per_sec(&self) -> f64 {
        let secs = self.window.as_secs_f64();
        if secs > 0.0 {
            self.ok as f64 / secs
        } else {
            0.0
        }
    }

    /// `"none"`, or the failures as `3 × HTTP 500 internal, …` (the three most frequent).
    pub fn error_summary(&self) -> String {
        if self.errors.is_empty() {
            return "none".into();
        }
        let mut errors: Vec<(&String, &u64)> = self.errors.iter().collect();
        errors.sort_by(|a, b| b.1.cmp(a.1));
        errors
            .iter()
            .take(3)
            .map(|(what, count)| format!("{count} × {what}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn tally(samples: Vec<(Duration, Result<(), String>)>, window: Duration) -> Outcomes {
        let mut outcomes = Outcomes {
            window,
            ..Outcomes::default()
        };
        let mut latencies = Vec::with_capacity(samples.len());
        for (latency, result) in samples {
            latencies.push(latency);
            match result {
                Ok(()) => outcomes.ok += 1,
                Err(what) => *outcomes.errors.entry(what).or_default() += 1,
            }
        }
        outcomes.latencies = Latencies::from_durations(latencies);
        outcomes
    }
}

/// Runs `job(i)` for i = 0, 1, … at `rate` per second for `warmup + measure`; counts the jobs
/// due after the warm-up. Latency is from each job's due time to its end.
pub async fn open_loop<F>(rate: f64, warmup: Duration, measure: Duration, job: F) -> Outcomes
where
    F: Fn(u64) -> Job + Send + Sync + 'static,
{
    let total = ((warmup + measure).as_secs_f64() * rate).round() as u64;
    let counted_from = (warmup.as_secs_f64() * rate).round() as u64;
    let period = 1.0 / rate;
    let job = Arc::new(job);
    let runtime = tokio::runtime::Handle::current();
    let pacer = tokio::task::spawn_blocking(move || {
        let start = Instant::now() + Duration::from_millis(5);
        let mut running = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
        for i in 0..total {
            let due = start + Duration::from_secs_f64(period * i as f64);
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            let job = job.clone();
            running.push(runtime.spawn(async move {
                let result = job(i).await;
                (i, due.elapsed(), result)
            }));
        }
        running
    });
    let running = pacer.await.unwrap_or_default();
    let mut samples = Vec::with_capacity(running.len());
    for task in running {
        match task.await {
            Ok((i, latency, result)) if i >= counted_from => samples.push((latency, result)),
            Ok(_) => {}
            Err(e) => samples.push((Duration::ZERO, Err(format!("task: {e}")))),
        }
    }
    Outcomes::tally(samples, measure)
}

/// Runs `concurrency` workers, each calling `job(i)` with the next `i` and awaiting it, for
/// `warmup + measure` or until `job` returns `None` (out of work). Counts the jobs that finish
/// inside the window after the warm-up.
pub async fn closed_loop<F>(
    concurrency: usize,
    warmup: Duration,
    measure: Duration,
    job: F,
) -> Outcomes
where
    F: Fn(u64) -> Option<Job> + Send + Sync + 'static,
{
    let job = Arc::new(job);
    let next = Arc::new(AtomicU64::new(0));
    let exhausted = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let counted_from = start + warmup;
    let end = counted_from + measure;
    let mut workers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let (job, next, exhausted) = (job.clone(), next.clone(), exhausted.clone());
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut last_end = start;
            while Instant::now() < end {
                let Some(work) = job(next.fetch_add(1, Ordering::Relaxed)) else {
                    exhausted.store(true, Ordering::Relaxed);
                    break;
                };
                let began = Instant::now();
                let result = work.await;
                let finished = Instant::now();
                last_end = last_end.max(finished);
                if finished >= counted_from && finished <= end {
                    samples.push((finished - began, result));
                }
            }
            (samples, last_end)
        }));
    }
    let mut samples = Vec::new();
    let mut last_end = start;
    for worker in workers {
        if let Ok((mut some, finished)) = worker.await {
            samples.append(&mut some);
            last_end = last_end.max(finished);
        }
    }
    let exhausted = exhausted.load(Ordering::Relaxed);
    let window = if exhausted {
        last_end.min(end).saturating_duration_since(counted_from)
    } else {
        measure
    };
    let mut outcomes = Outcomes::tally(samples, window);
    outcomes.exhausted = exhausted;
    outcomes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_open_loop_keeps_its_rate_and_counts_after_the_warm_up() {
        let began = Instant::now();
        let outcomes = open_loop(
            200.0,
            Duration::from_millis(100),
            Duration::from_millis(250),
            |i| {
                Box::pin(async move {
                    if i % 10 == 0 {
                        Err("every tenth".to_owned())
                    } else {
                        Ok(())
                    }
                })
            },
        )
        .await;
        assert_eq!(outcomes.ok + outcomes.failed(), 50, "250 ms at 200/s");
        assert_eq!(outcomes.failed(), 5);
        assert_eq!(outcomes.error_summary(), "5 × every tenth");
        assert!(began.elapsed() >= Duration::from_millis(340));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_server_shows_as_latency_in_the_open_loop() {
        // Each job holds one lock for 20 ms: at 100/s the queue grows, and latency measured from
        // the due time must grow with it rather than stay at 20 ms.
        let lock = Arc::new(tokio::sync::Mutex::new(()));
        let outcomes = open_loop(
            100.0,
            Duration::ZERO,
            Duration::from_millis(300),
            move |_| {
                let lock = lock.clone();
                Box::pin(async move {
                    let _held = lock.lock().await;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Ok(())
                })
            },
        )
        .await;
        assert_eq!(outcomes.latencies.len(), 30);
        assert!(outcomes.latencies.percentile_ms(100.0) > 200.0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_closed_loop_stops_when_out_of_work() {
        let outcomes = closed_loop(4, Duration::ZERO, Duration::from_secs(5), |i| {
            (i < 100).then(|| -> Job { Box::pin(async { Ok(()) }) })
        })
        .await;
        assert!(outcomes.exhausted);
        assert_eq!(outcomes.ok, 100);
        assert!(outcomes.window < Duration::from_secs(1));
    }
}
