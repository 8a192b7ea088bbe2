//! The state every handler shares: configuration and the database.

use crate::config::Config;
use crate::store::Db;
use std::sync::Arc;

/// Cheap to clone: everything inside is shared.
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
}

impl AppState {
    pub fn new(config: Config, db: Db) -> Self {
        AppState {
            config: Arc::new(config),
            db,
        }
    }
}
