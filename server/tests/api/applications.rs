//! Application registrations through the Graph-compatible `/applications` (issue 14): roles,
//! Graph's names and error shape, exact redirect URI rules, client secrets shown once and stored
//! as keyed hashes, audit records — and the user flows' applications of migration 0008 moved
//! into registrations by migration 0009 with their client ids.

use crate::admins::{admin_with_role, first_global, invited};
use crate::backend_tests;
use crate::helpers::{Answer, Browser, TestApp};
use serde_json::{json, Value};
use sqlx::Row;
use sspr_server::store::Backend;

async fn patch(app: &TestApp, browser: &Browser, path: &str, body: Value) -> Answer {
    browser
        .send(
            browser
                .client
                .patch(app.url(path))
                .header("x-sspr-csrf", "1")
                .header("origin", &app.origin)
                .json(&body),
        )
        .await
}

fn shop() -> Value {
    json!({
        "displayName": "Contoso shop",
        "web": {"redirectUris": ["https://shop.contoso.example/callback"]},
        "spa": {"redirectUris": ["http://localhost:5173/"]},
    })
}

backend_tests! {
    async fn applications_are_registered_read_changed_and_deleted_with_graph_names(app) {
        let admin = admin_with_role(&app, "authentication_policy_administrator").await;
        let created = admin.post("/api/graph/v1.0/applications", shop()).await.expect_status(201).body;
        let id = created["id"].as_str().expect("id").to_owned();
        assert_eq!(created["appId"].as_str().expect("appId").len(), 36, "a generated UUID");
        assert_eq!(created["displayName"], "Contoso shop");
        assert_eq!(created["web"]["redirectUris"], json!(["https://shop.contoso.example/callback"]));
        assert_eq!(created["spa"]["redirectUris"], json!(["http://localhost:5173/"]));
        assert_eq!(created["publicClient"]["redirectUris"], json!([]));
        assert_eq!(created["passwordCredentials"], json!([]));
        assert_eq!(created["userFlowId"], "default");
        assert_eq!(created["idTokenSignedResponseAlg"], "RS256", "OpenID Connect's default");
        assert!(created["createdDateTime"].as_str().is_some_and(|d| d.ends_with('Z')));
        let shown = admin.get(&format!("/api/graph/v1.0/applications/{id}")).await.expect_status(200);
        assert_eq!(shown.body, created);
        let list = admin.get("/api/graph/v1.0/applications").await.expect_status(200);
        assert!(list.body["@odata.context"].as_str().is_some_and(|c| c.ends_with("$metadata#applications")));
        assert_eq!(list.body["value"], json!([created.clone()]));
        // The lookups Graph scripts make: by appId or displayName; other options are refused,
        // never ignored.
        let app_id = created["appId"].as_str().expect("appId");
        let found = admin.get(&format!("/api/graph/v1.0/applications?$filter=appId%20eq%20'{app_id}'")).await.expect_status(200);
        assert_eq!(found.body["value"], json!([created.clone()]));
        let none = admin.get("/api/graph/v1.0/applications?$filter=displayName%20eq%20'Nobody'").await.expect_status(200);
        assert_eq!(none.body["value"], json!([]));
        let other = admin.get("/api/graph/v1.0/applications?$filter=createdDateTime%20ge%202026-01-01T00:00:00Z").await.expect_status(400);
        assert_eq!(other.body["error"]["innerError"]["code"], "invalid_filter");
        admin.get("/api/graph/v1.0/applications?$top=1").await.expect_status(400);

        let changed = patch(&app, &admin, &format!("/api/graph/v1.0/applications/{id}"),
            json!({"displayName": "Shop", "spa": {"redirectUris": []}, "idTokenSignedResponseAlg": "ES256",}))
            .await;
        assert_eq!(changed.status, 204, "{}", changed.text);
        let shown = admin.get(&format!("/api/graph/v1.0/applications/{id}")).await.expect_status(200).body;
        assert_eq!(shown["displayName"], "Shop");
        assert_eq!(shown["spa"]["redirectUris"], json!([]));
        // Microsoft's Graph SDKs send each object's @odata.type: taken, not kept.
        let typed = json!({
            "@odata.type": "#microsoft.graph.application",
            "displayName": "Typed shop",
            "web": {"@odata.type": "#microsoft.graph.webApplication", "redirectUris": ["https://typed.contoso.example/cb"]},
        });
        let made = admin.post("/api/graph/v1.0/applications", typed).await.expect_status(201).body;
        assert!(made.get("@odata.type").is_none() && made["web"].get("@odata.type").is_none(), "{made}");
        let typed_id = made["id"].as_str().expect("id").to_owned();
        let retyped = patch(&app, &admin, &format!("/api/graph/v1.0/applications/{typed_id}"),
            json!({"@odata.type": "#microsoft.graph.application", "spa": {"@odata.type": "#microsoft.graph.spaApplication", "redirectUris": []}})).await;
        assert_eq!(retyped.status, 204, "{}", retyped.text);
        admin.delete(&format!("/api/graph/v1.0/applications/{typed_id}")).await.expect_status(204);
        assert_eq!(shown["web"], created["web"], "what the patch leaves out stays");
        assert_eq!(shown["idTokenSignedResponseAlg"], "ES256");

        admin.delete(&format!("/api/graph/v1.0/applications/{id}")).await.expect_status(204);
        let gone = admin.get(&format!("/api/graph/v1.0/applications/{id}")).await.expect_status(404);
        assert_eq!(gone.body["error"]["code"], "Request_ResourceNotFound");
        let changes: Vec<String> = sqlx::query("SELECT detail FROM audit_log WHERE event = 'admin_change' AND subject = $1 ORDER BY id")
            .bind(&id)
            .fetch_all(&app.db.pool)
            .await
            .expect("audit")
            .iter()
            .map(|r| serde_json::from_str::<Value>(&r.get::<String, _>(0)).expect("json")["what"].as_str().expect("what").to_owned())
            .collect();
        assert_eq!(changes, ["application.create", "application.update", "application.delete"]);
    }

    async fn a_client_secret_is_shown_once_and_stored_only_as_a_keyed_hash(app) {
        let admin = admin_with_role(&app, "global_administrator").await;
        let id = admin.post("/api/graph/v1.0/applications", shop()).await.expect_status(201).body["id"].as_str().expect("id").to_owned();
        let added = admin.post(&format!("/api/graph/v1.0/applications/{id}/addPassword"),
            json!({"passwordCredential": {"displayName": "Production"}})).await.expect_status(200).body;
        let secret = added["secretText"].as_str().expect("the secret, this once").to_owned();
        assert!(secret.len() >= 40, "{secret}");
        assert_eq!(added["hint"], &secret[..3]);
        assert_eq!(added["displayName"], "Production");
        let key_id = added["keyId"].as_str().expect("keyId").to_owned();
        let shown = admin.get(&format!("/api/graph/v1.0/applications/{id}")).await.expect_status(200);
        assert_eq!(shown.body["passwordCredentials"][0]["keyId"], key_id.as_str());
        assert!(!shown.text.contains(&secret), "never shown again");
        assert!(!app.dump("application_secrets").await.iter().any(|cell| cell.contains(&secret)));
        assert!(!app.dump("audit_log").await.iter().any(|cell| cell.contains(&secret)));
        // Too long a life is refused; removing the secret ends it.
        let refused = admin.post(&format!("/api/graph/v1.0/applications/{id}/addPassword"),
            json!({"passwordCredential": {"endDateTime": "2099-01-01T00:00:00Z"}})).await.expect_status(400);
        assert_eq!(refused.body["error"]["code"], "BadRequest");
        admin.post(&format!("/api/graph/v1.0/applications/{id}/removePassword"), json!({"keyId": key_id})).await.expect_status(204);
        let again = admin.post(&format!("/api/graph/v1.0/applications/{id}/removePassword"), json!({"keyId": key_id})).await.expect_status(404);
        assert_eq!(again.body["error"]["code"], "Request_ResourceNotFound");
        let shown = admin.get(&format!("/api/graph/v1.0/applications/{id}")).await.expect_status(200);
        assert_eq!(shown.body["passwordCredentials"], json!([]));
    }

    async fn readers_may_read_and_api_tokens_act_with_their_role(app) {
        let global = first_global(&app).await;
        let reader = invited(&app, &global, "reader", 1).await;
        global.post("/api/graph/v1.0/applications", shop()).await.expect_status(201);
        reader.get("/api/graph/v1.0/applications").await.expect_status(200);
        let refused = reader.post("/api/graph/v1.0/applications", shop()).await.expect_status(403);
        assert_eq!(refused.body["error"]["code"], "Authorization_RequestDenied");
        let users = invited(&app, &global, "user_administrator", 2).await;
        users.post("/api/graph/v1.0/applications", shop()).await.expect_status(403);
        assert_eq!(app.browser().get("/api/graph/v1.0/applications").await.status, 401);
        let token = global
            .post("/api/admin/api-tokens", json!({"name": "deploy", "role": "authentication_policy_administrator", "expires_in_days": 1}))
            .await
            .expect_status(201)
            .body["secret"].as_str().expect("secret").to_owned();
        let scripted = app.client.post(app.url("/api/graph/v1.0/applications")).bearer_auth(&token).json(&shop()).send().await.expect("sent");
        assert_eq!(scripted.status(), 201);
    }

    async fn bad_registrations_are_refused_in_graphs_shape(app) {
        let admin = admin_with_role(&app, "global_administrator").await;
        for uris in [
            json!({"web": {"redirectUris": ["http://shop.contoso.example/cb"]}}),
            json!({"web": {"redirectUris": ["https://*.contoso.example/cb"]}}),
            json!({"web": {"redirectUris": ["https://shop.contoso.example/cb#frag"]}}),
            json!({"spa": {"redirectUris": ["/relative"]}}),
            json!({"web": {"redirectUris": ["https://a.example/cb"]}, "spa": {"redirectUris": ["https://a.example/cb"]}}),
            json!({"appId": "has space"}),
            json!({"userFlowId": "no-such-flow"}),
            json!({"displayName": "  "}),
        ] {
            let mut body = json!({"displayName": "App"});
            for (k, v) in uris.as_object().expect("object") {
                body[k] = v.clone();
            }
            let answer = admin.post("/api/graph/v1.0/applications", body.clone()).await.expect_status(400);
            assert_eq!(answer.body["error"]["code"], "BadRequest", "{body}");
            assert_eq!(answer.body["error"]["innerError"]["code"], "validation_failed", "{body}");
        }
        let unknown_field = admin.post("/api/graph/v1.0/applications", json!({"displayName": "x", "colour": 1})).await.expect_status(400);
        assert_eq!(unknown_field.body["error"]["innerError"]["code"], "invalid_json");
        admin.post("/api/graph/v1.0/applications", json!({"displayName": "A", "appId": "taken-id"})).await.expect_status(201);
        let taken = admin.post("/api/graph/v1.0/applications", json!({"displayName": "B", "appId": "taken-id"})).await.expect_status(400);
        assert!(taken.body["error"]["message"].as_str().expect("message").contains("taken-id"));
        // A native app may use a private-use scheme; a web app may not.
        admin.post("/api/graph/v1.0/applications", json!({"displayName": "Native", "publicClient": {"redirectUris": ["com.contoso.app:/cb"]}})).await.expect_status(201);
        admin.post("/api/graph/v1.0/applications", json!({"displayName": "Web", "web": {"redirectUris": ["com.contoso.app:/cb2"]}})).await.expect_status(400);
        assert_eq!(admin.get("/api/graph/v1.0/applications/nope").await.expect_status(404).body["error"]["code"], "Request_ResourceNotFound");
        assert_eq!(patch(&app, &admin, "/api/graph/v1.0/applications/nope", json!({})).await.status, 404);
    }

    async fn the_user_flows_applications_become_registrations_with_their_client_ids(app) {
        // A database at migration 0008 with a user flow listing two applications.
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, admin_url) = match (&app.backend, &app.postgres) {
            (Backend::Postgres, Some((_, admin))) => {
                let name = format!("m_{}", uuid::Uuid::new_v4().simple());
                crate::helpers::admin_exec(admin, &format!("CREATE DATABASE {name}")).await;
                let base = admin.rsplit_once('/').expect("a database").0;
                (format!("{base}/{name}"), Some((name, admin.clone())))
            }
            _ => (format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display()), None),
        };
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.expect("connect");
        let mut migrator = match app.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.migrations = std::borrow::Cow::Owned(migrator.migrations.iter().filter(|m| m.version <= 8).cloned().collect());
        migrator.run(&pool).await.expect("migrations up to 0008");
        for sql in [
            "INSERT INTO user_flows (id, name, kind, identity_provider, attributes, sspr_enabled, created_at_ms, updated_at_ms) \
             VALUES ('shop', 'Shop', 'sign_up_and_sign_in', 'email_otp', '[\"displayName\"]', 0, 5, 7)",
            "INSERT INTO user_flow_apps (client_id, user_flow_id, name, redirect_origins, position) \
             VALUES ('shop-app', 'shop', 'Shop', '[\"https://shop.example.com\",\"http://localhost:3000\"]', 0)",
            "INSERT INTO user_flow_apps (client_id, user_flow_id, name, redirect_origins, position) \
             VALUES ('bare-app', 'shop', 'Bare', '[]', 1)",
        ] {
            sqlx::query(sql).execute(&pool).await.expect(sql);
        }
        pool.close().await;
        // The server's start applies 0009 and later.
        let db = sspr_server::store::Db::connect(&url, 2).await.expect("migrates");
        let rows = sqlx::query("SELECT app_id, display_name, user_flow_id, web_redirect_uris, spa_redirect_uris, id_token_signing_alg FROM applications ORDER BY app_id")
            .fetch_all(&db.pool)
            .await
            .expect("applications");
        let found: Vec<(String, String, String, String, String, String)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
            .collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, "bare-app");
        assert_eq!(serde_json::from_str::<Value>(&found[0].3).expect("json"), json!([]));
        assert_eq!((found[1].0.as_str(), found[1].1.as_str(), found[1].2.as_str()), ("shop-app", "Shop", "shop"));
        assert_eq!(
            serde_json::from_str::<Value>(&found[1].3).expect("json"),
            json!(["https://shop.example.com/", "http://localhost:3000/"])
        );
        assert_eq!(found[1].4, "[]");
        assert_eq!(found[1].5, "ES256");
        db.pool.close().await;
        if let Some((name, admin)) = admin_url {
            crate::helpers::admin_exec(&admin, &format!("DROP DATABASE {name} WITH (FORCE)")).await;
        }
        // And the customer pages keep following the application by its client id.
        let admin = admin_with_role(&app, "global_administrator").await;
        let flow = admin.post("/api/admin/user-flows", json!({"name": "Shop", "identity_provider": "email_otp", "sspr_enabled": false})).await.expect_status(201);
        admin.post("/api/graph/v1.0/applications", json!({
            "displayName": "Shop", "appId": "shop-app", "userFlowId": flow.body["id"],
            "web": {"redirectUris": ["https://shop.example.com/"]},
        })).await.expect_status(201);
        let followed = app.browser().get("/api/user-flow?client_id=shop-app").await.expect_status(200);
        assert_eq!(followed.body["identity_provider"], "email_otp");
        assert_eq!(followed.body["return_origins"], json!(["https://shop.example.com"]));
    }
}
