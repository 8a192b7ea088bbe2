//! Accounts.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use sspr_api::{UserStatus, UserType, UserView};

/// An account as stored.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub email_canonical: String,
    pub display_name: String,
    pub user_type: UserType,
    pub disabled: bool,
    pub password_hash: Option<String>,
    pub failed_sign_ins: i64,
    pub lockouts: i64,
    pub locked_until_ms: i64,
    pub last_sign_in_ms: Option<i64>,
    /// When an administrator required the user to register their methods again.
    pub reregistration_required_ms: Option<i64>,
}

impl User {
    pub fn is_locked(&self, now_ms: i64) -> bool {
        self.locked_until_ms > now_ms
    }

    pub fn status(&self, now_ms: i64) -> UserStatus {
        if self.disabled {
            UserStatus::Disabled
        } else if self.is_locked(now_ms) {
            UserStatus::Locked
        } else {
            UserStatus::Active
        }
    }

    pub fn view(&self, now_ms: i64) -> UserView {
        let mut methods = vec!["email".to_owned()];
        if self.password_hash.is_some() {
            methods.push("password".to_owned());
        }
        UserView {
            id: self.id.clone(),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            user_type: self.user_type,
            status: self.status(now_ms),
            methods,
        }
    }

    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let user_type: String = row.try_get("user_type")?;
        Ok(User {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            email_canonical: row.try_get("email_canonical")?,
            display_name: row.try_get("display_name")?,
            user_type: if user_type == "guest" {
                UserType::Guest
            } else {
                UserType::Member
            },
            disabled: row.try_get::<i64, _>("disabled")? != 0,
            password_hash: row.try_get("password_hash")?,
            failed_sign_ins: row.try_get("failed_sign_ins")?,
            lockouts: row.try_get("lockouts")?,
            locked_until_ms: row.try_get("locked_until_ms")?,
            last_sign_in_ms: row.try_get("last_sign_in_ms")?,
            reregistration_required_ms: row.try_get("reregistration_required_ms")?,
        })
    }
}

const COLUMNS: &str =
    "id, email, email_canonical, display_name, user_type, disabled, password_hash, \
                       failed_sign_ins, lockouts, locked_until_ms, last_sign_in_ms, \
                       reregistration_required_ms";

pub async fn by_email(
    conn: &mut AnyConnection,
    canonical: &str,
) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email_canonical = $1");
    let row = sqlx::query(&sql)
        .bind(canonical)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(User::from_row).transpose()
}

/// [`by_email`], and in the same round trip the version of what administrators set
/// (`store::settings_version`): a flow start needs both.
pub async fn by_email_with_settings(
    conn: &mut AnyConnection,
    canonical: &str,
) -> Result<(i64, Option<User>), sqlx::Error> {
    let sql = format!(
        "SELECT settings_version, {COLUMNS} FROM settings_version \
         LEFT JOIN users ON email_canonical = $1"
    );
    let row = sqlx::query(&sql).bind(canonical).fetch_one(conn).await?;
    let version = row.try_get("settings_version")?;
    let found = row.try_get::<Option<String>, _>("id")?.is_some();
    Ok((version, found.then(|| User::from_row(&row)).transpose()?))
}

/// Whether a row with this id exists.
pub async fn exists(conn: &mut AnyConnection, id: &str) -> Result<bool, sqlx::Error> {
    let found = sqlx::query("SELECT 1 AS one FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(User::from_row).transpose()
}

/// The fields of a new account.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub email_canonical: &'a str,
    pub display_name: &'a str,
    pub user_type: UserType,
    pub password_hash: Option<&'a str>,
}

/// Creates an account; `Ok(false)` when the address already has one.
pub async fn insert(
    conn: &mut AnyConnection,
    user: &NewUser<'_>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO users (id, email, email_canonical, display_name, display_name_canonical, \
                            user_type, password_hash, created_at_ms, updated_at_ms, \
                            password_changed_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) ON CONFLICT (email_canonical) DO NOTHING",
    )
    .bind(user.id)
    .bind(user.email)
    .bind(user.email_canonical)
    .bind(user.display_name)
    .bind(canonical_name(user.display_name))
    .bind(match user.user_type {
        UserType::Member => "member",
        UserType::Guest => "guest",
    })
    .bind(user.password_hash)
    .bind(now_ms)
    .bind(user.password_hash.map(|_| now_ms))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The lower-cased form of a display name that search compares prefixes against.
pub fn canonical_name(display_name: &str) -> String {
    display_name.to_lowercase()
}

