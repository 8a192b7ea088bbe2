//! The `signing_keys` table: the keys that sign ID and access tokens, each private key sealed
//! with the server secret, each public key kept as a JWK for the JWKS.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// A stored key.
#[derive(Debug, Clone)]
pub struct StoredKey {
    pub kid: String,
    pub algorithm: String,
    /// The private key's DER, sealed (`Secrets::seal_signing_key`).
    pub sealed: String,
    /// The public key as a JWK (JSON text).
    pub public_jwk: String,
    pub created_at_ms: i64,
    pub retired_at_ms: Option<i64>,
}

const COLUMNS: &str = "kid, algorithm, private_key, public_jwk, created_at_ms, retired_at_ms";

fn from_row(row: &AnyRow) -> Result<StoredKey, sqlx::Error> {
    Ok(StoredKey {
        kid: row.try_get("kid")?,
        algorithm: row.try_get("algorithm")?,
        sealed: row.try_get("private_key")?,
        public_jwk: row.try_get("public_jwk")?,
        created_at_ms: row.try_get("created_at_ms")?,
        retired_at_ms: row.try_get("retired_at_ms")?,
    })
}

pub async fn insert(conn: &mut AnyConnection, key: &StoredKey) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO signing_keys (kid, algorithm, private_key, public_jwk, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&key.kid)
    .bind(&key.algorithm)
    .bind(&key.sealed)
    .bind(&key.public_jwk)
    .bind(key.created_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The unretired keys of `algorithm`, newest first (the first is the current one).
pub async fn unretired(
    conn: &mut AnyConnection,
    algorithm: &str,
) -> Result<Vec<StoredKey>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM signing_keys WHERE algorithm = $1 AND retired_at_ms IS NULL \
         ORDER BY created_at_ms DESC, kid DESC"
    );
    let rows = sqlx::query(&sql).bind(algorithm).fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

/// The keys to publish: unretired, or retired after `retired_after_ms`; newest first.
pub async fn published(
    conn: &mut AnyConnection,
    retired_after_ms: i64,
) -> Result<Vec<StoredKey>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM signing_keys \
         WHERE retired_at_ms IS NULL OR retired_at_ms > $1 ORDER BY created_at_ms DESC, kid DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(retired_after_ms)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Retires every unretired key of `algorithm` but `keep`.
pub async fn retire_others(
    conn: &mut AnyConnection,
    algorithm: &str,
    keep: &str,
    now_ms: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE signing_keys SET retired_at_ms = $1 \
         WHERE algorithm = $2 AND kid <> $3 AND retired_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(algorithm)
    .bind(keep)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
