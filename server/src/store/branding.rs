//! The `branding` and `branding_files` tables: each localization's texts (JSON) and files.

use crate::store::Backend;
use sqlx::{AnyConnection, Row};

/// A stored localization: its id (`0` for the default) and its JSON body.
#[derive(Debug, Clone)]
pub struct Localization {
    pub locale: String,
    pub body: String,
}

/// A stored file without its bytes.
#[derive(Debug, Clone)]
pub struct FileRef {
    pub locale: String,
    pub kind: String,
    pub hash: String,
    pub content_type: String,
}

/// A file with its bytes (base64).
#[derive(Debug, Clone)]
pub struct File {
    pub content_type: String,
    pub data: String,
}

/// Every localization, the default (`0`) first.
pub async fn localizations(conn: &mut AnyConnection) -> Result<Vec<Localization>, sqlx::Error> {
    sqlx::query("SELECT locale, body FROM branding ORDER BY locale")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| {
            Ok(Localization {
                locale: row.try_get("locale")?,
                body: row.try_get("body")?,
            })
        })
        .collect()
}

/// Writes localization `locale`'s body; with `create_only`, false when it already exists.
pub async fn save(
    conn: &mut AnyConnection,
    locale: &str,
    body: &str,
    now_ms: i64,
    create_only: bool,
) -> Result<bool, sqlx::Error> {
    let sql = if create_only {
        "INSERT INTO branding (locale, body, updated_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (locale) DO NOTHING"
    } else {
        "INSERT INTO branding (locale, body, updated_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (locale) DO UPDATE SET body = $2, updated_at_ms = $3"
    };
    let done = sqlx::query(sql)
        .bind(locale)
        .bind(body)
        .bind(now_ms)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes localization `locale` and its files; false if there was none.
pub async fn delete(conn: &mut AnyConnection, locale: &str) -> Result<bool, sqlx::Error> {
    sqlx::query("DELETE FROM branding_files WHERE locale = $1")
        .bind(locale)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query("DELETE FROM branding WHERE locale = $1")
        .bind(locale)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Every file's reference (no bytes).
pub async fn files(conn: &mut AnyConnection) -> Result<Vec<FileRef>, sqlx::Error> {
    sqlx::query("SELECT locale, kind, hash, content_type FROM branding_files")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| {
            Ok(FileRef {
                locale: row.try_get("locale")?,
                kind: row.try_get("kind")?,
                hash: row.try_get("hash")?,
                content_type: row.try_get("content_type")?,
            })
        })
        .collect()
}

/// Stores (or replaces) `locale`'s file of `kind`.
pub async fn put_file(
    conn: &mut AnyConnection,
    file: &FileRef,
    data: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO branding_files (locale, kind, hash, content_type, data, updated_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (locale, kind) DO UPDATE SET hash = $3, content_type = $4, data = $5, \
         updated_at_ms = $6",
    )
    .bind(&file.locale)
    .bind(&file.kind)
    .bind(&file.hash)
    .bind(&file.content_type)
    .bind(data)
    .bind(now_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Removes `locale`'s file of `kind`.
pub async fn delete_file(
    conn: &mut AnyConnection,
    locale: &str,
    kind: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM branding_files WHERE locale = $1 AND kind = $2")
        .bind(locale)
        .bind(kind)
        .execute(conn)
        .await
        .map(|_| ())
}

/// `locale`'s file of `kind`.
pub async fn file(
    conn: &mut AnyConnection,
    locale: &str,
    kind: &str,
) -> Result<Option<File>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT content_type, data FROM branding_files WHERE locale = $1 AND kind = $2",
    )
    .bind(locale)
    .bind(kind)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(file_of).transpose()
}

/// The file whose content hash is `hash`.
pub async fn by_hash(conn: &mut AnyConnection, hash: &str) -> Result<Option<File>, sqlx::Error> {
    let row = sqlx::query("SELECT content_type, data FROM branding_files WHERE hash = $1 LIMIT 1")
        .bind(hash)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(file_of).transpose()
}

fn file_of(row: &sqlx::any::AnyRow) -> Result<File, sqlx::Error> {
    Ok(File {
        content_type: row.try_get("content_type")?,
        data: row.try_get("data")?,
    })
}

/// Serialises branding writers for a read-modify-write (as `policies::lock`).
pub async fn lock(conn: &mut AnyConnection, backend: Backend) -> Result<(), sqlx::Error> {
    if backend == Backend::Postgres {
        sqlx::query("LOCK TABLE branding IN SHARE ROW EXCLUSIVE MODE")
            .execute(conn)
            .await?;
    }
    Ok(())
}
