//! Fixed-window rate limits in the database, so every instance behind a load balancer counts
//! against the same numbers (SPEC §2).

use super::script::{Row, Script};
use sqlx::AnyConnection;

/// Counts one hit on `key` in the current window of `window_ms`; returns the hits so far in
/// it and the milliseconds until the window ends.
pub async fn hit(
    conn: &mut AnyConnection,
    key: &str,
    window_ms: i64,
    now_ms: i64,
) -> Result<(i64, i64), sqlx::Error> {
    let mut script = Script::default();
    add_hit(&mut script, key, window_ms, now_ms);
    let rows = script.run(conn).await?;
    let row = rows.first().ok_or(sqlx::Error::RowNotFound)?;
    Ok((hits_of(row)?, window_left_ms(window_ms, now_ms)))
}

/// The hits on `key` so far in the current window of `window_ms`, without counting one.
pub async fn hits_now(
    conn: &mut AnyConnection,
    key: &str,
    window_ms: i64,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    let window_start = now_ms - now_ms.rem_euclid(window_ms);
    let hits: Option<i64> =
        sqlx::query_scalar("SELECT hits FROM rate_limits WHERE key = $1 AND window_start_ms = $2")
            .bind(key)
            .bind(window_start)
            .fetch_optional(conn)
            .await?;
    Ok(hits.unwrap_or(0))
}

/// The milliseconds left at `now_ms` in the current window of `window_ms`.
pub fn window_left_ms(window_ms: i64, now_ms: i64) -> i64 {
    window_ms - now_ms.rem_euclid(window_ms)
}

/// Adds [`hit`]'s counting to `script`: it returns one row, for [`hits_of`].
pub fn add_hit(script: &mut Script, key: &str, window_ms: i64, now_ms: i64) {
    let window_start = now_ms - now_ms.rem_euclid(window_ms);
    script
        .add_one_row(
            "INSERT INTO rate_limits (key, window_start_ms, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (key) DO UPDATE SET \
               hits = CASE WHEN rate_limits.window_start_ms = $2 THEN rate_limits.hits + 1 ELSE 1 END, \
               window_start_ms = $2 \
             RETURNING hits",
        )
        .bind(key)
        .bind(window_start);
}

/// The hits so far in the window, from the row [`add_hit`]'s statement returned.
pub fn hits_of(row: &Row) -> Result<i64, sqlx::Error> {
    row.int("hits")
}

/// The next `limit` counters after the key `after`, in key order: their keys and when their
/// windows began. The janitor walks the table with it, a bounded read at a time, outside the
/// write gate, and hands the stale keys to [`delete_stale`].
///
/// It walks instead of searching by time because an index on `window_start_ms` would cost
/// every hit a page: the upsert sets the column, and SQLite rewrites an index entry whenever
/// its column is set, even to the same value.
pub async fn scan(
    conn: &mut AnyConnection,
    after: &str,
    limit: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT key, window_start_ms FROM rate_limits WHERE key > $1 ORDER BY key LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Deletes the counters of `keys` whose window still began before `before_ms` (a hit since
/// [`scan`] read them has started a new window, and keeps its row); returns how many.
pub async fn delete_stale(
    conn: &mut AnyConnection,
    keys: &[String],
    before_ms: i64,
) -> Result<u64, sqlx::Error> {
    if keys.is_empty() {
        return Ok(0);
    }
    let placeholders: Vec<String> = (2..keys.len() + 2).map(|n| format!("${n}")).collect();
    let sql = format!(
        "DELETE FROM rate_limits WHERE window_start_ms < $1 AND key IN ({})",
        placeholders.join(", ")
    );
    // Not kept among the connection's prepared statements: each length of `keys` is another.
    let mut query = sqlx::query(&sql).persistent(false).bind(before_ms);
    for key in keys {
        query = query.bind(key);
    }
    query.execute(conn).await.map(|d| d.rows_affected())
}
