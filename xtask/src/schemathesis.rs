//! The API schema tier of `cargo xtask test`: schemathesis (4.x, from PyPI, in a virtual
//! environment under the target folder) generates requests from `/api/openapi.json` and holds
//! the production-mode server to the document: no server error, no status the document does not
//! list, no answer off its schema, no request the document allows refused as malformed (the
//! check in `xtask/schemathesis/sspr_checks.py`), and requests the document forbids refused.
//!
//! The server runs from the debug build on a fresh SQLite file in a temporary folder, with the
//! per-address limits raised (every request comes from 127.0.0.1, as in the browser tests). The
//! public endpoints are run without credentials; then the first global administrator is set up
//! from a one-time token (`sspr-server bootstrap-admin`), signs in with a TOTP code computed by
//! `xtask/schemathesis/admin_session.py`, and the admin and Graph endpoints are run with that
//! session's cookie (signing in and out excepted, which would end the session under test).

use crate::bench::{free_port, random_secret, Server};
use crate::cmd;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Schemathesis' major version; the tier installs the newest 4.x.
const MAJOR: &str = "4";
/// Test cases per operation and phase: a few minutes for the whole tier on two cores.
const MAX_EXAMPLES: &str = "40";

/// Runs the tier.
pub fn run() -> Result<(), String> {
    cmd::step("API schema tests: schemathesis against the production-mode server");
    let venv = ensure_installed()?;
    let bin = cmd::build_test_binaries(&["sspr-server"])?.join("sspr-server");
    let dir = cmd::TempDir::new("sspr-schemathesis")?;
    let web = dir.path().join("web");
    std::fs::create_dir_all(&web).map_err(|e| format!("{}: {e}", web.display()))?;
    run_in(&venv, &bin, dir.path())
}

fn run_in(venv: &Path, bin: &Path, dir: &Path) -> Result<(), String> {
    std::fs::write(
        dir.join("web/index.html"),
        "<!DOCTYPE html><html><head><title>SSPR</title></head><body></body></html>",
    )
    .map_err(|e| format!("{}: {e}", dir.display()))?;
    let port = free_port()?;
    let origin = format!("http://127.0.0.1:{port}");
    let environment = [
        ("SSPR_LISTEN", format!("127.0.0.1:{port}")),
        ("SSPR_PUBLIC_ORIGIN", origin.clone()),
        (
            "SSPR_DATABASE_URL",
            format!("sqlite://{}", dir.join("sspr.db").display()),
        ),
        ("SSPR_WEB_DIR", dir.join("web").display().to_string()),
        ("SSPR_SECRET", random_secret()?),
        ("SSPR_LOG", "error".into()),
        ("SSPR_FLOW_STARTS_PER_MINUTE", "1000000".into()),
        ("SSPR_CODE_CHECKS_PER_MINUTE", "1000000".into()),
        ("SSPR_PASSWORD_ATTEMPTS_PER_MINUTE", "1000000".into()),
        ("SSPR_REQUESTS_PER_MINUTE", "1000000".into()),
        ("SSPR_CAPTCHAS_PER_MINUTE", "1000000".into()),
    ];
    let server_command = || {
        let mut command = Command::new(bin);
        command
            .env_remove("SSPR_CONFIG")
            .env_remove("SSPR_DEV")
            .env_remove("SSPR_SMTP_URL")
            .envs(environment.iter().map(|(k, v)| (k, v.as_str())))
            .current_dir(dir);
        command
    };
    let mut serve = server_command();
    serve.arg("serve");
    let mut server = Server::start(serve)?;
    server.wait_healthy(port)?;

    let mut bootstrap = server_command();
    bootstrap.args(["bootstrap-admin", "--replace"]);
    let printed = cmd::output(&mut bootstrap).ok_or("sspr-server bootstrap-admin failed")?;
    let token = printed
        .lines()
        .map(str::trim)
        .find(|l| {
            l.len() == 43
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .ok_or("sspr-server bootstrap-admin printed no token")?;
    let mut sign_in = Command::new(venv.join("bin/python"));
    sign_in
        .arg(scripts().join("admin_session.py"))
        .args([&origin, token]);
    let cookie = cmd::output(&mut sign_in).ok_or("the administrator could not sign in")?;
    let cookie = format!("Cookie:{}", cookie.trim());

    let schema = format!("{origin}/api/openapi.json");
    let admin_paths = "^/api/(admin|graph)/";
    let sign_in_paths = "^/api/admin/(bootstrap|totp/confirm|session)$";
    // Not run as the administrator: signing in and out (which would end the session under
    // test), and the method configuration by id, whose body depends on the id: each method's
    // literal path is run instead.
    let not_as_admin = format!(
        "{sign_in_paths}|^/api/graph/v1.0/policies/authenticationMethodsPolicy/\
         authenticationMethodConfigurations/\\{{id\\}}$"
    );
    println!("public endpoints, without credentials");
    schemathesis(
        venv,
        dir,
        &schema,
        &origin,
        &["--exclude-path-regex", admin_paths],
    )?;
    println!("public sign-in endpoints of the administrators, without credentials");
    schemathesis(
        venv,
        dir,
        &schema,
        &origin,
        &["--include-path-regex", sign_in_paths],
    )?;
    println!("admin and Graph endpoints, as the signed-in global administrator");
    schemathesis(
        venv,
        dir,
        &schema,
        &origin,
        &[
            "--include-path-regex",
            admin_paths,
            "--exclude-path-regex",
            &not_as_admin,
            "-H",
            &cookie,
        ],
    )?;
    server.stop()
}

/// One schemathesis run against `schema` on `origin` with `extra` arguments, in `dir` (where it
/// keeps its cache).
fn schemathesis(
    venv: &Path,
    dir: &Path,
    schema: &str,
    origin: &str,
    extra: &[&str],
) -> Result<(), String> {
    let origin_header = format!("Origin:{origin}");
    cmd::run(
        Command::new(venv.join("bin/schemathesis"))
            .args(["run", schema])
            .args([
                "--checks",
                "all",
                "--exclude-checks",
                "positive_data_acceptance",
            ])
            .args(["--max-examples", MAX_EXAMPLES])
            .args(["-H", "X-SSPR-CSRF:1", "-H", &origin_header])
            .args(extra)
            .env("SCHEMATHESIS_HOOKS", "sspr_checks")
            .env("PYTHONPATH", scripts())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("NO_COLOR", "1")
            .current_dir(dir),
    )
}

/// The harness' Python files.
fn scripts() -> PathBuf {
    cmd::root().join("xtask").join("schemathesis")
}

/// The virtual environment with schemathesis 4.x, created and installed when missing (also by
/// `cargo xtask setup`).
pub fn ensure_installed() -> Result<PathBuf, String> {
    let venv = cmd::target_dir().join("schemathesis");
    let bin = venv.join("bin/schemathesis");
    let installed = cmd::output(Command::new(&bin).arg("--version")).unwrap_or_default();
    if installed.starts_with(&format!("schemathesis, version {MAJOR}.")) {
        println!("{}", installed.trim());
        return Ok(venv);
    }
    crate::tools::ensure_python_venv()?;
    println!(
        "installing schemathesis {MAJOR}.x from PyPI into {}",
        venv.display()
    );
    cmd::run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    cmd::run(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--upgrade"])
            .arg(format!(
                "schemathesis>={MAJOR},<{}",
                MAJOR.parse::<u32>().unwrap_or(4) + 1
            )),
    )?;
    Ok(venv)
}
