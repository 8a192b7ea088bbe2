//! `cargo xtask bench --cluster` (also the last part of `cargo xtask bench`): two instances of
//! the release server on one PostgreSQL database, behind HAProxy (Debian's package, installed
//! when missing and started here with a configuration of its own, round robin).
//!
//! It measures, with `wrk` and the same scenario as `--peer`'s "unknown address" (every request
//! a durable flow start: flow, passcode, queued row and audit record committed), the rate of one
//! instance alone and of the two behind HAProxy, with each process's CPU. On two cores that
//! rate is bound by PostgreSQL, so it then measures what is bound by an instance's own CPU:
//! wrong-password sign-ins (one Argon2id verification each), one instance held to one core
//! (`taskset`) and then the two behind HAProxy, each held to a core of its own. It checks through
//! HAProxy that a client address's sign-in limit is counted once for both instances (the
//! attempts over the limit are refused, whichever instance they reach). That the same code sent
//! to both instances at once succeeds once is a test of the test command
//! (`server/tests/api/instances.rs`), on SQLite and PostgreSQL.

use crate::bench::{build_release, free_port, instance_command, random_secret, Server};
use crate::{cmd, postgres, tools};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Each rate limit's ceiling for the throughput runs, a minute.
const RAISED: &str = "1000000000";
/// The sign-in limit for the limit check (the default).
const SIGN_INS_PER_MINUTE: u32 = 30;

pub fn run(quick: bool) -> Result<(), String> {
    tools::ensure_postgres()?;
    tools::ensure_wrk()?;
    tools::ensure_haproxy()?;
    let release = build_release()?;
    let cluster = postgres::Cluster::start_durable()?;
    let work = cmd::TempDir::new("sspr-cluster")?;
    let table = measure(&release, &cluster, work.path(), quick)?;
    cmd::step("Two instances on one PostgreSQL behind HAProxy");
    println!("\n{table}");
    Ok(())
}

fn measure(
    release: &Path,
    cluster: &postgres::Cluster,
    work: &Path,
    quick: bool,
) -> Result<String, String> {
    let seconds = if quick { 3 } else { 15 };
    let url = cluster.create_database("sspr_cluster")?;
    let secret = random_secret()?;
    let (mut a, port_a) = start_instance(release, work, "a", &url, &secret, RAISED)?;
    let (mut b, port_b) = start_instance(release, work, "b", &url, &secret, RAISED)?;
    let lb_port = free_port()?;
    let mut haproxy = HaProxy::start(work, lb_port, &[port_a, port_b])?;
    let processes = [a.pid(), b.pid(), haproxy.pid()];
    let mut out = String::from(
        "| run | flow starts a second (wrk 2 threads, 16 connections) | p50 / p99 | failed | \
         CPU: instances, HAProxy, PostgreSQL |\n|---|---|---|---|---|\n",
    );
    let runs = [("one instance", port_a), ("two behind HAProxy", lb_port)];
    out.push_str(&rows("request-unknown.lua", &runs, &processes, seconds)?);

    // A sign-in is bound by the instance's CPU (one Argon2id verification), not the database's:
    // with each instance held to a core of its own, as on a machine of its own, the second one
    // adds its core's sign-ins. PostgreSQL, HAProxy and wrk run on either core.
    match allowed_cpus().as_slice() {
        [first, second, ..] => {
            pin(a.pid(), *first)?;
            pin(b.pid(), *second)?;
            out.push_str(
                "\n| run | wrong-password sign-ins a second (wrk 2 threads, 16 connections; each \
                 one Argon2id verification) | p50 / p99 | failed (not a 401, or a socket error \
                 or timeout) | CPU: instances, HAProxy, PostgreSQL |\n|---|---|---|---|---|\n",
            );
            let one = format!("one instance, held to CPU {first}");
            let runs = [
                (one.as_str(), port_a),
                ("two behind HAProxy, one CPU each", lb_port),
            ];
            out.push_str(&rows("signin-unknown.lua", &runs, &processes, seconds)?);
        }
        cpus => out.push_str(&format!(
            "\nSign-ins with each instance on a CPU of its own: not measured, this process may \
             use {} CPU.\n",
            cpus.len()
        )),
    }
    haproxy.stop();
    a.stop()?;
    b.stop()?;

    // The limit check, on instances with the default sign-in limit.
    let url = cluster.create_database("sspr_cluster_limits")?;
    let limit = SIGN_INS_PER_MINUTE.to_string();
    let (mut a, port_a) = start_instance(release, work, "la", &url, &secret, &limit)?;
    let (mut b, port_b) = start_instance(release, work, "lb", &url, &secret, &limit)?;
    let lb_port = free_port()?;
    let mut haproxy = HaProxy::start(work, lb_port, &[port_a, port_b])?;
    let attempts = SIGN_INS_PER_MINUTE + 10;
    let mut refused = 0;
    for _ in 0..attempts {
        let body = r#"{"email":"nobody@bench.example","password":"not the password at all"}"#;
        match post(lb_port, "/api/session", body, "10.77.0.1")? {
            429 => refused += 1,
            401 => {}
            other => return Err(format!("a sign-in through HAProxy answered {other}")),
        }
    }
    haproxy.stop();
    a.stop()?;
    b.stop()?;
    out.push_str(&format!(
        "\nOne client address, {attempts} wrong sign-ins through HAProxy (round robin, so half \
         reach each instance), limit {SIGN_INS_PER_MINUTE} a minute: {} judged, {refused} \
         refused with 429 ({}).\n",
        attempts - refused,
        if refused == attempts - SIGN_INS_PER_MINUTE {
            "the limit holds across the instances"
        } else {
            "the limit does NOT hold across the instances"
        }
    ));
    Ok(out)
}

