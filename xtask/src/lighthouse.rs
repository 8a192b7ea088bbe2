//! Lighthouse on the customer pages (`cargo xtask size`): first contentful paint, time to
//! interactive and the bytes transferred, for `/sign-in` and `/reset`, cold, with Lighthouse's
//! mobile preset (a mid-range phone on a slow 4G line, simulated) in Debian's Chromium.
//!
//! The pages are served as in production: the server binary (debug build; it only sends
//! files here) with the built `dist/`, on a throw-away SQLite file and a free local port.
//! Lighthouse itself is npm's `lighthouse` at exactly [`VERSION`] (12.x runs on Node 20),
//! installed into the target folder when missing.

use crate::cmd;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const VERSION: &str = "12.2.3";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The pages measured: the sign-in form, and the reset wizard's first page.
const PAGES: &[&str] = &["/sign-in", "/reset"];

/// One page's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub first_contentful_paint_ms: f64,
    pub interactive_ms: f64,
    pub transferred_bytes: f64,
}

/// Runs Lighthouse on every page of [`PAGES`] and prints the figures.
pub fn report() -> Result<(), String> {
    cmd::step(&format!(
        "Lighthouse {VERSION}, mobile preset, cold load (Chromium, headless)"
    ));
    let cli = ensure_lighthouse()?;
    cmd::run(cmd::cargo().args(["build", "--package", "sspr-server"]))?;
    let server = Server::start()?;
    println!(
        "{:<12} {:>12} {:>22} {:>18}",
        "page", "FCP", "time to interactive", "transferred"
    );
    for page in PAGES {
        let url = format!("{}{page}", server.origin);
        let figures = measure(&cli, &url)?;
        println!(
            "{page:<12} {:>10.2} s {:>20.2} s {:>12.0} bytes",
            figures.first_contentful_paint_ms / 1000.0,
            figures.interactive_ms / 1000.0,
            figures.transferred_bytes
        );
    }
    Ok(())
}

/// Lighthouse's command line, installed with npm into the target folder when missing.
fn ensure_lighthouse() -> Result<PathBuf, String> {
    if !std::path::Path::new(CHROMIUM).is_file() {
        crate::tools::ensure_test_tools()?;
    }
    let prefix = cmd::target_dir().join("lighthouse");
    let package = prefix.join("node_modules/lighthouse/package.json");
    let installed = std::fs::read_to_string(&package).unwrap_or_default();
    if installed.contains(&format!("\"version\": \"{VERSION}\"")) {
        println!("lighthouse: {VERSION}");
    } else {
        println!(
            "installing lighthouse {VERSION} (npm) into {}",
            prefix.display()
        );
        std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
        cmd::run(
            Command::new("npm")
                .args([
                    "install",
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                    "--prefix",
                ])
                .arg(&prefix)
                .arg(format!("lighthouse@{VERSION}")),
        )?;
    }
    Ok(prefix.join("node_modules/lighthouse/cli/index.js"))
}

/// Runs Lighthouse once on `url` and reads the figures from its JSON report.
fn measure(cli: &PathBuf, url: &str) -> Result<Figures, String> {
    let out = cmd::target_dir().join("lighthouse").join("report.json");
    let status = Command::new("node")
        .arg(cli)
        .arg(url)
        .args([
            "--only-categories=performance",
            "--output=json",
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox",
        ])
        .arg(format!("--output-path={}", out.display()))
        .env("CHROME_PATH", CHROMIUM)
        .status()
        .map_err(|e| format!("could not start lighthouse: {e}"))?;
    if !status.success() {
        return Err(format!("lighthouse failed on {url} ({status})"));
    }
    let json = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    figures(&json).ok_or_else(|| format!("no figures in Lighthouse's report on {url}"))
}

/// FCP, TTI and the transferred bytes from a Lighthouse JSON report.
pub fn figures(json: &str) -> Option<Figures> {
    let report: serde_json::Value = serde_json::from_str(json).ok()?;
    let audit = |id: &str| report["audits"][id]["numericValue"].as_f64();
    Some(Figures {
        first_contentful_paint_ms: audit("first-contentful-paint")?,
        interactive_ms: audit("interactive")?,
        transferred_bytes: audit("total-byte-weight")?,
    })
}

/// The server, serving `dist/` on a free local port until dropped.
struct Server {
    child: Child,
    origin: String,
    _data: cmd::TempDir,
}

impl Server {
    fn start() -> Result<Server, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let data = cmd::TempDir::new("sspr-lighthouse")?;
        let origin = format!("http://127.0.0.1:{port}");
        let child = Command::new(cmd::target_dir().join("debug").join("sspr-server"))
            .arg("serve")
            .env_remove("SSPR_CONFIG")
            .env("SSPR_DEV", "true")
            .env("SSPR_LISTEN", format!("127.0.0.1:{port}"))
            .env("SSPR_PUBLIC_ORIGIN", &origin)
            .env(
                "SSPR_DATABASE_URL",
                format!("sqlite://{}", data.path().join("sspr.db").display()),
            )
            .env("SSPR_WEB_DIR", cmd::root().join("dist"))
            .env("SSPR_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start the server: {e}"))?;
        let server = Server {
            child,
            origin,
            _data: data,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !healthy(port) {
            if Instant::now() > deadline {
                return Err("the server did not answer /api/health within 60 s".into());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `GET /api/health` on `port` answers 200.
fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figures_are_read_from_lighthouses_report() {
        let json = r#"{"audits": {
            "first-contentful-paint": {"numericValue": 912.5},
            "interactive": {"numericValue": 1830.25},
            "total-byte-weight": {"numericValue": 131072}
        }}"#;
        assert_eq!(
            figures(json),
            Some(Figures {
                first_contentful_paint_ms: 912.5,
                interactive_ms: 1830.25,
                transferred_bytes: 131072.0,
            })
        );
        assert_eq!(figures(r#"{"audits": {}}"#), None);
    }
}
