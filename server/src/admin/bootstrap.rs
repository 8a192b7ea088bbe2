//! One-time setup tokens: the bootstrap of the first global administrator, and the setup of
//! administrators a global administrator creates.
//!
//! A token is 256 random bits, shown once (printed by the CLI, logged once at first start, or
//! answered to the global administrator who created the account) and stored only as a keyed
//! hash; it is valid 24 h and used once. A first-admin token works only while no administrator
//! exists: the check and the creation run in one transaction that holds the write lock (SQLite)
//! or a lock on `admins` (PostgreSQL), so two tokens redeemed at once create one administrator.

use crate::domain::totp;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::secrets::{looks_like_token, random_token};
use crate::store::admins::{self as store, Admin};
use crate::store::audit::{self, Event};
use crate::AppState;
use sspr_api::WireName;
use sspr_api::{
    AdminEnrolment, AdminInvitation, AdminRole, AdminSetup, CreateAdmin, Email, ErrorCode,
};

/// How long a setup token stays valid.
pub const TOKEN_LIFETIME_MS: i64 = 24 * 60 * 60_000;

/// A token just issued: shown once, never stored in the clear.
#[derive(Debug)]
pub struct Issued {
    pub token: String,
    pub link: String,
    pub expires_at_ms: i64,
}

/// Why no first-admin token was issued.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapRefused {
    #[error("an administrator already exists: the bootstrap is done")]
    AdminExists,
    #[error("an unused setup token already exists (valid 24 h); pass --replace to revoke it and issue a new one")]
    TokenLive,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The setup link for `token` on the public origin.
pub fn link(state: &AppState, token: &str) -> String {
    format!(
        "{}/admin/setup?token={token}",
        state.config.public_origin.trim_end_matches('/')
    )
}

/// Issues a first-admin token, unless an administrator exists or (without `replace`) an unused
/// one does.
pub async fn issue_first(state: &AppState, replace: bool) -> Result<Issued, BootstrapRefused> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    store::lock(&mut tx, state.db.backend).await?;
    if store::count(&mut tx).await? > 0 {
        return Err(BootstrapRefused::AdminExists);
    }
    if store::live_first_token(&mut tx, now).await? {
        if !replace {
            return Err(BootstrapRefused::TokenLive);
        }
        store::retire_first_tokens(&mut tx, now).await?;
    }
    let token = random_token(32);
    let expires_at_ms = now + TOKEN_LIFETIME_MS;
    store::insert_token(
        &mut tx,
        &state.secrets.token_hash(&token),
        None,
        now,
        expires_at_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(Issued {
        link: link(state, &token),
        token,
        expires_at_ms,
    })
}

/// At start: with no administrator and no unused first-admin token, issues one (to be logged
/// once). `None` when there is nothing to do.
pub async fn issue_at_start(state: &AppState) -> Result<Option<Issued>, sqlx::Error> {
    match issue_first(state, false).await {
        Ok(issued) => Ok(Some(issued)),
        Err(BootstrapRefused::AdminExists | BootstrapRefused::TokenLive) => Ok(None),
        Err(BootstrapRefused::Database(error)) => Err(error),
    }
}

