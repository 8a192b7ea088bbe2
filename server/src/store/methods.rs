//! Users' registered methods (`user_methods`) and their security answers (`security_answers`).
//! An authenticator app's step is accepted by one `UPDATE … WHERE last_step < $step`, which
//! exactly one caller wins, so a code is never accepted twice however requests race.

use sqlx::{AnyConnection, Row};
use sspr_api::{MethodKind, WireName};

/// A method as stored.
#[derive(Debug, Clone)]
pub struct Method {
    pub id: String,
    pub user_id: String,
    pub kind: MethodKind,
    pub address: Option<String>,
    pub secret_sealed: Option<String>,
    pub last_step: Option<i64>,
    pub created_at_ms: i64,
    pub verified_at_ms: Option<i64>,
    pub last_used_ms: Option<i64>,
}

const COLUMNS: &str = "id, user_id, kind, address, secret_sealed, last_step, created_at_ms, \
                       verified_at_ms, last_used_ms";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Method, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    Ok(Method {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        kind: MethodKind::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode("unknown method kind".into()))?,
        address: row.try_get("address")?,
        secret_sealed: row.try_get("secret_sealed")?,
        last_step: row.try_get("last_step")?,
        created_at_ms: row.try_get("created_at_ms")?,
        verified_at_ms: row.try_get("verified_at_ms")?,
        last_used_ms: row.try_get("last_used_ms")?,
    })
}

/// The user's verified methods, oldest first.
pub async fn verified(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<Method>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM user_methods WHERE user_id = $1 AND verified_at_ms IS NOT NULL \
         ORDER BY created_at_ms, id"
    );
    let rows = sqlx::query(&sql).bind(user_id).fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

/// One of the user's methods, verified or pending.
pub async fn by_id(
    conn: &mut AnyConnection,
    user_id: &str,
    id: &str,
) -> Result<Option<Method>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM user_methods WHERE user_id = $1 AND id = $2");
    let row = sqlx::query(&sql)
        .bind(user_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Stores a method (pending, or verified at once), replacing the user's pending method of its
/// kind.
pub async fn insert(conn: &mut AnyConnection, method: &Method) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM user_methods WHERE user_id = $1 AND kind = $2 AND verified_at_ms IS NULL",
    )
    .bind(&method.user_id)
    .bind(method.kind.as_str())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO user_methods (id, user_id, kind, address, secret_sealed, last_step, \
                                   created_at_ms, verified_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&method.id)
    .bind(&method.user_id)
    .bind(method.kind.as_str())
    .bind(&method.address)
    .bind(&method.secret_sealed)
    .bind(method.last_step)
    .bind(method.created_at_ms)
    .bind(method.verified_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Marks a pending method verified (and an app's confirming step used); `false` if it was
/// not pending any more.
pub async fn mark_verified(
    conn: &mut AnyConnection,
    id: &str,
    last_step: Option<i64>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE user_methods SET verified_at_ms = $1, created_at_ms = $1, last_step = $2 \
         WHERE id = $3 AND verified_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(last_step)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Accepts an authenticator app's `step` once: `true` for the one caller that moves the app's
/// last step forward, which also records the use.
pub async fn accept_step(
    conn: &mut AnyConnection,
    id: &str,
    step: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE user_methods SET last_step = $1, last_used_ms = $2 \
         WHERE id = $3 AND (last_step IS NULL OR last_step < $1)",
    )
    .bind(step)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a use of the method.
pub async fn touch(conn: &mut AnyConnection, id: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE user_methods SET last_used_ms = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Deletes one of the user's methods; `false` if there was none.
pub async fn delete(
    conn: &mut AnyConnection,
    user_id: &str,
    id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM user_methods WHERE user_id = $1 AND id = $2")
        .bind(user_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the user's other verified methods of `kind` (one alternate address, one set of
/// answers), keeping `keep`.
pub async fn delete_others(
    conn: &mut AnyConnection,
    user_id: &str,
    kind: MethodKind,
    keep: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_methods WHERE user_id = $1 AND kind = $2 AND id <> $3")
        .bind(user_id)
        .bind(kind.as_str())
        .bind(keep)
        .execute(conn)
        .await
        .map(|_| ())
}

/// One stored security answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub position: i64,
    pub question: String,
    pub answer_hash: String,
}

/// Stores one answer of a questions method.
pub async fn insert_answer(
    conn: &mut AnyConnection,
    method_id: &str,
    answer: &Answer,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO security_answers (method_id, position, question, answer_hash) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(method_id)
    .bind(answer.position)
    .bind(&answer.question)
    .bind(&answer.answer_hash)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A questions method's answers, in the order registered.
pub async fn answers(
    conn: &mut AnyConnection,
    method_id: &str,
) -> Result<Vec<Answer>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT position, question, answer_hash FROM security_answers WHERE method_id = $1 \
         ORDER BY position",
    )
    .bind(method_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Answer {
                position: row.try_get("position")?,
                question: row.try_get("question")?,
                answer_hash: row.try_get("answer_hash")?,
            })
        })
        .collect()
}
