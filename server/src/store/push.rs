//! Paired authenticator devices (`push_devices`) and the requests sent to them
//! (`push_challenges`), for authenticator push with number matching.
//!
//! Pairing is used once by one `UPDATE … WHERE pairing_hash = $hash AND pairing_expires_at_ms >
//! $now`, which clears the hash as it stores the key. A request leaves `pending` once, by one
//! `UPDATE … WHERE state = 'pending'` that also checks the expiry ([`settle`], [`expire`]): of
//! racing answers, or an answer racing the expiry, exactly one wins, on SQLite and PostgreSQL.

use sqlx::{AnyConnection, Row};
use sspr_api::{PushState, WireName};

/// A device as stored; `public_key` is `None` until paired.
#[derive(Debug, Clone)]
pub struct Device {
    pub method_id: String,
    pub user_id: String,
    pub public_key: Option<String>,
}

/// A request to the user's devices.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub id: String,
    pub flow_id: String,
    pub user_id: String,
    pub nonce: String,
    pub number: u8,
    pub application: String,
    pub location: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub state: PushState,
}

const CHALLENGE_COLUMNS: &str = "id, flow_id, user_id, nonce, number, application, location, \
                                 created_at_ms, expires_at_ms, state";

fn challenge_of(row: &sqlx::any::AnyRow) -> Result<Challenge, sqlx::Error> {
    let state: String = row.try_get("state")?;
    let number: i64 = row.try_get("number")?;
    Ok(Challenge {
        id: row.try_get("id")?,
        flow_id: row.try_get("flow_id")?,
        user_id: row.try_get("user_id")?,
        nonce: row.try_get("nonce")?,
        number: u8::try_from(number).map_err(|_| sqlx::Error::Decode("push number".into()))?,
        application: row.try_get("application")?,
        location: row.try_get("location")?,
        created_at_ms: row.try_get("created_at_ms")?,
        expires_at_ms: row.try_get("expires_at_ms")?,
        state: PushState::parse(&state)
            .ok_or_else(|| sqlx::Error::Decode("unknown push state".into()))?,
    })
}

/// Starts pairing the (pending) method `method_id`: the keyed hash of its secret and when it
/// dies.
pub async fn start_pairing(
    conn: &mut AnyConnection,
    method_id: &str,
    user_id: &str,
    pairing_hash: &str,
    expires_at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO push_devices (method_id, user_id, pairing_hash, pairing_expires_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(method_id)
    .bind(user_id)
    .bind(pairing_hash)
    .bind(expires_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Uses the pairing `pairing_hash` of `method_id` once, before it dies, storing the device's
/// key; the user it pairs for, or `None` for a wrong, dead or used pairing.
pub async fn complete_pairing(
    conn: &mut AnyConnection,
    method_id: &str,
    pairing_hash: &str,
    public_key: &str,
    now_ms: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE push_devices SET public_key = $1, pairing_hash = NULL, paired_at_ms = $2 \
         WHERE method_id = $3 AND pairing_hash = $4 AND pairing_expires_at_ms > $2 \
         RETURNING user_id",
    )
    .bind(public_key)
    .bind(now_ms)
    .bind(method_id)
    .bind(pairing_hash)
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.try_get("user_id")).transpose()
}

/// A paired device whose method is still registered and verified.
pub async fn device(
    conn: &mut AnyConnection,
    method_id: &str,
) -> Result<Option<Device>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT d.method_id, d.user_id, d.public_key FROM push_devices d \
         JOIN user_methods m ON m.id = d.method_id \
         WHERE d.method_id = $1 AND d.public_key IS NOT NULL AND m.verified_at_ms IS NOT NULL",
    )
    .bind(method_id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(Device {
            method_id: r.try_get("method_id")?,
            user_id: r.try_get("user_id")?,
            public_key: r.try_get("public_key")?,
        })
    })
    .transpose()
}

/// Stores a new pending request, cancelling the flow's earlier pending ones.
pub async fn insert_challenge(
    conn: &mut AnyConnection,
    challenge: &Challenge,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE push_challenges SET state = $1 WHERE flow_id = $2 AND state = $3")
        .bind(PushState::Cancelled.as_str())
        .bind(&challenge.flow_id)
        .bind(PushState::Pending.as_str())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO push_challenges (id, flow_id, user_id, nonce, number, application, \
                                      location, created_at_ms, expires_at_ms, state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&challenge.id)
    .bind(&challenge.flow_id)
    .bind(&challenge.user_id)
    .bind(&challenge.nonce)
    .bind(i64::from(challenge.number))
    .bind(&challenge.application)
    .bind(&challenge.location)
    .bind(challenge.created_at_ms)
    .bind(challenge.expires_at_ms)
    .bind(challenge.state.as_str())
    .execute(conn)
    .await
    .map(|_| ())
}

/// One request.
pub async fn challenge(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<Challenge>, sqlx::Error> {
    let sql = format!("SELECT {CHALLENGE_COLUMNS} FROM push_challenges WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(challenge_of).transpose()
}

/// The user's requests still waiting at `now_ms`, newest first.
pub async fn pending_for(
    conn: &mut AnyConnection,
    user_id: &str,
    now_ms: i64,
) -> Result<Vec<Challenge>, sqlx::Error> {
    let sql = format!(
        "SELECT {CHALLENGE_COLUMNS} FROM push_challenges \
         WHERE user_id = $1 AND state = $2 AND expires_at_ms > $3 \
         ORDER BY created_at_ms DESC, id LIMIT 10"
    );
    let rows = sqlx::query(&sql)
        .bind(user_id)
        .bind(PushState::Pending.as_str())
        .bind(now_ms)
        .fetch_all(conn)
        .await?;
    rows.iter().map(challenge_of).collect()
}

/// Moves a pending, unexpired request to `to`, answered by `device_id`; `true` for the one
/// caller that does.
pub async fn settle(
    conn: &mut AnyConnection,
    id: &str,
    to: PushState,
    device_id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE push_challenges SET state = $1, answered_by = $2, answered_at_ms = $3 \
         WHERE id = $4 AND state = $5 AND expires_at_ms > $3",
    )
    .bind(to.as_str())
    .bind(device_id)
    .bind(now_ms)
    .bind(id)
    .bind(PushState::Pending.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a pending request whose time is up `expired`; `true` for the one caller that does.
pub async fn expire(conn: &mut AnyConnection, id: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE push_challenges SET state = $1 \
         WHERE id = $2 AND state = $3 AND expires_at_ms <= $4",
    )
    .bind(PushState::Expired.as_str())
    .bind(id)
    .bind(PushState::Pending.as_str())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
