//! Which methods a user may register on their security info page, as the policies say: the
//! authenticator app when the `SoftwareOath` method, or the app codes of
//! `MicrosoftAuthenticator` (unless its `isSoftwareOathEnabled` is false), is on and targets
//! them, push approvals (`microsoft_authenticator`) when `MicrosoftAuthenticator` is, an
//! alternate address when the `Email` method is on and targets them, security questions when the reset
//! policy counts them and the `SecurityQuestions` configuration (this product's own) is on and
//! targets them, a mobile phone when `Sms` or `Voice` is on, targets them and allows a country
//! (`phones`), an alternate phone when `Voice` does, and an office phone when `Voice` also
//! has `isOfficePhoneAllowed`. The policies come from the settings held in memory while they are
//! current (`policy::admin_settings`), as a flow's rules do.

use super::admin_settings::AdminSettings;
use super::{enforce::targets_user, methods, reset};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::graph::{MethodConfiguration, MethodId, MethodState};
use sspr_api::{MethodKind, ResetMethod, ResetPolicy};

/// What the policies let one user register, and the reset policy they count towards.
#[derive(Debug, Clone)]
pub struct Registration {
    pub available: Vec<MethodKind>,
    pub reset: ResetPolicy,
}

impl Registration {
    /// Whether `kind` may be registered.
    pub fn allows(&self, kind: MethodKind) -> bool {
        self.available.contains(&kind)
    }
}

/// Every policy [`allows_for`] weighs, read once: a report judges many users by them.
#[derive(Debug, Clone)]
pub struct Sources {
    pub reset: ResetPolicy,
    configurations: Vec<(MethodId, MethodConfiguration)>,
}

impl Sources {
    /// Reads the reset policy and every method's configuration (two queries).
    pub async fn read(
        conn: &mut AnyConnection,
        config: &crate::Config,
    ) -> Result<Sources, sqlx::Error> {
        Ok(Sources {
            reset: reset::load(conn).await?,
            // `methods::load` reads them in `MethodId::ALL`'s order.
            configurations: MethodId::ALL
                .into_iter()
                .zip(methods::load(conn, config).await?.methods)
                .collect(),
        })
    }

    /// The configuration of `method`.
    pub fn configuration(&self, method: MethodId) -> Option<&MethodConfiguration> {
        self.configurations
            .iter()
            .find(|(id, _)| *id == method)
            .map(|(_, c)| c)
    }

    /// The configurations that, on and targeting a user, let them register `kind` (any one
    /// suffices).
    fn granting(&self, kind: MethodKind) -> Vec<&MethodConfiguration> {
        let on = |c: &&MethodConfiguration| c.state == MethodState::Enabled;
        let phone = |c: &&MethodConfiguration| on(c) && super::phones::usable(c);
        let pick = |ids: &[MethodId]| -> Vec<&MethodConfiguration> {
            ids.iter().filter_map(|m| self.configuration(*m)).collect()
        };
        let push = self.configuration(MethodId::MicrosoftAuthenticator);
        match kind {
            MethodKind::Email => Vec::new(),
            MethodKind::AuthenticatorApp => {
                // The Authenticator's app codes count unless its `isSoftwareOathEnabled` is false.
                let codes = push.filter(|c| c.is_software_oath_enabled != Some(false));
                self.configuration(MethodId::SoftwareOath)
                    .into_iter()
                    .chain(codes)
                    .filter(on)
                    .collect()
            }
            MethodKind::MicrosoftAuthenticator => push.into_iter().filter(on).collect(),
            MethodKind::AlternateEmail => pick(&[MethodId::Email]).into_iter().filter(on).collect(),
            MethodKind::SecurityQuestions => {
                if !self.reset.methods.contains(&ResetMethod::SecurityQuestions) {
                    return Vec::new();
                }
                pick(&[MethodId::SecurityQuestions])
                    .into_iter()
                    .filter(on)
                    .collect()
            }
            MethodKind::MobilePhone => pick(&[MethodId::Sms, MethodId::Voice])
                .into_iter()
                .filter(phone)
                .collect(),
            MethodKind::AlternatePhone => {
                pick(&[MethodId::Voice]).into_iter().filter(phone).collect()
            }
            MethodKind::OfficePhone => pick(&[MethodId::Voice])
                .into_iter()
                .filter(phone)
                .filter(|c| c.is_office_phone_allowed == Some(true))
                .collect(),
        }
    }
}

/// Whether `user_id` may register (and use) `kind` under `sources`.
pub async fn allows_for(
    conn: &mut AnyConnection,
    sources: &Sources,
    user_id: &str,
    kind: MethodKind,
) -> Result<bool, sqlx::Error> {
    for configuration in sources.granting(kind) {
        if targets_user(conn, configuration, user_id).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Every kind a user may register, in the order the security info page offers them.
const REGISTRABLE: [MethodKind; 7] = [
    MethodKind::AuthenticatorApp,
    MethodKind::AlternateEmail,
    MethodKind::MicrosoftAuthenticator,
    MethodKind::SecurityQuestions,
    MethodKind::MobilePhone,
    MethodKind::AlternatePhone,
    MethodKind::OfficePhone,
];

/// What `user_id` may register, under the settings in force
/// ([`AdminSettingsCache::now`](super::admin_settings::AdminSettingsCache::now): one query
/// while the held ones are current).
pub async fn read(
    conn: &mut AnyConnection,
    state: &AppState,
    user_id: &str,
) -> Result<Registration, sqlx::Error> {
    let settings = state.admin_settings.now(conn, &state.config).await?;
    under(conn, &settings, user_id).await
}

/// What `user_id` may register under `settings`, read earlier in the same request.
pub async fn under(
    conn: &mut AnyConnection,
    settings: &AdminSettings,
    user_id: &str,
) -> Result<Registration, sqlx::Error> {
    let sources = &settings.registration;
    let mut available = Vec::new();
    for kind in REGISTRABLE {
        if allows_for(conn, sources, user_id, kind).await? {
            available.push(kind);
        }
    }
    Ok(Registration {
        available,
        reset: sources.reset.clone(),
    })
}
