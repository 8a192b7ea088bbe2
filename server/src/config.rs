//! Typed configuration: built-in defaults, then an optional TOML file, then `SSPR_*` environment
//! variables, each overriding the one before (figment does the layering).
//!
//! Every setting is documented in the README's "Configuration" table; keep the two in step.
//! `Config::validate` refuses a configuration that cannot work before anything starts, so a typo
//! fails at start-up with a clear sentence rather than at the first request.

use crate::domain::passcode;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Every setting of the server.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on (`SSPR_LISTEN`).
    pub listen: SocketAddr,
    /// The origin users reach the service at, e.g. `https://id.example.com` (`SSPR_PUBLIC_ORIGIN`).
    /// Links in mail and the CSRF origin check use it, never the request's `Host` header.
    pub public_origin: String,
    /// `sqlite://path/to/file.db` or `postgres://user:pass@host/db` (`SSPR_DATABASE_URL`).
    pub database_url: String,
    /// Most database connections this instance opens (`SSPR_DATABASE_MAX_CONNECTIONS`).
    pub database_max_connections: u32,
    /// The built SPA served for every path outside `/api` (`SSPR_WEB_DIR`).
    pub web_dir: PathBuf,
    /// `smtp://host:port` (plain), `smtp://host:587?tls=required` (STARTTLS), or `smtps://…`,
    /// with optional `user:password@`; unset means the development outbox (`SSPR_SMTP_URL`).
    pub smtp_url: Option<String>,
    /// The `From` of every message (`SSPR_MAIL_FROM`).
    pub mail_from: String,
    /// The organisation's name, shown on pages and in mail (`SSPR_ORGANISATION_NAME`).
    pub organisation_name: String,
    /// The CSS theme of every page: a file `style/themes/<theme>.css` (`SSPR_THEME`): `default`,
    /// `dark`, `high-contrast`, or one a designer added. The portal's company branding may
    /// choose another, which then wins.
    pub theme: String,
    /// Development mode: the outbox page, and cookies without `Secure` over plain http (`SSPR_DEV`).
    pub dev: bool,
    /// Log filter in `tracing` syntax, e.g. `info` or `sspr_server=debug` (`SSPR_LOG`).
    pub log: String,
    /// Seconds a request may take before it is answered with a timeout (`SSPR_REQUEST_TIMEOUT_SECS`).
    pub request_timeout_secs: u64,
    /// The server secret, base64 or hex, at least 32 bytes (`SSPR_SECRET`): keys the hashes of
    /// passcodes and tokens and seals queued mail. Required outside development mode; every
    /// instance of one deployment needs the same value.
    pub secret: Option<String>,
    /// Application origins a flow may send users back to, besides this one
    /// (`SSPR_ALLOWED_RETURN_ORIGINS`, e.g. `["https://app.example.com"]`).
    pub allowed_return_origins: Vec<String>,
    /// The initial value of the guest passcode switch (`SSPR_GUEST_PASSCODES`, on by default);
    /// the Email method's `allowExternalIdToUseEmailOtp` in the policies table rules once set.
    pub guest_passcodes: bool,
    /// Take the client address from the last `X-Forwarded-For` hop (`SSPR_TRUST_FORWARDED_FOR`);
    /// only behind a proxy that sets it.
    pub trust_forwarded_for: bool,
    /// How long a passcode works, in seconds (`SSPR_PASSCODE_LIFETIME_SECS`, 10 minutes; at
    /// most an hour).
    pub passcode_lifetime_secs: u32,
    /// How long a guest's passcode works, in seconds (`SSPR_GUEST_PASSCODE_LIFETIME_SECS`,
    /// 30 minutes as in Entra; at most a day).
    pub guest_passcode_lifetime_secs: u32,
    /// Flows started or codes resent per client address per minute
    /// (`SSPR_FLOW_STARTS_PER_MINUTE`); over it the answer is the same but no mail is sent.
    pub flow_starts_per_minute: u32,
    /// Passcode checks per client address per minute (`SSPR_CODE_CHECKS_PER_MINUTE`).
    pub code_checks_per_minute: u32,
    /// Password sign-ins and changes per client address per minute
    /// (`SSPR_PASSWORD_ATTEMPTS_PER_MINUTE`).
    pub password_attempts_per_minute: u32,
    /// API requests per client address per minute (`SSPR_REQUESTS_PER_MINUTE`).
    pub requests_per_minute: u32,
    /// On-screen verification codes made per client address per minute
    /// (`SSPR_CAPTCHAS_PER_MINUTE`): each is drawn, spoken and stored, about 70 KB.
    pub captchas_per_minute: u32,
    /// Tries of **Can't access your account?** allowed per client address and per email
    /// address in 15 minutes before an on-screen verification code is asked for
    /// (`SSPR_CAPTCHA_FREE_TRIES`, 0: one is asked for every time, as seed 003's page does).
    pub captcha_free_tries: u32,
    /// How texts and calls leave (`SSPR_PHONE_PROVIDER`): `outbox` (the development outbox,
    /// the default), `webhook` or `twilio` (`phone::provider`).
    pub phone_provider: PhoneProviderKind,
    /// The sender: the number or sender id texts and calls come from (`SSPR_PHONE_FROM`);
    /// required by `twilio`, passed on by `webhook`.
    pub phone_from: Option<String>,
    /// Where the `webhook` provider posts (`SSPR_PHONE_WEBHOOK_URL`, http or https).
    pub phone_webhook_url: Option<String>,
    /// The key the `webhook` provider signs with, HMAC-SHA256 (`SSPR_PHONE_WEBHOOK_SECRET`, at
    /// least 32 characters, shared with the receiver).
    pub phone_webhook_secret: Option<String>,
    /// Twilio's API, or anything speaking its shape (`SSPR_TWILIO_BASE_URL`).
    pub twilio_base_url: String,
    /// The Twilio account (`SSPR_TWILIO_ACCOUNT_SID`), the basic-authentication user.
    pub twilio_account_sid: Option<String>,
    /// Its auth token (`SSPR_TWILIO_AUTH_TOKEN`), the basic-authentication password.
    pub twilio_auth_token: Option<String>,
}

