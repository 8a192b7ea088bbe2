//! The state every handler shares: configuration, the database, time, keys, and the services
//! built from them.

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::domain::language::Language;
use crate::domain::passcode::PasscodePolicy;
use crate::domain::password::Passwords;
use crate::mail::look::LookCache;
use crate::mail::outbox::Sealed;
use crate::mail::{Mail, Outbox};
use crate::policy::admin_settings::AdminSettingsCache;
use crate::secrets::{SecretError, Secrets};
use crate::store::Db;
use std::sync::Arc;

/// Cheap to clone: one reference count, whatever the services inside (axum clones the state
/// for every request). Its fields are [`Services`]'.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Services>);

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// What the handlers share, behind [`AppState`].
#[derive(Debug)]
pub struct Services {
    pub config: Arc<Config>,
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub secrets: Arc<Secrets>,
    pub passwords: Passwords,
    pub passcodes: Arc<PasscodePolicy>,
    pub outbox: Outbox,
    /// Wakes the phone worker (`phone::worker`), as `outbox` wakes the mail worker.
    pub phone_outbox: Outbox,
    /// The OpenID Connect signing keys opened so far (`oidc::keys`).
    pub signing_keys: Arc<crate::oidc::keys::KeyCache>,
    /// The company branding mail carries, read in memory (`mail::look`).
    pub look: LookCache,
    /// What administrators set that customer requests read, held while current
    /// (`policy::admin_settings`).
    pub admin_settings: AdminSettingsCache,
    /// Development mode only: the answers of the last on-screen verification codes
    /// (`identity::access`).
    pub dev_captchas: crate::identity::access::DevCaptchas,
}

impl AppState {
    /// The state for `config` on `db`, with the system clock.
    pub fn new(config: Config, db: Db) -> Result<Self, SecretError> {
        AppState::with_clock(config, db, Arc::new(SystemClock))
    }

    /// The same with another clock (tests move time by hand).
    pub fn with_clock(config: Config, db: Db, clock: Arc<dyn Clock>) -> Result<Self, SecretError> {
        let secrets = match &config.secret {
            Some(secret) => Secrets::from_config(secret)?,
            // Only development mode runs without one (`Config::validate`).
            None if config.dev => Secrets::development(&config.data_dir())?,
            None => Secrets::random(),
        };
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let passcodes = PasscodePolicy {
            lifetime_ms: i64::from(config.passcode_lifetime_secs) * 1000,
            guest_lifetime_ms: i64::from(config.guest_passcode_lifetime_secs) * 1000,
            ..PasscodePolicy::default()
        };
        Ok(AppState(Arc::new(Services {
            config: Arc::new(config),
            db,
            clock,
            secrets: Arc::new(secrets),
            passwords: Passwords::new(cores),
            passcodes: Arc::new(passcodes),
            outbox: Outbox::default(),
            phone_outbox: Outbox::default(),
            signing_keys: Arc::default(),
            look: LookCache::default(),
            admin_settings: AdminSettingsCache::default(),
            dev_captchas: Default::default(),
        })))
    }

    /// Now, in unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Queues `mail` to `to` on `conn` (inside the caller's transaction), rendered in
    /// `language` with the organisation's name, the public origin and the company branding of
    /// that language (from memory, so known and unknown addresses do the same work). Call
    /// `self.outbox.wake()` after the commit.
    pub async fn queue_mail(
        &self,
        conn: &mut sqlx::AnyConnection,
        mail: &Mail,
        to: &str,
        language: Language,
    ) -> Result<(), sqlx::Error> {
        let sealed = self.seal_mail(mail, to, language)?;
        crate::mail::outbox::enqueue_sealed(conn, self.now_ms(), sealed).await
    }

    /// `mail` to `to`, rendered as [`AppState::queue_mail`] does and sealed, to queue later
    /// inside a write (`mail::outbox::enqueue_sealed`).
    pub fn seal_mail(
        &self,
        mail: &Mail,
        to: &str,
        language: Language,
    ) -> Result<Sealed, sqlx::Error> {
        let look = self.look.get(language);
        let rendered = mail.render(
            language,
            &self.config.organisation_name,
            &self.config.public_origin,
            &look,
        );
        Sealed::seal(&self.secrets, mail.kind(), to, rendered)
    }
}