/// One instance on `url` with every rate limit at `limit` a minute; it and its port.
fn start_instance(
    release: &Path,
    work: &Path,
    name: &str,
    url: &str,
    secret: &str,
    limit: &str,
) -> Result<(Server, u16), String> {
    let dir = work.join(name);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let port = free_port()?;
    let mut command = instance_command(release, &dir, url, port, secret)?;
    // The public origin both instances serve is HAProxy's; the Origin check compares with it.
    for variable in [
        "SSPR_FLOW_STARTS_PER_MINUTE",
        "SSPR_CODE_CHECKS_PER_MINUTE",
        "SSPR_PASSWORD_ATTEMPTS_PER_MINUTE",
        "SSPR_REQUESTS_PER_MINUTE",
    ] {
        command.env(variable, limit);
    }
    command.env("SSPR_PUBLIC_ORIGIN", "http://127.0.0.1");
    let mut server = Server::start(command)?;
    server.wait_healthy(port)?;
    Ok((server, port))
}

/// HAProxy in the foreground with a configuration of its own; stopped when dropped.
struct HaProxy(Child);

impl HaProxy {
    fn start(work: &Path, port: u16, backends: &[u16]) -> Result<HaProxy, String> {
        let servers: String = backends
            .iter()
            .enumerate()
            .map(|(i, p)| format!("    server s{i} 127.0.0.1:{p}\n"))
            .collect();
        // No `option forwardfor`: the client's own X-Forwarded-For passes through unchanged.
        let config = format!(
            "global\n    maxconn 4096\n\ndefaults\n    mode http\n    timeout connect 5s\n    \
             timeout client 60s\n    timeout server 60s\n    option http-keep-alive\n\n\
             frontend sspr\n    bind 127.0.0.1:{port}\n    default_backend servers\n\n\
             backend servers\n    balance roundrobin\n{servers}"
        );
        let file = work.join(format!("haproxy-{port}.cfg"));
        std::fs::write(&file, config).map_err(|e| format!("{}: {e}", file.display()))?;
        let child = Command::new("haproxy")
            .arg("-db")
            .arg("-f")
            .arg(&file)
            .spawn()
            .map_err(|e| format!("could not start haproxy: {e}"))?;
        let proxy = HaProxy(child);
        for _ in 0..50 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(proxy);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("haproxy did not listen within 5 s".into())
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }

    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for HaProxy {
    fn drop(&mut self) {
        self.stop();
    }
}

/// CPU ticks so far of each of `pids`, then of every PostgreSQL process together.
fn cpu_ticks(pids: &[u32]) -> Vec<u64> {
    let ticks = |stat: &str| -> Option<u64> {
        let rest = &stat[stat.rfind(')')? + 1..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
    };
    let mut out: Vec<u64> = pids
        .iter()
        .map(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| ticks(&s))
                .unwrap_or(0)
        })
        .collect();
    let database = std::fs::read_dir("/proc")
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
                .filter(|s| s.contains("(postgres)"))
                .filter_map(|s| ticks(&s))
                .sum()
        })
        .unwrap_or(0);
    out.push(database);
    out
}

/// wrk's figures for one run.
struct Figures {
    rps: f64,
    p50: f64,
    p99: f64,
    failed: u64,
}

