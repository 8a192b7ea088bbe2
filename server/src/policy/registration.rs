//! Which methods a user may register on their security info page, as the policies say: the
//! authenticator app when the `SoftwareOath` method, or the app codes of
//! `MicrosoftAuthenticator` (unless its `isSoftwareOathEnabled` is false), is on and targets
//! them, push approvals (`microsoft_authenticator`) when `MicrosoftAuthenticator` is, an
//! alternate address when the `Email` method is on and targets them, security questions when the reset
//! policy counts them and the `SecurityQuestions` configuration (this product's own) is on and
//! targets them, a mobile phone when `Sms` or `Voice` is on, targets them and allows a country
//! (`phones`), an alternate phone when `Voice` does, and an office phone when `Voice` also
//! has `isOfficePhoneAllowed`. Read fresh on every request, like the other policies.

use super::{enforce::targets_user, methods, reset};
use sqlx::AnyConnection;
use sspr_api::graph::{MethodId, MethodState};
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

/// Reads what `user_id` may register.
pub async fn read(
    conn: &mut AnyConnection,
    config: &crate::Config,
    user_id: &str,
) -> Result<Registration, sqlx::Error> {
    let reset = reset::load(conn).await?;
    let mut available = Vec::new();
    for (method, kind) in [
        (MethodId::SoftwareOath, MethodKind::AuthenticatorApp),
        (
            MethodId::MicrosoftAuthenticator,
            MethodKind::AuthenticatorApp,
        ),
        (MethodId::Email, MethodKind::AlternateEmail),
    ] {
        if available.contains(&kind) {
            continue;
        }
        let configuration = methods::load_one(conn, config, method).await?;
        let codes_off = method == MethodId::MicrosoftAuthenticator
            && configuration.is_software_oath_enabled == Some(false);
        if configuration.state == MethodState::Enabled
            && !codes_off
            && targets_user(conn, &configuration, user_id).await?
        {
            available.push(kind);
        }
    }
    // Push approvals (issue 13): the `MicrosoftAuthenticator` configuration alone.
    let push = methods::load_one(conn, config, MethodId::MicrosoftAuthenticator).await?;
    if push.state == MethodState::Enabled && targets_user(conn, &push, user_id).await? {
        available.push(MethodKind::MicrosoftAuthenticator);
    }
    if reset.methods.contains(&ResetMethod::SecurityQuestions) {
        let configuration = methods::load_one(conn, config, MethodId::SecurityQuestions).await?;
        if configuration.state == MethodState::Enabled
            && targets_user(conn, &configuration, user_id).await?
        {
            available.push(MethodKind::SecurityQuestions);
        }
    }
    if super::phones::mobile_allowed(conn, config, user_id).await? {
        available.push(MethodKind::MobilePhone);
    }
    let voice = super::phones::rules(conn, config, user_id, sspr_api::PhoneDelivery::Voice).await?;
    if let Some(voice) = voice {
        available.push(MethodKind::AlternatePhone);
        if voice.office_phone_allowed {
            available.push(MethodKind::OfficePhone);
        }
    }
    Ok(Registration { available, reset })
}
