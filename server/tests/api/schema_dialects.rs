//! The two migration folders (`server/migrations/{sqlite,postgres}`) build the same schema: after
//! migrating a fresh database of each, their tables, columns (name, kind of type, nullability),
//! primary keys, unique constraints, foreign keys and indexes are compared, so a migration added
//! to one dialect and forgotten in the other fails the test command.
//!
//! Where the dialects differ on purpose, the comparison normalises: types compare by kind
//! (`BIGINT`/`INTEGER`/`BIGSERIAL` are integers, `TEXT` is text); `COLLATE "C"` is SQLite's
//! default byte order; SQLite appends the row id to every index, so on a table whose
//! `INTEGER PRIMARY KEY` is the row id an index ends with that column; and an index counts as
//! present on the other side when an index there begins with the same columns (PostgreSQL keeps
//! a few narrower indexes that its wider ones also serve). A partial index matches only one
//! with the same condition.

use crate::helpers::admin_exec;
use sqlx::Row;
use sspr_server::store::Db;
use std::collections::{BTreeMap, BTreeSet};

/// A table as both dialects describe it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    /// Column name → (kind of type, NOT NULL).
    columns: BTreeMap<String, (String, bool)>,
    primary_key: Vec<String>,
    unique: BTreeSet<Vec<String>>,
    /// (columns, referenced table, referenced columns, on delete).
    foreign_keys: BTreeSet<(Vec<String>, String, Vec<String>, String)>,
    /// (unique, columns or expressions), normalised.
    indexes: BTreeSet<(bool, Vec<String>)>,
}

fn kind(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") || t.contains("serial") {
        "integer".into()
    } else if t.contains("char") || t.contains("text") || t.contains("clob") {
        "text".into()
    } else if t.contains("bool") {
        "boolean".into()
    } else if t.contains("real")
        || t.contains("floa")
        || t.contains("doub")
        || t.contains("numeric")
    {
        "real".into()
    } else {
        t
    }
}

