//! A script: several statements sent to the database together.
//!
//! On SQLite every statement is a hand-off to the connection's own thread and back (sqlx-sqlite
//! runs SQLite on a worker thread). Under load each hand-off waits for a core, and the
//! group-commit writer, which makes them one after another, was limited by their number, not by
//! SQLite. sqlx-sqlite runs a query that holds several statements in one hand-off, binding the
//! arguments across them, so a script is joined into one such query there. On PostgreSQL a
//! query with arguments holds one statement, so a script's statements run one after another, as
//! they would without it.
//!
//! Statements are written as everywhere else, with their own `$1`, `$2`, … placeholders; the
//! join renumbers them. A statement that returns rows (`RETURNING`) gives them back in order.
//! A statement that fails stops the script; the ones before it have run, so a script runs inside
//! the caller's transaction or savepoint, which undoes them.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};
use std::fmt::Write as _;

/// One bound value: the store binds integers and text, either possibly NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Value {
    fn bind<'q>(self, query: Query<'q, Any, AnyArguments<'q>>) -> Query<'q, Any, AnyArguments<'q>> {
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

/// One statement of a script and its arguments.
#[derive(Debug, Clone)]
pub struct Statement {
    sql: &'static str,
    values: Vec<Value>,
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
    /// Adds `sql` (with `$n` placeholders numbered from 1); bind its values on the result.
    pub fn add(&mut self, sql: &'static str) -> &mut Statement {
        self.statements.push(Statement {
            sql,
            values: Vec::new(),
        });
        let last = self.statements.len() - 1;
        &mut self.statements[last]
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Runs the statements in order on `conn`; the rows they returned, in order.
    pub async fn run(self, conn: &mut AnyConnection) -> Result<Vec<AnyRow>, sqlx::Error> {
        if self.statements.len() > 1 && conn.backend_name() == "SQLite" {
            let sql = self.joined();
            let mut query = sqlx::query(&sql);
            for value in self.statements.into_iter().flat_map(|s| s.values) {
                query = value.bind(query);
            }
            return query.fetch_all(conn).await;
        }
        let mut rows = Vec::new();
        for statement in self.statements {
            let mut query = sqlx::query(statement.sql);
            for value in statement.values {
                query = value.bind(query);
            }
            rows.extend(query.fetch_all(&mut *conn).await?);
        }
        Ok(rows)
    }

    /// The statements as one query, their placeholders numbered on across them.
    fn joined(&self) -> String {
        let mut sql = String::new();
        let mut offset = 0;
        for statement in &self.statements {
            renumber(statement.sql, offset, &mut sql);
            sql.push_str(";\n");
            offset += statement.values.len();
        }
        sql
    }
}

/// Writes `sql` to `out` with every `$n` placeholder outside a quoted literal or identifier
/// made `$(n + offset)`.
fn renumber(sql: &str, offset: usize, out: &mut String) {
    let mut chars = sql.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((_, c)) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '$' => {
                let mut digits = String::new();
                while let Some(&(_, d)) = chars.peek() {
                    if !d.is_ascii_digit() {
                        break;
                    }
                    digits.push(d);
                    chars.next();
                }
                match digits.parse::<usize>() {
                    Ok(n) => {
                        let _ = write!(out, "${}", n + offset);
                    }
                    Err(_) => out.push('$'),
                }
            }
            None => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{renumber, Script};

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
        assert_eq!(
            script.joined(),
            "INSERT INTO a VALUES ($1, $2);\nUPDATE b SET c = $4 WHERE d = $3;\nDELETE FROM e WHERE f = $5;\n"
        );
    }
}
