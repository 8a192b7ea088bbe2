//! The built SPA on the same origin as the API.

use crate::backend_tests;
use crate::helpers::{ADMIN_BOOTSTRAP_SCRIPT, AUTHENTICATOR_BOOTSTRAP_SCRIPT, BOOTSTRAP_SCRIPT};
use base64::Engine;
use sha2::{Digest, Sha256};

backend_tests! {
    async fn a_client_route_answers_the_spa_index(app) {
        for path in ["/", "/some/client/route", "/reset/code", "/administrator"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(response.headers()["cache-control"], "no-cache");
            let body = response.text().await.expect("text");
            assert!(body.contains(BOOTSTRAP_SCRIPT), "{path} serves index.html");
        }
    }

    async fn the_admin_portal_is_its_own_bundle_under_slash_admin(app) {
        for path in ["/admin", "/admin/", "/admin/sign-in", "/admin/users/u1", "/admin/setup?token=abc"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
            let body = response.text().await.expect("text");
            assert!(body.contains(ADMIN_BOOTSTRAP_SCRIPT), "{path} serves admin/index.html");
            assert!(!body.contains(BOOTSTRAP_SCRIPT), "{path} is not the customer index");
        }
        let asset = app.get("/admin/portal-0123456789abcdef.js").await;
        assert_eq!(asset.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(asset.text().await.expect("text"), "console.log('admin');");
        // The customer index does not name the portal's files.
        let customer = app.get("/").await.text().await.expect("text");
        assert!(!customer.contains("/admin/"));
    }

    async fn the_authenticator_app_is_its_own_installable_bundle_under_slash_authenticator(app) {
        for path in ["/authenticator", "/authenticator/", "/authenticator/anything"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            let body = response.text().await.expect("text");
            assert!(body.contains(AUTHENTICATOR_BOOTSTRAP_SCRIPT), "{path} serves authenticator/index.html");
        }
        let manifest = app.get("/authenticator/manifest.webmanifest").await;
        assert_eq!(manifest.status(), 200);
        assert_eq!(manifest.headers()["content-type"], "application/manifest+json");
        assert!(manifest.text().await.expect("text").contains("\"start_url\": \"/authenticator\""));
    }

    async fn the_csp_allows_the_portal_and_authenticator_bootstrap_scripts_too(app) {
        let csp = app.get("/admin").await.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
        for script in [BOOTSTRAP_SCRIPT, ADMIN_BOOTSTRAP_SCRIPT, AUTHENTICATOR_BOOTSTRAP_SCRIPT] {
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
            assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
        }
        assert_eq!(csp.matches("'sha256-").count(), 3, "{csp}");
    }

    async fn the_csp_allows_exactly_the_bootstrap_script_by_its_hash(app) {
        let response = app.get("/").await;
        let csp = response.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(BOOTSTRAP_SCRIPT));
        assert!(csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'")), "{csp}");
        // Only the three bootstrap scripts (customer pages, admin portal, authenticator) are
        // allowed.
        assert_eq!(csp.matches("'sha256-").count(), 3, "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"));
    }

    async fn a_hashed_asset_is_sent_precompressed_and_cached_for_a_year(app) {
        let response = app
            .client
            .get(app.url("/app-0123456789abcdef.js"))
            .header("accept-encoding", "br")
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], "br");
        assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(response.bytes().await.expect("body").as_ref(), b"BROTLI-BYTES");

        let plain = app.get("/app-0123456789abcdef.js").await;
        assert!(plain.headers().get("content-encoding").is_none());
        assert_eq!(plain.text().await.expect("text"), "console.log('plain');");
    }
}
