//! `cargo xtask <command>`: the project's set-up, run and test commands.
//!
//! Each command first installs what it needs and is missing (and says so), then does its work.
//! Run `cargo xtask help` for the list. Only `std`, two compression crates and `serde_json`
//! (Lighthouse's report), so the runner itself builds in seconds on a fresh machine.

mod bench;
mod bench_cluster;
mod bench_directory;
mod bench_peer;
mod cmd;
mod lighthouse;
mod postgres;
mod schemathesis;
mod tools;
mod wake_up;
mod wasm_breakdown;
mod web;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

  run        install what is missing, build the SPA, start the server on http://127.0.0.1:8080
             (embedded SQLite in ./data, development outbox for mail)
  test       install what is missing, then run every test tier: the SPA's size ceiling, Rust
             unit and integration tests on SQLite and on a throw-away PostgreSQL, schemathesis
             against the OpenAPI document, and the Playwright tests
  bench      build the release server and measure it against the SPEC §7 performance budgets on
             SQLite and PostgreSQL; prints a table per back end (--quick: a short smoke run),
             then the admin directory's page and search latency over 100,000 users
             (--directory: only that; --sqlite or --postgres [--quick]: only that back end's
             table), then two instances on one PostgreSQL behind HAProxy
             (--cluster: only that); --peer [--quick]: better-auth's benchmark
             (../shared/peer-bench) and the product on the same scenarios with the same wrk
             client, in one table with the ratios; --scale [--quick]: p99s at 10,000 and at
             1,000,000 users seeded with SQL, with the seed time and the database's size
  size       build the SPA and print each asset's raw, gzip and brotli size and the cold loads of
             the customer pages and the admin portal, what the customer wasm spends its bytes on
             (per crate and per function, with twiggy) and Lighthouse's mobile figures for
             /sign-in and /reset; fails when the customer pages are over the SPEC §7 ceiling
             (--floor: only measure the smallest Leptos app, examples/size_floor.rs)
  schema     only the API schema tests of `test`: schemathesis against /api/openapi.json on the
             production-mode server, public endpoints and then as a signed-in administrator
  build-web  build the SPA into dist/, the admin portal into dist/admin/ and the authenticator app into dist/authenticator/ (release, precompressed)
  setup      only install what is missing (tools for run and test)
  help       this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(),
        Some("test") => test(),
        Some("bench") => match args.get(1).map(String::as_str) {
            None => bench::run(false)
                .and_then(|()| bench_directory::run(false))
                .and_then(|()| bench_cluster::run(false)),
            Some("--quick") => bench::run(true)
                .and_then(|()| bench_directory::run(true))
                .and_then(|()| bench_cluster::run(true)),
            Some("--cluster") => bench_cluster::run(args.get(2).is_some_and(|a| a == "--quick")),
            Some("--directory") => bench_directory::run(false),
            Some(only @ ("--sqlite" | "--postgres")) => bench::run_one(
                &only[2..],
                args.get(2).is_some_and(|a| a == "--quick"),
            ),
            Some("--peer") => bench_peer::run(args.get(2).is_some_and(|a| a == "--quick")),
            Some("--scale") => bench_directory::scale(args.get(2).is_some_and(|a| a == "--quick")),
            Some(other) => Err(format!(
                "unknown bench option {other:?} (--quick, --sqlite, --postgres, --directory, --peer, --scale or --cluster)"
            )),
        },
        Some("size") => match args.get(1).map(String::as_str) {
            None => tools::ensure_web_tools()
                .and_then(|()| web::build())
                .and_then(|()| {
                    // The breakdown and Lighthouse are printed over the ceiling too: they say why.
                    let gate = web::size_report();
                    wasm_breakdown::report("sspr-web")?;
                    lighthouse::report()?;
                    gate
                }),
            Some("--floor") => tools::ensure_web_tools().and_then(|()| web::floor_report()),
            Some(other) => Err(format!("unknown size option {other:?} (--floor)")),
        },
        Some("build-web") => tools::ensure_web_tools().and_then(|()| web::build()),
        Some("schema") => schemathesis::run(),
        Some("setup") => tools::ensure_web_tools()
            .and_then(|()| tools::ensure_test_tools())
            .and_then(|()| schemathesis::ensure_installed().map(drop)),
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The product on this machine: SPA built in release mode, server with SQLite and the outbox.
fn run() -> Result<(), String> {
    tools::ensure_web_tools()?;
    web::build()?;
    cmd::step(
        "Building and starting the server (release) on http://127.0.0.1:8080 — Ctrl-C stops it",
    );
    let mut server = cmd::cargo();
    server
        .args([
            "run",
            "--release",
            "--package",
            "sspr-server",
            "--",
            "serve",
        ])
        .env("SSPR_WEB_DIR", cmd::root().join("dist"))
        .env_remove("SSPR_CONFIG");
    for (key, default) in [
        ("SSPR_DEV", "true"),
        ("SSPR_LISTEN", "127.0.0.1:8080"),
        ("SSPR_PUBLIC_ORIGIN", "http://127.0.0.1:8080"),
        ("SSPR_DATABASE_URL", "sqlite://data/sspr.db"),
    ] {
        if std::env::var_os(key).is_none() {
            server.env(key, default);
        }
    }
    cmd::run(&mut server)
}

