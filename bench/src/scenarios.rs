//! The scenarios, in the order they run against one server, and the table they produce.
//!
//! 1. **Idle memory**: the server's resident set right after start, before any request.
//! 2. **Accounts**: known accounts are created through the API, in parallel: a passwordless
//!    flow (email → passcode from the delivered mail → verify → display name). That is a real
//!    account the password-reset flow finds, without one Argon2id hash per account, which would
//!    make creating the thousands the runs need the slowest part of the benchmark.
//! 3. **Passcode request at 1,000/s** (open loop): `POST /api/flows` `password_reset` for known
//!    accounts, p50/p99.
//! 4. **Passcode verify at 1,000/s** (open loop): the right code, read from the mail sink, for
//!    each flow of step 3, p50/p99.
//! 5. **Durable passcode requests** (closed loop): the most `POST /api/flows` a second with every
//!    answer `201`, i.e. the flow, the passcode and the sealed message committed. Afterwards the
//!    benchmark waits for the outbox to deliver the backlog and reports that rate too.
//! 6. **Full resets** (closed loop): start → code from the mail → verify → complete with a new
//!    password (one Argon2id hash at the SPEC parameters, on the server's bounded blocking pool).
//!    Meanwhile a probe calls `GET /api/health` every 10 ms: if hashing ran on the async
//!    workers, that latency would climb to a hash's duration.
//! 7. **Known vs unknown**: sequential `password_reset` starts, alternating a known and an
//!    unknown address (the order swapped every pair), median and p99 of each.
//! 8. **Peak memory**: the server's high-water resident set after all of it.
//!
//! Every address gets at most [`SENDS_PER_ACCOUNT`] passcodes, so no request meets the server's
//! per-address send cap (10 per 10 minutes), which would quietly turn a real send into a
//! suppressed one. Every request comes from a fresh synthetic client address, so the
//! per-address request limits never answer instead of the code under test.

use crate::api::{Api, Browser};
use crate::host::{self, Cpu, CpuUse};
use crate::load::{closed_loop, open_loop, Job, Outcomes};
use crate::report::{grouped, megabytes, ms, Latencies, Report, Row, Verdict};
use crate::smtp::Sink;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Passcodes per address in one run: the cap is 10 per 10 minutes and creating the account
/// used one.
pub const SENDS_PER_ACCOUNT: u64 = 9;
/// The fixed rate of the latency runs (SPEC §7).
const FIXED_RATE: f64 = 1000.0;
/// Argon2id at the SPEC parameters: password sets or checks a second per core.
const HASHES_PER_CORE: f64 = 25.0;
const MEDIAN_DIFF_MS: f64 = 0.5;
const P99_DIFF_MS: f64 = 2.0;
const IDLE_BYTES: u64 = 32_000_000;
/// A password that meets the policy and contains no address's local part.
const PASSWORD_WORDS: &str = "violet harbour lantern";

/// Which database the server under test uses; the budgets differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn parse(s: &str) -> Option<Backend> {
        match s {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            _ => None,
        }
    }

    fn p99_budget_ms(self) -> f64 {
        match self {
            Backend::Sqlite => 5.0,
            Backend::Postgres => 10.0,
        }
    }

    fn durable_budget(self) -> f64 {
        match self {
            Backend::Sqlite => 3000.0,
            Backend::Postgres => 5000.0,
        }
    }
}

/// What to run against.
#[derive(Debug, Clone)]
pub struct Target {
    /// `http://127.0.0.1:PORT`, also the server's public origin.
    pub server: String,
    /// Where the mail sink listens (the server's `SSPR_SMTP_URL` points there).
    pub smtp: SocketAddr,
    /// The server's process id, for its memory figures.
    pub pid: u32,
    pub backend: Backend,
}

/// Durations and sizes of the runs.
#[derive(Debug, Clone)]
pub struct Plan {
    pub fixed_warmup: Duration,
    pub fixed_measure: Duration,
    pub durable_warmup: Duration,
    pub durable_measure: Duration,
    pub durable_concurrency: usize,
    pub reset_warmup: Duration,
    pub reset_measure: Duration,
    pub reset_concurrency: usize,
    pub timing_warmup_pairs: usize,
    pub timing_samples: usize,
}

