//! Installs what the commands need and is missing; skips what is present.
//!
//! Everything comes from the package registries this project may use: rustup's wasm target,
//! crates.io (Trunk, the wasm-bindgen CLI), npm (binaryen's wasm-opt, Playwright), Debian
//! (Chromium, PostgreSQL, Node.js, Python), PyPI (schemathesis, `crate::schemathesis`). Nothing downloads a prebuilt binary from elsewhere, which is
//! why Trunk is always run with `--offline` and Playwright with its browser download off.

use crate::cmd;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

const TRUNK_VERSION: &str = "0.21.14";
/// Oldest binaryen that understands what current Rust emits for wasm.
const MIN_WASM_OPT: u32 = 116;

/// The wasm target, Trunk, the wasm-bindgen CLI matching Cargo.lock, wasm-opt, and terser.
pub fn ensure_web_tools() -> Result<(), String> {
    cmd::step("Checking the tools that build the SPA");
    let targets = cmd::output(Command::new("rustup").args(["target", "list", "--installed"]));
    if !targets.is_some_and(|t| t.lines().any(|l| l.trim() == "wasm32-unknown-unknown")) {
        println!("installing the wasm32-unknown-unknown target");
        cmd::run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    let trunk = cmd::output(Command::new("trunk").arg("--version")).unwrap_or_default();
    if trunk.starts_with("trunk 0.21.") {
        println!("trunk: {}", trunk.trim());
    } else {
        println!("installing Trunk {TRUNK_VERSION} from crates.io (takes several minutes)");
        cmd::run(
            cmd::cargo()
                .args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"])
                .env("CARGO_PROFILE_RELEASE_LTO", "off")
                .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"),
        )?;
    }

    let wanted = locked_version("wasm-bindgen")?;
    let installed = cmd::output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if installed.trim() == format!("wasm-bindgen {wanted}") {
        println!("wasm-bindgen: {wanted}");
    } else {
        println!(
            "installing wasm-bindgen-cli {wanted} (the version in Cargo.lock; takes a few minutes)"
        );
        let install = |locked: bool| {
            let mut command = cmd::cargo();
            command.args(["install", "wasm-bindgen-cli", "--version", &wanted]);
            if locked {
                command.arg("--locked");
            }
            cmd::run(&mut command)
        };
        // The CLI's own lock file can name a since-yanked crate; then resolve afresh.
        if install(true).is_err() {
            println!("retrying without --locked");
            install(false)?;
        }
    }

    let wasm_opt = cmd::output(Command::new("wasm-opt").arg("--version")).unwrap_or_default();
    match binaryen_version(&wasm_opt) {
        Some(v) if v >= MIN_WASM_OPT => println!("wasm-opt: version {v}"),
        _ => {
            ensure_node()?;
            println!("installing wasm-opt (npm package binaryen)");
            cmd::run(Command::new("npm").args(["install", "--global", "binaryen"]))?;
        }
    }

    let terser = cmd::output(Command::new("terser").arg("--version")).unwrap_or_default();
    if terser.starts_with("terser 5.") {
        println!("terser: {}", terser.trim());
    } else {
        ensure_node()?;
        println!("installing terser 5 (npm), which minifies the JS loaders");
        cmd::run(Command::new("npm").args(["install", "--global", "terser@5"]))?;
    }
    Ok(())
}

/// Chromium, the end-to-end tests' npm packages, and PostgreSQL.
pub fn ensure_test_tools() -> Result<(), String> {
    cmd::step("Checking the tools the tests need");
    if std::path::Path::new("/usr/bin/chromium").is_file() {
        println!("chromium: /usr/bin/chromium");
    } else {
        apt_install(&["chromium"])?;
    }
    ensure_node()?;
    let end2end = cmd::root().join("end2end");
    let installed = end2end.join("node_modules/.package-lock.json");
    let lock = end2end.join("package-lock.json");
    let fresh = match (modified(&installed), modified(&lock)) {
        (Some(i), Some(l)) => i >= l,
        _ => false,
    };
    if fresh {
        println!("end2end npm packages: installed");
    } else {
        println!("installing the end2end npm packages (npm ci)");
        cmd::run(
            Command::new("npm")
                .arg("ci")
                .current_dir(&end2end)
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
        )?;
    }
    ensure_postgres()
}

/// Python 3 with `venv` (the schema tests install schemathesis into a virtual environment).
pub fn ensure_python_venv() -> Result<(), String> {
    let ready = cmd::output(Command::new("python3").args(["-c", "import ensurepip, venv"]));
    if ready.is_some() {
        Ok(())
    } else {
        apt_install(&["python3", "python3-venv"])
    }
}

/// PostgreSQL's server binaries (`initdb`, `pg_ctl`, `createdb`).
pub fn ensure_postgres() -> Result<(), String> {
    if crate::postgres::bin_dir().is_some() {
        println!("postgresql: installed");
        Ok(())
    } else {
        apt_install(&["postgresql"])
    }
}

/// Debian's `wrk`, the HTTP load client of `cargo xtask bench --peer`.
pub fn ensure_wrk() -> Result<(), String> {
    if cmd::exists("wrk") {
        println!("wrk: installed");
        return Ok(());
    }
    apt_install(&["wrk"])
}

/// Debian's HAProxy, the load balancer of `cargo xtask bench --cluster`.
pub fn ensure_haproxy() -> Result<(), String> {
    if cmd::exists("haproxy") {
        println!("haproxy: installed");
        return Ok(());
    }
    apt_install(&["haproxy"])
}

/// Node.js and npm (the peer benchmark's server runs on Node).
pub fn ensure_node() -> Result<(), String> {
    if cmd::exists("npm") && cmd::exists("node") {
        return Ok(());
    }
    apt_install(&["nodejs", "npm"])
}

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// `apt-get install -y packages`, as root or through sudo, after one `apt-get update`.
fn apt_install(packages: &[&str]) -> Result<(), String> {
    println!("installing {} with apt-get", packages.join(" "));
    let sudo = !cmd::is_root();
    if sudo && !cmd::exists("sudo") {
        return Err(format!(
            "{} is missing and this user cannot install it: run `apt-get install {}` as root",
            packages.join(" "),
            packages.join(" ")
        ));
    }
    let apt = |args: &[&str]| {
        let mut command = if sudo {
            Command::new("sudo")
        } else {
            Command::new("apt-get")
        };
        if sudo {
            command.arg("apt-get");
        }
        // Another install may hold dpkg's lock for a while: wait for it instead of failing.
        command
            .args(["-o", "DPkg::Lock::Timeout=600"])
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    if !APT_UPDATED.swap(true, Ordering::SeqCst) {
        cmd::run(&mut apt(&["update"]))?;
    }
    let mut install = apt(&["install", "-y"]);
    install.args(packages);
    cmd::run(&mut install)
}

/// The version of `package` that Cargo.lock resolved.
fn locked_version(package: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(cmd::root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or_else(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    let version = lock[start..].split('"').next().unwrap_or_default();
    Ok(version.to_owned())
}

/// `wasm-opt version 123 (…)` → 123.
fn binaryen_version(text: &str) -> Option<u32> {
    text.split_whitespace()
        .skip_while(|w| *w != "version")
        .nth(1)?
        .parse()
        .ok()
}

fn modified(path: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).ok()?.modified().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binaryen_version_is_read_from_wasm_opt_output() {
        assert_eq!(
            binaryen_version("wasm-opt version 132 (version_132)"),
            Some(132)
        );
        assert_eq!(binaryen_version(""), None);
    }

    #[test]
    fn the_locked_wasm_bindgen_version_is_found() {
        let version = locked_version("wasm-bindgen").expect("in the lock file");
        assert!(version.starts_with("0.2."), "{version}");
    }
}
