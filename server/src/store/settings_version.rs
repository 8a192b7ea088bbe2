//! The `settings_version` table: one number that every change to what administrators set moves
//! on (database triggers), so an instance knows when its held copy is old
//! (`policy::admin_settings`).

use sqlx::{AnyConnection, Row};

/// The version now.
pub async fn read(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT settings_version FROM settings_version")
        .fetch_one(conn)
        .await?
        .try_get(0)
}
