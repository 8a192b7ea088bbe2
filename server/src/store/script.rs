//! A script: several statements sent to the database together.
//!
//! On SQLite every statement is a hand-off to the connection's own thread and back (sqlx-sqlite
//! runs SQLite on a worker thread). Under load each hand-off waits for a core, and the
//! group-commit writer, which makes them one after another, was limited by their number, not by
//! SQLite. sqlx-sqlite runs a query that holds several statements in one hand-off, binding the
//! arguments across them, so a script is joined into one such query there.
//!
//! On PostgreSQL every statement is a round trip, and a query with arguments holds one
//! statement. There statements of one kind that follow one another are joined into one
//! statement with data-modifying `WITH` clauses: writes that return nothing
//! ([`Script::add`]) as `WITH s0 AS (INSERT …), s1 AS (UPDATE …) INSERT …`, and counters
//! that return one row each ([`Script::add_one_row`]) as `WITH s0 AS (… RETURNING a),
//! s1 AS (… RETURNING b, c) SELECT * FROM s0 CROSS JOIN s1`, whose one row stands for each
//! of them. One round trip, atomic on its own.
//!
//! Statements are written as everywhere else, with their own `$1`, `$2`, … placeholders; the join
//! renumbers them. [`Script::run`] gives back one row for each one-row statement, in order; read
//! its columns by name (on PostgreSQL it holds the columns of its neighbours too, so their names
//! must differ). A statement that returns any number of rows (a queue's claim,
//! [`Script::add_rows`]) is its script's only one, and its rows all come back. The statements of a
//! script must not read what another of them writes, nor change the same row: joined on PostgreSQL
//! they all see the database as it was before the statement (foreign keys are checked at its end,
//! so a row may refer to one inserted beside it). A statement that fails stops the script; the ones
//! before it may have run, so a script runs inside the caller's transaction or savepoint, which
//! undoes them, or is one statement on PostgreSQL ([`Script::is_one_statement_on_postgres`]) that
//! cannot fail half-way. A guarded write added as a one-row statement can: when it returns no row
//! the statement's other parts are still done and only the script reports the failure, so such a
//! script always runs inside a transaction or savepoint.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, Column as _, Row as _};
use std::fmt::Write as _;
use std::ops::Range;

/// One bound value: the store binds integers and text, either possibly NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Value {
    pub(super) fn bind<'q>(
        self,
        query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        match self {
            Value::Int(value) => query.bind(value),
            Value::Text(value) => query.bind(value),
        }
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Int(Some(value))
    }
}

impl From<Option<i64>> for Value {
    fn from(value: Option<i64>) -> Self {
        Value::Int(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(Some(value.to_owned()))
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(Some(value))
    }
}

impl From<&String> for Value {
    fn from(value: &String) -> Self {
        Value::Text(Some(value.clone()))
    }
}

impl From<Option<String>> for Value {
    fn from(value: Option<String>) -> Self {
        Value::Text(value)
    }
}

impl From<&Option<String>> for Value {
    fn from(value: &Option<String>) -> Self {
        Value::Text(value.clone())
    }
}

impl From<Option<&str>> for Value {
    fn from(value: Option<&str>) -> Self {
        Value::Text(value.map(str::to_owned))
    }
}

/// The row a one-row statement returned, its columns read by name: the same whichever
/// connection ran the script (a pooled one on either back end, or the group-commit writer's
/// own), so what reads a counter's row reads it from any of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    columns: Vec<(String, Value)>,
}

impl Row {
    /// A row of `columns`, each a name and its value.
    pub fn new(columns: Vec<(String, Value)>) -> Row {
        Row { columns }
    }

    /// The integer in column `name`; an error when there is none, or it is NULL or text.
    pub fn int(&self, name: &str) -> Result<i64, sqlx::Error> {
        match self.value(name)? {
            Value::Int(Some(value)) => Ok(*value),
            other => Err(not_a(name, "an integer", other)),
        }
    }

    /// The text in column `name`; an error when there is none, or it is NULL or an integer.
    pub fn text(&self, name: &str) -> Result<&str, sqlx::Error> {
        match self.value(name)? {
            Value::Text(Some(value)) => Ok(value),
            other => Err(not_a(name, "text", other)),
        }
    }

    /// The text in column `name`, or `None` when it is NULL; an error when there is no such
    /// column, or it holds an integer.
    pub fn text_or_null(&self, name: &str) -> Result<Option<&str>, sqlx::Error> {
        match self.value(name)? {
            Value::Text(Some(value)) => Ok(Some(value)),
            Value::Text(None) | Value::Int(None) => Ok(None),
            other => Err(not_a(name, "text", other)),
        }
    }