/// Settings whose environment value is taken as typed, never as a number.
const TEXT_AS_TYPED: [&str; 4] = [
    "phone_from",
    "phone_webhook_secret",
    "twilio_account_sid",
    "twilio_auth_token",
];

/// Where texts and calls go (`SSPR_PHONE_PROVIDER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhoneProviderKind {
    /// Kept for the development outbox page; nothing leaves.
    #[default]
    Outbox,
    /// A signed JSON POST to `phone_webhook_url`.
    Webhook,
    /// Twilio's Messages and Calls REST API.
    Twilio,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_origin: "http://127.0.0.1:8080".into(),
            database_url: "sqlite://data/sspr.db".into(),
            database_max_connections: 16,
            web_dir: PathBuf::from("dist"),
            smtp_url: None,
            mail_from: "SSPR <no-reply@localhost.localdomain>".into(),
            organisation_name: "SSPR".into(),
            theme: "default".into(),
            dev: false,
            log: "info".into(),
            request_timeout_secs: 30,
            secret: None,
            allowed_return_origins: Vec::new(),
            guest_passcodes: true,
            trust_forwarded_for: false,
            passcode_lifetime_secs: passcode::DEFAULT_LIFETIME_SECS,
            guest_passcode_lifetime_secs: passcode::DEFAULT_GUEST_LIFETIME_SECS,
            flow_starts_per_minute: 20,
            code_checks_per_minute: 30,
            password_attempts_per_minute: 30,
            requests_per_minute: 300,
            captchas_per_minute: 30,
            captcha_free_tries: 0,
            phone_provider: PhoneProviderKind::Outbox,
            phone_from: None,
            phone_webhook_url: None,
            phone_webhook_secret: None,
            twilio_base_url: "https://api.twilio.com".into(),
            twilio_account_sid: None,
            twilio_auth_token: None,
        }
    }
}

