//! `cargo xtask bench [--quick]`: the SPEC §7 performance figures, on SQLite and on PostgreSQL.
//!
//! Builds `sspr-server` and the load generator `sspr-bench` in release mode, then for each back
//! end starts the release server as a child process (production mode, on a free port of
//! 127.0.0.1, a fresh database, mail to the load generator's SMTP sink, client addresses taken
//! from `X-Forwarded-For` so the load can come from many synthetic clients), runs `sspr-bench`
//! against it, stops the server with SIGTERM, and prints one table per back end: each figure
//! beside its budget, with "meets" or "misses". SQLite gets a file in a temporary folder;
//! PostgreSQL a database in a throw-away cluster with PostgreSQL's default durability.
//!
//! A figure that misses its budget is a result, not a failure: the command fails only when a
//! run cannot be made.

use crate::{cmd, postgres, tools, wake_up};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Runs the benchmark; `quick` is a short smoke run of every scenario.
pub fn run(quick: bool) -> Result<(), String> {
    tools::ensure_postgres()?;
    let release = build_release()?;
    cmd::step(&format!("Machine at the start — {}", machine()));
    let temp = cmd::TempDir::new("sspr-bench")?;
    let work = temp.path();

    let sqlite_dir = work.join("sqlite");
    std::fs::create_dir_all(&sqlite_dir).map_err(|e| format!("{}: {e}", sqlite_dir.display()))?;
    let sqlite_url = format!("sqlite://{}", sqlite_dir.join("sspr.db").display());
    let sqlite = run_backend(&release, &sqlite_dir, "sqlite", &sqlite_url, quick)?;

    let cluster = postgres::Cluster::start_durable()?;
    let postgres_url = cluster.create_database("sspr_bench")?;
    let postgres_dir = work.join("postgres");
    std::fs::create_dir_all(&postgres_dir)
        .map_err(|e| format!("{}: {e}", postgres_dir.display()))?;
    let postgres = run_backend(&release, &postgres_dir, "postgres", &postgres_url, quick)?;
    drop(cluster);

    cmd::step(&format!(
        "Results{} — {}",
        if quick { " (--quick smoke run)" } else { "" },
        machine()
    ));
    println!("\nSQLite\n\n{sqlite}\nPostgreSQL\n\n{postgres}");
    Ok(())
}

/// Only one back end's table (`backend` is `sqlite` or `postgres`), for measuring a change to
/// one of them.
pub fn run_one(backend: &str, quick: bool) -> Result<(), String> {
    let release = build_release()?;
    cmd::step(&format!("Machine at the start — {}", machine()));
    let temp = cmd::TempDir::new("sspr-bench")?;
    let dir = temp.path().join(backend);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let (table, _cluster) = if backend == "sqlite" {
        let url = format!("sqlite://{}", dir.join("sspr.db").display());
        (run_backend(&release, &dir, backend, &url, quick)?, None)
    } else {
        tools::ensure_postgres()?;
        let cluster = postgres::Cluster::start_durable()?;
        let url = cluster.create_database("sspr_bench")?;
        (
            run_backend(&release, &dir, backend, &url, quick)?,
            Some(cluster),
        )
    };
    cmd::step(&format!(
        "Results{} — {}",
        if quick { " (--quick smoke run)" } else { "" },
        machine()
    ));
    println!("\n{table}");
    Ok(())
}

/// One back end: server up, load generator run, server stopped; returns the table.
fn run_backend(
    release: &Path,
    dir: &Path,
    backend: &str,
    database_url: &str,
    quick: bool,
) -> Result<String, String> {
    cmd::step(&format!("Benchmarking on {backend}"));
    let port = free_port()?;
    let smtp_port = free_port()?;
    let origin = format!("http://127.0.0.1:{port}");
    let server = server_command(release, dir, database_url, port, smtp_port)?;
    let mut server = Server::start(server)?;
    server.wait_healthy(port)?;

    let report = dir.join("report.md");
    let mut bench = Command::new(release.join("sspr-bench"));
    bench
        .args(["--server", &origin])
        .args(["--smtp", &format!("127.0.0.1:{smtp_port}")])
        .args(["--pid", &server.pid().to_string()])
        .args(["--backend", backend])
        .arg("--report")
        .arg(&report);
    if quick {
        bench.arg("--quick");
    }
    let ran = cmd::run(&mut bench);
    let stopped = server.stop();
    ran?;
    stopped?;
    std::fs::read_to_string(&report).map_err(|e| format!("{}: {e}", report.display()))
}

/// The release server in production mode on 127.0.0.1:`port`, a fresh `database_url`, mail to
/// the load generator's SMTP sink on `smtp_port`, client addresses from `X-Forwarded-For`.
pub(crate) fn server_command(
    release: &Path,
    dir: &Path,
    database_url: &str,
    port: u16,
    smtp_port: u16,
) -> Result<Command, String> {
    instance_command(release, dir, database_url, port, &random_secret()?).map(|mut server| {
        server.env("SSPR_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"));
        server
    })
}

