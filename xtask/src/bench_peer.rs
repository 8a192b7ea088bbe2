//! `cargo xtask bench --peer [--quick]`: SSPR side by side with better-auth, in one run on one
//! machine with one client.
//!
//! 1. Runs `../shared/peer-bench/run.sh` (better-auth 1.7 with email OTP on SQLite; it installs
//!    its own npm packages and Debian's `wrk`), in a writable copy under `target/peer-bench`.
//! 2. Starts the release `sspr-server` on a fresh SQLite file, in production mode, with every
//!    rate limit raised to 1,000,000,000 a minute (the peer's are raised to 1e9 too), and runs
//!    `sspr-bench --peer`: the same five scenarios with the same `wrk` threads, connections and
//!    duration (`bench/wrk/*.lua`), every request from a client address of its own.
//! 3. Prints one table: each scenario's throughput, p50 and p99, failures and server CPU for
//!    both, and the ratios.
//!
//! The product's goal (issue "Performance"): at least 7× the peer's code requests a second,
//! 3.5× its full resets a second, p99s at least 10× lower, and no failed request.

use crate::bench::{build_release, free_port, machine, server_command, Server};
use crate::{cmd, tools};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Each rate limit's ceiling for the run, a minute.
const RAISED: &str = "1000000000";

/// The scenarios in the peer's numbering and files.
const SCENARIOS: [(&str, &str); 5] = [
    ("s1-request-known", "request a code, known address"),
    ("s2-request-unknown", "request a code, unknown address"),
    ("s3-verify", "verify the right code"),
    ("s4-full-reset", "full reset (16 in flight)"),
    ("s5-signin", "password sign-in"),
];

pub fn run(quick: bool) -> Result<(), String> {
    tools::ensure_wrk()?;
    tools::ensure_node()?;
    cmd::step(&format!("Machine at the start — {}", machine()));
    let peer = run_peer(quick)?;
    let release = build_release()?;
    let work = cmd::TempDir::new("sspr-peer")?;
    let ours = work.path().join("results");
    run_ours(&release, work.path(), &ours, quick)?;
    cmd::step(&format!(
        "SSPR and better-auth, side by side — {}",
        machine()
    ));
    println!("\n{}", table(&peer, &ours)?);
    Ok(())
}

/// Runs the peer's benchmark; the folder of its results.
fn run_peer(quick: bool) -> Result<PathBuf, String> {
    cmd::step("better-auth: ../shared/peer-bench/run.sh");
    let source = cmd::root().join("../shared/peer-bench");
    let copy = cmd::target_dir().join("peer-bench");
    let mut script = Command::new("bash");
    script
        .arg(source.join("run.sh"))
        .current_dir(cmd::root())
        // A read-only checkout runs from this writable copy of itself.
        .env("PEER_BENCH_DIR", &copy);
    if quick {
        script.env("DURATION", "3").env("WARMUP", "1");
    }
    cmd::run(&mut script)?;
    // Where it ran: the copy, or in place when the folder was writable; the newer run wins.
    let runs = [copy.join(".data/latest"), source.join(".data/latest")];
    runs.into_iter()
        .filter(|dir| dir.join("s1-request-known.json").is_file())
        .max_by_key(|dir| modified(&dir.join("s1-request-known.json")))
        .ok_or_else(|| "the peer benchmark wrote no results".to_owned())
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Runs the product's side into `out`.
fn run_ours(release: &Path, work: &Path, out: &Path, quick: bool) -> Result<(), String> {
    cmd::step("SSPR: the same scenarios on SQLite");
    let port = free_port()?;
    let smtp_port = free_port()?;
    let url = format!("sqlite://{}", work.join("sspr.db").display());
    let mut command = server_command(release, work, &url, port, smtp_port)?;
    for limit in [
        "SSPR_FLOW_STARTS_PER_MINUTE",
        "SSPR_CODE_CHECKS_PER_MINUTE",
        "SSPR_PASSWORD_ATTEMPTS_PER_MINUTE",
        "SSPR_REQUESTS_PER_MINUTE",
    ] {
        command.env(limit, RAISED);
    }
    let mut server = Server::start(command)?;
    server.wait_healthy(port)?;
    let mut bench = Command::new(release.join("sspr-bench"));
    bench
        .args(["--server", &format!("http://127.0.0.1:{port}")])
        .args(["--smtp", &format!("127.0.0.1:{smtp_port}")])
        .args(["--pid", &server.pid().to_string()])
        .args(["--backend", "sqlite", "--peer"])
        .arg(out)
        .arg("--wrk-dir")
        .arg(cmd::root().join("bench/wrk"));
    if quick {
        bench.arg("--quick");
    }
    let ran = cmd::run(&mut bench);
    let stopped = server.stop();
    ran?;
    stopped
}

/// A scenario's figures from a results folder, with its `.extra.json` merged in.
fn figures(dir: &Path, name: &str) -> Result<Value, String> {
    let read = |file: PathBuf| -> Result<Value, String> {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))
    };
    let mut value = read(dir.join(format!("{name}.json")))?;
    if let (Value::Object(main), Ok(Value::Object(extra))) =
        (&mut value, read(dir.join(format!("{name}.extra.json"))))
    {
        main.extend(extra);
    }
    Ok(value)
}