    fn value(&self, name: &str) -> Result<&Value, sqlx::Error> {
        self.columns
            .iter()
            .find(|(column, _)| column == name)
            .map(|(_, value)| value)
            .ok_or_else(|| sqlx::Error::ColumnNotFound(name.to_owned()))
    }

    /// The columns of a row sqlx read: integers as integers, booleans as 0 and 1, anything else
    /// as text.
    pub(super) fn of(row: &AnyRow) -> Result<Row, sqlx::Error> {
        let mut columns = Vec::with_capacity(row.len());
        for (i, column) in row.columns().iter().enumerate() {
            let value = match row.try_get::<Option<i64>, _>(i) {
                Ok(int) => Value::Int(int),
                Err(_) => match row.try_get::<Option<bool>, _>(i) {
                    Ok(flag) => Value::Int(flag.map(i64::from)),
                    Err(_) => Value::Text(row.try_get::<Option<String>, _>(i)?),
                },
            };
            columns.push((column.name().to_owned(), value));
        }
        Ok(Row { columns })
    }
}

/// The error for column `name` holding `found` where `wanted` was read.
fn not_a(name: &str, wanted: &str, found: &Value) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: name.to_owned(),
        source: format!("{wanted} was read, the column holds {found:?}").into(),
    }
}

/// What a statement returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Returns {
    /// No rows ([`Script::add`]).
    Nothing,
    /// Exactly one row ([`Script::add_one_row`]).
    OneRow,
    /// Any number of rows, the script's only statement ([`Script::add_rows`]).
    Rows,
}

/// One statement of a script and its arguments.
#[derive(Debug, Clone)]
pub struct Statement {
    sql: &'static str,
    values: Vec<Value>,
    returns: Returns,
}

impl Statement {
    /// Binds the next placeholder.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        self
    }
}

/// Statements to run together; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Script {
    statements: Vec<Statement>,
}

impl Script {
    /// Adds `sql`, a write that returns no rows (with `$n` placeholders numbered from 1); bind
    /// its values on the result.
    pub fn add(&mut self, sql: &'static str) -> &mut Statement {
        debug_assert!(
            !sql.contains("RETURNING"),
            "a statement that returns a row is added with add_one_row"
        );
        self.push(sql, Returns::Nothing)
    }

    /// Adds `sql`, a statement that returns exactly one row (a counter's `… RETURNING …`),
    /// whose columns are read by name; see the module documentation. A guarded write
    /// (`UPDATE … WHERE state = … RETURNING …`) may be one too: when it returns no row, the
    /// script fails with [`sqlx::Error::RowNotFound`] on either back end, and the caller's
    /// transaction, which such a script needs, undoes the rest.
    pub fn add_one_row(&mut self, sql: &'static str) -> &mut Statement {
        self.push(sql, Returns::OneRow)
    }

    /// Adds `sql`, a statement that returns any number of rows (a queue's claim, `UPDATE …
    /// RETURNING …`), as the script's only statement: [`Script::run`] gives back every row it
    /// returned, in the order they came.
    pub fn add_rows(&mut self, sql: &'static str) -> &mut Statement {
        self.push(sql, Returns::Rows)
    }

    fn push(&mut self, sql: &'static str, returns: Returns) -> &mut Statement {
        debug_assert!(
            self.statements.is_empty() || (returns != Returns::Rows && !self.returns_rows()),
            "a statement added with add_rows is its script's only one"
        );
        self.statements.push(Statement {
            sql,
            values: Vec::new(),
            returns,
        });
        let last = self.statements.len() - 1;
        &mut self.statements[last]
    }

    /// Whether its statement returns any number of rows ([`Script::add_rows`]).
    fn returns_rows(&self) -> bool {
        self.statements.iter().any(|s| s.returns == Returns::Rows)
    }

    /// Its statements in order: each one's text (with `$n` placeholders), values, and what it
    /// returns.
    pub(super) fn statements(&self) -> impl Iterator<Item = (&'static str, &[Value], Returns)> {
        self.statements
            .iter()
            .map(|s| (s.sql, s.values.as_slice(), s.returns))
    }

    /// Whether it runs as one statement on PostgreSQL (its statements all of one kind): then
    /// it is atomic without a transaction around it, unless it holds a guarded write (see
    /// [`Script::add_one_row`]).
    pub fn is_one_statement_on_postgres(&self) -> bool {
        runs(&self.statements).len() <= 1
    }

