//! `GET /api/health`: the version and whether the database answers. 503 in the error shape when
//! it does not, so a load balancer takes the instance out of rotation.

use crate::error::ApiError;
use crate::http::json::Json;
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use sspr_api::{DatabaseStatus, Health};
use std::time::Duration;

/// How long the database round trip may take before the instance counts as unhealthy.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

#[utoipa::path(get, path = "/api/health", tag = "health",
    responses((status = 200, body = Health), (status = 503, description = "The database does not answer", body = sspr_api::ErrorBody)))]
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    match tokio::time::timeout(PING_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => Ok(Json(Health {
            status: "ok".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            database: DatabaseStatus {
                backend: state.db.backend.as_str().into(),
                reachable: true,
            },
        })),
        Ok(Err(error)) => Err(ApiError::DatabaseUnavailable(error)),
        Err(_elapsed) => Err(ApiError::DatabaseUnavailable(sqlx::Error::PoolTimedOut)),
    }
}
