//! What a wake-up costs on the machine the benchmark runs on, printed with its results.
//!
//! A request to the server is a relay of threads: the async worker, the SQLite connection's
//! thread, the writer, the WAL's fsync thread, and back. Each hand-off to a thread that sleeps
//! is a wake-up, and on a virtual machine waking a thread whose vCPU has halted waits for the
//! hypervisor: on the AMD EPYC host of 2026-12-06 a round trip between two threads took 34–41
//! µs against about 5 µs with both on one vCPU (docs/performance.md, "2026-12-06, morning").
//! Shared hosts differ in that cost from hour to hour and from host to host, and a p99 with
//! them, so every table carries the figure measured beside it.

use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Round trips measured (after as many again to warm up): about a second on a slow host.
const ROUND_TRIPS: usize = 10_000;

/// The median time for one thread to wake another through a channel and be woken back.
pub(crate) fn round_trip() -> Option<Duration> {
    let (ping, pinged) = mpsc::channel::<()>();
    let (pong, ponged) = mpsc::channel::<()>();
    let echo = std::thread::spawn(move || {
        while pinged.recv().is_ok() {
            if pong.send(()).is_err() {
                break;
            }
        }
    });
    let mut took = Vec::with_capacity(ROUND_TRIPS);
    for i in 0..2 * ROUND_TRIPS {
        let sent = Instant::now();
        ping.send(()).ok()?;
        ponged.recv().ok()?;
        if i >= ROUND_TRIPS {
            took.push(sent.elapsed());
        }
    }
    drop(ping);
    echo.join().ok()?;
    took.sort_unstable();
    took.get(took.len() / 2).copied()
}

/// `"a thread wake-up round trip 36.2 µs (median)"`, or nothing when it could not be measured.
pub(crate) fn describe() -> String {
    round_trip().map_or_else(String::new, |median| {
        format!(
            "a thread wake-up round trip {:.1} µs (median)",
            median.as_secs_f64() * 1e6
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_trip_is_measured_and_takes_some_time_but_not_long() {
        let median = round_trip().expect("two threads");
        assert!(median > Duration::ZERO);
        assert!(median < Duration::from_millis(100), "{median:?}");
        assert!(describe().starts_with("a thread wake-up round trip "));
    }
}
