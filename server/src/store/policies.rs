//! The `policies` table: one JSON document per id.

use crate::store::Backend;
use sqlx::{AnyConnection, Row};

/// A stored document and when it last changed.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub body: String,
    pub updated_at_ms: i64,
}

/// Every stored document whose id is in `ids` (absent ones are simply missing).
pub async fn load(conn: &mut AnyConnection, ids: &[&str]) -> Result<Vec<Document>, sqlx::Error> {
    let mut documents = Vec::with_capacity(ids.len());
    // Two or three ids at most: a short `IN` list keeps it one round trip on both back ends.
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id, body, updated_at_ms FROM policies WHERE id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    for row in query.fetch_all(conn).await? {
        documents.push(Document {
            id: row.try_get("id")?,
            body: row.try_get("body")?,
            updated_at_ms: row.try_get("updated_at_ms")?,
        });
    }
    Ok(documents)
}

/// Every stored document whose id starts with `prefix`.
pub async fn load_prefixed(
    conn: &mut AnyConnection,
    prefix: &str,
) -> Result<Vec<Document>, sqlx::Error> {
    sqlx::query("SELECT id, body, updated_at_ms FROM policies WHERE id LIKE $1")
        .bind(format!("{prefix}%"))
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| {
            Ok(Document {
                id: row.try_get("id")?,
                body: row.try_get("body")?,
                updated_at_ms: row.try_get("updated_at_ms")?,
            })
        })
        .collect()
}

/// Writes `body` as document `id`.
pub async fn save(
    conn: &mut AnyConnection,
    id: &str,
    body: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO policies (id, body, updated_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET body = $2, updated_at_ms = $3",
    )
    .bind(id)
    .bind(body)
    .bind(now_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Serialises policy writers for a read-modify-write: on PostgreSQL a table lock (a missing row
/// cannot be locked with `FOR UPDATE`); SQLite's write transaction already holds the one write
/// lock.
pub async fn lock(conn: &mut AnyConnection, backend: Backend) -> Result<(), sqlx::Error> {
    if backend == Backend::Postgres {
        sqlx::query("LOCK TABLE policies IN SHARE ROW EXCLUSIVE MODE")
            .execute(conn)
            .await?;
    }
    Ok(())
}
