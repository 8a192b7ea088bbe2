//! Building the SPA, precompressing it, and the size report with its budget.
//!
//! Three bundles: the customer pages (`index.html` → `dist/`), the admin portal
//! (`admin/index.html` → `dist/admin/`, public URL `/admin/`) and the companion authenticator
//! app (`authenticator/index.html` → `dist/authenticator/`), so neither adds to what a customer
//! downloads. `trunk build --release` writes each; terser minifies the JS loaders;
//! every text or wasm asset then gets `.br` and `.gz` siblings, which the server sends to
//! clients that accept them. The size report sums what a customer's browser loads on a cold
//! visit (`index.html` and the files it names) and fails above the SPEC §7 ceiling; the portal's
//! cold load is printed beside it, unbudgeted.

use crate::cmd;
use std::io::Write;
use std::path::{Path, PathBuf};

/// SPEC §7: all bytes of a customer page's cold load, brotli-compressed — the target…
pub const CUSTOMER_TARGET_BROTLI: u64 = 120_000;
/// …and the ceiling.
pub const CUSTOMER_CEILING_BROTLI: u64 = 150_000;
/// What `cargo xtask size` and the test command enforce. The design's packages (leptos,
/// leptos_router, gloo-net, serde) alone put the cold load above the ceiling after every
/// allowed lever, so, as SPEC §7 says, the gate is the measured size plus 5 %: 305,938 bytes
/// (2026-12-03, with the company branding, the security info page, the reset wizard's
/// "Verify another method" step with phones and push approvals, the registration interrupt at
/// sign-in, "Can't access your account?" with its verification picture, and phone and push
/// registration; README "Size of the SPA") × 1.05. It stops regressions; lower it when the
/// pages shrink.
pub const CUSTOMER_GATE_BROTLI: u64 = 321_235;

const COMPRESSIBLE: &[&str] = &[
    "html",
    "js",
    "wasm",
    "css",
    "svg",
    "json",
    "txt",
    "webmanifest",
];

/// The bundles built into `dist/<name>/` after the customer pages, each from
/// `<name>/index.html` with public URL `/<name>/` (the server's `http::spa::BUNDLES`).
const BUNDLES: [&str; 2] = ["admin", "authenticator"];

/// `trunk build --release --offline` of the customer pages, then of each other bundle into
/// `dist/<name>/` (after, since the first build replaces the whole of `dist/`), then
/// precompression.
pub fn build() -> Result<(), String> {
    cmd::step(
        "Building the SPA (trunk build --release): customer pages, the admin portal, the authenticator app",
    );
    cmd::run(
        std::process::Command::new("trunk")
            .args(["build", "--release", "--offline"])
            .current_dir(cmd::root()),
    )?;
    for bundle in BUNDLES {
        let dist = format!("dist/{bundle}");
        let public_url = format!("/{bundle}/");
        let index = format!("{bundle}/index.html");
        cmd::run(
            std::process::Command::new("trunk")
                .args(["build", "--release", "--offline", "--dist", &dist])
                .args(["--public-url", &public_url, &index])
                .current_dir(cmd::root()),
        )?;
    }
    let files = assets(&cmd::root().join("dist"))?;
    // Trunk's own JS minifier cannot parse wasm-bindgen's loader (`export { … as default }`)
    // and leaves it as it is, with a warning; terser minifies it (a third less, brotli).
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "js"))
    {
        minify_js(file)?;
    }
    for file in &files {
        if is_compressible(file) {
            let raw = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
            write(&with_suffix(file, "br"), &brotli(&raw))?;
            write(&with_suffix(file, "gz"), &gzip(&raw))?;
        }
    }
    println!("dist/: {} assets, precompressed (.br, .gz)", files.len());
    Ok(())
}

