//! The `groups` and `group_members` tables: who belongs to which group, for policy targets.

use sqlx::{AnyConnection, Row};

/// The group id Microsoft Graph uses for "every user"; never stored in `groups`.
pub const ALL_USERS: &str = "all_users";

/// Whether `user_id` belongs to at least one of `group_ids`; [`ALL_USERS`] matches everyone.
///
/// One query of the same shape whatever the answer (never one per group, stopping at the first
/// match): how long it takes must not tell members, other accounts and unknown addresses apart.
pub async fn member_of_any(
    conn: &mut AnyConnection,
    user_id: &str,
    group_ids: &[String],
) -> Result<bool, sqlx::Error> {
    if group_ids.iter().any(|g| g == ALL_USERS) {
        return Ok(true);
    }
    if group_ids.is_empty() {
        return Ok(false);
    }
    let placeholders: Vec<String> = (0..group_ids.len())
        .map(|i| format!("${}", i + 2))
        .collect();
    let sql = format!(
        "SELECT COUNT(*) FROM group_members WHERE user_id = $1 AND group_id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(user_id);
    for group_id in group_ids {
        query = query.bind(group_id);
    }
    let row = query.fetch_one(conn).await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// The ids of the groups `user_id` belongs to.
pub async fn of_user(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("SELECT group_id FROM group_members WHERE user_id = $1 ORDER BY group_id")
        .bind(user_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| row.try_get("group_id"))
        .collect()
}

/// A group as stored, with how many members it has.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub display_name: String,
    pub description: String,
    pub created_at_ms: i64,
    pub member_count: i64,
    /// `lower(display_name)`: the list's sort key and cursor.
    pub sort_key: String,
}

impl Group {
    pub fn view(&self) -> sspr_api::GroupView {
        sspr_api::GroupView {
            id: self.id.clone(),
            display_name: self.display_name.clone(),
            description: self.description.clone(),
            created_at_ms: self.created_at_ms,
            member_count: self.member_count,
        }
    }

    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Group {
            id: row.try_get("id")?,
            display_name: row.try_get("display_name")?,
            description: row.try_get("description")?,
            created_at_ms: row.try_get("created_at_ms")?,
            member_count: row.try_get("member_count")?,
            sort_key: row.try_get("sort_key")?,
        })
    }
}

const SELECT: &str = "SELECT g.id, g.display_name, g.description, g.created_at_ms, \
    lower(g.display_name) AS sort_key, \
    (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS member_count FROM groups g";

/// Whether a row with this id exists.
pub async fn exists(conn: &mut AnyConnection, id: &str) -> Result<bool, sqlx::Error> {
    let found = sqlx::query("SELECT 1 AS one FROM groups WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<Group>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE g.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(Group::from_row).transpose()
}

/// Whether another group (not `except`) has this display name, compared without case.
pub async fn name_taken(
    conn: &mut AnyConnection,
    display_name: &str,
    except: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT 1 AS one FROM groups WHERE lower(display_name) = lower($1) AND id <> $2",
    )
    .bind(display_name)
    .bind(except.unwrap_or(""))
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// A page of groups by display name (case-insensitive), after the sort key `after`; the bool
/// says whether more follow.
pub async fn page(
    conn: &mut AnyConnection,
    after: Option<&str>,
    limit: u32,
) -> Result<(Vec<Group>, bool), sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE lower(g.display_name) > $1 ORDER BY lower(g.display_name) LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit) + 1)
        .fetch_all(conn)
        .await?;
    let mut groups = rows
        .iter()
        .map(Group::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let more = groups.len() > limit as usize;
    groups.truncate(limit as usize);
    Ok((groups, more))
}

pub async fn insert(
    conn: &mut AnyConnection,
    id: &str,
    display_name: &str,
    description: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO groups (id, display_name, description, created_at_ms) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(display_name)
    .bind(description)
    .bind(now_ms)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn update(
    conn: &mut AnyConnection,
    id: &str,
    display_name: &str,
    description: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE groups SET display_name = $1, description = $2 WHERE id = $3")
        .bind(display_name)
        .bind(description)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The ids of the policy documents (`policies`: authentication methods, password reset) that
/// name the group as a target: a quoted substring match, with LIKE's wildcards escaped so it is exact.
pub async fn policies_naming(
    conn: &mut AnyConnection,
    group_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let escaped: String = group_id
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    sqlx::query("SELECT id FROM policies WHERE body LIKE $1 ESCAPE '\\' ORDER BY id")
        .bind(format!("%\"{escaped}\"%"))
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| row.try_get("id"))
        .collect()
}

/// Deletes the group and (by cascade) its memberships.
pub async fn delete(conn: &mut AnyConnection, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM groups WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds the user to the group; `false` when they already were a member.
pub async fn add_member(
    conn: &mut AnyConnection,
    group_id: &str,
    user_id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO group_members (group_id, user_id, added_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (group_id, user_id) DO NOTHING",
    )
    .bind(group_id)
    .bind(user_id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes the user from the group; `false` when they were not a member.
pub async fn remove_member(
    conn: &mut AnyConnection,
    group_id: &str,
    user_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
        .bind(group_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The groups `user_id` belongs to, by name.
pub async fn refs_of_user(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<Vec<sspr_api::GroupRef>, sqlx::Error> {
    sqlx::query(
        "SELECT g.id, g.display_name FROM group_members m JOIN groups g ON g.id = m.group_id \
         WHERE m.user_id = $1 ORDER BY lower(g.display_name)",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        Ok(sspr_api::GroupRef {
            id: row.try_get("id")?,
            display_name: row.try_get("display_name")?,
        })
    })
    .collect()
}
