//! Every error answer under `/api` has the shape `{code, message, request_id}`.

use crate::backend_tests;
use crate::helpers::error_body;

backend_tests! {
    async fn an_unknown_api_path_answers_a_json_404_in_the_error_shape(app) {
        let response = app.get("/api/nope").await;
        assert_eq!(response.status(), 404);
        assert_eq!(error_body(response).await.code, "not_found");
    }

    async fn a_wrong_method_answers_405_in_the_error_shape(app) {
        let response = app
            .client
            .put(app.url("/api/health"))
            .header("x-sspr-csrf", "1")
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 405);
        assert_eq!(error_body(response).await.code, "method_not_allowed");
    }

    async fn every_answer_carries_a_fresh_request_id_and_ignores_the_clients(app) {
        let first = app
            .client
            .get(app.url("/api/health"))
            .header("x-request-id", "forged-id")
            .send()
            .await
            .expect("sent");
        let second = app.get("/api/nope").await;
        let id = |r: &reqwest::Response| {
            r.headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let (a, b) = (id(&first), id(&second));
        assert_eq!(a.len(), 32, "{a}");
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_ne!(a, "forged-id");
        assert_eq!(error_body(second).await.request_id, b);
    }

    async fn api_answers_are_never_cached_and_carry_the_security_headers(app) {
        for response in [app.get("/api/health").await, app.get("/api/nope").await] {
            let h = response.headers();
            assert_eq!(h["cache-control"], "no-store");
            assert_eq!(h["x-content-type-options"], "nosniff");
            assert_eq!(h["referrer-policy"], "no-referrer");
            assert_eq!(h["x-frame-options"], "DENY");
            let csp = h["content-security-policy"].to_str().expect("ascii");
            assert!(csp.contains("frame-ancestors 'none'"));
            assert!(!csp.contains("unsafe-inline"));
        }
    }
}
