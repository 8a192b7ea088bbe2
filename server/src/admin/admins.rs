//! The administrators as the portal lists them (`GET /api/admin/admins`); creating one is
//! [`super::bootstrap::invite`], which issues the new account's setup token.

use crate::error::ApiError;
use crate::store::admins;
use crate::AppState;
use sspr_api::{AdminEntry, AdminList};

/// Every administrator by display name, with whether they finished setup (a password and a
/// confirmed authenticator).
pub async fn list(state: &AppState) -> Result<AdminList, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let admins = admins::list(&mut conn)
        .await?
        .iter()
        .map(|admin| AdminEntry {
            admin: admin.view(),
            set_up: admin.password_hash.is_some() && admin.totp_enrolled_at_ms.is_some(),
        })
        .collect();
    Ok(AdminList { admins })
}
