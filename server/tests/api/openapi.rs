//! `GET /api/openapi.json` describes the whole public API.

use crate::backend_tests;

backend_tests! {
    async fn the_openapi_document_describes_every_public_endpoint(app) {
        let response = app.get("/api/openapi.json").await;
        assert_eq!(response.status(), 200);
        let doc: serde_json::Value = response.json().await.expect("json");
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
        let paths = doc["paths"].as_object().expect("paths");
        for (path, method) in [
            ("/api/health", "get"),
            ("/api/flows", "post"),
            ("/api/flows/{id}", "get"),
            ("/api/flows/{id}/resend", "post"),
            ("/api/flows/{id}/verify", "post"),
            ("/api/flows/{id}/complete", "post"),
            ("/api/session", "post"),
            ("/api/session", "get"),
            ("/api/session", "delete"),
            ("/api/sessions", "get"),
            ("/api/sessions/{id}", "delete"),
            ("/api/account/password", "post"),
            ("/api/password-policy", "get"),
        ] {
            assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path}");
        }
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        for schema in ["ErrorBody", "StartFlow", "FlowView", "CompleteFlow", "SignIn", "Me"] {
            assert!(schemas.contains_key(schema), "{schema}");
        }
        let purposes = &schemas["FlowPurpose"]["enum"];
        assert!(purposes.as_array().is_some_and(|p| p.len() == 5), "{purposes}");
    }
}
