//! Users as administrators see and manage them (SPEC §4 A7): the directory's search and pages,
//! one user's detail, and the actions — unlock, revoke sessions, disable and enable, require
//! re-registration, and start a password reset.
//!
//! Each action runs in one write transaction with its audit record (`admin_change`, before and
//! after), reusing the identity core's own steps (`users::unlock`, `sessions::revoke_all`) so an
//! administrator's unlock is the same unlock a user's unlock flow performs.
//!
//! Disabling keeps every public answer unchanged (SECURITY.md §1): sign-in, reset and passcode
//! sign-in already treat a disabled account exactly like an unknown one, and its sessions are
//! revoked here, so it is signed out at its next request (§28).
//!
//! Re-registration: the flag (`reregistration_required_ms`) is stored and shown, and every
//! session of the user is revoked at once; the flag stays set until the user registers their
//! methods again. The next password sign-in stops at the registration interrupt
//! (`identity::registration`), which cannot be skipped and ends only once the user registered a
//! method after the flag was set; **Done** then clears it.
//!
//! Unlocking a locked account and disabling an enabled one tell the user by mail, in the
//! language they last signed in with, when the reset policy's switch for it is on
//! ([`crate::notify`]).
//!
//! A reset started by an administrator never lets the administrator see or choose a password
//! (SECURITY.md §16): the user is mailed a link to the customer reset page on the configured
//! public origin (never the request's `Host`), with their address filled in; the reset itself is
//! the ordinary self-service one, with its passcode mailed to the user.

use super::audit::{record_change, Change};
use super::paging::{self, List};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::mail::notices::Notice;
use crate::mail::Mail;
use crate::notify;
use crate::store::admins::Admin;
use crate::store::directory::{self, Entry, Filter, StatusFilter};
use crate::store::{groups, sessions, users};
use crate::AppState;
use serde_json::json;
use sqlx::AnyConnection;
use sspr_api::{UserDetail, UserPage, UserSession, UserStatus, UserType};

/// The longest search text accepted.
const MAX_SEARCH: usize = 256;

/// The list's query parameters, as sent.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// A prefix of the email address or display name (case-insensitive).
    pub search: Option<String>,
    /// `member` or `guest`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub user_type: Option<String>,
    /// `active`, `locked`, `disabled`, `redeemed` or `pending` (the last two: guests).
    pub status: Option<String>,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// 1 to 200; 50 by default.
    pub limit: Option<String>,
}

/// Checks the list's parameters; `List::Members` pages a group's members.
pub fn filter(params: &ListParams, list: List) -> Result<Filter, ApiError> {
    let search = match params.search.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            if text.chars().count() > MAX_SEARCH || text.chars().any(char::is_control) {
                return Err(ApiError::validation(format!(
                    "search must have at most {MAX_SEARCH} characters and no control characters."
                )));
            }
            Some(users::canonical_name(text))
        }
    };
    let user_type = match params.user_type.as_deref() {
        None | Some("") => None,
        Some("member") => Some(UserType::Member),
        Some("guest") => Some(UserType::Guest),
        Some(_) => return Err(ApiError::validation("type must be member or guest.")),
    };
    let status = match params.status.as_deref() {
        None | Some("") => None,
        Some(text) => Some(StatusFilter::parse(text).ok_or_else(|| {
            ApiError::validation(format!("status must be {}.", StatusFilter::NAMES))
        })?),
    };
    let after = match params.after.as_deref() {
        None | Some("") => None,
        Some(cursor) => Some(paging::decode(list, cursor)?),
    };
    Ok(Filter {
        search,
        user_type,
        status,
        group_id: None,
        after,
        limit: paging::limit(params.limit.as_deref())?,
    })
}

/// `GET /api/admin/users`: the page of users `params` ask for.
pub async fn list(state: &AppState, params: &ListParams) -> Result<UserPage, ApiError> {
    let filter = filter(params, List::Users)?;
    page(state, &filter, List::Users).await
}

/// A page of users for `filter`; `list` tags the next cursor.
pub async fn page(state: &AppState, filter: &Filter, list: List) -> Result<UserPage, ApiError> {
    let now = state.now_ms();
    let mut conn = state.db.pool.acquire().await?;
    let (entries, more) = directory::page(&mut conn, state.db.backend, filter, now).await?;
    let next = more
        .then(|| entries.last())
        .flatten()
        .map(|last| paging::encode(list, &last.email_canonical));
    Ok(UserPage {
        items: entries.iter().map(|e| e.summary(now)).collect(),
        next,
    })
}

/// `GET /api/admin/users/{id}`.
pub async fn detail(state: &AppState, id: &str) -> Result<UserDetail, ApiError> {
    let now = state.now_ms();
    let mut conn = state.db.pool.acquire().await?;
    let entry = find(&mut conn, id).await?;
    let groups = groups::refs_of_user(&mut conn, id).await?;
    let sessions = sessions::of_user(&mut conn, id, now).await?;
    let status = entry.status(now);
    Ok(UserDetail {
        id: entry.id.clone(),
        email: entry.email.clone(),
        display_name: entry.display_name.clone(),
        user_type: entry.user_type,
        status,
        locked_until_ms: (status == UserStatus::Locked).then_some(entry.locked_until_ms),
        created_at_ms: entry.created_at_ms,
        last_sign_in_ms: entry.last_sign_in_ms,
        password_changed_ms: entry.password_changed_ms,
        methods: entry.methods(),
        registered_methods: super::user_methods::list(&mut conn, id).await?,
        groups,
        redemption: entry.redemption(),
        reregistration_required_ms: entry.reregistration_required_ms,
        sessions: sessions
            .iter()
            .map(|s| UserSession {
                created_at_ms: s.created_at_ms,
                last_seen_at_ms: s.last_seen_ms,
                expires_at_ms: s.expires_at_ms,
                user_agent: s.user_agent.clone(),
                client_ip: s.client_ip.clone(),
            })
            .collect(),
    })
}

