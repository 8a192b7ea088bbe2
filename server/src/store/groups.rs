//! The `groups` and `group_members` tables: who belongs to which group, for policy targets.

use sqlx::{AnyConnection, Row};

/// The group id Microsoft Graph uses for "every user"; never stored in `groups`.
pub const ALL_USERS: &str = "all_users";

/// Whether `user_id` belongs to at least one of `group_ids`; [`ALL_USERS`] matches everyone.
pub async fn member_of_any(
    conn: &mut AnyConnection,
    user_id: &str,
    group_ids: &[String],
) -> Result<bool, sqlx::Error> {
    if group_ids.iter().any(|g| g == ALL_USERS) {
        return Ok(true);
    }
    for group_id in group_ids {
        let found =
            sqlx::query("SELECT 1 AS one FROM group_members WHERE group_id = $1 AND user_id = $2")
                .bind(group_id)
                .bind(user_id)
                .fetch_optional(&mut *conn)
                .await?;
        if found.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
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