impl Plan {
    pub fn full() -> Plan {
        Plan {
            fixed_warmup: Duration::from_secs(2),
            fixed_measure: Duration::from_secs(10),
            durable_warmup: Duration::from_secs(2),
            durable_measure: Duration::from_secs(10),
            durable_concurrency: 32,
            reset_warmup: Duration::from_secs(2),
            reset_measure: Duration::from_secs(10),
            reset_concurrency: 8,
            timing_warmup_pairs: 200,
            timing_samples: 10_000,
        }
    }

    /// A smoke run of every scenario in well under a minute per back end.
    pub fn quick() -> Plan {
        Plan {
            fixed_warmup: Duration::from_millis(500),
            fixed_measure: Duration::from_secs(2),
            durable_warmup: Duration::from_millis(500),
            durable_measure: Duration::from_secs(2),
            durable_concurrency: 32,
            reset_warmup: Duration::from_millis(500),
            reset_measure: Duration::from_secs(2),
            reset_concurrency: 8,
            timing_warmup_pairs: 50,
            timing_samples: 500,
        }
    }

    /// Accounts each run needs so that no address exceeds [`SENDS_PER_ACCOUNT`].
    fn pool_sizes(&self, backend: Backend) -> [usize; 4] {
        let accounts = |sends: f64| (sends / SENDS_PER_ACCOUNT as f64).ceil() as usize;
        // At least a second's worth, so the rotation never runs dry while answers are pending.
        let fixed = accounts(FIXED_RATE * (self.fixed_warmup + self.fixed_measure).as_secs_f64())
            .max(FIXED_RATE as usize);
        // Room for 1.25 × the budget; a faster server runs out of addresses before the window
        // ends, and its rate is then measured over the shorter window.
        let durable = accounts(
            1.25 * backend.durable_budget()
                * (self.durable_warmup + self.durable_measure).as_secs_f64(),
        );
        // Room for 200 resets a second, far above what two cores can hash.
        let resets = accounts(200.0 * (self.reset_warmup + self.reset_measure).as_secs_f64())
            .max(4 * self.reset_concurrency);
        let timing = accounts((self.timing_warmup_pairs + self.timing_samples) as f64);
        [fixed, durable, resets, timing]
    }
}