/// The release server as [`server_command`] starts it, with the server secret `secret` (every
/// instance of one service shares it) and no mail server (queued mail waits in the database).
pub(crate) fn instance_command(
    release: &Path,
    dir: &Path,
    database_url: &str,
    port: u16,
    secret: &str,
) -> Result<Command, String> {
    let web_dir = dir.join("web");
    std::fs::create_dir_all(&web_dir).map_err(|e| format!("{}: {e}", web_dir.display()))?;
    let mut server = Command::new(release.join("sspr-server"));
    server
        .arg("serve")
        // Not the workspace root: no ./sspr.toml is read, only what is set here.
        .current_dir(dir)
        .env_remove("SSPR_CONFIG")
        .env_remove("RUST_LOG")
        .env("SSPR_LISTEN", format!("127.0.0.1:{port}"))
        .env("SSPR_PUBLIC_ORIGIN", format!("http://127.0.0.1:{port}"))
        .env("SSPR_DATABASE_URL", database_url)
        .env("SSPR_SECRET", secret)
        .env_remove("SSPR_SMTP_URL")
        .env("SSPR_TRUST_FORWARDED_FOR", "true")
        .env("SSPR_DEV", "false")
        // SSPR_BENCH_LOG, when set, is the server's log filter, e.g.
        // `warn,sspr_server::store::group_commit=debug` for every WAL checkpoint's figures.
        .env(
            "SSPR_LOG",
            std::env::var("SSPR_BENCH_LOG").unwrap_or_else(|_| "warn".to_owned()),
        )
        .env("SSPR_WEB_DIR", &web_dir);
    Ok(server)
}

/// Builds `sspr-server` and `sspr-bench` in release mode; their folder.
pub(crate) fn build_release() -> Result<PathBuf, String> {
    cmd::step("Building sspr-server and sspr-bench (release)");
    cmd::run(cmd::cargo().args([
        "build",
        "--release",
        "-p",
        "sspr-server",
        "-p",
        "sspr-bench",
    ]))?;
    Ok(cmd::target_dir().join("release"))
}

/// The server process; killed if still running when dropped (a failed run).
pub(crate) struct Server {
    child: Child,
}

impl Server {
    pub(crate) fn start(mut command: Command) -> Result<Server, String> {
        let child = command
            .spawn()
            .map_err(|e| format!("could not start {:?}: {e}", command.get_program()))?;
        Ok(Server { child })
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to 60 s for `GET /api/health` to answer 200 (PostgreSQL migrations included).
    pub(crate) fn wait_healthy(&mut self, port: u16) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("the server exited at start ({status})"));
            }
            if health_ok(port) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err("the server did not answer /api/health within 60 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGTERM, then up to 120 s to finish (the mail worker delivers what is queued first).
    pub(crate) fn stop(&mut self) -> Result<(), String> {
        cmd::run(Command::new("kill").args(["-TERM", &self.pid().to_string()]))?;
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) if status.success() => {
                    println!("server stopped on SIGTERM ({status})");
                    return Ok(());
                }
                Ok(Some(status)) => return Err(format!("the server exited with {status}")),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Ok(None) => {
                    return Err("the server did not stop within 120 s of SIGTERM".into());
                }
                Err(e) => return Err(format!("waiting for the server: {e}")),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Whether `GET /api/health` on 127.0.0.1:`port` answers 200.
fn health_ok(port: u16) -> bool {
    let Ok(mut stream) =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1))
    else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
    let request = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && &head == b"HTTP/1.1 200"
}

/// A port that was free a moment ago on 127.0.0.1.
pub(crate) fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// 32 random bytes, hex-encoded (`SSPR_SECRET` takes hex or base64).
pub(crate) fn random_secret() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// "2 cores (Intel Xeon …), 23 GiB memory, Linux 6.x, 2026-11-22; a thread wake-up round trip
/// 36.2 µs (median)", measured when called: the host at that moment (see [`wake_up`]).
pub(crate) fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|l| l.split_whitespace().next()?.parse::<u64>().ok())
        })
        .map_or_else(
            || "unknown memory".into(),
            |kb| format!("{:.0} GiB memory", kb as f64 / 1024.0 / 1024.0),
        );
    let kernel = cmd::output(Command::new("uname").arg("-r")).unwrap_or_default();
    let date = cmd::output(Command::new("date").arg("+%F")).unwrap_or_default();
    let wake_up = wake_up::describe();
    format!(
        "{cores} cores ({cpu}), {memory}, Linux {}, {}{}{wake_up}",
        kernel.trim(),
        date.trim(),
        if wake_up.is_empty() { "" } else { "; " },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_32_random_bytes_in_hex() {
        let a = random_secret().expect("secret");
        let b = random_secret().expect("secret");
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn the_machine_line_names_cores_memory_and_the_cost_of_a_wake_up() {
        let line = machine();
        assert!(line.contains("cores"), "{line}");
        assert!(line.contains("memory"), "{line}");
        assert!(line.contains("wake-up round trip"), "{line}");
    }
}