/// Every test tier, in order from quickest feedback to slowest.
fn test() -> Result<(), String> {
    report_free_disk();
    tools::ensure_web_tools()?;
    tools::ensure_test_tools()?;
    web::build()?;
    // SPEC §7's ceiling on what a customer's browser loads (the breakdown and Lighthouse are
    // `cargo xtask size`).
    web::size_report()?;

    let cluster = postgres::Cluster::start()?;
    cmd::step("Rust tests: unit tests and the server's integration tests on SQLite and PostgreSQL");
    let mut tests = cmd::cargo();
    tests
        .args(["test", "--workspace", "--locked"])
        .env("SSPR_TEST_POSTGRES_URL", cluster.url())
        .env("SSPR_TEST_REQUIRE_POSTGRES", "1");
    cmd::run(&mut tests)?;
    drop(cluster);
    schemathesis::run()?;

    cmd::step("Browser tests: Playwright in Chromium against the production-mode server");
    // The OpenID Connect spec signs in to the example application, which it starts itself.
    let bins = cmd::build_test_binaries(&["sspr-server", "sspr-example-sign-in"])?;
    let web = free_port_pair()?;
    let taken = |port: u16| port == web || Some(port) == web.checked_add(1);
    let smtp = loop {
        let port = bench::free_port()?;
        if !taken(port) {
            break port;
        }
    };
    let phone = loop {
        let port = bench::free_port()?;
        if !taken(port) && port != smtp {
            break port;
        }
    };
    // The servers' databases, mail and texts: removed after the run, passed or failed.
    let data = cmd::TempDir::new("sspr-e2e")?;
    let mut e2e = cmd::npx();
    e2e.current_dir(cmd::root().join("end2end"))
        .env("SSPR_E2E_DIR", data.path())
        .args(["playwright", "test"])
        .env("SSPR_SERVER_BIN", bins.join("sspr-server"))
        .env("SSPR_EXAMPLE_BIN", bins.join("sspr-example-sign-in"))
        .env("SSPR_WEB_DIR", cmd::root().join("dist"))
        // Ports free now, so another server on this machine never collides with the tests'
        // (the tests start a second server on the port after theirs).
        .env("E2E_PORT", web.to_string())
        .env("SSPR_E2E_SMTP_PORT", smtp.to_string())
        .env("SSPR_E2E_PHONE_PORT", phone.to_string());
    cmd::run(&mut e2e)?;
    cmd::step("All test tiers passed");
    Ok(())
}

/// How much disk the builds have, first, so that a run that fails on a full disk says why.
fn report_free_disk() {
    /// What a run from a fresh clone writes under `target/` (README, "The two commands").
    const NEEDED_GB: f64 = 5.0;
    // The target folder, or the nearest folder above it that exists yet.
    let target = cmd::target_dir();
    let Some(free) = target
        .ancestors()
        .find(|dir| dir.is_dir())
        .and_then(cmd::free_gigabytes)
    else {
        return;
    };
    if free < NEEDED_GB + 1.0 {
        println!(
            "xtask: warning: {free:.1} GB free on the disk of {}; a run from a fresh clone \
             writes about {NEEDED_GB:.0} GB there",
            target.display()
        );
    } else {
        println!(
            "xtask: {free:.1} GB free on the disk of {}",
            target.display()
        );
    }
}

/// A port that is free on 127.0.0.1, with the one after it free too.
fn free_port_pair() -> Result<u16, String> {
    for _ in 0..100 {
        let port = bench::free_port()?;
        let next = port
            .checked_add(1)
            .map(|p| std::net::TcpListener::bind(("127.0.0.1", p)));
        if matches!(next, Some(Ok(_))) {
            return Ok(port);
        }
    }
    Err("no two free ports side by side on 127.0.0.1".into())
}
