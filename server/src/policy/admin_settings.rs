//! What administrators set that customer requests read on every call — the methods'
//! configurations (the Email method's decides the passcodes), the password reset policy with
//! the registration campaign's values, the user flows and the applications — held in memory
//! ([`AdminSettingsCache`]) and read again only when it changed.
//!
//! Every change to the `policies`, `user_flows` and `applications` tables moves one number on,
//! in the change's own transaction (database triggers: `settings_version`, migration 0024). A
//! request reads that number — beside a query it runs anyway where it can
//! (`store::users::by_email_with_settings`), else on its own ([`AdminSettingsCache::now`]) —
//! and uses the held settings if they are at least that new, else reads them again. So a change
//! made on any instance sharing the database holds on every instance from the next request on,
//! as when nothing was held, while a flow start reads one row instead of three.
//!
//! Held settings are labelled with the number read *before* them, so they are never older than
//! their label: a reading that raced a change is at worst read once more.

use super::methods;
use super::registration::Sources;
use crate::config::Config;
use crate::domain::application::Registration;
use crate::store::{applications, settings_version, user_flows};
use sqlx::AnyConnection;
use sspr_api::graph::{MethodConfiguration, MethodId};
use sspr_api::{ResetPolicy, UserFlow};
use std::sync::{Arc, RwLock};
use tokio::sync::Mutex;

/// The settings as of one version.
#[derive(Debug)]
pub struct AdminSettings {
    /// The version they were read at (or after).
    version: i64,
    /// The Email method's configuration.
    pub email: MethodConfiguration,
    /// What decides which methods a user may register
    /// ([`registration::read`](super::registration::read)), the reset policy among it.
    pub registration: Sources,
    user_flows: Vec<UserFlow>,
    applications: Vec<Registration>,
}

impl AdminSettings {
    /// The password reset policy, with the registration campaign's values
    /// ([`reset::load`](super::reset::load)).
    pub fn reset(&self) -> &ResetPolicy {
        &self.registration.reset
    }

    /// The user flow `id`.
    pub fn user_flow(&self, id: &str) -> Option<&UserFlow> {
        self.user_flows.iter().find(|f| f.id == id)
    }

    /// The application whose client id is `client_id`.
    pub fn application(&self, client_id: &str) -> Option<&Registration> {
        self.applications.iter().find(|a| a.app_id == client_id)
    }

    async fn read(
        conn: &mut AnyConnection,
        config: &Config,
        version: i64,
    ) -> Result<AdminSettings, sqlx::Error> {
        let registration = Sources::read(conn, config).await?;
        Ok(AdminSettings {
            version,
            email: registration
                .configuration(MethodId::Email)
                .cloned()
                .unwrap_or_else(|| methods::from_document(MethodId::Email, None, config)),
            registration,
            user_flows: user_flows::list(conn).await?,
            applications: applications::list(conn).await?,
        })
    }
}

/// The newest [`AdminSettings`] read, shared by every clone.
#[derive(Debug, Clone, Default)]
pub struct AdminSettingsCache {
    held: Arc<RwLock<Option<Arc<AdminSettings>>>>,
    /// One reading at a time: requests that find the settings old wait for it, then use it.
    reading: Arc<Mutex<()>>,
}

impl AdminSettingsCache {
    /// The settings now: reads the version (one query), then [`AdminSettingsCache::at`].
    pub async fn now(
        &self,
        conn: &mut AnyConnection,
        config: &Config,
    ) -> Result<Arc<AdminSettings>, sqlx::Error> {
        let version = settings_version::read(conn).await?;
        self.at(conn, config, version).await
    }

    /// The settings at least as new as `version` (read by the caller): the held ones, or a new
    /// reading.
    ///
    /// Never call it inside a transaction that changed the settings' tables: it would hold
    /// settings labelled with a version that a rollback could hand to another change.
    pub async fn at(
        &self,
        conn: &mut AnyConnection,
        config: &Config,
        version: i64,
    ) -> Result<Arc<AdminSettings>, sqlx::Error> {
        if let Some(held) = self.held(version) {
            return Ok(held);
        }
        let _one_reader = self.reading.lock().await;
        if let Some(held) = self.held(version) {
            return Ok(held);
        }
        let fresh = Arc::new(AdminSettings::read(conn, config, version).await?);
        let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
        if held.as_ref().is_none_or(|h| h.version < version) {
            *held = Some(Arc::clone(&fresh));
        }
        Ok(fresh)
    }

    fn held(&self, version: i64) -> Option<Arc<AdminSettings>> {
        let held = self.held.read().unwrap_or_else(|e| e.into_inner());
        held.as_ref()
            .filter(|h| h.version >= version)
            .map(Arc::clone)
    }
}