    /// Runs the statements in order on `conn`; a row for each one-row statement, in order, or
    /// [`sqlx::Error::RowNotFound`] when one of them returned none; or every row of a
    /// [`Script::add_rows`] statement.
    pub async fn run(self, conn: &mut AnyConnection) -> Result<Vec<Row>, sqlx::Error> {
        let any_rows = self.returns_rows();
        if any_rows && self.statements.len() > 1 {
            return Err(only_statement());
        }
        let one_row = self
            .statements
            .iter()
            .filter(|s| s.returns == Returns::OneRow)
            .count();
        let sqlite = conn.backend_name() == "SQLite";
        let queries = if sqlite {
            // One multi-statement query holds them all.
            std::iter::once(0..self.statements.len()).collect()
        } else {
            runs(&self.statements)
        };
        let mut rows = Vec::new();
        for range in queries {
            let statements = &self.statements[range];
            let (sql, copies, values) = match statements {
                [] => continue,
                _ if sqlite => {
                    let (sql, values) = joined(statements);
                    (sql, 1, values)
                }
                [one] => (one.sql.to_owned(), 1, one.values.clone()),
                [first, ..] if first.returns == Returns::OneRow => (
                    one_row_clauses(statements),
                    statements.len(),
                    in_order(statements),
                ),
                _ => (with_clauses(statements), 1, in_order(statements)),
            };
            let mut query = sqlx::query(&sql);
            for value in values {
                query = value.bind(query);
            }
            let returned = query.fetch_all(&mut *conn).await?;
            if copies > 1 {
                let row = returned.first().ok_or(sqlx::Error::RowNotFound)?;
                rows.extend(std::iter::repeat_n(Row::of(row)?, copies));
            } else {
                for row in &returned {
                    rows.push(Row::of(row)?);
                }
            }
        }
        if !any_rows && rows.len() != one_row {
            // A one-row statement returned none: on SQLite the query's rows fall short, and on
            // PostgreSQL one that ran alone returned none (a joined one failed above).
            return Err(sqlx::Error::RowNotFound);
        }
        Ok(rows)
    }
}

/// The error for a script that holds a [`Script::add_rows`] statement and another.
pub(super) fn only_statement() -> sqlx::Error {
    sqlx::Error::Protocol("a statement that returns rows is its script's only one".into())
}

/// PostgreSQL's queries: the statements of one kind (one-row counters, or writes that return
/// nothing) that follow one another, as ranges of `statements`.
fn runs(statements: &[Statement]) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for (i, statement) in statements.iter().enumerate() {
        match runs.last_mut() {
            Some(run) if statements[run.start].returns == statement.returns => run.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    runs
}

/// The values of `statements`, one statement's after another (PostgreSQL, whose joined
/// statements number their placeholders on across them).
fn in_order(statements: &[Statement]) -> Vec<Value> {
    statements.iter().flat_map(|s| s.values.clone()).collect()
}

/// The statements as one multi-statement query (SQLite), with positional placeholders, and the
/// values to bind to them in order; see [`positional`].
fn joined(statements: &[Statement]) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut values = Vec::with_capacity(statements.iter().map(|s| s.values.len()).sum());
    for statement in statements {
        positional(statement.sql, &statement.values, &mut sql, &mut values);
        sql.push_str(";\n");
    }
    (sql, values)
}

/// Statements that return no rows as one statement (PostgreSQL): each but the last a
/// data-modifying `WITH` clause, their placeholders numbered on across them.
fn with_clauses(statements: &[Statement]) -> String {
    let mut sql = String::from("WITH ");
    let mut offset = 0;
    let last = statements.len() - 1;
    for (i, statement) in statements.iter().enumerate() {
        if i < last {
            let _ = write!(sql, "s{i} AS (");
            renumber(statement.sql, offset, &mut sql);
            sql.push_str(if i + 1 < last { "), " } else { ") " });
        } else {
            renumber(statement.sql, offset, &mut sql);
        }
        offset += statement.values.len();
    }
    sql
}

/// One-row statements as one statement (PostgreSQL): each a data-modifying `WITH` clause,
/// their rows joined into one, their placeholders numbered on across them.
fn one_row_clauses(statements: &[Statement]) -> String {
    let mut sql = String::from("WITH ");
    let mut offset = 0;
    for (i, statement) in statements.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        let _ = write!(sql, "s{i} AS (");
        renumber(statement.sql, offset, &mut sql);
        sql.push(')');
        offset += statement.values.len();
    }
    sql.push_str(" SELECT * FROM s0");
    for i in 1..statements.len() {
        let _ = write!(sql, " CROSS JOIN s{i}");
    }
    sql
}

