//! `sspr-bench … --peer DIR`: the product's side of `cargo xtask bench --peer`, the same
//! scenarios as the better-auth benchmark in `../shared/peer-bench`, with the same client:
//!
//! 1. a password-reset code for a random known account (`wrk`, `bench/wrk/request-known.lua`);
//! 2. the same for an address no account has, a new one each time (`request-unknown.lua`);
//! 3. the right code for a flow made beforehand (`verify.lua`); a code works once here, so as
//!    many flows are made as the run can use (4 × scenario 1's rate × the duration);
//! 4. full resets, as many in flight as the peer's driver (start → code from the mail → verify →
//!    new password), a closed loop of this binary, as the peer's is of its Node driver;
//! 5. a password sign-in of a random account that has a password (`signin.lua`).
//!
//! `wrk` runs with the peer's threads, connections and duration. Every request comes from a
//! client address of its own (`X-Forwarded-For`), and `cargo xtask bench --peer` starts the
//! server with its rate limits raised, as the peer's are. Each scenario writes
//! `DIR/<scenario>.json` (wrk's figures, or the reset loop's) and `DIR/<scenario>.extra.json`
//! (the server's CPU use in cores and its peak resident memory over the scenario), in the
//! peer's format, so one table can hold both.

use crate::api::{Api, Browser};
use crate::host::{self, Cpu};
use crate::load::{closed_loop, Job};
use crate::scenarios::Target;
use crate::smtp::Sink;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Accounts with a password for the sign-in scenario (each costs one Argon2id hash to make).
const SIGN_IN_ACCOUNTS: usize = 64;
const SIGN_IN_PASSWORD: &str = "peer bench violet harbour";

/// How the peer's client ran.
#[derive(Debug, Clone)]
pub struct PeerPlan {
    pub dir: PathBuf,
    pub wrk_dir: PathBuf,
    pub threads: u32,
    pub connections: u32,
    pub duration: Duration,
    pub warmup: Duration,
    pub reset_concurrency: usize,
    pub known: usize,
}

/// Runs the five scenarios against `target`, writing their figures under `plan.dir`.
pub async fn run(target: &Target, plan: &PeerPlan) -> Result<(), String> {
    std::fs::create_dir_all(&plan.dir).map_err(|e| format!("{}: {e}", plan.dir.display()))?;
    let sink = Sink::start(target.smtp)
        .await
        .map_err(|e| format!("mail sink on {}: {e}", target.smtp))?;
    let api = Api::new(&target.server);
    say(&format!(
        "creating {} known accounts and {SIGN_IN_ACCOUNTS} with a password",
        plan.known
    ));
    let known: Vec<String> = (0..plan.known).map(known_address).collect();
    sign_up(&api, &sink, known, None).await?;
    let with_password: Vec<String> = (0..SIGN_IN_ACCOUNTS)
        .map(|i| format!("signin{i:06}@bench.example"))
        .collect();
    sign_up(&api, &sink, with_password, Some(SIGN_IN_PASSWORD)).await?;

    // Scenario 1 asks for codes to the first four fifths, the resets use the rest: no address
    // meets the send cap (10 in 10 minutes), which would turn a send into a suppressed one.
    let known_arg = (plan.known * 4 / 5).to_string();
    say("warm-up (not recorded)");
    wrk(
        target,
        plan,
        "request-known.lua",
        &[&known_arg],
        plan.warmup,
    )?;
    let s1 = measured(target, plan, "s1-request-known", || {
        wrk(
            target,
            plan,
            "request-known.lua",
            &[&known_arg],
            plan.duration,
        )
    })?;
    measured(target, plan, "s2-request-unknown", || {
        wrk(target, plan, "request-unknown.lua", &[], plan.duration)
    })?;

    let rate = s1
        .get("rps")
        .and_then(serde_json::Value::as_f64)
        .unwrap_or(1000.0);
    let flows = ((rate * plan.duration.as_secs_f64() * 4.0) as usize).max(1000);
    say(&format!("making {flows} flows to verify (not timed)"));
    let file = plan.dir.join("flows.txt");
    prepare_flows(&api, &sink, flows, &file).await?;
    let file_arg = file.display().to_string();
    let threads_arg = plan.threads.to_string();
    measured(target, plan, "s3-verify", || {
        wrk(
            target,
            plan,
            "verify.lua",
            &[&file_arg, &threads_arg],
            plan.duration,
        )
    })?;

    say("s4-full-reset");
    reset_peak(target.pid);
    let cpu = Cpu::sample(target.pid);
    let resets = full_resets(&api, &sink, plan).await;
    write_extra(target, plan, "s4-full-reset", &cpu)?;
    write_json(plan, "s4-full-reset", &resets)?;

    let count_arg = SIGN_IN_ACCOUNTS.to_string();
    measured(target, plan, "s5-signin", || {
        wrk(
            target,
            plan,
            "signin.lua",
            &[&count_arg, SIGN_IN_PASSWORD],
            plan.duration,
        )
    })?;
    Ok(())
}