/// A partial index's condition as both dialects can be compared: PostgreSQL's parentheses and
/// casts (`(state = 'open'::text)`) dropped, words lowercased, quoted literals kept as they are
/// (`'Open'` and `'open'` differ). A condition PostgreSQL rewrites further (`IN (…)` becomes
/// `= ANY (ARRAY[…])`) reads differently on the two sides, so the comparison reports it rather
/// than passing it.
fn condition(sql: &str) -> String {
    let mut out = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                out.push(c);
                for q in chars.by_ref() {
                    out.push(q);
                    if q == '\'' {
                        break;
                    }
                }
            }
            '(' | ')' => {}
            ':' if chars.peek() == Some(&':') => {
                chars.next();
                while chars
                    .next_if(|t| t.is_ascii_alphanumeric() || *t == '_')
                    .is_some()
                {}
            }
            _ => out.push(c.to_ascii_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An index's column list from its SQL, `(a, lower(b) COLLATE "C", c DESC)` → `["a", "lower(b)",
/// "c desc"]`. A partial index's condition comes first, `… (a) WHERE (a IS NOT NULL)` →
/// `["where a is not null", "a"]` (parentheses dropped, as PostgreSQL adds them), so it is
/// served only by an index with the same condition.
fn index_columns(sql: &str) -> Vec<String> {
    let open = sql.find('(').unwrap_or(0);
    let mut depth = 0;
    let mut close = sql.len();
    for (at, c) in sql.char_indices().skip_while(|(at, _)| *at <= open) {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => {
                close = at;
                break;
            }
            ')' => depth -= 1,
            _ => {}
        }
    }
    let inner = &sql[open + 1..close];
    let mut columns = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in inner.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                columns.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    columns.push(current);
    let rest = sql.get(close + 1..).unwrap_or("");
    let partial = rest
        .to_ascii_lowercase()
        .find("where ")
        .map(|at| condition(&rest[at..]));
    let columns = columns.iter().map(|c| {
        c.to_ascii_lowercase()
            .replace("collate \"c\"", "")
            .replace(" asc", "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    });
    partial.into_iter().chain(columns).collect()
}

async fn sqlite_schema(db: &Db) -> BTreeMap<String, Table> {
    let pool = &db.pool;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    let mut schema = BTreeMap::new();
    for name in names {
        let mut table = Table::default();
        let mut key: Vec<(i64, String)> = Vec::new();
        let mut row_id = None;
        for row in sqlx::query(&format!("PRAGMA table_info({name})"))
            .fetch_all(pool)
            .await
            .expect("columns")
        {
            let column: String = row.get("name");
            let declared: String = row.get("type");
            let pk: i64 = row.get("pk");
            let not_null: i64 = row.get("notnull");
            if pk > 0 {
                key.push((pk, column.clone()));
                if declared.eq_ignore_ascii_case("INTEGER") {
                    row_id = Some(column.clone());
                }
            }
            // PostgreSQL's primary key columns are never null; SQLite's may be unless declared.
            table
                .columns
                .insert(column, (kind(&declared), not_null == 1 || pk > 0));
        }
        key.sort();
        if key.len() != 1 {
            row_id = None;
        }
        table.primary_key = key.into_iter().map(|(_, c)| c).collect();
        for row in sqlx::query(&format!("PRAGMA foreign_key_list({name})"))
            .fetch_all(pool)
            .await
            .expect("foreign keys")
        {
            let from: String = row.get("from");
            let to: String = row.get("to");
            let table_to: String = row.get("table");
            let on_delete: String = row.get("on_delete");
            table.foreign_keys.insert((
                vec![from],
                table_to,
                vec![to],
                on_delete.to_ascii_lowercase(),
            ));
        }
        for row in sqlx::query(&format!("PRAGMA index_list({name})"))
            .fetch_all(pool)
            .await
            .expect("indexes")
        {
            let index: String = row.get("name");
            let unique: i64 = row.get("unique");
            let origin: String = row.get("origin");
            let columns: Vec<String> = sqlx::query(&format!("PRAGMA index_info({index})"))
                .fetch_all(pool)
                .await
                .expect("index columns")
                .iter()
                .map(|r| r.try_get::<String, _>("name").unwrap_or_default())
                .collect();
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    table.unique.insert(columns);
                }
                _ => {
                    let sql: String =
                        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = $1")
                            .bind(&index)
                            .fetch_one(pool)
                            .await
                            .expect("index sql");
                    let mut columns = index_columns(&sql);
                    if let Some(id) = row_id.as_ref().filter(|_| unique == 0) {
                        if columns.last() != Some(id) {
                            columns.push(id.clone());
                        }
                    }
                    table.indexes.insert((unique == 1, columns));
                }
            }
        }
        schema.insert(name, table);
    }
    schema
}

async fn postgres_schema(db: &Db) -> BTreeMap<String, Table> {
    let pool = &db.pool;
    let mut schema: BTreeMap<String, Table> = BTreeMap::new();
    for row in sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS d, \
                is_nullable::text AS n \
         FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("columns")
    {
        let table: String = row.get("t");
        let nullable: String = row.get("n");
        schema.entry(table).or_default().columns.insert(
            row.get("c"),
            (kind(&row.get::<String, _>("d")), nullable == "NO"),
        );
    }
    for row in sqlx::query(
        "SELECT c.conrelid::regclass::text AS t, c.contype::text AS kind, \
                array_to_string(ARRAY(SELECT a.attname::text \
                      FROM unnest(c.conkey) WITH ORDINALITY k(n, i) \
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n \
                      ORDER BY k.i), ',') AS columns, \
                COALESCE(c.confrelid::regclass::text, '') AS ref, \
                array_to_string(ARRAY(SELECT a.attname::text \
                      FROM unnest(c.confkey) WITH ORDINALITY k(n, i) \
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n \
                      ORDER BY k.i), ',') AS ref_columns, \
                c.confdeltype::text AS on_delete \
         FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace \
         WHERE s.nspname = 'public' AND c.contype IN ('p', 'u', 'f')",
    )
    .fetch_all(pool)
    .await
    .expect("constraints")
    {
        let table = schema.entry(row.get("t")).or_default();
        let list = |name: &str| -> Vec<String> {
            let text: String = row.get(name);
            text.split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let columns = list("columns");
        match row.get::<String, _>("kind").as_str() {
            "p" => table.primary_key = columns,
            "u" => {
                table.unique.insert(columns);
            }
            _ => {
                let on_delete = match row.get::<String, _>("on_delete").as_str() {
                    "c" => "cascade",
                    "n" => "set null",
                    "d" => "set default",
                    "r" => "restrict",
                    _ => "no action",
                };
                table.foreign_keys.insert((
                    columns,
                    row.get("ref"),
                    list("ref_columns"),
                    on_delete.into(),
                ));
            }
        }
    }
    for row in sqlx::query(
        "SELECT i.tablename::text AS t, i.indexdef::text AS def, x.indisunique AS uniq \
         FROM pg_indexes i \
         JOIN pg_class c ON c.relname = i.indexname \
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname \
         JOIN pg_index x ON x.indexrelid = c.oid \
         WHERE i.schemaname = 'public' \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)",
    )
    .fetch_all(pool)
    .await
    .expect("indexes")
    {
        let table = schema.entry(row.get("t")).or_default();
        let definition: String = row.get("def");
        table
            .indexes
            .insert((row.get("uniq"), index_columns(&definition)));
    }
    schema.remove("_sqlx_migrations");
    schema
}

/// Every index of `ours` that `theirs` does not serve: none with the same uniqueness whose
/// columns begin with the same ones (unique indexes and constraints must match exactly).
fn unserved(ours: &Table, theirs: &Table) -> Vec<(bool, Vec<String>)> {
    let mut candidates: Vec<(bool, Vec<String>)> = theirs.indexes.iter().cloned().collect();
    candidates.extend(theirs.unique.iter().map(|u| (true, u.clone())));
    candidates.push((true, theirs.primary_key.clone()));
    ours.indexes
        .iter()
        .filter(|(unique, columns)| {
            !candidates.iter().any(|(u, c)| {
                if *unique {
                    *u && c == columns
                } else {
                    c.starts_with(columns)
                }
            })
        })
        .cloned()
        .collect()
}

fn differences(
    sqlite: &BTreeMap<String, Table>,
    postgres: &BTreeMap<String, Table>,
) -> Vec<String> {
    let mut found = Vec::new();
    let names: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for name in names {
        let (Some(s), Some(p)) = (sqlite.get(name), postgres.get(name)) else {
            let side = if sqlite.contains_key(name) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            found.push(format!("table {name} exists only on {side}"));
            continue;
        };
        if s.columns != p.columns {
            found.push(format!(
                "{name}: columns differ\n  SQLite:     {:?}\n  PostgreSQL: {:?}",
                s.columns, p.columns
            ));
        }
        if s.primary_key != p.primary_key {
            found.push(format!(
                "{name}: primary key {:?} vs {:?}",
                s.primary_key, p.primary_key
            ));
        }
        if s.unique != p.unique {
            found.push(format!(
                "{name}: unique constraints {:?} vs {:?}",
                s.unique, p.unique
            ));
        }
        if s.foreign_keys != p.foreign_keys {
            found.push(format!(
                "{name}: foreign keys {:?} vs {:?}",
                s.foreign_keys, p.foreign_keys
            ));
        }
        for (side, ours, theirs) in [("SQLite", s, p), ("PostgreSQL", p, s)] {
            for index in unserved(ours, theirs) {
                found.push(format!("{name}: index {index:?} exists only on {side}"));
            }
        }
    }
    found
}

#[tokio::test]
async fn the_sqlite_and_postgresql_migrations_build_the_same_schema() {
    let Ok(admin) = std::env::var("SSPR_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("SSPR_TEST_REQUIRE_POSTGRES").is_none(),
            "SSPR_TEST_REQUIRE_POSTGRES is set but SSPR_TEST_POSTGRES_URL is not"
        );
        eprintln!("skipped: set SSPR_TEST_POSTGRES_URL to compare the two schemas");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = Db::connect(
        &format!("sqlite://{}", dir.path().join("s.db").display()),
        1,
    )
    .await
    .expect("SQLite migrates");
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    admin_exec(&admin, &format!("CREATE DATABASE {name}")).await;
    let base = admin.rsplit_once('/').expect("a database in the URL").0;
    let postgres = Db::connect(&format!("{base}/{name}"), 1)
        .await
        .expect("PostgreSQL migrates");
    let found = differences(
        &sqlite_schema(&sqlite).await,
        &postgres_schema(&postgres).await,
    );
    postgres.pool.close().await;
    admin_exec(&admin, &format!("DROP DATABASE {name}")).await;
    assert!(
        found.is_empty(),
        "the two dialects' schemas differ:\n{}",
        found.join("\n")
    );
}

#[test]
fn a_table_column_or_index_on_one_side_only_is_found() {
    let table = |columns: &[&str], indexes: &[&[&str]]| {
        let mut t = Table::default();
        for c in columns {
            t.columns.insert((*c).into(), ("text".into(), true));
        }
        for index in indexes {
            t.indexes
                .insert((false, index.iter().map(|s| (*s).to_owned()).collect()));
        }
        t
    };
    let mut one = BTreeMap::new();
    one.insert(
        "users".to_owned(),
        table(&["id", "email"], &[&["email", "id"]]),
    );
    let mut other = BTreeMap::new();
    other.insert(
        "users".to_owned(),
        table(&["id", "email"], &[&["email"], &["email", "id"]]),
    );
    assert!(
        differences(&one, &other).is_empty(),
        "a wider index serves a narrower one"
    );
    other.insert("lockouts".to_owned(), table(&["id"], &[]));
    assert_eq!(differences(&one, &other).len(), 1, "a table");
    other.remove("lockouts");
    other.insert(
        "users".to_owned(),
        table(&["id", "email", "city"], &[&["email", "id"]]),
    );
    assert_eq!(differences(&one, &other).len(), 1, "a column");
    other.insert("users".to_owned(), table(&["id", "email"], &[&["id"]]));
    assert_eq!(
        differences(&one, &other).len(),
        2,
        "each side's index is missing on the other"
    );
    assert_eq!(
        index_columns("CREATE INDEX x ON public.t USING btree (lower(a), b COLLATE \"C\")"),
        ["lower(a)", "b"]
    );
    assert_eq!(
        index_columns("CREATE INDEX x ON public.t USING btree (a) WHERE (a IS NOT NULL)"),
        index_columns("CREATE INDEX x ON t (a)\n    WHERE a IS NOT NULL"),
    );
    assert_eq!(
        index_columns("CREATE INDEX x ON t (a) WHERE a IS NOT NULL"),
        ["where a is not null", "a"]
    );
    // PostgreSQL's casts go; a literal's case counts.
    assert_eq!(
        index_columns(
            "CREATE INDEX x ON public.t USING btree (a) WHERE ((s)::text = 'Open'::text)"
        ),
        index_columns("CREATE INDEX x ON t (a) WHERE s = 'Open'"),
    );
    assert_ne!(
        index_columns("CREATE INDEX x ON t (a) WHERE s = 'Open'"),
        index_columns("CREATE INDEX x ON t (a) WHERE s = 'open'"),
    );
}
