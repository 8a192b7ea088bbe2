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

    async fn every_operation_documents_what_the_layers_before_its_handler_answer(app) {
        let doc: serde_json::Value = app.get("/api/openapi.json").await.json().await.expect("json");
        let paths = doc["paths"].as_object().expect("paths");
        for (path, item) in paths {
            for (method, operation) in item.as_object().expect("operations") {
                let responses = operation["responses"].as_object().expect("responses");
                let mut must = vec!["408", "503"];
                if path != "/api/health" {
                    must.push("429");
                }
                if method != "get" {
                    must.push("403");
                }
                if operation.get("requestBody").is_some() {
                    must.extend(["400", "413", "415"]);
                }
                if path.contains('{') {
                    must.push("404");
                }
                for status in must {
                    assert!(responses.contains_key(status), "{method} {path} lacks {status}");
                }
            }
        }
        // Answered before any handler runs, so listed for every JSON endpoint: a body that is
        // not JSON, too large, or of another type.
        let body = reqwest::Client::new()
            .post(app.url("/api/flows"))
            .header("x-sspr-csrf", "1")
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .expect("sent");
        assert_eq!(body.status(), 415);
    }

    async fn a_request_body_must_be_a_json_object_and_integral_numbers_are_integers(app) {
        let browser = app.browser();
        let array = browser
            .send(
                browser
                    .client
                    .post(app.url("/api/flows"))
                    .header("x-sspr-csrf", "1")
                    .header("origin", &app.origin)
                    .header("content-type", "application/json")
                    .body(r#"["password_reset", "a@b.example"]"#),
            )
            .await
            .expect_status(400);
        assert_eq!(array.code(), "invalid_json");
        // 1.0 is an integer to JSON Schema, so to the API: an API token for 30.0 days is made.
        let admin = crate::admins::admin_with_role(&app, "global_administrator").await;
        let token = admin
            .post(
                "/api/admin/api-tokens",
                serde_json::json!({"name": "script", "role": "reader", "expires_in_days": 30.0}),
            )
            .await
            .expect_status(201);
        let lifetime = token.body["token"]["expires_at_ms"].as_i64().expect("expiry")
            - token.body["token"]["created_at_ms"].as_i64().expect("creation");
        assert_eq!(lifetime, 30 * 24 * 60 * 60_000);
        let fraction = admin
            .post(
                "/api/admin/api-tokens",
                serde_json::json!({"name": "script", "role": "reader", "expires_in_days": 30.5}),
            )
            .await
            .expect_status(400);
        assert_eq!(fraction.code(), "invalid_json");
    }
}
