//! What the customer pages' wasm spends its bytes on, per crate and per function, so the next
//! change that grows it can see why (`cargo xtask size`).
//!
//! Trunk's wasm-opt drops the function names, so this measures a copy of the same module made
//! the same way with names kept: wasm-bindgen's output for the page (which Trunk leaves in the
//! target folder), through `wasm-opt -Oz -g`. `twiggy top` (installed from crates.io when
//! missing) lists every function and data segment with its size; the crate is the first path
//! segment of the function's name (the type's crate for `<T as Trait>::f`).

use crate::cmd;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const TWIGGY_VERSION: &str = "0.8.0";
/// How many of the largest functions to list.
const TOP_FUNCTIONS: usize = 25;

/// Installs twiggy from crates.io when it is missing.
pub fn ensure_twiggy() -> Result<(), String> {
    let installed = cmd::output(Command::new("twiggy").arg("--version")).unwrap_or_default();
    // `twiggy-opt 0.8.0`: the binary names itself after its crate's internal package.
    if installed.starts_with("twiggy") {
        println!("twiggy: {}", installed.trim());
        return Ok(());
    }
    println!("installing twiggy {TWIGGY_VERSION} from crates.io (takes a few minutes)");
    cmd::run(cmd::cargo().args(["install", "twiggy", "--version", TWIGGY_VERSION, "--locked"]))
}

/// Prints the breakdown of the wasm the customer bundle `bin` was built into.
pub fn report(bin: &str) -> Result<(), String> {
    cmd::step("What the customer pages' wasm is made of (twiggy, names kept)");
    ensure_twiggy()?;
    let source = bindgen_output(bin)?;
    let named = cmd::target_dir()
        .join("size-breakdown")
        .join(format!("{bin}.wasm"));
    if let Some(dir) = named.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    cmd::run(Command::new("wasm-opt").args([
        "-Oz".as_ref(),
        "-g".as_ref(),
        "--enable-bulk-memory".as_ref(),
        "--enable-nontrapping-float-to-int".as_ref(),
        "--enable-sign-ext".as_ref(),
        "--enable-mutable-globals".as_ref(),
        "--enable-reference-types".as_ref(),
        source.as_os_str(),
        "-o".as_ref(),
        named.as_os_str(),
    ]))?;
    let csv = cmd::output(
        Command::new("twiggy")
            .args(["top", "-n", "1000000", "--format", "csv"])
            .arg(&named),
    )
    .ok_or("twiggy top failed")?;
    let items: Vec<(String, u64)> = parse_top(&csv)
        .into_iter()
        .filter(|(name, _)| !is_names(name))
        .collect();
    let total: u64 = items.iter().map(|(_, size)| size).sum();
    let mut crates: BTreeMap<String, u64> = BTreeMap::new();
    for (name, size) in &items {
        *crates.entry(crate_of(name)).or_default() += size;
    }
    let mut crates: Vec<(String, u64)> = crates.into_iter().collect();
    crates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!(
        "{:<40} {:>9} {:>6}",
        "crate (wasm-opt -Oz, raw bytes)", "bytes", "share"
    );
    for (name, size) in &crates {
        println!(
            "{name:<40} {size:>9} {:>5.1}%",
            *size as f64 * 100.0 / total as f64
        );
    }
    println!("{:<40} {total:>9}", "total");
    println!("\n{:<100} {:>8}", "largest functions", "bytes");
    for (name, size) in items
        .iter()
        .filter(|(n, _)| !is_section(n))
        .take(TOP_FUNCTIONS)
    {
        let shown: String = name.chars().take(100).collect();
        println!("{shown:<100} {size:>8}");
    }
    Ok(())
}

/// The wasm-bindgen output Trunk made for `bin` (the newest, if several).
fn bindgen_output(bin: &str) -> Result<PathBuf, String> {
    let dir = cmd::target_dir().join("wasm-bindgen");
    let mut found: Vec<PathBuf> = Vec::new();
    let mut pending = vec![dir.clone()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().and_then(|n| n.to_str()) == Some(&format!("{bin}_bg.wasm")) {
                found.push(path);
            }
        }
    }
    found.sort_by_key(|p| modified(p));
    found.pop().ok_or_else(|| {
        format!(
            "no {bin}_bg.wasm under {} (build the SPA first)",
            dir.display()
        )
    })
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).ok()?.modified().ok()
}