/// Why a configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration could not be read: {0}")]
    Load(#[from] Box<figment::Error>),
    #[error("SSPR_PUBLIC_ORIGIN must be a bare origin such as https://id.example.com, got {0:?}")]
    PublicOrigin(String),
    #[error(
        "SSPR_DATABASE_URL must start with sqlite:// or postgres://, got a URL with scheme {0:?}"
    )]
    DatabaseUrl(String),
    #[error("SSPR_THEME must be a theme file's name (letters, digits and dashes), got {0:?}")]
    Theme(String),
    #[error(
        "SSPR_PASSCODE_LIFETIME_SECS must be {} to {} and SSPR_GUEST_PASSCODE_LIFETIME_SECS {} to {}",
        passcode::LIFETIME_BOUNDS.start(),
        passcode::LIFETIME_BOUNDS.end(),
        passcode::GUEST_LIFETIME_BOUNDS.start(),
        passcode::GUEST_LIFETIME_BOUNDS.end()
    )]
    PasscodeLifetime,
    #[error("SSPR_SECRET is required outside development mode (32+ random bytes, base64 or hex; e.g. `openssl rand -base64 32`)")]
    MissingSecret,
    #[error(transparent)]
    BadSecret(#[from] crate::secrets::BadSecret),
    #[error("{0}")]
    Phone(&'static str),
    #[error(
        "SSPR_LOG must be a tracing filter such as `info` or `info,sspr_server=debug`, got {0:?}"
    )]
    Log(String),
    #[error("SSPR_MAIL_FROM must be an address such as `SSPR <no-reply@example.com>`, got {0:?}")]
    MailFrom(String),
    #[error("{0} must be at least 1")]
    Zero(&'static str),
}