fn say(text: &str) {
    println!("bench --peer: {text}");
}

fn known_address(i: usize) -> String {
    format!("known{i:06}@bench.example")
}

/// Runs `scenario` (which returns wrk's figures), with the server's CPU and peak memory
/// around it; writes both files and returns the figures.
fn measured(
    target: &Target,
    plan: &PeerPlan,
    name: &str,
    scenario: impl FnOnce() -> Result<serde_json::Value, String>,
) -> Result<serde_json::Value, String> {
    say(name);
    reset_peak(target.pid);
    let cpu = Cpu::sample(target.pid);
    let figures = scenario()?;
    write_extra(target, plan, name, &cpu)?;
    write_json(plan, name, &figures)?;
    say(&format!("{name}: {figures}"));
    std::thread::sleep(Duration::from_secs(1));
    Ok(figures)
}

/// Restarts the server's `VmHWM` from its current resident set (as the peer's run does).
fn reset_peak(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// The server's CPU use since `cpu` and its peak memory, as the peer's `.extra.json`.
fn write_extra(target: &Target, plan: &PeerPlan, name: &str, cpu: &Cpu) -> Result<(), String> {
    let used = cpu.until(&Cpu::sample(target.pid));
    let peak_kb = host::memory(target.pid, "VmHWM").unwrap_or(0) / 1024;
    write_json(
        plan,
        &format!("{name}.extra"),
        &json!({ "server_cpu_cores": used.process_cores, "server_peak_rss_kb": peak_kb }),
    )
}

fn write_json(plan: &PeerPlan, name: &str, value: &serde_json::Value) -> Result<(), String> {
    let path = plan.dir.join(format!("{name}.json"));
    std::fs::write(&path, format!("{value}\n")).map_err(|e| format!("{}: {e}", path.display()))
}

/// One `wrk` run of `script` for `duration`; its `BENCH_JSON` line.
fn wrk(
    target: &Target,
    plan: &PeerPlan,
    script: &str,
    args: &[&str],
    duration: Duration,
) -> Result<serde_json::Value, String> {
    let script_path = plan.wrk_dir.join(script);
    let output = Command::new("timeout")
        .arg((duration.as_secs() + 60).to_string())
        .arg("wrk")
        .arg(format!("-t{}", plan.threads))
        .arg(format!("-c{}", plan.connections))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .args(["--timeout", "10s", "-s"])
        .arg(&script_path)
        .arg(&target.server)
        .arg("--")
        .args(args)
        .output()
        .map_err(|e| format!("could not run wrk: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "wrk {script} failed ({}): {text}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let line = text
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("BENCH_JSON "))
        .ok_or_else(|| format!("wrk {script} printed no figures: {text}"))?;
    serde_json::from_str(line).map_err(|e| format!("wrk {script}: {e}: {line}"))
}

/// Signs `emails` up, 48 at a time: passwordless, or with `password` (one Argon2id hash each).
async fn sign_up(
    api: &Api,
    sink: &Sink,
    emails: Vec<String>,
    password: Option<&'static str>,
) -> Result<(), String> {
    let emails = Arc::new(emails);
    let total = emails.len() as u64;
    let (api, sink) = (api.clone(), sink.clone());
    let outcomes = closed_loop(48, Duration::ZERO, Duration::from_secs(3600), move |i| {
        let email = emails.get(usize::try_from(i).ok()?)?.clone();
        let (api, sink) = (api.clone(), sink.clone());
        Some(Box::pin(async move {
            let browser = Browser::fresh();
            let purpose = if password.is_some() {
                "sign_up"
            } else {
                "passwordless"
            };
            let id = api.start_flow(&browser, purpose, &email).await?;
            let code = sink
                .code_for(&email, Duration::from_secs(60))
                .await
                .ok_or_else(|| format!("no passcode mail to {email} within 60 s"))?;
            api.verify(&browser, &id, &code).await?;
            let body = match password {
                Some(p) => {
                    json!({ "password": p, "password_confirm": p, "display_name": "Bench User" })
                }
                None => json!({ "display_name": "Bench User" }),
            };
            api.complete(&browser, &id, &body).await
        }) as Job)
    })
    .await;
    if outcomes.failed() > 0 || outcomes.ok != total {
        return Err(format!(
            "creating accounts: {} of {total} created; failures: {}",
            outcomes.ok,
            outcomes.error_summary()
        ));
    }
    Ok(())
}

/// Starts `count` sign-up flows for new addresses and writes `flow_id binding code` lines.
async fn prepare_flows(api: &Api, sink: &Sink, count: usize, file: &Path) -> Result<(), String> {
    let lines = Arc::new(Mutex::new(Vec::with_capacity(count)));
    let (api, sink, out) = (api.clone(), sink.clone(), lines.clone());
    let total = count as u64;
    let outcomes = closed_loop(48, Duration::ZERO, Duration::from_secs(3600), move |i| {
        if i >= total {
            return None;
        }
        let (api, sink, out) = (api.clone(), sink.clone(), out.clone());
        Some(Box::pin(async move {
            let email = format!("verify{i:07}@bench.example");
            let browser = Browser::fresh();
            let id = api.start_flow(&browser, "sign_up", &email).await?;
            let code = sink
                .code_for(&email, Duration::from_secs(120))
                .await
                .ok_or_else(|| format!("no passcode mail to {email} within 120 s"))?;
            out.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(format!("{id} {} {code}", browser.binding));
            Ok(())
        }) as Job)
    })
    .await;
    if outcomes.failed() > 0 {
        return Err(format!(
            "making flows to verify: {}",
            outcomes.error_summary()
        ));
    }
    let text = lines
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .join("\n");
    std::fs::write(file, text + "\n").map_err(|e| format!("{}: {e}", file.display()))
}

/// Full resets of the known accounts (from the far end, away from scenario 1's hot ones),
/// `plan.reset_concurrency` in flight, for `plan.duration`: the peer's driver's figures.
async fn full_resets(api: &Api, sink: &Sink, plan: &PeerPlan) -> serde_json::Value {
    let known = plan.known as u64;
    let (api, sink) = (api.clone(), sink.clone());
    let outcomes = closed_loop(
        plan.reset_concurrency,
        Duration::ZERO,
        plan.duration,
        move |i| {
            if i >= known {
                return None;
            }
            let email = known_address(usize::try_from(known - 1 - i).ok()?);
            let (api, sink) = (api.clone(), sink.clone());
            Some(Box::pin(async move {
                // Codes from scenario 1 may still be queued for this address: the newest wins.
                while sink.code_for(&email, Duration::ZERO).await.is_some() {}
                let browser = Browser::fresh();
                let id = api.start_flow(&browser, "password_reset", &email).await?;
                let code = sink
                    .code_for(&email, Duration::from_secs(30))
                    .await
                    .ok_or_else(|| "no passcode mail within 30 s".to_owned())?;
                api.verify(&browser, &id, &code).await?;
                let password = format!("a new peer bench passphrase {i}");
                api.complete(
                    &browser,
                    &id,
                    &json!({ "password": password, "password_confirm": password }),
                )
                .await
            }) as Job)
        },
    )
    .await;
    json!({
        "flows": outcomes.ok,
        "failed": outcomes.failed(),
        "flows_per_s": outcomes.ok_per_sec(),
        "p50_ms": outcomes.latencies.median_ms(),
        "p99_ms": outcomes.latencies.p99_ms(),
        "concurrency": plan.reset_concurrency,
        "errors": outcomes.error_summary(),
    })
}