/// `(name, shallow size)` of every row of `twiggy top --format csv` (`Name,ShallowSize,…`),
/// largest first.
fn parse_top(csv: &str) -> Vec<(String, u64)> {
    let mut items: Vec<(String, u64)> = csv
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = csv_fields(line).into_iter();
            let name = fields.next()?;
            let size = fields.next()?.trim().parse().ok()?;
            Some((name, size))
        })
        .collect();
    items.sort_by_key(|item| std::cmp::Reverse(item.1));
    items
}

/// The fields of one CSV line: a field may be quoted, with `""` for a quote inside.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(field) = fields.last_mut() {
                    field.push('"');
                }
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => {
                if let Some(field) = fields.last_mut() {
                    field.push(c);
                }
            }
        }
    }
    fields
}

/// Twiggy's rows that are not functions: data segments, tables, the sections' own bytes.
fn is_section(name: &str) -> bool {
    name.starts_with("data")
        || name.starts_with("table[")
        || name.starts_with("elem[")
        || name.contains(" section")
        || name.contains(" subsection")
}

/// The name section (kept only for this report; the shipped wasm has none).
fn is_names(name: &str) -> bool {
    name.contains("names\" subsection")
}

const PRIMITIVES: &[&str] = &[
    "bool", "char", "str", "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16",
    "u32", "u64", "u128", "usize",
];

/// The crate a twiggy row belongs to: the first path segment of the function's name; for
/// `<T as Trait>::f` the type's crate, or the trait's when the type is generic or primitive.
/// Data, imports, exports, unnamed code and sections are grouped by their kind.
fn crate_of(name: &str) -> String {
    let kind = [
        ("data", "(data: strings, tables)"),
        ("import ", "(imports from JavaScript)"),
        ("export ", "(exports to JavaScript)"),
        ("code[", "(functions without a name)"),
    ];
    if let Some((_, group)) = kind.iter().find(|(prefix, _)| name.starts_with(prefix)) {
        return (*group).into();
    }
    if is_section(name) {
        return "(wasm sections, tables)".into();
    }
    let path = match name
        .strip_prefix('<')
        .and_then(|inner| inner.split_once(" as "))
    {
        Some((ty, trait_path)) if !bare(ty).contains("::") => trait_path,
        _ => name,
    };
    let first = first_segment(path);
    if !path.contains("::") && !name.starts_with('<') {
        "(runtime intrinsics, exported glue)".into()
    } else if first.is_empty() {
        "(functions without a name)".into()
    } else if PRIMITIVES.contains(&first) {
        "core".into()
    } else {
        first.into()
    }
}

/// `ty` without the reference, pointer and slice marks around it.
fn bare(ty: &str) -> &str {
    let mut rest = ty.trim_start_matches(['<', '&', '*', '(', '[']);
    for prefix in ["mut ", "const ", "dyn ", "impl "] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    rest.trim_start_matches(['<', '&', '(', '['])
}

/// The first identifier of a path (`alloc` in `<alloc::vec::Vec<T> as …>::f`).
fn first_segment(path: &str) -> &str {
    let rest = bare(path);
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_belongs_to_the_crate_its_name_starts_with() {
        assert_eq!(
            crate_of("leptos_router::components::Router::h1"),
            "leptos_router"
        );
        assert_eq!(
            crate_of("<serde_json::de::Deserializer<R> as serde::Deserializer>::deserialize_any"),
            "serde_json"
        );
        assert_eq!(crate_of("<&mut T as core::fmt::Write>::write_str"), "core");
        assert_eq!(
            crate_of("<F as leptos_router::matching::ChooseView>::choose::{{closure}}"),
            "leptos_router"
        );
        assert_eq!(crate_of("<usize as core::fmt::Display>::fmt"), "core");
        assert_eq!(crate_of("usize::to_string"), "core");
        assert_eq!(
            crate_of("import wbg::__wbg_fetch_1"),
            "(imports from JavaScript)"
        );
        assert_eq!(crate_of("memcmp"), "(runtime intrinsics, exported glue)");
        assert_eq!(crate_of("core::fmt::write::h00"), "core");
        assert_eq!(crate_of("data[3]"), "(data: strings, tables)");
        assert_eq!(crate_of("code[12]"), "(functions without a name)");
    }

    #[test]
    fn twiggy_csv_rows_are_read_largest_first() {
        let csv = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent\n\
                   small::f,10,1.0,,\n\
                   \"<a::B as c::D<e, f>>::g\",300,30.0,,\n\
                   \"data segment \"\".rodata\"\"\",120,12.0,,\n";
        let rows = parse_top(csv);
        assert_eq!(rows[0], ("<a::B as c::D<e, f>>::g".to_owned(), 300));
        assert_eq!(rows[1], ("data segment \".rodata\"".to_owned(), 120));
        assert_eq!(rows.len(), 3);
    }
}
