//! `sspr-bench`: measures a running `sspr-server` against the performance budgets of SPEC §7
//! and prints a Markdown table of figures, budgets and verdicts.
//!
//! It is the load generator behind `cargo xtask bench`, which builds the release server, starts
//! it on SQLite and on PostgreSQL and runs this binary against each. The server must run in
//! production mode on 127.0.0.1 with `SSPR_TRUST_FORWARDED_FOR=true` and its `SSPR_SMTP_URL`
//! pointing at `--smtp`, where this binary listens as the mail sink.
//!
//! ```text
//! sspr-bench --server http://127.0.0.1:PORT --smtp 127.0.0.1:PORT --pid PID
//!            --backend sqlite|postgres [--quick] [--report FILE]
//!            [--peer DIR --wrk-dir DIR]
//! ```
//!
//! With `--peer`, it runs the scenarios of the better-auth comparison instead (see [`peer`]).
//!
//! Timing goals live here, in a benchmark on a known machine, never in tests.

mod api;
mod host;
mod load;
mod peer;
mod report;
mod scenarios;
mod smtp;

use scenarios::{Backend, Plan, Target};
use std::process::ExitCode;

const USAGE: &str = "usage: sspr-bench --server http://127.0.0.1:PORT --smtp 127.0.0.1:PORT \
                     --pid PID --backend sqlite|postgres [--quick] [--report FILE] \
                     [--peer DIR --wrk-dir DIR]";

#[derive(Debug)]
struct Options {
    target: Target,
    quick: bool,
    report: Option<std::path::PathBuf>,
    peer: Option<std::path::PathBuf>,
    wrk_dir: Option<std::path::PathBuf>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut server = None;
    let mut smtp = None;
    let mut pid = None;
    let mut backend = None;
    let mut quick = false;
    let mut report = None;
    let mut peer = None;
    let mut wrk_dir = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--server" => server = Some(value()?),
            "--smtp" => {
                smtp = Some(
                    value()?
                        .parse()
                        .map_err(|e| format!("--smtp: an address such as 127.0.0.1:2525: {e}"))?,
                );
            }
            "--pid" => pid = Some(value()?.parse().map_err(|e| format!("--pid: {e}"))?),
            "--backend" => {
                let name = value()?;
                backend = Some(
                    Backend::parse(&name).ok_or_else(|| format!("unknown --backend {name:?}"))?,
                );
            }
            "--quick" => quick = true,
            "--report" => report = Some(value()?.into()),
            "--peer" => peer = Some(value()?.into()),
            "--wrk-dir" => wrk_dir = Some(value()?.into()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let server: String = server.ok_or("--server is required")?;
    if !server.starts_with("http://127.0.0.1:") {
        return Err(
            "--server must be http://127.0.0.1:PORT: the benchmark stays on this machine".into(),
        );
    }
    Ok(Options {
        target: Target {
            server,
            smtp: smtp.ok_or("--smtp is required")?,
            pid: pid.ok_or("--pid is required")?,
            backend: backend.ok_or("--backend is required")?,
        },
        quick,
        report,
        peer,
        wrk_dir,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("sspr-bench: {error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("sspr-bench: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(dir) = &options.peer {
        let plan = peer::PeerPlan {
            dir: dir.clone(),
            wrk_dir: options
                .wrk_dir
                .clone()
                .unwrap_or_else(|| "bench/wrk".into()),
            threads: 2,
            connections: 16,
            duration: std::time::Duration::from_secs(if options.quick { 3 } else { 15 }),
            warmup: std::time::Duration::from_secs(if options.quick { 1 } else { 3 }),
            reset_concurrency: 16,
            known: if options.quick { 2_000 } else { 20_000 },
        };
        return match runtime.block_on(peer::run(&options.target, &plan)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("sspr-bench: {error}");
                ExitCode::FAILURE
            }
        };
    }
    let plan = if options.quick {
        Plan::quick()
    } else {
        Plan::full()
    };
    match runtime.block_on(scenarios::run(&options.target, &plan)) {
        Ok(report) => {
            let table = report.markdown();
            println!("\n{table}");
            match report.misses() {
                0 => println!("every figure with a budget meets it"),
                n => println!("{n} figure(s) miss their budget"),
            }
            if let Some(path) = &options.report {
                if let Err(error) = std::fs::write(path, &table) {
                    eprintln!("sspr-bench: {}: {error}", path.display());
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("sspr-bench: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn the_command_line_is_parsed() {
        let options = parse(&args(
            "--server http://127.0.0.1:8080 --smtp 127.0.0.1:2525 --pid 42 --backend postgres --quick",
        ))
        .expect("valid");
        assert_eq!(options.target.backend, Backend::Postgres);
        assert_eq!(options.target.pid, 42);
        assert!(options.quick);
        assert!(options.report.is_none());
    }

    #[test]
    fn only_loopback_servers_are_accepted() {
        let error = parse(&args(
            "--server http://10.0.0.1:8080 --smtp 127.0.0.1:2525 --pid 42 --backend sqlite",
        ))
        .expect_err("not loopback");
        assert!(error.contains("127.0.0.1"));
        assert!(parse(&args("--server")).is_err());
        assert!(parse(&args("--bogus")).is_err());
    }
}