/// Writes `sql` to `out` with every `$n` placeholder outside a quoted literal or identifier
/// made `$(n + offset)`.
fn renumber(sql: &str, offset: usize, out: &mut String) {
    rewrite(sql, out, |n, out| {
        let _ = write!(out, "${}", n + offset);
    });
}

/// SQLite: writes `sql` to `out` with every `$n` placeholder outside a quoted literal or
/// identifier made an anonymous `?`, and pushes `values[n - 1]` to `bound` for each, in the
/// order they occur (a placeholder used twice binds its value twice). SQLite then binds by
/// position: sqlx looks up the name of every named parameter, a walk of the statement's list
/// of names, so a script of many statements with hundreds of named ones cost time that grew
/// with the square of their number.
fn positional(sql: &str, values: &[Value], out: &mut String, bound: &mut Vec<Value>) {
    rewrite(sql, out, |n, out| {
        out.push('?');
        debug_assert!(
            (1..=values.len()).contains(&n),
            "${n} in {sql:?} has no bound value"
        );
        // Unbound, SQLite's placeholder would be NULL: the same here.
        bound.push(
            n.checked_sub(1)
                .and_then(|i| values.get(i))
                .cloned()
                .unwrap_or(Value::Int(None)),
        );
    });
}

/// Writes `sql` to `out`, with `placeholder(n, out)` writing what stands for each `$n` outside
/// a quoted literal or identifier; a `$` without digits is left as it is.
pub(super) fn rewrite(
    sql: &str,
    out: &mut String,
    mut placeholder: impl FnMut(usize, &mut String),
) {
    // Byte by byte: every character the scan stops at is ASCII, so each slice written is whole
    // characters, and the text between placeholders is copied in one piece.
    let bytes = sql.as_bytes();
    let mut quote: Option<u8> = None;
    let mut written = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'$' => {
                let digits = bytes[i..].iter().take_while(|d| d.is_ascii_digit()).count();
                if digits > 0 {
                    out.push_str(&sql[written..i - 1]);
                    placeholder(sql[i..i + digits].parse().unwrap_or(usize::MAX), out);
                    i += digits;
                    written = i;
                }
            }
            None => {}
        }
    }
    out.push_str(&sql[written..]);
}

#[cfg(test)]
mod tests {
    use super::{joined, one_row_clauses, renumber, runs, with_clauses, Row, Script, Value};

    #[test]
    fn a_row_gives_its_columns_by_name_and_says_which_is_missing_or_of_another_kind() {
        let row = Row::new(vec![
            ("hits".to_owned(), Value::Int(Some(3))),
            ("moved_to".to_owned(), Value::from("verified")),
            ("blocked".to_owned(), Value::Int(None)),
        ]);
        assert_eq!(row.int("hits").expect("an integer"), 3);
        assert_eq!(row.text("moved_to").expect("a text"), "verified");
        assert!(matches!(
            row.int("absent"),
            Err(sqlx::Error::ColumnNotFound(name)) if name == "absent"
        ));
        assert!(matches!(
            row.int("moved_to"),
            Err(sqlx::Error::ColumnDecode { index, .. }) if index == "moved_to"
        ));
        assert!(row.int("blocked").is_err(), "NULL is not an integer");
        assert!(row.text("hits").is_err());
        assert_eq!(row.text_or_null("blocked").expect("NULL"), None);
        assert_eq!(
            row.text_or_null("moved_to").expect("a text"),
            Some("verified")
        );
        assert!(row.text_or_null("hits").is_err());
    }

    #[tokio::test]
    async fn a_rows_statement_run_through_sqlx_gives_every_row_it_returned_or_none() {
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect("sqlite::memory:")
            .await
            .expect("a database");
        sqlx::query(
            "CREATE TABLE queue (id TEXT PRIMARY KEY, body TEXT, leased INTEGER NOT NULL); \
             INSERT INTO queue VALUES ('a', 'one', 0), ('b', NULL, 0), ('c', 'three', 5);",
        )
        .execute(&mut conn)
        .await
        .expect("the queue");
        let claim = || {
            let mut script = Script::default();
            script
                .add_rows("UPDATE queue SET leased = $1 WHERE leased < $1 RETURNING id, body")
                .bind(3);
            script
        };
        let rows = claim().run(&mut conn).await.expect("the claim");
        let mut claimed: Vec<_> = rows
            .iter()
            .map(|row| {
                (
                    row.text("id").expect("id"),
                    row.text_or_null("body").expect("body"),
                )
            })
            .collect();
        claimed.sort_unstable();
        assert_eq!(claimed, [("a", Some("one")), ("b", None)]);
        assert_eq!(claim().run(&mut conn).await.expect("none left"), Vec::new());
    }

