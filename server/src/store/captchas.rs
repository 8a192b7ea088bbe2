//! On-screen verification codes (`captchas`): stored with the answer's keyed hash and the
//! rendered media; taken (deleted) when an answer is checked, so each is used once.

use sqlx::{AnyConnection, Row};

/// A new verification code.
#[derive(Debug)]
pub struct NewCaptcha<'a> {
    pub id: &'a str,
    pub answer_hash: &'a str,
    pub image_base64: &'a str,
    pub audio_base64: &'a str,
    pub now_ms: i64,
    pub expires_at_ms: i64,
}

pub async fn insert(conn: &mut AnyConnection, captcha: &NewCaptcha<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO captchas (id, answer_hash, image, audio, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(captcha.id)
    .bind(captcha.answer_hash)
    .bind(captcha.image_base64)
    .bind(captcha.audio_base64)
    .bind(captcha.now_ms)
    .bind(captcha.expires_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Which rendering of a verification code to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    Image,
    Audio,
}

/// The picture or the spoken form (base64) of the live, unused verification code `id`.
pub async fn media(
    conn: &mut AnyConnection,
    id: &str,
    media: Media,
    now_ms: i64,
) -> Result<Option<String>, sqlx::Error> {
    let sql = match media {
        Media::Image => "SELECT image FROM captchas WHERE id = $1 AND expires_at_ms > $2",
        Media::Audio => "SELECT audio FROM captchas WHERE id = $1 AND expires_at_ms > $2",
    };
    let row = sqlx::query(sql)
        .bind(id)
        .bind(now_ms)
        .fetch_optional(conn)
        .await?;
    row.map(|r| r.try_get(0)).transpose()
}

/// Deletes the verification code `id` and returns its answer hash if it was still live: of
/// two requests with the same id, one gets it.
pub async fn take(
    conn: &mut AnyConnection,
    id: &str,
    now_ms: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row =
        sqlx::query("DELETE FROM captchas WHERE id = $1 RETURNING answer_hash, expires_at_ms")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    let Some(row) = row else { return Ok(None) };
    let expires_at_ms: i64 = row.try_get(1)?;
    (expires_at_ms > now_ms).then(|| row.try_get(0)).transpose()
}
