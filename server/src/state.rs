//! The state every handler shares: configuration, the database, time, keys, and the services
//! built from them.

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::domain::passcode::PasscodePolicy;
use crate::domain::password::Passwords;
use crate::mail::Outbox;
use crate::secrets::{BadSecret, Secrets};
use crate::store::Db;
use std::sync::Arc;

/// Cheap to clone: everything inside is shared.
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub secrets: Arc<Secrets>,
    pub passwords: Passwords,
    pub passcodes: Arc<PasscodePolicy>,
    pub outbox: Outbox,
}

impl AppState {
    /// The state for `config` on `db`, with the system clock.
    pub fn new(config: Config, db: Db) -> Result<Self, BadSecret> {
        AppState::with_clock(config, db, Arc::new(SystemClock))
    }

    /// The same with another clock (tests move time by hand).
    pub fn with_clock(config: Config, db: Db, clock: Arc<dyn Clock>) -> Result<Self, BadSecret> {
        let secrets = match &config.secret {
            Some(secret) => Secrets::from_config(secret)?,
            None => Secrets::random(),
        };
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Ok(AppState {
            config: Arc::new(config),
            db,
            clock,
            secrets: Arc::new(secrets),
            passwords: Passwords::new(cores),
            passcodes: Arc::new(PasscodePolicy::default()),
            outbox: Outbox::default(),
        })
    }

    /// Now, in unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
}
