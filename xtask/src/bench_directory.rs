//! `cargo xtask bench` (and `cargo xtask bench --directory` alone): the admin portal's user
//! directory at scale. Builds the `directory_bench` example of `sspr-server` in release mode and
//! runs it on a fresh SQLite file and a fresh database in a throw-away PostgreSQL cluster: it
//! seeds 100,000 users and prints the p50 and p99 latency of the first page, a page 90 % deep,
//! prefix searches and filters, over HTTP (see `server/examples/directory_bench.rs`).

use crate::{cmd, postgres, tools};
use std::process::Command;

/// Users seeded for a full run, and for `--quick`.
const USERS: u32 = 100_000;
const QUICK_USERS: u32 = 10_000;

pub fn run(quick: bool) -> Result<(), String> {
    tools::ensure_postgres()?;
    cmd::step("Building the directory benchmark (release)");
    cmd::run(cmd::cargo().args([
        "build",
        "--release",
        "-p",
        "sspr-server",
        "--example",
        "directory_bench",
    ]))?;
    let example = cmd::target_dir().join("release/examples/directory_bench");
    let (users, requests) = if quick {
        (QUICK_USERS, 30)
    } else {
        (USERS, 300)
    };
    let work = std::env::temp_dir().join(format!("sspr-directory-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let sqlite_url = format!("sqlite://{}", work.join("sspr.db").display());
    let result = (|| {
        cmd::step(&format!("Directory of {users} users on sqlite"));
        cmd::run(Command::new(&example).args([
            sqlite_url.as_str(),
            &users.to_string(),
            &requests.to_string(),
        ]))?;
        let cluster = postgres::Cluster::start_durable()?;
        let postgres_url = cluster.create_database("sspr_directory")?;
        cmd::step(&format!("Directory of {users} users on postgres"));
        cmd::run(Command::new(&example).args([
            postgres_url.as_str(),
            &users.to_string(),
            &requests.to_string(),
        ]))
    })();
    let _ = std::fs::remove_dir_all(&work);
    result
}
