//! The administrators' tables: `admins`, `admin_sessions`, `admin_bootstrap` (setup tokens) and
//! `admin_lockouts` (failed sign-ins per client address).

use super::Backend;
use sqlx::{AnyConnection, Row};
use sspr_api::WireName;
use sspr_api::{AdminRole, AdminView};

/// An administrator as stored.
#[derive(Debug, Clone)]
pub struct Admin {
    pub id: String,
    pub email: String,
    pub email_canonical: String,
    pub display_name: String,
    pub role: AdminRole,
    pub password_hash: Option<String>,
    pub totp_secret_sealed: Option<String>,
    pub totp_enrolled_at_ms: Option<i64>,
    pub totp_last_step: Option<i64>,
}

impl Admin {
    pub fn view(&self) -> AdminView {
        AdminView {
            id: self.id.clone(),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
        }
    }
}

const COLUMNS: &str = "id, email, email_canonical, display_name, role, password_hash, \
    totp_secret_sealed, totp_enrolled_at_ms, totp_last_step";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Admin, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(Admin {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        email_canonical: row.try_get("email_canonical")?,
        display_name: row.try_get("display_name")?,
        role: AdminRole::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown admin role {role:?}").into()))?,
        password_hash: row.try_get("password_hash")?,
        totp_secret_sealed: row.try_get("totp_secret_sealed")?,
        totp_enrolled_at_ms: row.try_get("totp_enrolled_at_ms")?,
        totp_last_step: row.try_get("totp_last_step")?,
    })
}

pub async fn count(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM admins")
        .fetch_one(conn)
        .await?
        .try_get("n")
}

pub async fn by_email(
    conn: &mut AnyConnection,
    canonical: &str,
) -> Result<Option<Admin>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM admins WHERE email_canonical = $1");
    let row = sqlx::query(&sql)
        .bind(canonical)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every administrator, by display name then address. Organisations have a handful; the list
/// is capped at 1,000 rather than paged.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Admin>, sqlx::Error> {
    let sql =
        format!("SELECT {COLUMNS} FROM admins ORDER BY display_name, email_canonical LIMIT 1000");
    let rows = sqlx::query(&sql).fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<Admin>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM admins WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// A new administrator; `password_hash` and the TOTP secret may come later (an invitation).