/// Prints every asset's raw, gzip and brotli size, and what a cold load takes — a customer
/// page's (`index.html` and every file it names: stylesheets, icon, the JS loader and the wasm
/// named in the bootstrap script) and, separately, the admin portal's (`admin/index.html` and
/// its files). Fails when the customer total, brotli, is over the ceiling; the portal has none.
pub fn size_report() -> Result<(), String> {
    cmd::step("Size of the SPA (what a browser downloads)");
    let dist = cmd::root().join("dist");
    let index = std::fs::read_to_string(dist.join("index.html"))
        .map_err(|e| format!("dist/index.html: {e} (build the SPA first)"))?;
    let customer = referenced_files(&index);
    let bundle = |name: &str| {
        std::fs::read_to_string(dist.join(name).join("index.html"))
            .map(|html| referenced_files(&html))
            .unwrap_or_default()
    };
    let admin = bundle("admin");
    let authenticator = bundle("authenticator");
    let mut rows = Vec::new();
    for file in assets(&dist)? {
        let raw = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let name = file
            .strip_prefix(&dist)
            .unwrap_or(&file)
            .display()
            .to_string();
        let (gz, br) = if is_compressible(&file) {
            (gzip(&raw).len() as u64, brotli(&raw).len() as u64)
        } else {
            (raw.len() as u64, raw.len() as u64)
        };
        // `/theme.css` is served from the configured theme; the default one counts for both.
        let load =
            if name == "index.html" || name == "themes/default.css" || customer.contains(&name) {
                Load::Customer
            } else if name == "admin/index.html" || admin.contains(&name) {
                Load::Admin
            } else if name.starts_with("authenticator/")
                && (name == "authenticator/index.html" || authenticator.contains(&name))
            {
                Load::Authenticator
            } else {
                Load::Neither
            };
        rows.push((name, raw.len() as u64, gz, br, load));
    }
    rows.sort();
    println!(
        "{:<48} {:>9} {:>9} {:>9}  cold load of",
        "asset", "raw", "gzip", "brotli"
    );
    let mut customer_total = (0, 0, 0);
    let mut admin_total = (0, 0, 0);
    let mut authenticator_total = (0, 0, 0);
    for (name, raw, gz, br, load) in &rows {
        let label = match load {
            Load::Customer => "customer pages",
            Load::Admin => "admin portal",
            Load::Authenticator => "authenticator app",
            Load::Neither => "",
        };
        println!("{name:<48} {raw:>9} {gz:>9} {br:>9}  {label}");
        let add = |t: &mut (u64, u64, u64)| *t = (t.0 + raw, t.1 + gz, t.2 + br);
        match load {
            Load::Customer => add(&mut customer_total),
            Load::Admin => add(&mut admin_total),
            Load::Authenticator => add(&mut authenticator_total),
            Load::Neither => {}
        }
    }
    // The portal and the authenticator load the same `/theme.css`.
    if let Some((_, raw, gz, br, _)) = rows.iter().find(|r| r.0 == "themes/default.css") {
        for total in [&mut admin_total, &mut authenticator_total] {
            *total = (total.0 + raw, total.1 + gz, total.2 + br);
        }
    }
    println!(
        "{:<48} {:>9} {:>9} {:>9}",
        "admin portal cold load (/admin), total", admin_total.0, admin_total.1, admin_total.2
    );
    println!(
        "{:<48} {:>9} {:>9} {:>9}",
        "authenticator cold load (/authenticator), total",
        authenticator_total.0,
        authenticator_total.1,
        authenticator_total.2
    );
    println!(
        "{:<48} {:>9} {:>9} {:>9}",
        "customer page cold load, total", customer_total.0, customer_total.1, customer_total.2
    );
    let used = customer_total.2;
    let share = |of: u64| used as f64 * 100.0 / of as f64;
    println!(
        "customer pages, brotli: {used} bytes; SPEC §7 target {CUSTOMER_TARGET_BROTLI} ({:.1} %), ceiling {CUSTOMER_CEILING_BROTLI} ({:.1} %); gate {CUSTOMER_GATE_BROTLI} ({:.1} %)",
        share(CUSTOMER_TARGET_BROTLI),
        share(CUSTOMER_CEILING_BROTLI),
        share(CUSTOMER_GATE_BROTLI),
    );
    if used > CUSTOMER_GATE_BROTLI {
        return Err(format!(
            "a customer page's cold load is {used} bytes brotli, over the {CUSTOMER_GATE_BROTLI}-byte gate (SPEC §7; README, \"Size of the SPA\")"
        ));
    }
    Ok(())
}

/// Builds `examples/size_floor.rs` the way the customer pages are built (same profile,
/// wasm-bindgen `--target web`, `wasm-opt -Oz`, terser) and prints its wasm and JS loader
/// sizes: the smallest Leptos app, what every Leptos page pays before any code of its own.
pub fn floor_report() -> Result<(), String> {
    cmd::step("Size of examples/size_floor.rs");
    let total = example_size("size_floor")?;
    println!("size_floor, wasm + JS, brotli: {total} bytes");
    Ok(())
}

