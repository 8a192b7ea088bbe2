//! The janitor's deletes (`janitor::sweep`): rows whose time column is older than a bound, at
//! most a chunk at a time. One statement shape serves every table; the janitor lists which
//! tables, keys and columns ([`Stale`]).

use sqlx::AnyConnection;

/// Rows of `table` whose `time` column is before a bound, named by their primary key `key`
/// (columns separated by commas for a key of several).
#[derive(Debug, Clone, Copy)]
pub struct Stale {
    pub table: &'static str,
    pub key: &'static str,
    pub time: &'static str,
}

/// Deletes up to `limit` rows of `stale` older than `before_ms`; returns how many (rows their
/// deletion takes along by `ON DELETE CASCADE` are not counted).
///
/// The subquery finds the chunk through an index on `time` and stops at `limit`; the time is
/// tested again outside it, so a row renewed meanwhile (an administrator's lockout, on
/// PostgreSQL, where the delete waits for the row's lock and then re-checks only its own
/// condition) stays. One column per statement: PostgreSQL would collect every match of an
/// `OR` of two indexes before the limit.
pub async fn delete_chunk(
    conn: &mut AnyConnection,
    stale: Stale,
    before_ms: i64,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    let Stale { table, key, time } = stale;
    let sql = format!(
        "DELETE FROM {table} WHERE {time} < $1 AND ({key}) IN \
         (SELECT {key} FROM {table} WHERE {time} < $1 LIMIT $2)"
    );
    sqlx::query(&sql)
        .bind(before_ms)
        .bind(limit)
        .execute(conn)
        .await
        .map(|d| d.rows_affected())
}
