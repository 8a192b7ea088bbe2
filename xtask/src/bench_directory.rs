//! `cargo xtask bench` (and `cargo xtask bench --directory` alone): the admin portal's user
//! directory at scale. Builds the `directory_bench` example of `sspr-server` in release mode and
//! runs it on a fresh SQLite file and a fresh database in a throw-away PostgreSQL cluster: it
//! seeds 100,000 users and prints the p50 and p99 latency of the first page, a page 90 % deep,
//! prefix searches and filters, over HTTP (see `server/examples/directory_bench.rs`).
//!
//! `cargo xtask bench --scale` runs the `scale_bench` example the same way: the SPEC §7 budget
//! that 1,000,000 users change p99 latency by less than 20 % (see
//! `server/examples/scale_bench.rs`).

use crate::{cmd, postgres, tools};
use std::process::Command;

/// Users seeded for a full run, and for `--quick`.
const USERS: u32 = 100_000;
const QUICK_USERS: u32 = 10_000;

pub fn run(quick: bool) -> Result<(), String> {
    let (users, requests) = if quick {
        (QUICK_USERS, 30)
    } else {
        (USERS, 300)
    };
    on_both_backends(
        "directory_bench",
        &format!("Directory of {users} users"),
        &[&users.to_string(), &requests.to_string()],
    )
}

/// The 1,000,000-user budget (`--quick`: 100,000 users, fewer requests).
pub fn scale(quick: bool) -> Result<(), String> {
    // 3,000 requests of each kind a size, taken in turns: the p99 is then the thirtieth-slowest,
    // and a slow spell of the host falls on every kind alike.
    let (users, requests) = if quick {
        (100_000u32, 50)
    } else {
        (1_000_000, 3_000)
    };
    on_both_backends(
        "scale_bench",
        &format!("10,000 against {users} users"),
        &[&users.to_string(), &requests.to_string()],
    )
}

/// Builds the release `example` of `sspr-server` and runs it with a fresh SQLite database, then
/// a fresh database of a durable throw-away PostgreSQL cluster, as its first argument.
fn on_both_backends(example: &str, what: &str, args: &[&str]) -> Result<(), String> {
    tools::ensure_postgres()?;
    cmd::step(&format!("Building the {example} example (release)"));
    cmd::run(cmd::cargo().args([
        "build",
        "--release",
        "-p",
        "sspr-server",
        "--example",
        example,
    ]))?;
    let binary = cmd::target_dir().join("release/examples").join(example);
    let work = cmd::TempDir::new(&format!("sspr-{example}"))?;
    let sqlite_url = format!("sqlite://{}", work.path().join("sspr.db").display());
    cmd::step(&format!("{what} on sqlite"));
    cmd::run(Command::new(&binary).arg(&sqlite_url).args(args))?;
    let cluster = postgres::Cluster::start_durable()?;
    let postgres_url = cluster.create_database(&format!("sspr_{example}"))?;
    cmd::step(&format!("{what} on postgres"));
    cmd::run(Command::new(&binary).arg(&postgres_url).args(args))
}