/// Builds `examples/{example}.rs` like the pages; prints and answers its brotli size.
fn example_size(example: &str) -> Result<usize, String> {
    cmd::run(cmd::cargo().args([
        "build",
        "--example",
        example,
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]))?;
    let built = cmd::target_dir()
        .join("wasm32-unknown-unknown/wasm-release/examples")
        .join(format!("{example}.wasm"));
    let out = cmd::target_dir().join("size-examples").join(example);
    let _ = std::fs::remove_dir_all(&out);
    cmd::run(std::process::Command::new("wasm-bindgen").args([
        "--target".as_ref(),
        "web".as_ref(),
        "--out-dir".as_ref(),
        out.as_os_str(),
        built.as_os_str(),
    ]))?;
    let wasm = out.join(format!("{example}_bg.wasm"));
    cmd::run(std::process::Command::new("wasm-opt").args([
        "-Oz".as_ref(),
        "--enable-bulk-memory".as_ref(),
        "--enable-nontrapping-float-to-int".as_ref(),
        "--enable-sign-ext".as_ref(),
        "--enable-mutable-globals".as_ref(),
        "--enable-reference-types".as_ref(),
        wasm.as_os_str(),
        "-o".as_ref(),
        wasm.as_os_str(),
    ]))?;
    let js = out.join(format!("{example}.js"));
    minify_js(&js)?;
    let mut total = 0;
    for file in [wasm, js] {
        let raw = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let br = brotli(&raw).len();
        total += br;
        println!(
            "{:<24} {:>9} raw {:>9} brotli",
            file.file_name().unwrap_or_default().to_string_lossy(),
            raw.len(),
            br
        );
    }
    Ok(total)
}

/// Minifies the ES module at `file` in place with terser.
fn minify_js(file: &Path) -> Result<(), String> {
    cmd::run(
        std::process::Command::new("terser")
            .arg(file)
            .args(["--module", "--compress", "--mangle", "--output"])
            .arg(file),
    )
}

/// The dist-relative names of the local files `html` refers to: every `/path` attribute value
/// (quoted or not, as minified HTML has them) and every quoted `/path` in the bootstrap script.
/// What a `<noscript>` names is left out: a browser running the pages never loads it.
fn referenced_files(html: &str) -> Vec<String> {
    let mut loaded = String::new();
    let mut rest = html;
    const END: &str = "</noscript>";
    while let Some(start) = rest.find("<noscript>") {
        loaded.push_str(&rest[..start]);
        rest = rest[start..]
            .find(END)
            .map_or("", |end| &rest[start + end + END.len()..]);
    }
    loaded.push_str(rest);
    loaded
        .split(['"', '\'', ' ', '=', '<', '>', '\n'])
        .filter(|s| s.starts_with('/') && !s.starts_with("//") && s.len() > 1)
        .map(|s| s.trim_start_matches('/').to_owned())
        .collect()
}

/// Every file under `dir` except the precompressed copies.
fn assets(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
                found.push(path);
            }
        }
    }
    Ok(found)
}

/// Whose cold load an asset is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Load {
    Customer,
    Admin,
    Authenticator,
    Neither,
}

fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSIBLE.contains(&e))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn brotli(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    // Writing into a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &raw[..], &mut out, &params);
    out
}

fn gzip(raw: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = encoder.write_all(raw);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_shrinks_repetitive_text_and_round_trips() {
        let raw = "let x = 1;\n".repeat(200).into_bytes();
        let br = brotli(&raw);
        let gz = gzip(&raw);
        assert!(br.len() < raw.len() / 10 && gz.len() < raw.len() / 10);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).expect("decompresses");
        assert_eq!(back, raw);
    }

    #[test]
    fn the_cold_load_is_the_index_and_the_files_it_names() {
        let html = r#"<link rel="stylesheet" href="/a-1.css"><link rel="modulepreload" href="/app.js">
<script type="module">import init from '/app.js'; init({ module_or_path: '/app_bg.wasm' });</script>
<link href=/b-2.css rel=stylesheet><a href="//cdn.example/x.js">
<noscript><link rel="stylesheet" href="/public/noscript.css"></noscript>"#;
        let files = referenced_files(html);
        assert!(files.contains(&"a-1.css".to_owned()));
        assert!(files.contains(&"b-2.css".to_owned()));
        assert!(files.contains(&"app.js".to_owned()));
        assert!(files.contains(&"app_bg.wasm".to_owned()));
        assert!(!files.iter().any(|f| f.contains("cdn")));
        assert!(!files.iter().any(|f| f.contains("noscript")));
    }

    #[test]
    fn precompressed_copies_are_named_beside_the_original() {
        assert_eq!(
            with_suffix(Path::new("dist/a.js"), "br"),
            PathBuf::from("dist/a.js.br")
        );
    }
}