/// A table row for each of `runs` (a name, and the port `wrk` runs `script` against for
/// `seconds`), with the CPU each of `processes` and PostgreSQL took meanwhile.
fn rows(
    script: &str,
    runs: &[(&str, u16)],
    processes: &[u32; 3],
    seconds: u64,
) -> Result<String, String> {
    let mut out = String::new();
    for (name, port) in runs {
        cmd::step(&format!("wrk {script}: {name}, {seconds} s"));
        let before = cpu_ticks(processes);
        let figures = wrk(script, *port, seconds)?;
        let after = cpu_ticks(processes);
        let cores = |i: usize| (after[i] - before[i]) as f64 / 100.0 / seconds as f64;
        out.push_str(&format!(
            "| {name} | {:.0}/s | {:.2} / {:.2} ms | {} | {:.2} + {:.2}, HAProxy {:.2}, \
             PostgreSQL {:.2} cores |\n",
            figures.rps,
            figures.p50,
            figures.p99,
            figures.failed,
            cores(0),
            cores(1),
            cores(2),
            cores(3)
        ));
    }
    Ok(out)
}

/// The CPUs this process may run on (`Cpus_allowed_list` of /proc/self/status).
fn allowed_cpus() -> Vec<u32> {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Cpus_allowed_list:"))
                .map(cpu_list)
        })
        .unwrap_or_default()
}

/// The CPUs of a list such as `0-3,6`; nothing of a part that is not one.
fn cpu_list(text: &str) -> Vec<u32> {
    let mut cpus = Vec::new();
    for part in text.trim().split(',') {
        let bounds = match part.split_once('-') {
            Some((first, last)) => (first.parse::<u32>(), last.parse::<u32>()),
            None => (part.parse::<u32>(), part.parse::<u32>()),
        };
        if let (Ok(first), Ok(last)) = bounds {
            cpus.extend(first..=last);
        }
    }
    cpus
}

/// Holds every thread of process `pid` (and the threads it starts) to CPU `core`.
fn pin(pid: u32, core: u32) -> Result<(), String> {
    // taskset prints each thread's affinity before and after.
    cmd::run(
        Command::new("taskset")
            .args([
                "--all-tasks",
                "--cpu-list",
                "--pid",
                &core.to_string(),
                &pid.to_string(),
            ])
            .stdout(Stdio::null()),
    )
}

/// `wrk` with `bench/wrk/<script>` against 127.0.0.1:`port` for `seconds`.
fn wrk(script: &str, port: u16, seconds: u64) -> Result<Figures, String> {
    let script = cmd::root().join("bench/wrk").join(script);
    let output = Command::new("wrk")
        .args([
            "-t2",
            "-c16",
            &format!("-d{seconds}s"),
            "--timeout",
            "10s",
            "-s",
        ])
        .arg(&script)
        .arg(format!("http://127.0.0.1:{port}"))
        .env("SSPR_BENCH_ORIGIN", "http://127.0.0.1")
        .output()
        .map_err(|e| format!("could not run wrk: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("BENCH_JSON "))
        .ok_or_else(|| format!("wrk printed no figures: {text}"))?;
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("wrk: {e}: {line}"))?;
    let f = |key: &str| {
        value
            .get(key)
            .and_then(serde_json::Value::as_f64)
            .unwrap_or(0.0)
    };
    Ok(Figures {
        rps: f("rps"),
        p50: f("p50_ms"),
        p99: f("p99_ms"),
        failed: (f("non2xx") + f("timeouts") + f("connect_err") + f("read_err") + f("write_err"))
            as u64,
    })
}

/// A JSON POST as the SPA sends it, from client address `address`; the status.
fn post(port: u16, path: &str, body: &str, address: &str) -> Result<u16, String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         X-Sspr-Csrf: 1\r\nOrigin: http://127.0.0.1\r\nX-Forwarded-For: {address}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("send: {e}"))?;
    let mut head = [0u8; 12];
    stream
        .read_exact(&mut head)
        .map_err(|e| format!("answer: {e}"))?;
    std::str::from_utf8(&head[9..12])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "not an HTTP answer".to_owned())
}

#[cfg(test)]
mod tests {
    use super::cpu_list;

    #[test]
    fn a_cpu_list_reads_ranges_and_single_cpus() {
        assert_eq!(cpu_list("0-1\n"), vec![0, 1]);
        assert_eq!(cpu_list("0,2-4,7"), vec![0, 2, 3, 4, 7]);
        assert_eq!(cpu_list("3"), vec![3]);
        assert_eq!(cpu_list(""), Vec::<u32>::new());
        assert_eq!(cpu_list("x,1"), vec![1]);
    }
}