/// `POST /api/admin/bootstrap`: redeems a setup token, setting the administrator's password and
/// a fresh TOTP secret (answered this once; the authenticator is enrolled by confirming a code).
pub async fn redeem(
    state: &AppState,
    client: &Client,
    request: AdminSetup,
) -> Result<AdminEnrolment, ApiError> {
    if !looks_like_token(&request.token) {
        return Err(setup_invalid());
    }
    let display_name = display_name(&request.display_name)?;
    state.passwords.check_new(
        &request.password,
        request.email.as_str(),
        &state.config.organisation_name,
    )?;
    let password_hash = state.passwords.hash(&request.password).await?;
    let secret = totp::new_secret();
    let sealed = state.secrets.seal(&secret);
    let now = state.now_ms();
    let canonical = request.email.canonical();
    let mut tx = state.db.begin_write().await?;
    store::lock(&mut tx, state.db.backend).await?;
    let admin =
        match store::use_token(&mut tx, &state.secrets.token_hash(&request.token), now).await? {
            None => return Err(setup_invalid()),
            Some(None) => {
                if store::count(&mut tx).await? > 0 {
                    return Err(setup_invalid());
                }
                store::retire_first_tokens(&mut tx, now).await?;
                let admin = Admin {
                    id: uuid::Uuid::new_v4().simple().to_string(),
                    email: request.email.as_str().to_owned(),
                    email_canonical: canonical,
                    display_name,
                    role: AdminRole::GlobalAdministrator,
                    password_hash: Some(password_hash),
                    totp_secret_sealed: Some(sealed),
                    totp_enrolled_at_ms: None,
                    totp_last_step: None,
                };
                store::insert(&mut tx, &admin, now).await?;
                admin
            }
            Some(Some(admin_id)) => {
                let Some(mut admin) = store::by_id(&mut tx, &admin_id).await? else {
                    return Err(setup_invalid());
                };
                if admin.email_canonical != canonical
                    || !store::complete(&mut tx, &admin.id, &display_name, &password_hash, &sealed)
                        .await?
                {
                    return Err(setup_invalid());
                }
                admin.display_name = display_name;
                admin
            }
        };
    audit::record(
        &mut tx,
        &Event {
            event: "admin_setup",
            outcome: "success",
            subject: Some(&admin.id),
            client_ip: Some(&client.ip),
            request_id: Some(&client.request_id),
            detail: Some(serde_json::json!({ "role": admin.role.as_str() })),
            ..Event::default()
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(AdminEnrolment {
        totp_secret: totp::base32(&secret),
        otpauth_uri: totp::otpauth_uri(&secret, &state.config.organisation_name, &admin.email),
        admin: admin.view(),
    })
}

/// `POST /api/admin/admins`: creates an administrator without a password or authenticator and
/// answers a one-time setup token for them. The caller's permission is checked by the route.
pub async fn invite(
    state: &AppState,
    client: &Client,
    by: &Admin,
    request: CreateAdmin,
) -> Result<AdminInvitation, ApiError> {
    let display_name = display_name(&request.display_name)?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    if store::by_email(&mut tx, &request.email.canonical())
        .await?
        .is_some()
    {
        return Err(ApiError::new(
            ErrorCode::AdminExists,
            "An administrator with this email address already exists.",
        ));
    }
    let admin = new_admin(&request.email, display_name, request.role);
    store::insert(&mut tx, &admin, now).await?;
    let token = random_token(32);
    let expires_at_ms = now + TOKEN_LIFETIME_MS;
    store::insert_token(
        &mut tx,
        &state.secrets.token_hash(&token),
        Some(&admin.id),
        now,
        expires_at_ms,
    )
    .await?;
    super::audit::record_change(
        &mut tx,
        by,
        client,
        super::audit::Change {
            what: "admin.create",
            subject: &admin.id,
            before: serde_json::Value::Null,
            after: serde_json::to_value(admin.view()).unwrap_or_default(),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(AdminInvitation {
        admin: admin.view(),
        setup_link: link(state, &token),
        setup_token: token,
        expires_at_ms,
    })
}

fn new_admin(email: &Email, display_name: String, role: AdminRole) -> Admin {
    Admin {
        id: uuid::Uuid::new_v4().simple().to_string(),
        email: email.as_str().to_owned(),
        email_canonical: email.canonical(),
        display_name,
        role,
        password_hash: None,
        totp_secret_sealed: None,
        totp_enrolled_at_ms: None,
        totp_last_step: None,
    }
}

fn display_name(input: &str) -> Result<String, ApiError> {
    let name = input.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::validation(
            "The display name must have 1 to 100 characters and no control characters.",
        ));
    }
    Ok(name.to_owned())
}

fn setup_invalid() -> ApiError {
    ApiError::new(
        ErrorCode::AdminSetupInvalid,
        "This setup link is not valid: it was used, has expired, or is for another address.",
    )
}
