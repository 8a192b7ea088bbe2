//! `GET /api/health`.

use crate::backend_tests;
use crate::helpers::{admin_exec, error_body};
use sspr_api::Health;
use sspr_server::store::Backend;

backend_tests! {
    async fn health_reports_the_version_and_a_reachable_database(app) {
        let response = app.get("/api/health").await;
        assert_eq!(response.status(), 200);
        let health: Health = response.json().await.expect("health body");
        assert_eq!(health.status, "ok");
        assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
        assert!(health.database.reachable);
        assert_eq!(health.database.backend, app.backend.as_str());
    }

    async fn health_answers_503_in_the_error_shape_when_the_database_is_gone(app) {
        match (&app.backend, &app.postgres) {
            // The PostgreSQL database is really dropped under the running server.
            (Backend::Postgres, Some((name, admin))) => {
                admin_exec(admin, &format!("DROP DATABASE {name} WITH (FORCE)")).await;
            }
            // An embedded database stops with its pool.
            _ => app.db.pool.close().await,
        }
        let response = app.get("/api/health").await;
        assert_eq!(response.status(), 503);
        let body = error_body(response).await;
        assert_eq!(body.code, "database_unavailable");
    }
}