/// Disables (`true`) or enables an account; returns whether it changed.
pub async fn set_disabled(
    conn: &mut AnyConnection,
    id: &str,
    disabled: bool,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET disabled = $1, updated_at_ms = $2 WHERE id = $3 AND disabled <> $1",
    )
    .bind(i64::from(disabled))
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Flags the account: at the next sign-in the user registers their methods again (kept until
/// they do). Returns the time the flag carries (an earlier one when already set).
pub async fn require_reregistration(
    conn: &mut AnyConnection,
    id: &str,
    now_ms: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE users SET reregistration_required_ms = COALESCE(reregistration_required_ms, $1), \
                updated_at_ms = $1 WHERE id = $2 RETURNING reregistration_required_ms",
    )
    .bind(now_ms)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.try_get::<Option<i64>, _>(0))
        .transpose()
        .map(Option::flatten)
}

/// A user's registration at sign-in: skips used, when they last skipped (`None`: not since they
/// last registered) and when they last confirmed their methods (else when the account was
/// made).
#[derive(Debug, Clone, Copy, Default)]
pub struct RegistrationState {
    pub skips: i64,
    pub skipped_ms: Option<i64>,
    pub confirmed_ms: i64,
}

/// The registration state of `id` (all zero for an unknown id).
pub async fn registration_state(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<RegistrationState, sqlx::Error> {
    let row = sqlx::query(
        "SELECT registration_skips, registration_skipped_ms, \
                COALESCE(methods_confirmed_ms, created_at_ms) AS confirmed \
         FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    match row {
        Some(row) => Ok(RegistrationState {
            skips: row.try_get(0)?,
            skipped_ms: row.try_get(1)?,
            confirmed_ms: row.try_get(2)?,
        }),
        None => Ok(RegistrationState::default()),
    }
}

/// Counts one skip of registration at `now_ms`, unless `max` were used; returns whether it was
/// counted.
pub async fn count_registration_skip(
    conn: &mut AnyConnection,
    id: &str,
    max: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET registration_skips = registration_skips + 1, \
                registration_skipped_ms = $3 \
         WHERE id = $1 AND registration_skips < $2",
    )
    .bind(id)
    .bind(max)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The user completed or confirmed their registration at `now_ms`: the clock restarts, the
/// skips and an administrator's re-registration demand are cleared.
pub async fn finish_registration(
    conn: &mut AnyConnection,
    id: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET methods_confirmed_ms = $1, registration_skips = 0, \
                registration_skipped_ms = NULL, reregistration_required_ms = NULL WHERE id = $2",
    )
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Sets a new password and clears any lockout.
pub async fn set_password(
    conn: &mut AnyConnection,
    id: &str,
    hash: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, password_changed_ms = $2, updated_at_ms = $2, \
                failed_sign_ins = 0, lockouts = 0, locked_until_ms = 0 WHERE id = $3",
    )
    .bind(hash)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Clears the lockout and the failure count.
pub async fn unlock(conn: &mut AnyConnection, id: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET failed_sign_ins = 0, lockouts = 0, locked_until_ms = 0, updated_at_ms = $1 \
         WHERE id = $2",
    )
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Records a successful sign-in: failures and lockouts reset, and the language the user signed
/// in with remembered for the notices about them.
pub async fn signed_in(
    conn: &mut AnyConnection,
    id: &str,
    now_ms: i64,
    language: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET failed_sign_ins = 0, lockouts = 0, last_sign_in_ms = $1, language = $2 \
         WHERE id = $3",
    )
    .bind(now_ms)
    .bind(language)
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The language the user last signed in with, if known.
pub async fn language(conn: &mut AnyConnection, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT language FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .map(|row| row.try_get("language"))
        .transpose()
        .map(Option::flatten)
}

/// Counts one wrong password, atomically. Returns the new count and the lockouts so far.
pub async fn count_failure(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE id = $1 \
         RETURNING failed_sign_ins, lockouts",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// Locks the account until `until_ms` if its failure count reached `threshold`; only one of
/// several concurrent callers wins. Returns whether this call locked it.
pub async fn lock_if_due(
    conn: &mut AnyConnection,
    id: &str,
    threshold: i64,
    until_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET failed_sign_ins = 0, lockouts = lockouts + 1, locked_until_ms = $1 \
         WHERE id = $2 AND failed_sign_ins >= $3",
    )
    .bind(until_ms)
    .bind(id)
    .bind(threshold)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
