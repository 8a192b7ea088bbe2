//! Security notifications: whether the reset policy's switch lets a [`Notice`] go out, who
//! receives it, and queuing it in the caller's transaction, so the notice leaves exactly when
//! the change it reports is committed (and never when it is rolled back).
//!
//! Every use-case that changes an account calls [`user`] (or [`administrators`] for a notice
//! to the global administrators) inside its write transaction and wakes the outbox after the
//! commit. The notice is told from the request that did it: its time, browser and network; it
//! carries the company branding's logo, colour, texts and links in the recipient's language
//! (`mail::look`).

use crate::domain::language::Language;
use crate::http::client::Client;
use crate::mail::notices::{Circumstances, Notice};
use crate::mail::outbox::{self, Sealed};
use crate::mail::templates::{Look, Page};
use crate::policy::reset;
use crate::store::admins;
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::{AdminRole, ResetPolicy};

/// Whom a user notice goes to.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    /// The account's stored address (never one a request typed).
    pub email: &'a str,
    pub language: Language,
}

/// Whether the policy's switch for `notice` is on.
pub fn switched_on(policy: &ResetPolicy, notice: &Notice) -> bool {
    match notice {
        Notice::PasswordReset | Notice::PasswordChanged => policy.notify_users_on_reset,
        Notice::AccountUnlocked => policy.notify_users_on_unlock,
        Notice::AccountDisabled => policy.notify_users_on_disable,
        Notice::MethodAdded { .. } | Notice::MethodRemoved { .. } => {
            policy.notify_users_on_method_change
        }
        Notice::AdminSignInReset { .. } => policy.notify_admins_on_admin_reset,
    }
}

/// Queues `notice` to `to` on `conn` when its switch is on; true when queued. Call
/// `state.outbox.wake()` after the commit.
pub async fn user(
    conn: &mut AnyConnection,
    state: &AppState,
    client: &Client,
    notice: &Notice,
    to: Recipient<'_>,
) -> Result<bool, sqlx::Error> {
    if !switched_on(&reset::load(conn).await?, notice) {
        return Ok(false);
    }
    let look = state.look.get(to.language);
    queue(conn, state, client, notice, to, &look).await?;
    Ok(true)
}

/// Queues `notice` to every global administrator who has finished setting up, except
/// `except` (the administrator the notice is about), when its switch is on; answers how many
/// were queued. The notice speaks the language of the request that caused it.
pub async fn administrators(
    conn: &mut AnyConnection,
    state: &AppState,
    client: &Client,
    notice: &Notice,
    except: &str,
) -> Result<usize, sqlx::Error> {
    if !switched_on(&reset::load(conn).await?, notice) {
        return Ok(0);
    }
    let globals: Vec<admins::Admin> = admins::list(conn)
        .await?
        .into_iter()
        .filter(|a| {
            a.role == AdminRole::GlobalAdministrator && a.id != except && a.password_hash.is_some()
        })
        .collect();
    let look = state.look.get(client.language);
    for admin in &globals {
        let to = Recipient {
            email: &admin.email,
            language: client.language,
        };
        queue(conn, state, client, notice, to, &look).await?;
    }
    Ok(globals.len())
}

/// The language a user's notices speak: the one they last signed in with, else English.
pub async fn language_of(conn: &mut AnyConnection, user_id: &str) -> Result<Language, sqlx::Error> {
    Ok(crate::store::users::language(conn, user_id)
        .await?
        .as_deref()
        .and_then(Language::parse)
        .unwrap_or_default())
}

async fn queue(
    conn: &mut AnyConnection,
    state: &AppState,
    client: &Client,
    notice: &Notice,
    to: Recipient<'_>,
    look: &Look,
) -> Result<(), sqlx::Error> {
    let circumstances = Circumstances {
        at_ms: state.now_ms(),
        browser: &client.user_agent,
        network: &client.ip,
    };
    let page = Page {
        language: to.language,
        organisation: &state.config.organisation_name,
        look,
    };
    let rendered = notice.render(&page, &state.config.public_origin, &circumstances);
    let sealed = Sealed::seal(&state.secrets, notice.kind(), to.email, rendered)?;
    outbox::enqueue_sealed(conn, state.now_ms(), sealed).await
}