/// Throughput, p50, p99, failures and CPU of one scenario's figures.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Row {
    rate: f64,
    p50: f64,
    p99: f64,
    ok: f64,
    failed: f64,
    cores: f64,
}

fn row(value: &Value) -> Row {
    let f = |key: &str| value.get(key).and_then(Value::as_f64).unwrap_or(0.0);
    if value.get("flows_per_s").is_some() {
        return Row {
            rate: f("flows_per_s"),
            p50: f("p50_ms"),
            p99: f("p99_ms"),
            ok: f("flows"),
            failed: f("failed"),
            cores: f("server_cpu_cores"),
        };
    }
    let failed = f("non2xx") + f("timeouts") + f("connect_err") + f("read_err") + f("write_err");
    Row {
        rate: f("rps"),
        p50: f("p50_ms"),
        p99: f("p99_ms"),
        ok: f("requests") - f("non2xx"),
        failed,
        cores: f("server_cpu_cores"),
    }
}

/// The side-by-side table.
fn table(peer: &Path, ours: &Path) -> Result<String, String> {
    let mut out = String::from(
        "| scenario | better-auth: rate, p50 / p99, ok / failed, CPU | SSPR: rate, p50 / p99, \
         ok / failed, CPU | SSPR ÷ better-auth: rate | better-auth ÷ SSPR: p99 |\n\
         |---|---|---|---|---|\n",
    );
    for (name, what) in SCENARIOS {
        let theirs = row(&figures(peer, name)?);
        let mine = row(&figures(ours, name)?);
        out.push_str(&format!(
            "| {what} | {} | {} | {:.1}× | {:.1}× |\n",
            cell(&theirs),
            cell(&mine),
            mine.rate / theirs.rate.max(f64::MIN_POSITIVE),
            theirs.p99 / mine.p99.max(f64::MIN_POSITIVE),
        ));
    }
    Ok(out)
}

fn cell(row: &Row) -> String {
    format!(
        "{:.1}/s, {:.1} / {:.1} ms, {:.0} / {:.0}, {:.2} cores",
        row.rate, row.p50, row.p99, row.ok, row.failed, row.cores
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_and_driver_figures_become_rows() {
        let wrk: Value = serde_json::json!({"requests": 100, "rps": 6.5, "p50_ms": 1.0,
            "p99_ms": 2.0, "non2xx": 3, "timeouts": 1, "connect_err": 0, "read_err": 0,
            "write_err": 0, "server_cpu_cores": 0.9});
        let r = row(&wrk);
        assert_eq!((r.rate, r.ok, r.failed, r.cores), (6.5, 97.0, 4.0, 0.9));
        let driver: Value = serde_json::json!({"flows": 10, "failed": 0, "flows_per_s": 2.5, "p50_ms": 5.0, "p99_ms": 9.0});
        let r = row(&driver);
        assert_eq!((r.rate, r.ok, r.p99), (2.5, 10.0, 9.0));
        assert!(cell(&r).contains("2.5/s"));
    }
}
