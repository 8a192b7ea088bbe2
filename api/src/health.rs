//! `GET /api/health`: what the server and its database say about themselves.

use serde::{Deserialize, Serialize};

/// The answer of a healthy server. An unhealthy one answers 503 with an [`crate::ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `"ok"`.
    pub status: String,
    /// The server's version (its crate version).
    pub version: String,
    /// The database's state.
    pub database: DatabaseStatus,
}

/// What the health check found of the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatabaseStatus {
    /// `"sqlite"` or `"postgres"`.
    pub backend: String,
    /// Whether a round trip to the database succeeded.
    pub reachable: bool,
}
