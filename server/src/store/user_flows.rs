//! The `user_flows` and `flow_clients` tables: user flows, and which application each
//! self-service flow was started for. Attributes are stored as a JSON array of strings. (The
//! applications that use a flow are registrations, `store::applications`.)

use super::script::Script;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use sspr_api::WireName;
use sspr_api::{IdentityProvider, UserAttribute, UserFlow, UserFlowKind};

const COLUMNS: &str = "id, name, identity_provider, attributes, sspr_enabled, is_default, \
                       created_at_ms, updated_at_ms";

fn decode_error(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("bad stored user flow {what}").into())
}

fn strings(text: &str, what: &str) -> Result<Vec<String>, sqlx::Error> {
    serde_json::from_str(text).map_err(|_| decode_error(what))
}

fn from_row(row: &AnyRow) -> Result<UserFlow, sqlx::Error> {
    let provider: String = row.try_get("identity_provider")?;
    let attributes: String = row.try_get("attributes")?;
    Ok(UserFlow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: UserFlowKind::SignUpAndSignIn,
        identity_provider: IdentityProvider::parse(&provider)
            .ok_or_else(|| decode_error("identity provider"))?,
        attributes: strings(&attributes, "attributes")?
            .iter()
            .map(|a| UserAttribute::parse(a).ok_or_else(|| decode_error("attribute")))
            .collect::<Result<_, _>>()?,
        sspr_enabled: row.try_get::<i64, _>("sspr_enabled")? != 0,
        applications: Vec::new(),
        is_default: row.try_get::<i64, _>("is_default")? != 0,
        created_at_ms: row.try_get("created_at_ms")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
    })
}

fn attributes_json(flow: &UserFlow) -> String {
    serde_json::Value::from(
        flow.attributes
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>(),
    )
    .to_string()
}

/// Every user flow (without its applications), the default first, then by name.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<UserFlow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM user_flows ORDER BY is_default DESC, name");
    sqlx::query(&sql)
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// The user flow `id` (without its applications).
pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<UserFlow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM user_flows WHERE id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Whether another flow than `except` is named `name`.
pub async fn name_taken(
    conn: &mut AnyConnection,
    name: &str,
    except: &str,
) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT 1 AS one FROM user_flows WHERE name = $1 AND id <> $2")
            .bind(name)
            .bind(except)
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

/// Stores a new flow; `false` when another
/// flow has its name (a concurrent create that won).
pub async fn insert(conn: &mut AnyConnection, flow: &UserFlow) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO user_flows (id, name, kind, identity_provider, attributes, sspr_enabled, \
                                 is_default, created_at_ms, updated_at_ms) \
         VALUES ($1, $2, 'sign_up_and_sign_in', $3, $4, $5, 0, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(&flow.id)
    .bind(&flow.name)
    .bind(flow.identity_provider.as_str())
    .bind(attributes_json(flow))
    .bind(i64::from(flow.sspr_enabled))
    .bind(flow.created_at_ms)
    .bind(flow.updated_at_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Rewrites a flow's settings.
pub async fn update(conn: &mut AnyConnection, flow: &UserFlow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE user_flows SET name = $1, identity_provider = $2, attributes = $3, \
                sspr_enabled = $4, updated_at_ms = $5 WHERE id = $6",
    )
    .bind(&flow.name)
    .bind(flow.identity_provider.as_str())
    .bind(attributes_json(flow))
    .bind(i64::from(flow.sspr_enabled))
    .bind(flow.updated_at_ms)
    .bind(&flow.id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Deletes the flow `id` (the caller checked that no application uses it).
pub async fn delete(conn: &mut AnyConnection, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_flows WHERE id = $1 AND is_default = 0")
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Remembers that the self-service flow `flow_id` was started for `client_id` of `user_flow_id`.
pub fn remember_client(script: &mut Script, flow_id: &str, user_flow_id: &str, client_id: &str) {
    script
        .add("INSERT INTO flow_clients (flow_id, user_flow_id, client_id) VALUES ($1, $2, $3)")
        .bind(flow_id)
        .bind(user_flow_id)
        .bind(client_id);
}

/// The user flow id the self-service flow `flow_id` was started under, if an application was
/// named.
pub async fn flow_user_flow(
    conn: &mut AnyConnection,
    flow_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT user_flow_id FROM flow_clients WHERE flow_id = $1")
        .bind(flow_id)
        .fetch_optional(conn)
        .await?
        .map(|row| row.try_get("user_flow_id"))
        .transpose()
}

/// Stores a new account's collected attributes (a JSON object).
pub async fn set_user_attributes(
    conn: &mut AnyConnection,
    user_id: &str,
    attributes: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET attributes = $1 WHERE id = $2")
        .bind(attributes.to_string())
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The attributes collected at the account `user_id`'s sign-up (a JSON object; empty when the
/// account is unknown).
pub async fn user_attributes(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<serde_json::Value, sqlx::Error> {
    let text: Option<String> = sqlx::query("SELECT attributes FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?
        .map(|row| row.try_get("attributes"))
        .transpose()?;
    Ok(text
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| serde_json::json!({})))
}