    fn renumbered(sql: &str, offset: usize) -> String {
        let mut out = String::new();
        renumber(sql, offset, &mut out);
        out
    }

    #[test]
    fn placeholders_are_numbered_on_from_the_offset() {
        assert_eq!(
            renumbered("UPDATE t SET a = $1, b = $2 WHERE c = $1", 3),
            "UPDATE t SET a = $4, b = $5 WHERE c = $4"
        );
        assert_eq!(renumbered("SELECT $10", 0), "SELECT $10");
    }

    #[test]
    fn quoted_text_and_a_lone_dollar_are_left_alone() {
        assert_eq!(
            renumbered("SELECT '$1', \"$2\", $1, 'it''s $3' || $ ", 5),
            "SELECT '$1', \"$2\", $6, 'it''s $3' || $ "
        );
        assert_eq!(
            renumbered("SELECT 'é', $1 || 'ü' || ß$2", 1),
            "SELECT 'é', $2 || 'ü' || ß$3"
        );
    }

    #[test]
    fn sqlite_placeholders_become_positional_with_their_values_in_the_order_used() {
        let mut sql = String::new();
        let mut bound = Vec::new();
        super::positional(
            "UPDATE t SET a = $2, b = '$1' WHERE c = $1 OR d = $2 || $",
            &["one".into(), 2.into()],
            &mut sql,
            &mut bound,
        );
        assert_eq!(
            sql,
            "UPDATE t SET a = ?, b = '$1' WHERE c = ? OR d = ? || $"
        );
        let expected: Vec<super::Value> = vec![2.into(), "one".into(), 2.into()];
        assert_eq!(bound, expected);
    }

    #[test]
    fn statements_are_joined_with_their_placeholders_numbered_across_them() {
        let mut script = Script::default();
        script
            .add("INSERT INTO a VALUES ($1, $2)")
            .bind(1)
            .bind("x");
        script
            .add("UPDATE b SET c = $2 WHERE d = $1")
            .bind("y")
            .bind(2);
        script.add("DELETE FROM e WHERE f = $1").bind(None::<i64>);
        // SQLite: positional placeholders, the values in the order they are used.
        let (sql, values) = joined(&script.statements);
        assert_eq!(
            sql,
            "INSERT INTO a VALUES (?, ?);\nUPDATE b SET c = ? WHERE d = ?;\nDELETE FROM e WHERE f = ?;\n"
        );
        let expected: Vec<super::Value> = vec![
            1.into(),
            "x".into(),
            2.into(),
            "y".into(),
            None::<i64>.into(),
        ];
        assert_eq!(values, expected);
        // PostgreSQL: numbered on across the statements, the values in statement order.
        assert_eq!(
            super::in_order(&script.statements),
            vec![
                1.into(),
                "x".into(),
                "y".into(),
                2.into(),
                None::<i64>.into()
            ]
        );
        assert_eq!(
            with_clauses(&script.statements),
            "WITH s0 AS (INSERT INTO a VALUES ($1, $2)), s1 AS (UPDATE b SET c = $4 WHERE d = $3) \
             DELETE FROM e WHERE f = $5"
        );
    }

    #[test]
    fn on_postgresql_statements_of_one_kind_that_follow_one_another_are_one_statement() {
        let mut script = Script::default();
        script.add("INSERT INTO a VALUES (1)");
        script.add_one_row("UPDATE b SET c = 1 RETURNING c").bind(1);
        script
            .add_one_row("UPDATE d SET e = $1 RETURNING e")
            .bind(2);
        script.add("INSERT INTO f VALUES (1)");
        script.add("INSERT INTO g VALUES (1)");
        assert_eq!(runs(&script.statements), [0..1, 1..3, 3..5]);
        assert!(!script.is_one_statement_on_postgres());
        assert_eq!(
            one_row_clauses(&script.statements[1..3]),
            "WITH s0 AS (UPDATE b SET c = 1 RETURNING c), s1 AS (UPDATE d SET e = $2 RETURNING e) \
             SELECT * FROM s0 CROSS JOIN s1"
        );
    }
}
