//! Resetting another administrator's sign-in (`POST /api/admin/admins/{id}/reset-sign-in`): a
//! global administrator makes an administrator who lost their password or authenticator start
//! again. Their password and authenticator are forgotten, their sessions end, their unused
//! setup tokens are retired, and a new one-time setup link is answered (as for a new
//! administrator, [`super::bootstrap::invite`]). Every other global administrator is told by
//! mail when the reset policy says so ([`crate::notify::administrators`]).
//!
//! Nobody resets their own sign-in this way: a signed-in administrator still has both.

use super::audit::{record_change, Change};
use super::bootstrap::{link, TOKEN_LIFETIME_MS};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::mail::notices::Notice;
use crate::notify;
use crate::secrets::random_token;
use crate::store::admins::{self as store, Admin};
use crate::AppState;
use serde_json::json;
use sspr_api::AdminInvitation;

/// Resets administrator `id`'s sign-in for `by`; the caller's permission is checked by the route.
pub async fn reset(
    state: &AppState,
    client: &Client,
    by: &Admin,
    id: &str,
) -> Result<AdminInvitation, ApiError> {
    if id == by.id {
        return Err(ApiError::validation(
            "You cannot reset your own sign-in: another global administrator must do it.",
        ));
    }
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let admin = match super::users::plausible_id(id) {
        true => store::by_id(&mut tx, id).await?,
        false => None,
    }
    .ok_or_else(ApiError::not_found)?;
    store::clear_sign_in(&mut tx, id).await?;
    store::revoke_sessions_of(&mut tx, id, now).await?;
    store::retire_tokens_of(&mut tx, id, now).await?;
    let token = random_token(32);
    let expires_at_ms = now + TOKEN_LIFETIME_MS;
    let token_hash = state.secrets.token_hash(&token);
    store::insert_token(&mut tx, &token_hash, Some(id), now, expires_at_ms).await?;
    let was_set_up = admin.password_hash.is_some() && admin.totp_enrolled_at_ms.is_some();
    let change = Change {
        what: "admin.reset_sign_in",
        subject: id,
        before: json!({ "set_up": was_set_up }),
        after: json!({ "set_up": false, "setup_link_issued": true }),
    };
    record_change(&mut tx, by, client, change, now).await?;
    let notice = Notice::AdminSignInReset {
        admin: format!("{} <{}>", admin.display_name, admin.email),
        by: format!("{} <{}>", by.display_name, by.email),
    };
    let told = notify::administrators(&mut tx, state, client, &notice, id).await?;
    tx.commit().await?;
    if told > 0 {
        state.outbox.wake();
    }
    Ok(AdminInvitation {
        admin: admin.view(),
        setup_link: link(state, &token),
        setup_token: token,
        expires_at_ms,
    })
}
