//! A throw-away PostgreSQL cluster for the tests and the benchmark: created in a temporary folder
//! on a free port, stopped and deleted when the [`Cluster`] is dropped (also when a tier fails).
//!
//! PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user that
//! Debian's package creates. For the tests durability settings are relaxed (`fsync=off`): the
//! data is thrown away anyway, and the tests exercise SQL semantics, not the disk. Its WAL is
//! kept to 128 MB (a checkpoint costs nothing without `fsync`), as each test's new database is
//! written to the WAL whole: at PostgreSQL's default of 1 GB the WAL alone outgrew the data. The
//! benchmark's cluster ([`Cluster::start_durable`]) keeps PostgreSQL's durability defaults, so
//! a committed passcode request is on disk, as in production.
//!
//! `SSPR_BENCH_PG_LOG=<file>` keeps the benchmark cluster's own log: every checkpoint, every
//! autovacuum run and every statement that took 20 ms or more is logged, with its time in UTC
//! (a p99 at 1,000 a second is a few ms), and the log is copied to `<file>` when the
//! cluster stops, to set beside the benchmark's timed progress lines.

use crate::cmd;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

pub struct Cluster {
    dir: PathBuf,
    /// The benchmark's cluster, whose log `SSPR_BENCH_PG_LOG` keeps.
    durable: bool,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

/// The folder holding `initdb` and `pg_ctl`: on `PATH`, or the newest under /usr/lib/postgresql.
pub fn bin_dir() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(dir) = std::env::split_paths(&path)
            .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
        {
            return Some(dir);
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

impl Cluster {
    /// A cluster for the tests: durability off.
    pub fn start() -> Result<Self, String> {
        Cluster::start_with(false)
    }

    /// A cluster for the benchmark: PostgreSQL's default durability (`fsync`,
    /// `synchronous_commit` and `full_page_writes` on).
    pub fn start_durable() -> Result<Self, String> {
        Cluster::start_with(true)
    }

    fn start_with(durable: bool) -> Result<Self, String> {
        cmd::step("Starting a throw-away PostgreSQL cluster");
        let bin = bin_dir().ok_or("PostgreSQL's initdb was not found")?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let dir = std::env::temp_dir().join(format!("sspr-pg-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let as_postgres = cmd::is_root();
        if as_postgres {
            cmd::run(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(&dir),
            )?;
        }
        let cluster = Cluster {
            dir,
            durable,
            bin,
            port,
            as_postgres,
        };
        let data = cluster.dir.join("data");
        cluster.pg(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-A",
                "trust",
                "-U",
                "sspr",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        let relaxed = if durable {
            " -c log_checkpoints=on -c log_autovacuum_min_duration=0 -c log_timezone=UTC \
             -c log_min_duration_statement=20ms"
        } else {
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
             -c max_wal_size=128MB -c min_wal_size=32MB"
        };
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=400{relaxed}",
            cluster.dir.display()
        );
        let log = cluster.dir.join("server.log");
        cluster.pg(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-l",
                &log.to_string_lossy(),
                "-o",
                &options,
                "-w",
                "start",
            ],
        )?;
        println!(
            "postgresql: {} (data in {})",
            cluster.url(),
            cluster.dir.display()
        );
        Ok(cluster)
    }

    /// A URL for the cluster's `postgres` database as its superuser `sspr`; tests create their
    /// own databases from it.
    pub fn url(&self) -> String {
        format!("postgres://sspr@127.0.0.1:{}/postgres", self.port)
    }

    /// Creates database `name` in the cluster and returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String, String> {
        // `initdb` on PATH may be a symbolic link into the folder that also holds `createdb`.
        let createdb = std::fs::canonicalize(self.bin.join("initdb"))
            .ok()
            .and_then(|initdb| Some(initdb.parent()?.join("createdb")))
            .filter(|c| c.is_file())
            .unwrap_or_else(|| self.bin.join("createdb"));
        cmd::run(Command::new(createdb).args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "sspr",
            name,
        ]))?;
        Ok(format!("postgres://sspr@127.0.0.1:{}/{name}", self.port))
    }

    fn pg(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let exe = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        command.args(args).current_dir(&self.dir);
        cmd::run(&mut command)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self.pg(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
        if let Some(copy) = std::env::var_os("SSPR_BENCH_PG_LOG").filter(|_| self.durable) {
            match std::fs::copy(self.dir.join("server.log"), &copy) {
                Ok(_) => println!("postgresql: log copied to {}", copy.to_string_lossy()),
                Err(e) => println!("postgresql: log not copied: {e}"),
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        println!("postgresql: stopped and removed");
    }
}