/// What an administrator can do to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Unlock,
    RevokeSessions,
    Disable,
    Enable,
    RequireReregistration,
    ResetPassword,
}

impl Action {
    /// The `what` of its audit record.
    pub fn what(self) -> &'static str {
        match self {
            Action::Unlock => "user.unlock",
            Action::RevokeSessions => "user.revoke_sessions",
            Action::Disable => "user.disable",
            Action::Enable => "user.enable",
            Action::RequireReregistration => "user.require_reregistration",
            Action::ResetPassword => "user.reset_password",
        }
    }
}

/// Performs `action` on user `id` for `admin`, audited in the same transaction.
pub async fn act(
    state: &AppState,
    client: &Client,
    admin: &Admin,
    id: &str,
    action: Action,
) -> Result<(), ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let entry = find(&mut tx, id).await?;
    let live_sessions = sessions::of_user(&mut tx, id, now).await?.len();
    let (before, after) = match action {
        Action::Unlock => {
            users::unlock(&mut tx, id, now).await?;
            (
                json!({ "status": status_name(entry.status(now)), "locked_until_ms": entry.locked_until_ms }),
                json!({ "status": status_name(if entry.disabled { UserStatus::Disabled } else { UserStatus::Active }), "locked_until_ms": 0 }),
            )
        }
        Action::RevokeSessions => {
            sessions::revoke_all(&mut tx, id, None, now).await?;
            (
                json!({ "live_sessions": live_sessions }),
                json!({ "live_sessions": 0 }),
            )
        }
        Action::Disable | Action::Enable => {
            let disable = action == Action::Disable;
            users::set_disabled(&mut tx, id, disable, now).await?;
            if disable {
                sessions::revoke_all(&mut tx, id, None, now).await?;
            }
            (
                json!({ "disabled": entry.disabled, "live_sessions": live_sessions }),
                json!({ "disabled": disable, "live_sessions": if disable { 0 } else { live_sessions } }),
            )
        }
        Action::RequireReregistration => {
            let since = users::require_reregistration(&mut tx, id, now).await?;
            // Whoever holds a session now must sign in again, and meet the flag there.
            sessions::revoke_all(&mut tx, id, None, now).await?;
            (
                json!({ "reregistration_required_ms": entry.reregistration_required_ms, "live_sessions": live_sessions }),
                json!({ "reregistration_required_ms": since, "live_sessions": 0 }),
            )
        }
        Action::ResetPassword => {
            if entry.disabled {
                return Err(ApiError::validation(
                    "This account is disabled: enable it before starting a password reset.",
                ));
            }
            if entry.user_type == UserType::Guest {
                return Err(ApiError::validation(
                    "Guests have no password: they sign in with a one-time code.",
                ));
            }
            // In the language the user last signed in with, as their notices.
            let language = crate::notify::language_of(&mut tx, id).await?;
            state
                .queue_mail(
                    &mut tx,
                    &Mail::ResetRequested {
                        email: entry.email.clone(),
                    },
                    &entry.email,
                    language,
                )
                .await?;
            (
                json!({ "reset_link_sent": false }),
                json!({ "reset_link_sent": true }),
            )
        }
    };
    let notified = match notice_for(action, &entry, now) {
        Some(notice) => {
            let language = notify::language_of(&mut tx, id).await?;
            let to = notify::Recipient {
                email: &entry.email,
                language,
            };
            notify::user(&mut tx, state, client, &notice, to).await?
        }
        None => false,
    };
    record_change(
        &mut tx,
        admin,
        client,
        Change {
            what: action.what(),
            subject: id,
            before,
            after,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    if action == Action::ResetPassword || notified {
        state.outbox.wake();
    }
    Ok(())
}

/// What the user is told of `action` on `entry`: an unlock of a locked account, disabling an
/// enabled one (an action that changes nothing tells nobody).
fn notice_for(action: Action, entry: &Entry, now_ms: i64) -> Option<Notice> {
    match action {
        Action::Unlock if entry.locked_until_ms > now_ms => Some(Notice::AccountUnlocked),
        Action::Disable if !entry.disabled => Some(Notice::AccountDisabled),
        _ => None,
    }
}

/// The user with this id, or 404 `not_found`.
pub async fn find(conn: &mut AnyConnection, id: &str) -> Result<Entry, ApiError> {
    if !plausible_id(id) {
        return Err(ApiError::not_found());
    }
    directory::entry(conn, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Ids are short and URL-safe; anything else cannot name a row.
pub fn plausible_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn status_name(status: UserStatus) -> &'static str {
    match status {
        UserStatus::Active => "active",
        UserStatus::Locked => "locked",
        UserStatus::Disabled => "disabled",
    }
}
