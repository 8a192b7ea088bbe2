//! One newest-first page of the audit log under a filter, as both readers of it build one (the
//! audit search and the reports): the conditions with their arguments, numbered in the order
//! they are added, and keyset paging on `(at_ms, id)`, read one row past the limit to know
//! whether older entries follow.

use sqlx::any::AnyRow;
use sqlx::AnyConnection;

/// An argument of a condition.
#[derive(Debug)]
enum Arg {
    Text(String),
    Int(i64),
}

/// The `WHERE` conditions of a page and their arguments. `prefix` is the audit table's alias
/// with its dot (`"a."`), or empty.
#[derive(Debug)]
pub struct Conditions {
    prefix: &'static str,
    sql: Vec<String>,
    args: Vec<Arg>,
}

impl Conditions {
    pub fn new(prefix: &'static str) -> Conditions {
        Conditions {
            prefix,
            sql: Vec::new(),
            args: Vec::new(),
        }
    }

    fn placeholder(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// `column = value`, when there is a value.
    pub fn equals(&mut self, column: &str, value: Option<&String>) {
        if let Some(value) = value {
            let p = self.placeholder(Arg::Text(value.clone()));
            self.sql.push(format!("{}{column} = {p}", self.prefix));
        }
    }

    /// `column IN (values)`, unless `values` is empty.
    pub fn any_of(&mut self, column: &str, values: &[String]) {
        if values.is_empty() {
            return;
        }
        let list: Vec<String> = values
            .iter()
            .map(|v| self.placeholder(Arg::Text(v.clone())))
            .collect();
        self.sql
            .push(format!("{}{column} IN ({})", self.prefix, list.join(", ")));
    }

    /// `column LIKE` any of `patterns` (escaped with a backslash), unless there are none.
    pub fn like_any(&mut self, column: &str, patterns: &[String]) {
        if patterns.is_empty() {
            return;
        }
        let likes: Vec<String> = patterns
            .iter()
            .map(|p| {
                let p = self.placeholder(Arg::Text(p.clone()));
                format!("{}{column} LIKE {p} ESCAPE '\\'", self.prefix)
            })
            .collect();
        self.sql.push(format!("({})", likes.join(" OR ")));
    }

    /// `at_ms` in `[from, to)`, each bound when given; older than `before`'s `(at_ms, id)`.
    pub fn time(&mut self, from_ms: Option<i64>, to_ms: Option<i64>, before: Option<(i64, i64)>) {
        let prefix = self.prefix;
        if let Some(from) = from_ms {
            let p = self.placeholder(Arg::Int(from));
            self.sql.push(format!("{prefix}at_ms >= {p}"));
        }
        if let Some(to) = to_ms {
            let p = self.placeholder(Arg::Int(to));
            self.sql.push(format!("{prefix}at_ms < {p}"));
        }
        if let Some((at, id)) = before {
            let (at, id) = (
                self.placeholder(Arg::Int(at)),
                self.placeholder(Arg::Int(id)),
            );
            self.sql
                .push(format!("({prefix}at_ms, {prefix}id) < ({at}, {id})"));
        }
    }

    /// The page `select` (a `SELECT … FROM …` without `WHERE`) reads under these conditions,
    /// newest first, at most `limit` rows, each made by `row`; and whether older ones follow.
    pub async fn page<T>(
        mut self,
        conn: &mut AnyConnection,
        select: &str,
        limit: u32,
        row: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
    ) -> Result<(Vec<T>, bool), sqlx::Error> {
        let prefix = self.prefix;
        let mut sql = select.to_owned();
        if !self.sql.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&self.sql.join(" AND "));
        }
        let p = self.placeholder(Arg::Int(i64::from(limit) + 1));
        sql.push_str(&format!(
            " ORDER BY {prefix}at_ms DESC, {prefix}id DESC LIMIT {p}"
        ));
        let mut query = sqlx::query(&sql);
        for arg in self.args {
            query = match arg {
                Arg::Text(text) => query.bind(text),
                Arg::Int(int) => query.bind(int),
            };
        }
        let rows = query.fetch_all(conn).await?;
        let mut entries = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
        let more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        Ok((entries, more))
    }
}