pub async fn insert(
    conn: &mut AnyConnection,
    admin: &Admin,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO admins (id, email, email_canonical, display_name, role, password_hash, \
                             totp_secret_sealed, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&admin.id)
    .bind(&admin.email)
    .bind(&admin.email_canonical)
    .bind(&admin.display_name)
    .bind(admin.role.as_str())
    .bind(&admin.password_hash)
    .bind(&admin.totp_secret_sealed)
    .bind(now_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Completes an invited administrator's account; false if it was already completed.
pub async fn complete(
    conn: &mut AnyConnection,
    id: &str,
    display_name: &str,
    password_hash: &str,
    totp_secret_sealed: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE admins SET display_name = $1, password_hash = $2, totp_secret_sealed = $3 \
         WHERE id = $4 AND password_hash IS NULL",
    )
    .bind(display_name)
    .bind(password_hash)
    .bind(totp_secret_sealed)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets the administrator's password and authenticator, so that only a new setup token lets
/// them in again; false if there is no such administrator.
pub async fn clear_sign_in(conn: &mut AnyConnection, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE admins SET password_hash = NULL, totp_secret_sealed = NULL, \
         totp_enrolled_at_ms = NULL, totp_last_step = NULL WHERE id = $1",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Accepts TOTP step `step` for the admin — once: false if that step or a later one was already
/// accepted. With `enrol`, also marks the authenticator enrolled (only if it was not).
pub async fn accept_step(
    conn: &mut AnyConnection,
    id: &str,
    step: i64,
    enrol: bool,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let enrolled = if enrol {
        "totp_enrolled_at_ms IS NULL"
    } else {
        "totp_enrolled_at_ms IS NOT NULL"
    };
    let sql = format!(
        "UPDATE admins SET totp_last_step = $1, \
                totp_enrolled_at_ms = COALESCE(totp_enrolled_at_ms, $2) \
         WHERE id = $3 AND {enrolled} AND (totp_last_step IS NULL OR totp_last_step < $1)"
    );
    let done = sqlx::query(&sql)
        .bind(step)
        .bind(now_ms)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Until when sign-ins of administrator `admin_id` from `client_ip` are locked (0: not locked).
pub async fn locked_until(
    conn: &mut AnyConnection,
    admin_id: &str,
    client_ip: &str,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "SELECT locked_until_ms FROM admin_lockouts WHERE admin_id = $1 AND client_ip = $2",
    )
    .bind(admin_id)
    .bind(client_ip)
    .fetch_optional(conn)
    .await?;
    row.map_or(Ok(0), |row| row.try_get("locked_until_ms"))
}

/// Counts a failed sign-in of `admin_id` from `client_ip`; at `threshold` failures locks that
/// address out until `until_ms` and starts the count again. Returns whether this failure locked.
pub async fn count_failure(
    conn: &mut AnyConnection,
    admin_id: &str,
    client_ip: &str,
    threshold: i64,
    until_ms: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let failures: i64 = sqlx::query(
        "INSERT INTO admin_lockouts (admin_id, client_ip, failures, locked_until_ms, updated_at_ms) \
         VALUES ($1, $2, 1, 0, $3) \
         ON CONFLICT (admin_id, client_ip) \
         DO UPDATE SET failures = admin_lockouts.failures + 1, updated_at_ms = $3 \
         RETURNING failures",
    )
    .bind(admin_id)
    .bind(client_ip)
    .bind(now_ms)
    .fetch_one(&mut *conn)
    .await?
    .try_get("failures")?;
    if failures < threshold {
        return Ok(false);
    }
    let done = sqlx::query(
        "UPDATE admin_lockouts SET failures = 0, locked_until_ms = $1 \
         WHERE admin_id = $2 AND client_ip = $3 AND failures >= $4",
    )
    .bind(until_ms)
    .bind(admin_id)
    .bind(client_ip)
    .bind(threshold)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A successful sign-in from `client_ip` clears that address's failures.
pub async fn clear_failures(
    conn: &mut AnyConnection,
    admin_id: &str,
    client_ip: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM admin_lockouts WHERE admin_id = $1 AND client_ip = $2")
        .bind(admin_id)
        .bind(client_ip)
        .execute(conn)
        .await?;
    Ok(())
}

// ---- sessions ----

pub async fn insert_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    admin_id: &str,
    now_ms: i64,
    expires_at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO admin_sessions (token_hash, admin_id, created_at_ms, expires_at_ms, last_seen_ms) \
         VALUES ($1, $2, $3, $4, $3)",
    )
    .bind(token_hash)
    .bind(admin_id)
    .bind(now_ms)
    .bind(expires_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The admin of the live session with this token hash — unexpired, unrevoked and seen within
/// `idle_ms` — sliding its last-seen time to now.
pub async fn live_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    now_ms: i64,
    idle_ms: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE admin_sessions SET last_seen_ms = $1 \
         WHERE token_hash = $2 AND revoked_at_ms IS NULL AND expires_at_ms > $1 \
           AND last_seen_ms > $3 RETURNING admin_id",
    )
    .bind(now_ms)
    .bind(token_hash)
    .bind(now_ms - idle_ms)
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.try_get("admin_id")).transpose()
}

pub async fn revoke_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE admin_sessions SET revoked_at_ms = $1 WHERE token_hash = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(token_hash)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Ends every session of the administrator.
pub async fn revoke_sessions_of(
    conn: &mut AnyConnection,
    admin_id: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE admin_sessions SET revoked_at_ms = $1 WHERE admin_id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(admin_id)
    .execute(conn)
    .await
    .map(|_| ())
}

// ---- setup tokens ----

/// Retires the administrator's unused setup tokens (a new one replaces them).
pub async fn retire_tokens_of(
    conn: &mut AnyConnection,
    admin_id: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE admin_bootstrap SET used_at_ms = $1 WHERE admin_id = $2 AND used_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(admin_id)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn insert_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    admin_id: Option<&str>,
    now_ms: i64,
    expires_at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO admin_bootstrap (token_hash, admin_id, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(admin_id)
    .bind(now_ms)
    .bind(expires_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Whether an unused, unexpired first-admin token exists.
pub async fn live_first_token(conn: &mut AnyConnection, now_ms: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM admin_bootstrap \
         WHERE admin_id IS NULL AND used_at_ms IS NULL AND expires_at_ms > $1",
    )
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Marks every unused first-admin token used (replaced, or an admin now exists).
pub async fn retire_first_tokens(conn: &mut AnyConnection, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE admin_bootstrap SET used_at_ms = $1 WHERE admin_id IS NULL AND used_at_ms IS NULL",
    )
    .bind(now_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Uses the token once: `Some(admin_id)` (itself `None` for a first-admin token) when it was
/// unused and unexpired, `None` otherwise.
pub async fn use_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<Option<String>>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE admin_bootstrap SET used_at_ms = $1 \
         WHERE token_hash = $2 AND used_at_ms IS NULL AND expires_at_ms > $1 RETURNING admin_id",
    )
    .bind(now_ms)
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.try_get("admin_id")).transpose()
}

/// Serialises first-admin checks: on PostgreSQL a lock on `admins` for the transaction; SQLite's
/// write transaction (`BEGIN IMMEDIATE`) already holds the one write lock.
pub async fn lock(conn: &mut AnyConnection, backend: Backend) -> Result<(), sqlx::Error> {
    if backend == Backend::Postgres {
        sqlx::query("LOCK TABLE admins IN SHARE ROW EXCLUSIVE MODE")
            .execute(conn)
            .await?;
    }
    Ok(())
}
