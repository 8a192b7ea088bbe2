//! The `applications` and `application_secrets` tables: application registrations and their
//! client secrets (keyed hashes). Redirect URI lists are JSON arrays of strings.

use crate::domain::application::{Registration, Secret};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use sspr_api::SigningAlgorithm;
use sspr_api::WireName;

const COLUMNS: &str = "id, app_id, display_name, user_flow_id, web_redirect_uris, \
                       spa_redirect_uris, public_client_redirect_uris, id_token_signing_alg, \
                       created_at_ms, updated_at_ms";

const SECRET_COLUMNS: &str =
    "key_id, application_id, display_name, hint, secret_hash, start_at_ms, end_at_ms";

fn decode_error(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("bad stored application {what}").into())
}

fn uris(row: &AnyRow, column: &str) -> Result<Vec<String>, sqlx::Error> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|_| decode_error(column))
}

fn from_row(row: &AnyRow) -> Result<Registration, sqlx::Error> {
    let alg: String = row.try_get("id_token_signing_alg")?;
    Ok(Registration {
        id: row.try_get("id")?,
        app_id: row.try_get("app_id")?,
        display_name: row.try_get("display_name")?,
        user_flow_id: row.try_get("user_flow_id")?,
        web: uris(row, "web_redirect_uris")?,
        spa: uris(row, "spa_redirect_uris")?,
        public_client: uris(row, "public_client_redirect_uris")?,
        alg: SigningAlgorithm::parse(&alg).ok_or_else(|| decode_error("algorithm"))?,
        created_at_ms: row.try_get("created_at_ms")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
    })
}

fn secret_from_row(row: &AnyRow) -> Result<(String, Secret), sqlx::Error> {
    Ok((
        row.try_get("application_id")?,
        Secret {
            key_id: row.try_get("key_id")?,
            display_name: row.try_get("display_name")?,
            hint: row.try_get("hint")?,
            secret_hash: row.try_get("secret_hash")?,
            start_at_ms: row.try_get("start_at_ms")?,
            end_at_ms: row.try_get("end_at_ms")?,
        },
    ))
}

fn json(list: &[String]) -> String {
    serde_json::Value::from(list.to_vec()).to_string()
}

/// Every registration, by name.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Registration>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM applications ORDER BY display_name, id");
    let rows = sqlx::query(&sql).fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

/// The registrations attached to the user flow `user_flow_id`, by name.
pub async fn of_user_flow(
    conn: &mut AnyConnection,
    user_flow_id: &str,
) -> Result<Vec<Registration>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications WHERE user_flow_id = $1 ORDER BY display_name, id"
    );
    let rows = sqlx::query(&sql).bind(user_flow_id).fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

/// The registration with object id `id`.
pub async fn by_id(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<Registration>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// The registration with client id `app_id`.
pub async fn by_app_id(
    conn: &mut AnyConnection,
    app_id: &str,
) -> Result<Option<Registration>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE app_id = $1");
    let row = sqlx::query(&sql).bind(app_id).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// Stores a new registration; `false` when its client id is taken.
pub async fn insert(conn: &mut AnyConnection, app: &Registration) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO applications (id, app_id, display_name, user_flow_id, web_redirect_uris, \
                                   spa_redirect_uris, public_client_redirect_uris, \
                                   id_token_signing_alg, created_at_ms, updated_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
    )
    .bind(&app.id)
    .bind(&app.app_id)
    .bind(&app.display_name)
    .bind(&app.user_flow_id)
    .bind(json(&app.web))
    .bind(json(&app.spa))
    .bind(json(&app.public_client))
    .bind(app.alg.as_str())
    .bind(app.created_at_ms)
    .bind(app.updated_at_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Rewrites a registration's settings (not its id, client id or secrets).
pub async fn update(conn: &mut AnyConnection, app: &Registration) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE applications SET display_name = $1, user_flow_id = $2, web_redirect_uris = $3, \
                spa_redirect_uris = $4, public_client_redirect_uris = $5, \
                id_token_signing_alg = $6, updated_at_ms = $7 WHERE id = $8",
    )
    .bind(&app.display_name)
    .bind(&app.user_flow_id)
    .bind(json(&app.web))
    .bind(json(&app.spa))
    .bind(json(&app.public_client))
    .bind(app.alg.as_str())
    .bind(app.updated_at_ms)
    .bind(&app.id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Deletes the registration `id` and its secrets.
pub async fn delete(conn: &mut AnyConnection, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM application_secrets WHERE application_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM applications WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// How many registrations follow the user flow `user_flow_id`.
pub async fn count_of_user_flow(
    conn: &mut AnyConnection,
    user_flow_id: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE user_flow_id = $1")
        .bind(user_flow_id)
        .fetch_one(conn)
        .await
}

/// The secrets of every registration, as (object id, secret), oldest first.
pub async fn all_secrets(conn: &mut AnyConnection) -> Result<Vec<(String, Secret)>, sqlx::Error> {
    let sql =
        format!("SELECT {SECRET_COLUMNS} FROM application_secrets ORDER BY start_at_ms, key_id");
    let rows = sqlx::query(&sql).fetch_all(conn).await?;
    rows.iter().map(secret_from_row).collect()
}

/// The secrets of the registration `id`, oldest first.
pub async fn secrets(conn: &mut AnyConnection, id: &str) -> Result<Vec<Secret>, sqlx::Error> {
    let sql = format!(
        "SELECT {SECRET_COLUMNS} FROM application_secrets WHERE application_id = $1 \
         ORDER BY start_at_ms, key_id"
    );
    let rows = sqlx::query(&sql).bind(id).fetch_all(conn).await?;
    rows.iter()
        .map(|row| secret_from_row(row).map(|(_, s)| s))
        .collect()
}

/// Stores a new secret of the registration `id`.
pub async fn insert_secret(
    conn: &mut AnyConnection,
    id: &str,
    secret: &Secret,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_secrets (key_id, application_id, display_name, hint, \
                                          secret_hash, start_at_ms, end_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&secret.key_id)
    .bind(id)
    .bind(&secret.display_name)
    .bind(&secret.hint)
    .bind(&secret.secret_hash)
    .bind(secret.start_at_ms)
    .bind(secret.end_at_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Deletes the secret `key_id` of the registration `id`; `false` when there is none.
pub async fn delete_secret(
    conn: &mut AnyConnection,
    id: &str,
    key_id: &str,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("DELETE FROM application_secrets WHERE application_id = $1 AND key_id = $2")
            .bind(id)
            .bind(key_id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}