/// Progress on stdout, so a long run says what it is doing, and when (UTC, to set beside the
/// server's and the database's logs).
fn say(text: &str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let (seconds, millis) = (now.as_secs() % 86_400, now.subsec_millis());
    println!(
        "bench {:02}:{:02}:{:02}.{millis:03}: {text}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
}

/// The server's memory now and at its peak so far, on the progress output.
fn say_memory(pid: u32, after: &str) {
    let now = host::memory(pid, "VmRSS").unwrap_or(0);
    let peak = host::memory(pid, "VmHWM").unwrap_or(0);
    say(&format!(
        "server memory after {after}: {} now, {} peak",
        megabytes(now),
        megabytes(peak)
    ));
}

/// Counts the messages the server should deliver, to wait for the outbox to drain.
#[derive(Debug, Default)]
struct Expected(AtomicU64);

impl Expected {
    fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Runs every scenario against `target` and returns the table.
pub async fn run(target: &Target, plan: &Plan) -> Result<Report, String> {
    let sink = Sink::start(target.smtp)
        .await
        .map_err(|e| format!("mail sink on {}: {e}", target.smtp))?;
    let api = Api::new(&target.server);
    wait_healthy(&api).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = host::memory(target.pid, "VmRSS")?;
    say(&format!("idle memory {}", megabytes(idle)));

    let expected = Arc::new(Expected::default());
    let [fixed_n, durable_n, reset_n, timing_n] = plan.pool_sizes(target.backend);
    let began = Instant::now();
    let mut all = Vec::new();
    let pools: Vec<Vec<String>> = [
        ("req", fixed_n),
        ("dur", durable_n),
        ("rst", reset_n),
        ("tim", timing_n),
    ]
    .iter()
    .map(|(prefix, n)| {
        (0..*n)
            .map(|i| format!("{prefix}{i:06}@bench.example"))
            .collect()
    })
    .collect();
    for pool in &pools {
        all.extend(pool.iter().cloned());
    }
    say(&format!(
        "creating {} known accounts through the API (passwordless sign-up)",
        grouped(all.len() as u64)
    ));
    create_accounts(&api, &sink, &expected, all).await?;
    say(&format!(
        "accounts created in {:.1} s",
        began.elapsed().as_secs_f64()
    ));
    say_memory(target.pid, "creating the accounts");
    let [fixed_pool, durable_pool, reset_pool, timing_pool] =
        <[Vec<String>; 4]>::try_from(pools).map_err(|_| "four pools".to_owned())?;

    let mut report = Report::default();
    let budget_ms = target.backend.p99_budget_ms();

    // 3 and 4: request and verify at a fixed 1,000/s.
    say("passcode requests at 1,000/s (open loop)");
    let cpu = Cpu::sample(target.pid);
    let (requests, started) = fixed_rate_requests(&api, plan, fixed_pool, &expected).await;
    let used = cpu.until(&Cpu::sample(target.pid));
    report.push(latency_row(
        "Passcode request",
        &requests,
        target.backend,
        budget_ms,
        &used,
    ));
    say_memory(target.pid, "the fixed-rate requests");
    drain(&sink, &expected, Duration::from_secs(30)).await;
    let flows = match_codes(&sink, started);
    say("passcode verifies at 1,000/s (open loop)");
    let cpu = Cpu::sample(target.pid);
    let verifies = fixed_rate_verifies(&api, plan, flows).await;
    let used = cpu.until(&Cpu::sample(target.pid));
    report.push(latency_row(
        "Passcode verify",
        &verifies,
        target.backend,
        budget_ms,
        &used,
    ));
    say_memory(target.pid, "the fixed-rate verifies");

    // 5: the most durable passcode requests a second.
    say(&format!(
        "durable passcode requests (closed loop, {} at a time)",
        plan.durable_concurrency
    ));
    let cpu = Cpu::sample(target.pid);
    let (durable, sent) = durable_requests(&api, plan, durable_pool, &expected).await;
    let used = cpu.until(&Cpu::sample(target.pid));
    let budget = target.backend.durable_budget();
    let rate = durable.ok_per_sec();
    report.push(Row::new(
        "Durable passcode requests (`201`, flow + code + sealed mail committed)",
        format!(
            "{}/s over {:.1} s; failures: {}; server process {:.2} cores, {:.2} ms CPU a request; \
             {}machine {:.0} % busy",
            grouped(rate.round() as u64),
            durable.window.as_secs_f64(),
            durable.error_summary(),
            used.process_cores,
            used.process_secs * 1000.0 / sent.max(1) as f64,
            database_share(target.backend, &used),
            used.machine_busy * 100.0
        ),
        format!("≥ {}/s", grouped(budget as u64)),
        Verdict::of(rate >= budget && durable.failed() == 0),
    ));
    say_memory(target.pid, "the durable requests");
    let backlog_from = sink.delivered();
    let backlog = expected.get().saturating_sub(backlog_from);
    let draining = Instant::now();
    say(&format!(
        "waiting for the outbox to deliver {} messages",
        grouped(backlog)
    ));
    drain(&sink, &expected, Duration::from_secs(30)).await;
    let delivered = sink.delivered() - backlog_from;
    let drain_secs = draining.elapsed().as_secs_f64();
    report.push(Row::new(
        "Outbox delivery after that burst (one worker, SMTP to a local sink)",
        format!(
            "{} messages in {drain_secs:.1} s: {}/s",
            grouped(delivered),
            grouped((delivered as f64 / drain_secs.max(0.001)).round() as u64)
        ),
        "",
        Verdict::Info,
    ));

    // 6: full resets.
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    say(&format!(
        "full resets (closed loop, {} at a time)",
        plan.reset_concurrency
    ));
    let (resets, health) = full_resets(&api, &sink, plan, reset_pool, &expected).await;
    let per_core = resets.ok_per_sec() / cores as f64;
    report.push(Row::new(
        "Full resets (start → code → verify → new password, Argon2id m=19 MiB t=2 p=1)",
        format!(
            "{:.1}/s, {per_core:.1}/s per core ({cores} cores); p50 {}; failures: {}",
            resets.ok_per_sec(),
            ms(resets.latencies.median_ms()),
            resets.error_summary()
        ),
        format!("≥ {HASHES_PER_CORE:.0} password sets/s per core"),
        Verdict::of(per_core >= HASHES_PER_CORE && resets.failed() == 0),
    ));
    say_memory(target.pid, "the full resets");
    report.push(Row::new(
        "`GET /api/health` during the resets (async workers stay free)",
        format!(
            "p50 {}, p99 {} ({} probes)",
            ms(health.median_ms()),
            ms(health.p99_ms()),
            grouped(health.len() as u64)
        ),
        "",
        Verdict::Info,
    ));
    drain(&sink, &expected, Duration::from_secs(30)).await;

    // 7: known against unknown addresses.
    say(&format!(
        "known against unknown addresses ({} sequential samples each)",
        grouped(plan.timing_samples as u64)
    ));
    let (known, unknown, failures) = known_vs_unknown(&api, plan, timing_pool, &expected).await;
    let median_diff = (known.median_ms() - unknown.median_ms()).abs();
    let p99_diff = (known.p99_ms() - unknown.p99_ms()).abs();
    let failed_note = if failures == 0 {
        String::new()
    } else {
        format!("; {failures} failed requests")
    };
    report.push(Row::new(
        format!(
            "Known vs unknown address, median difference ({} samples each)",
            grouped(known.len() as u64)
        ),
        format!(
            "{} (known {}, unknown {}){failed_note}",
            ms(median_diff),
            ms(known.median_ms()),
            ms(unknown.median_ms())
        ),
        format!("≤ {MEDIAN_DIFF_MS} ms"),
        Verdict::of(median_diff <= MEDIAN_DIFF_MS && failures == 0),
    ));
    report.push(Row::new(
        "Known vs unknown address, p99 difference",
        format!(
            "{} (known {}, unknown {})",
            ms(p99_diff),
            ms(known.p99_ms()),
            ms(unknown.p99_ms())
        ),
        format!("≤ {P99_DIFF_MS} ms"),
        Verdict::of(p99_diff <= P99_DIFF_MS && failures == 0),
    ));
    drain(&sink, &expected, Duration::from_secs(60)).await;

    say_memory(target.pid, "known against unknown");
    // 1 and 8: memory.
    let peak = host::memory(target.pid, "VmHWM")?;
    report.push(Row::new(
        "Server memory, idle after start (VmRSS)",
        megabytes(idle),
        format!("≤ {}", megabytes(IDLE_BYTES)),
        Verdict::of(idle <= IDLE_BYTES),
    ));
    report.push(Row::new(
        "Server memory, peak over the whole run (VmHWM)",
        megabytes(peak),
        "",
        Verdict::Info,
    ));
    Ok(report)
}

/// Waits up to 30 s for `GET /api/health` to answer 200.
async fn wait_healthy(api: &Api) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match api.get("/api/health").await {
            Ok(answer) if answer.status == 200 => return Ok(()),
            _ if Instant::now() >= deadline => {
                return Err("the server did not become healthy within 30 s".into())
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// Waits until every expected message was delivered (or none arrived for `stall`).
async fn drain(sink: &Sink, expected: &Expected, stall: Duration) {
    let want = expected.get();
    let got = sink.wait_delivered(want, stall).await;
    if got < want {
        say(&format!(
            "warning: {} of {} expected messages delivered; the outbox stalled",
            grouped(got),
            grouped(want)
        ));
    }
}

/// Creates every account in `emails` through the passwordless flow, 48 at a time.
async fn create_accounts(
    api: &Api,
    sink: &Sink,
    expected: &Arc<Expected>,
    emails: Vec<String>,
) -> Result<(), String> {
    let emails = Arc::new(emails);
    let (api, sink, expected) = (api.clone(), sink.clone(), expected.clone());
    let total = emails.len() as u64;
    let outcomes = closed_loop(48, Duration::ZERO, Duration::from_secs(3600), move |i| {
        let email = emails.get(usize::try_from(i).ok()?)?.clone();
        let (api, sink, expected) = (api.clone(), sink.clone(), expected.clone());
        Some(Box::pin(async move {
            let browser = Browser::fresh();
            let id = api.start_flow(&browser, "passwordless", &email).await?;
            expected.add(1);
            let code = sink
                .code_for(&email, Duration::from_secs(60))
                .await
                .ok_or_else(|| format!("no passcode mail to {email} within 60 s"))?;
            api.verify(&browser, &id, &code).await?;
            api.complete(
                &browser,
                &id,
                &serde_json::json!({ "display_name": "Bench User" }),
            )
            .await
        }) as Job)
    })
    .await;
    if outcomes.failed() > 0 || outcomes.ok != total {
        return Err(format!(
            "creating accounts: {} of {} created; failures: {}",
            outcomes.ok,
            total,
            outcomes.error_summary()
        ));
    }
    Ok(())
}

/// A flow started in the fixed-rate run: which use of its address it was, the address, the
/// flow id and the browser that started it.
#[derive(Debug, Clone)]
struct Started {
    sequence: u64,
    email: String,
    id: String,
    browser: Browser,
}

async fn fixed_rate_requests(
    api: &Api,
    plan: &Plan,
    pool: Vec<String>,
    expected: &Arc<Expected>,
) -> (Outcomes, Vec<Started>) {
    let started = Arc::new(Mutex::new(Vec::new()));
    let rotation = Arc::new(Rotation::new(pool));
    let (api, record, expected) = (api.clone(), started.clone(), expected.clone());
    let outcomes = open_loop(
        FIXED_RATE,
        plan.fixed_warmup,
        plan.fixed_measure,
        move |_| {
            let (api, record, expected, rotation) = (
                api.clone(),
                record.clone(),
                expected.clone(),
                rotation.clone(),
            );
            Box::pin(async move {
                let (email, uses) = rotation
                    .take()
                    .ok_or_else(|| "every address had a request pending".to_owned())?;
                let browser = Browser::fresh();
                let result = api.start_flow(&browser, "password_reset", &email).await;
                rotation.give_back(email.clone(), uses + 1);
                let id = result?;
                expected.add(1);
                record
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(Started {
                        sequence: uses,
                        email,
                        id,
                        browser,
                    });
                Ok(())
            })
        },
    )
    .await;
    let started = std::mem::take(&mut *started.lock().unwrap_or_else(PoisonError::into_inner));
    (outcomes, started)
}

/// Addresses handed out least recently used first. An address comes back only once the answer
/// to its previous request has arrived, so its flows are created one after the other and its
/// passcode mails arrive in that order; and at most [`SENDS_PER_ACCOUNT`] times.
#[derive(Debug)]
struct Rotation {
    queue: Mutex<VecDeque<(String, u64)>>,
}

impl Rotation {
    fn new(pool: Vec<String>) -> Rotation {
        Rotation {
            queue: Mutex::new(pool.into_iter().map(|email| (email, 0)).collect()),
        }
    }

    /// The least recently used free address and how often it was used.
    fn take(&self) -> Option<(String, u64)> {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
    }

    fn give_back(&self, email: String, uses: u64) {
        if uses < SENDS_PER_ACCOUNT {
            self.queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push_back((email, uses));
        }
    }
}

/// Pairs each started flow with its passcode: an address's codes arrive in the order its flows
/// were started (one after the other, see [`Rotation`]; the outbox delivers oldest first).
/// Returns the pairs in a mixed order of addresses.
fn match_codes(sink: &Sink, started: Vec<Started>) -> Vec<(Started, String)> {
    let mut by_email: HashMap<String, Vec<Started>> = HashMap::new();
    for flow in started {
        by_email.entry(flow.email.clone()).or_default().push(flow);
    }
    let mut matched = Vec::new();
    let mut unmatched = 0usize;
    for (email, mut flows) in by_email {
        flows.sort_by_key(|f| f.sequence);
        let mut codes = sink.take_codes(&email);
        for flow in flows {
            match codes.pop_front() {
                Some(code) => matched.push((flow, code)),
                None => unmatched += 1,
            }
        }
    }
    if unmatched > 0 {
        say(&format!("warning: {unmatched} flows got no passcode mail"));
    }
    // Verify in the order the requests ran: by use, then address.
    matched.sort_by(|(a, _), (b, _)| (a.sequence, &a.email).cmp(&(b.sequence, &b.email)));
    matched
}

async fn fixed_rate_verifies(api: &Api, plan: &Plan, flows: Vec<(Started, String)>) -> Outcomes {
    let flows = Arc::new(flows);
    let api = api.clone();
    open_loop(
        FIXED_RATE,
        plan.fixed_warmup,
        plan.fixed_measure,
        move |i| {
            let flow = flows.get(usize::try_from(i).unwrap_or(usize::MAX)).cloned();
            let api = api.clone();
            Box::pin(async move {
                let (flow, code) = flow.ok_or_else(|| "no flow left to verify".to_owned())?;
                api.verify(&flow.browser, &flow.id, &code).await
            })
        },
    )
    .await
}

/// The closed-loop run and the number of requests sent in all (warm-up included).
async fn durable_requests(
    api: &Api,
    plan: &Plan,
    pool: Vec<String>,
    expected: &Arc<Expected>,
) -> (Outcomes, u64) {
    let pool = Arc::new(pool);
    let sent = Arc::new(AtomicU64::new(0));
    let (api, expected, counter) = (api.clone(), expected.clone(), sent.clone());
    let outcomes = closed_loop(
        plan.durable_concurrency,
        plan.durable_warmup,
        plan.durable_measure,
        move |i| {
            let email = nth_use(&pool, i)?;
            let (api, expected) = (api.clone(), expected.clone());
            counter.fetch_add(1, Ordering::Relaxed);
            Some(Box::pin(async move {
                api.start_flow(&Browser::fresh(), "password_reset", &email)
                    .await?;
                expected.add(1);
                Ok(())
            }) as Job)
        },
    )
    .await;
    (outcomes, sent.load(Ordering::Relaxed))
}

/// The address for the `i`-th use of `pool` (round robin), or `None` once every address had
/// its [`SENDS_PER_ACCOUNT`].
fn nth_use(pool: &[String], i: u64) -> Option<String> {
    let n = pool.len() as u64;
    if n == 0 || i / n >= SENDS_PER_ACCOUNT {
        return None;
    }
    pool.get(usize::try_from(i % n).ok()?).cloned()
}

async fn full_resets(
    api: &Api,
    sink: &Sink,
    plan: &Plan,
    pool: Vec<String>,
    expected: &Arc<Expected>,
) -> (Outcomes, Latencies) {
    let probing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let probe = {
        let (api, probing) = (api.clone(), probing.clone());
        tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut tick = tokio::time::interval(Duration::from_millis(10));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while probing.load(Ordering::Relaxed) {
                tick.tick().await;
                let began = Instant::now();
                if api.get("/api/health").await.is_ok() {
                    samples.push(began.elapsed());
                }
            }
            Latencies::from_durations(samples)
        })
    };
    let pool = Arc::new(pool);
    let (api, sink, expected) = (api.clone(), sink.clone(), expected.clone());
    let outcomes = closed_loop(
        plan.reset_concurrency,
        plan.reset_warmup,
        plan.reset_measure,
        move |i| {
            let email = nth_use(&pool, i)?;
            let (api, sink, expected) = (api.clone(), sink.clone(), expected.clone());
            Some(Box::pin(async move {
                let browser = Browser::fresh();
                let id = api.start_flow(&browser, "password_reset", &email).await?;
                expected.add(1);
                let code = sink
                    .code_for(&email, Duration::from_secs(30))
                    .await
                    .ok_or_else(|| "no passcode mail within 30 s".to_owned())?;
                api.verify(&browser, &id, &code).await?;
                let password = format!("{PASSWORD_WORDS} {i}");
                api.complete(
                    &browser,
                    &id,
                    &serde_json::json!({ "password": password, "password_confirm": password }),
                )
                .await?;
                expected.add(1); // the "your password was changed" notice
                Ok(())
            }) as Job)
        },
    )
    .await;
    probing.store(false, Ordering::Relaxed);
    let health = probe.await.unwrap_or_default();
    (outcomes, health)
}

/// Sequential `password_reset` starts alternating known and unknown addresses; the latencies
/// of each (after the warm-up pairs) and the number of failed requests.
async fn known_vs_unknown(
    api: &Api,
    plan: &Plan,
    pool: Vec<String>,
    expected: &Expected,
) -> (Latencies, Latencies, u64) {
    let mut known = Vec::with_capacity(plan.timing_samples);
    let mut unknown = Vec::with_capacity(plan.timing_samples);
    let mut failures = 0;
    let pairs = plan.timing_warmup_pairs + plan.timing_samples;
    for pair in 0..pairs {
        let counted = pair >= plan.timing_warmup_pairs;
        let known_first = pair % 2 == 0;
        for known_turn in [known_first, !known_first] {
            let email = if known_turn {
                nth_use(&pool, pair as u64).unwrap_or_default()
            } else {
                format!("nobody{pair:06}@bench.example")
            };
            let began = Instant::now();
            let result = api
                .start_flow(&Browser::fresh(), "password_reset", &email)
                .await;
            let took = began.elapsed();
            if result.is_err() {
                failures += 1;
                continue;
            }
            if known_turn {
                expected.add(1);
            }
            if counted {
                if known_turn {
                    known.push(took);
                } else {
                    unknown.push(took);
                }
            }
        }
    }
    (
        Latencies::from_durations(known),
        Latencies::from_durations(unknown),
        failures,
    )
}

/// "PostgreSQL 0.80 cores, " on PostgreSQL, nothing on SQLite (it runs inside the server).
fn database_share(backend: Backend, cpu: &CpuUse) -> String {
    match backend {
        Backend::Postgres => format!("PostgreSQL {:.2} cores, ", cpu.database_cores),
        Backend::Sqlite => String::new(),
    }
}

/// The table row of a fixed-rate run.
fn latency_row(
    what: &str,
    outcomes: &Outcomes,
    backend: Backend,
    budget_ms: f64,
    cpu: &CpuUse,
) -> Row {
    let p99 = outcomes.latencies.p99_ms();
    Row::new(
        format!("{what} at 1,000/s, p50 / p99"),
        format!(
            "{} / {} ({} requests; failures: {}; server process {:.2} cores, {}machine {:.0} % busy)",
            ms(outcomes.latencies.median_ms()),
            ms(p99),
            grouped(outcomes.latencies.len() as u64),
            outcomes.error_summary(),
            cpu.process_cores,
            database_share(backend, cpu),
            cpu.machine_busy * 100.0
        ),
        format!("p99 ≤ {budget_ms:.0} ms"),
        Verdict::of(p99 <= budget_ms && outcomes.failed() == 0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_is_used_at_most_the_allowed_number_of_times() {
        let pool: Vec<String> = (0..3).map(|i| format!("a{i}@x.example")).collect();
        let uses: Vec<String> = (0..100).map_while(|i| nth_use(&pool, i)).collect();
        assert_eq!(uses.len(), 3 * SENDS_PER_ACCOUNT as usize);
        assert_eq!(uses[0], uses[3]);
        assert!(nth_use(&[], 0).is_none());
    }

    #[test]
    fn the_rotation_hands_out_the_least_recently_used_address_until_its_last_use() {
        let rotation = Rotation::new(vec!["a@x.example".into(), "b@x.example".into()]);
        let (a, uses) = rotation.take().expect("a");
        assert_eq!((a.as_str(), uses), ("a@x.example", 0));
        rotation.give_back(a, 1);
        assert_eq!(rotation.take().expect("b").0, "b@x.example");
        let (a, uses) = rotation.take().expect("a again");
        assert_eq!((a.as_str(), uses), ("a@x.example", 1));
        assert!(rotation.take().is_none(), "b is still pending");
        rotation.give_back(a, SENDS_PER_ACCOUNT);
        assert!(rotation.take().is_none(), "a had its last use");
    }

    #[test]
    fn the_pools_cover_every_run_within_the_send_cap() {
        let plan = Plan::full();
        let [fixed, durable, resets, timing] = plan.pool_sizes(Backend::Sqlite);
        assert_eq!(fixed, 1334, "12,000 requests at 9 per address");
        assert_eq!(durable, 5000, "1.25 × 3,000/s for 12 s");
        assert!(resets >= 4 * plan.reset_concurrency);
        assert_eq!(timing, 1134, "10,200 known samples");
    }
}