impl Config {
    /// Loads defaults, then `file` (if given, or `sspr.toml` if present), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None => figment = figment.merge(Toml::file("sspr.toml")),
        }
        // Only variables that name a setting: other SSPR_* variables (a test harness's, say) are
        // not configuration, while an unknown key in the file is a typo and is refused.
        let keys = Config::keys();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        figment = figment.merge(Env::prefixed("SSPR_").only(&keys));
        // The environment's values are read as numbers where they look like one, and a phone
        // number (`+15005550006`) or a key of digits would lose its form: these stay as typed.
        for key in TEXT_AS_TYPED {
            if let Ok(value) = std::env::var(format!("SSPR_{}", key.to_ascii_uppercase())) {
                figment = figment.merge(Serialized::default(key, value));
            }
        }
        let config: Config = figment.extract().map_err(Box::new)?;
        config.validate()?;
        Ok(config)
    }

    /// The name of every setting, as in the TOML file.
    fn keys() -> Vec<String> {
        serde_json::to_value(Config::default())
            .ok()
            .and_then(|v| v.as_object().map(|o| o.keys().cloned().collect()))
            .unwrap_or_default()
    }

    /// Checks what the types cannot: the shapes of the origin, the database URL, the theme's
    /// name, the secret and the phone provider's settings; the bounds of every count and
    /// lifetime; that the log filter and the sender's address can be read.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let origin_ok = axum::http::Uri::try_from(self.public_origin.as_str()).is_ok_and(|uri| {
            matches!(uri.scheme_str(), Some("http" | "https"))
                && uri.authority().is_some()
                && uri
                    .path_and_query()
                    .is_none_or(|p| p.as_str() == "/" || p.as_str().is_empty())
                && !self.public_origin.ends_with('/')
        });
        if !origin_ok {
            return Err(ConfigError::PublicOrigin(self.public_origin.clone()));
        }
        let scheme = self.database_url.split("://").next().unwrap_or_default();
        if !matches!(scheme, "sqlite" | "postgres" | "postgresql") {
            return Err(ConfigError::DatabaseUrl(scheme.to_owned()));
        }
        // A limit of 0 would refuse every request it counts, and a timeout of 0 would time out
        // every request: neither is a setting anyone means.
        let counts = [
            (
                "SSPR_DATABASE_MAX_CONNECTIONS",
                self.database_max_connections.into(),
            ),
            ("SSPR_REQUEST_TIMEOUT_SECS", self.request_timeout_secs),
            (
                "SSPR_FLOW_STARTS_PER_MINUTE",
                self.flow_starts_per_minute.into(),
            ),
            (
                "SSPR_CODE_CHECKS_PER_MINUTE",
                self.code_checks_per_minute.into(),
            ),
            (
                "SSPR_PASSWORD_ATTEMPTS_PER_MINUTE",
                self.password_attempts_per_minute.into(),
            ),
            ("SSPR_REQUESTS_PER_MINUTE", self.requests_per_minute.into()),
            ("SSPR_CAPTCHAS_PER_MINUTE", self.captchas_per_minute.into()),
        ];
        if let Some((name, _)) = counts.iter().find(|(_, value)| *value == 0) {
            return Err(ConfigError::Zero(name));
        }
        if crate::telemetry::filter(&self.log).is_err() {
            return Err(ConfigError::Log(self.log.clone()));
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::MailFrom(self.mail_from.clone()));
        }
        if !passcode::LIFETIME_BOUNDS.contains(&self.passcode_lifetime_secs)
            || !passcode::GUEST_LIFETIME_BOUNDS.contains(&self.guest_passcode_lifetime_secs)
        {
            return Err(ConfigError::PasscodeLifetime);
        }
        let theme_ok = !self.theme.is_empty()
            && self.theme.len() <= 64
            && self
                .theme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !theme_ok {
            return Err(ConfigError::Theme(self.theme.clone()));
        }
        self.validate_phone()?;
        match &self.secret {
            Some(secret) => {
                crate::secrets::Secrets::from_config(secret)?;
            }
            None if !self.dev => return Err(ConfigError::MissingSecret),
            None => {}
        }
        Ok(())
    }

    /// The phone provider's settings: each provider has what it needs, in a usable shape.
    fn validate_phone(&self) -> Result<(), ConfigError> {
        let http_url = |url: &str| {
            axum::http::Uri::try_from(url).is_ok_and(|uri| {
                matches!(uri.scheme_str(), Some("http" | "https")) && uri.authority().is_some()
            })
        };
        match self.phone_provider {
            PhoneProviderKind::Outbox => {}
            PhoneProviderKind::Webhook => {
                if !self.phone_webhook_url.as_deref().is_some_and(http_url) {
                    return Err(ConfigError::Phone(
                        "SSPR_PHONE_PROVIDER=webhook needs SSPR_PHONE_WEBHOOK_URL, an http or https URL",
                    ));
                }
                if self
                    .phone_webhook_secret
                    .as_deref()
                    .is_none_or(|s| s.len() < 32)
                {
                    return Err(ConfigError::Phone(
                        "SSPR_PHONE_PROVIDER=webhook needs SSPR_PHONE_WEBHOOK_SECRET, at least 32 characters",
                    ));
                }
            }
            PhoneProviderKind::Twilio => {
                if !http_url(&self.twilio_base_url) {
                    return Err(ConfigError::Phone(
                        "SSPR_TWILIO_BASE_URL must be an http or https URL",
                    ));
                }
                let set = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
                if !set(&self.twilio_account_sid)
                    || !set(&self.twilio_auth_token)
                    || !set(&self.phone_from)
                {
                    return Err(ConfigError::Phone(
                        "SSPR_PHONE_PROVIDER=twilio needs SSPR_TWILIO_ACCOUNT_SID, SSPR_TWILIO_AUTH_TOKEN and SSPR_PHONE_FROM",
                    ));
                }
                // The SID is a path segment of every request.
                let sid_ok = self
                    .twilio_account_sid
                    .as_deref()
                    .is_some_and(|s| s.bytes().all(|b| b.is_ascii_alphanumeric()));
                if !sid_ok {
                    return Err(ConfigError::Phone(
                        "SSPR_TWILIO_ACCOUNT_SID must be letters and digits",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The data folder: the SQLite file's folder, or `data` when the database is elsewhere.
    /// A development install keeps what all its processes share there (its secret).
    pub fn data_dir(&self) -> PathBuf {
        let path = self
            .database_url
            .strip_prefix("sqlite://")
            .map(|rest| rest.split('?').next().unwrap_or_default())
            .filter(|p| !p.is_empty() && *p != ":memory:");
        match path.and_then(|p| Path::new(p).parent()) {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            Some(_) => PathBuf::from("."),
            None => PathBuf::from("data"),
        }
    }

    /// Whether session cookies are sent with `Secure` and the `__Host-` prefix: always, except
    /// in development mode over plain http.
    pub fn secure_cookies(&self) -> bool {
        !(self.dev && self.public_origin.starts_with("http://"))
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error
mod tests {
    use super::*;

    const SECRET: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    fn with_origin(origin: &str) -> Config {
        Config {
            public_origin: origin.into(),
            secret: Some(SECRET.into()),
            ..Config::default()
        }
    }

    #[test]
    fn the_data_folder_is_the_sqlite_files_folder() {
        let at = |url: &str| {
            Config {
                database_url: url.into(),
                ..Config::default()
            }
            .data_dir()
        };
        assert_eq!(at("sqlite://data/sspr.db"), PathBuf::from("data"));
        assert_eq!(
            at("sqlite:///var/lib/sspr/db.sqlite?mode=rwc"),
            PathBuf::from("/var/lib/sspr")
        );
        assert_eq!(at("sqlite://sspr.db"), PathBuf::from("."));
        assert_eq!(at("postgres://u@h/db"), PathBuf::from("data"));
    }

    #[test]
    fn every_setting_has_a_key_for_the_environment() {
        let keys = Config::keys();
        for key in [
            "listen",
            "public_origin",
            "database_url",
            "smtp_url",
            "web_dir",
            "dev",
        ] {
            assert!(keys.iter().any(|k| k == key), "{key}");
        }
    }

    #[test]
    fn environment_variables_override_the_file_and_foreign_ones_are_ignored() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "sspr.toml",
                "organisation_name = \"From file\"\ndev = true\n",
            )?;
            jail.set_env("SSPR_ORGANISATION_NAME", "From env");
            jail.set_env("SSPR_SERVER_BIN", "/not/a/setting");
            jail.set_env("SSPR_SECRET", SECRET);
            let config = Config::load(None).expect("loads");
            assert_eq!(config.organisation_name, "From env");
            assert!(config.dev);
            Ok(())
        });
    }

    #[test]
    fn an_unknown_key_in_the_file_is_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("sspr.toml", "databse_url = \"sqlite://x.db\"\n")?;
            assert!(Config::load(None).is_err());
            Ok(())
        });
    }

    #[test]
    fn the_defaults_are_valid_in_development_mode() {
        let config = Config {
            dev: true,
            ..Config::default()
        };
        config.validate().expect("defaults validate");
    }

    #[test]
    fn production_needs_a_strong_secret() {
        let mut config = Config::default();
        assert!(matches!(config.validate(), Err(ConfigError::MissingSecret)));
        config.secret = Some("short".into());
        assert!(matches!(config.validate(), Err(ConfigError::BadSecret(_))));
        config.secret = Some(SECRET.into());
        config.validate().expect("valid");
    }

    #[test]
    fn a_public_origin_with_a_path_or_no_scheme_is_refused() {
        for bad in [
            "id.example.com",
            "https://id.example.com/path",
            "ftp://x.org",
            "https://x.org/",
        ] {
            assert!(with_origin(bad).validate().is_err(), "{bad}");
        }
        with_origin("https://id.example.com:8443")
            .validate()
            .expect("valid origin");
    }

    #[test]
    fn a_theme_name_cannot_reach_outside_the_themes_folder() {
        for bad in ["../secret", "a/b", "", "dark.css"] {
            let config = Config {
                theme: bad.into(),
                ..with_origin("https://id.example.com")
            };
            assert!(
                matches!(config.validate(), Err(ConfigError::Theme(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn passcode_lifetimes_stay_within_safe_bounds() {
        let mut config = with_origin("https://id.example.com");
        config.passcode_lifetime_secs = 7200;
        assert!(matches!(
            config.validate(),
            Err(ConfigError::PasscodeLifetime)
        ));
        config.passcode_lifetime_secs = 0;
        assert!(matches!(
            config.validate(),
            Err(ConfigError::PasscodeLifetime)
        ));
        config.passcode_lifetime_secs = 300;
        config.validate().expect("five minutes is fine");
    }

    #[test]
    fn each_phone_provider_needs_its_settings() {
        let mut config = with_origin("https://id.example.com");
        assert_eq!(config.phone_provider, PhoneProviderKind::Outbox);
        config.phone_provider = PhoneProviderKind::Webhook;
        assert!(matches!(config.validate(), Err(ConfigError::Phone(_))));
        config.phone_webhook_url = Some("https://sms.example.com/send".into());
        config.phone_webhook_secret = Some("too short".into());
        assert!(matches!(config.validate(), Err(ConfigError::Phone(_))));
        config.phone_webhook_secret = Some("x".repeat(32));
        config.validate().expect("a complete webhook");
        config.phone_webhook_url = Some("ftp://sms.example.com".into());
        assert!(matches!(config.validate(), Err(ConfigError::Phone(_))));

        let mut config = with_origin("https://id.example.com");
        config.phone_provider = PhoneProviderKind::Twilio;
        assert!(matches!(config.validate(), Err(ConfigError::Phone(_))));
        config.twilio_account_sid = Some("AC0123".into());
        config.twilio_auth_token = Some("token".into());
        config.phone_from = Some("+15005550006".into());
        config.validate().expect("a complete Twilio account");
        config.twilio_account_sid = Some("AC/../x".into());
        assert!(matches!(config.validate(), Err(ConfigError::Phone(_))));
    }

    #[test]
    fn the_phone_provider_is_chosen_by_name_in_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("SSPR_SECRET", SECRET);
            jail.set_env("SSPR_PHONE_PROVIDER", "twilio");
            jail.set_env("SSPR_TWILIO_ACCOUNT_SID", "AC42");
            jail.set_env("SSPR_TWILIO_AUTH_TOKEN", "0123456789");
            jail.set_env("SSPR_PHONE_FROM", "+15005550006");
            let config = Config::load(None).expect("loads");
            assert_eq!(config.phone_provider, PhoneProviderKind::Twilio);
            // As typed, though they look like numbers.
            assert_eq!(config.phone_from.as_deref(), Some("+15005550006"));
            assert_eq!(config.twilio_auth_token.as_deref(), Some("0123456789"));
            assert_eq!(config.twilio_base_url, "https://api.twilio.com");
            Ok(())
        });
    }

    #[test]
    fn a_setting_that_cannot_work_is_refused_at_start() {
        let valid = Config {
            dev: true,
            ..Config::default()
        };
        let refused = |change: fn(&mut Config)| {
            let mut config = valid.clone();
            change(&mut config);
            config.validate().expect_err("refused").to_string()
        };
        assert_eq!(
            refused(|c| c.request_timeout_secs = 0),
            "SSPR_REQUEST_TIMEOUT_SECS must be at least 1"
        );
        assert_eq!(
            refused(|c| c.requests_per_minute = 0),
            "SSPR_REQUESTS_PER_MINUTE must be at least 1"
        );
        assert_eq!(
            refused(|c| c.flow_starts_per_minute = 0),
            "SSPR_FLOW_STARTS_PER_MINUTE must be at least 1"
        );
        assert!(refused(|c| c.log = "sspr_server=loud".into()).starts_with("SSPR_LOG must be"));
        assert!(refused(|c| c.mail_from = "not an address".into())
            .starts_with("SSPR_MAIL_FROM must be"));
        let mut config = valid.clone();
        config.log = "warn, sspr_server::store=debug".into();
        config.mail_from = "Contoso <no-reply@contoso.example>".into();
        config
            .validate()
            .expect("a filter and an address that work");
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        let config = Config {
            database_url: "mysql://x".into(),
            ..with_origin("https://id.example.com")
        };
        assert!(matches!(config.validate(), Err(ConfigError::DatabaseUrl(s)) if s == "mysql"));
    }

    #[test]
    fn secure_cookies_are_dropped_only_in_dev_mode_over_http() {
        let mut config = with_origin("http://127.0.0.1:8080");
        assert!(config.secure_cookies());
        config.dev = true;
        assert!(!config.secure_cookies());
        config.public_origin = "https://id.example.com".into();
        assert!(config.secure_cookies());
    }
}
