//! The layering rules of this crate, checked by reading its source (see the module map in
//! `lib.rs`):
//!
//! - every SQL statement lives under `store/` — a string that starts like SQL, or a call of
//!   `sqlx::query…`, anywhere else fails;
//! - a write transaction is opened one way, `Db::begin_write` — `.begin()` or `begin_with(`
//!   outside `store/mod.rs` fails;
//! - every route handler extracts its input, calls one use-case and maps the result, so none is
//!   longer than [`MAX_HANDLER_LINES`] lines.
//!
//! These run with the unit tests (`cargo test`), so the test command checks them.

use std::path::{Path, PathBuf};

/// The longest a handler in `routes/` may be, from `async fn` to its closing brace.
const MAX_HANDLER_LINES: usize = 30;

/// How SQL strings begin (after the opening quote), and the calls that run SQL.
const SQL_MARKERS: &[&str] = &[
    "\"SELECT ",
    "\"INSERT ",
    "\"UPDATE ",
    "\"DELETE ",
    "\"CREATE ",
    "\"DROP ",
    "\"ALTER ",
    "\"LOCK ",
    "\"PRAGMA ",
    "\"WITH ",
    "\"BEGIN",
    "\"COMMIT",
    "\"ROLLBACK",
    "sqlx::query",
    "query_scalar(",
    "query_as(",
];

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every source file under `src/`, as (path relative to `src/`, code lines with their numbers);
/// comment lines are left out.
fn sources() -> Vec<(String, Vec<(usize, String)>)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable source");
            let name = path
                .strip_prefix(&src)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            let lines = text
                .lines()
                .enumerate()
                .filter(|(_, line)| !line.trim_start().starts_with("//"))
                .map(|(i, line)| (i + 1, line.to_owned()))
                .collect();
            (name, lines)
        })
        .collect()
}

/// Where `lines` of the file `name` break the SQL and transaction rules.
fn sql_outside_store(name: &str, lines: &[(usize, String)]) -> Vec<String> {
    if name.starts_with("store/") || name == "layout.rs" {
        return Vec::new();
    }
    lines
        .iter()
        .filter(|(_, line)| {
            SQL_MARKERS.iter().any(|m| line.contains(m))
                || line.contains(".begin()")
                || line.contains("begin_with(")
        })
        .map(|(n, line)| format!("{name}:{n}: {}", line.trim()))
        .collect()
}

/// The handlers in `lines` longer than [`MAX_HANDLER_LINES`], with their length.
fn long_handlers(name: &str, lines: &[(usize, String)]) -> Vec<String> {
    let mut long = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (n, line) in lines {
        if line.starts_with("async fn ") || line.starts_with("pub async fn ") {
            open = Some((*n, line.as_str()));
        } else if line.starts_with('}') {
            if let Some((start, signature)) = open.take() {
                let length = n - start + 1;
                if length > MAX_HANDLER_LINES {
                    long.push(format!(
                        "{name}:{start}: {length} lines: {}",
                        signature.trim()
                    ));
                }
            }
        }
    }
    long
}

#[test]
fn no_sql_outside_the_store_and_one_way_to_begin_a_write() {
    let found: Vec<String> = sources()
        .iter()
        .flat_map(|(name, lines)| sql_outside_store(name, lines))
        .collect();
    assert!(
        found.is_empty(),
        "SQL belongs in store/, and write transactions open with Db::begin_write:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_route_handler_is_short() {
    let found: Vec<String> = sources()
        .iter()
        .filter(|(name, _)| name.starts_with("routes/"))
        .flat_map(|(name, lines)| long_handlers(name, lines))
        .collect();
    assert!(
        found.is_empty(),
        "a handler extracts its input, calls one use-case and maps the result:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checks_find_what_they_look_for() {
    let lines = |text: &str| -> Vec<(usize, String)> {
        text.lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.to_owned()))
            .collect()
    };
    let sql = lines("let x = 1;\n    sqlx::query(\"SELECT 1\")\nlet tx = pool.begin().await;");
    assert_eq!(sql_outside_store("identity/x.rs", &sql).len(), 2);
    assert!(sql_outside_store("store/x.rs", &sql).is_empty());
    let handler = format!("async fn h() {{\n{}}}\n", "    a();\n".repeat(40));
    assert_eq!(long_handlers("routes/x.rs", &lines(&handler)).len(), 1);
    let short = "async fn h() {\n    a();\n}\n";
    assert!(long_handlers("routes/x.rs", &lines(short)).is_empty());
}
