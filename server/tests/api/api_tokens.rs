//! API tokens for scripts: created by global administrators only, shown once, stored hashed,
//! sent as `Authorization: Bearer`, limited by their role, refused once revoked or expired.

use crate::admins::{first_global, invited};
use crate::backend_tests;
use crate::helpers::{Browser, TestApp};
use crate::policy_support::{bearer, changes, graph_error, method, EMAIL_TYPE, POLICY};
use reqwest::Method;
use serde_json::json;

async fn create(global: &Browser, name: &str, role: &str, days: u32) -> (String, String) {
    let answer = global
        .post(
            "/api/admin/api-tokens",
            json!({"name": name, "role": role, "expires_in_days": days}),
        )
        .await
        .expect_status(201);
    let secret = answer.body["secret"].as_str().expect("secret").to_owned();
    let id = answer.body["token"]["id"].as_str().expect("id").to_owned();
    (id, secret)
}

fn disable_email() -> String {
    json!({"@odata.type": EMAIL_TYPE, "state": "disabled"}).to_string()
}

async fn email_state(app: &TestApp, secret: &str) -> String {
    let answer = bearer(app, Method::GET, &method("Email"), secret, None)
        .await
        .expect_status(200);
    answer.body["state"].as_str().expect("state").to_owned()
}

backend_tests! {
    async fn a_script_reads_and_patches_the_policy_with_a_token(app) {
        let global = first_global(&app).await;
        let (id, secret) = create(&global, "provisioning", "authentication_policy_administrator", 30).await;
        assert!(secret.starts_with("sspr_"));
        // The secret is never stored or listed.
        assert!(!app.dump("api_tokens").await.iter().any(|cell| cell.contains(&secret[5..])));
        let list = global.get("/api/admin/api-tokens").await.expect_status(200);
        assert_eq!(list.body["tokens"][0]["id"], id);
        assert!(!list.text.contains(&secret));
        bearer(&app, Method::GET, POLICY, &secret, None).await.expect_status(200);
        // No cookie, no CSRF header: the token is the authority.
        let patched = bearer(&app, Method::PATCH, &method("email"), &secret, Some(&disable_email())).await;
        assert_eq!(patched.status, 204, "{}", patched.text);
        assert_eq!(email_state(&app, &secret).await, "disabled");
        let recorded = changes(&app, "authentication_method").await;
        assert_eq!(recorded[0].0, format!("api_token:{id}"));
        // The token's creation is audited, without its secret.
        let created = changes(&app, "api_token.create").await;
        assert_eq!(created[0].2["after"]["role"], "authentication_policy_administrator");
        assert!(!app.dump("audit_log").await.iter().any(|cell| cell.contains(&secret[5..])));
        assert_eq!(recorded[0].2["after"]["state"], "disabled");
        // A token does not open the portal's cookie-only endpoints.
        let portal = bearer(&app, Method::GET, "/api/admin/reset-policy", &secret, None).await;
        assert_eq!(portal.status, 401);
    }

    async fn a_tokens_role_limits_it(app) {
        let global = first_global(&app).await;
        let (_, reader) = create(&global, "audit script", "reader", 30).await;
        bearer(&app, Method::GET, POLICY, &reader, None).await.expect_status(200);
        let answer = bearer(&app, Method::PATCH, &method("email"), &reader, Some(&disable_email())).await;
        assert_eq!(graph_error(&answer, 403, "Authorization_RequestDenied"), "forbidden");
        let invite = bearer(&app, Method::POST, "/api/graph/v1.0/invitations", &reader,
            Some(&json!({"invitedUserEmailAddress": "g@partner.example", "inviteRedirectUrl": "/account"}).to_string())).await;
        graph_error(&invite, 403, "Authorization_RequestDenied");
    }

    async fn revoked_expired_and_unknown_tokens_are_refused(app) {
        let global = first_global(&app).await;
        let (id, secret) = create(&global, "short lived", "global_administrator", 1).await;
        let (_, later) = create(&global, "longer", "global_administrator", 2).await;
        bearer(&app, Method::GET, POLICY, &secret, None).await.expect_status(200);
        global.delete(&format!("/api/admin/api-tokens/{id}")).await.expect_status(204);
        let revoked = bearer(&app, Method::GET, POLICY, &secret, None).await;
        assert_eq!(graph_error(&revoked, 401, "InvalidAuthenticationToken"), "unauthorized");
        assert_eq!(global.delete(&format!("/api/admin/api-tokens/{id}")).await.status, 404);
        let list = global.get("/api/admin/api-tokens").await.expect_status(200);
        assert!(list.body["tokens"].as_array().expect("list").iter().any(|t| t["id"] == id && t["revoked_at_ms"].is_i64()));
        // One day and a minute later the two-day token works, then it expires too.
        app.clock.advance_ms(24 * 60 * 60_000 + 60_000);
        bearer(&app, Method::GET, POLICY, &later, None).await.expect_status(200);
        app.clock.advance_ms(24 * 60 * 60_000);
        graph_error(&bearer(&app, Method::GET, POLICY, &later, None).await, 401, "InvalidAuthenticationToken");
        for garbage in ["sspr_not-a-token", "", "x"] {
            graph_error(&bearer(&app, Method::GET, POLICY, garbage, None).await, 401, "InvalidAuthenticationToken");
        }
        let basic = app.client.get(app.url(POLICY)).header("authorization", "Basic Zm9vOmJhcg==").send().await.expect("sent");
        assert_eq!(basic.status().as_u16(), 401);
        let recorded = changes(&app, "api_token.revoke").await;
        assert_eq!(recorded.len(), 1);
        assert_eq!(recorded[0].2["before"]["revoked_at_ms"], serde_json::Value::Null);
    }

    async fn only_global_administrators_manage_tokens_and_bad_input_is_named(app) {
        let global = first_global(&app).await;
        let policy_admin = invited(&app, &global, "authentication_policy_administrator", 1).await;
        let body = json!({"name": "x", "role": "reader", "expires_in_days": 30});
        assert_eq!(policy_admin.post("/api/admin/api-tokens", body.clone()).await.code(), "forbidden");
        assert_eq!(policy_admin.get("/api/admin/api-tokens").await.status, 403);
        assert_eq!(app.browser().get("/api/admin/api-tokens").await.status, 401);
        for (bad, status) in [
            (json!({"name": "", "role": "reader", "expires_in_days": 30}), 422),
            (json!({"name": "x", "role": "reader", "expires_in_days": 0}), 422),
            (json!({"name": "x", "role": "reader", "expires_in_days": 366}), 422),
            (json!({"name": "x", "role": "emperor", "expires_in_days": 30}), 400),
        ] {
            let answer = global.post("/api/admin/api-tokens", bad.clone()).await;
            assert_eq!(answer.status, status, "{bad}: {}", answer.text);
        }
        assert_eq!(crate::support::count(&app, "api_tokens").await, 0);
    }

    async fn a_bearer_request_that_carries_a_cookie_is_still_csrf_checked(app) {
        let global = first_global(&app).await;
        let (_, secret) = create(&global, "mixed", "global_administrator", 30).await;
        let answer = global
            .send(
                global
                    .client
                    .patch(app.url(&method("email")))
                    .header("authorization", format!("Bearer {secret}"))
                    .header("content-type", "application/json")
                    .body(disable_email()),
            )
            .await;
        assert_eq!(graph_error(&answer, 403, "Authorization_RequestDenied"), "csrf_failed");
        assert_eq!(email_state(&app, &secret).await, "enabled");
    }
}
