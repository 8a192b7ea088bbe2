//! User flows (SPEC §4 A5, §3 C1/C4): administrators manage them (role checks, validation,
//! audit), and the customer endpoints follow the flow of the application a request names —
//! SSPR off refuses a reset, an Email OTP flow refuses passwords, sign-up collects the flow's
//! attributes, and `return_to` may point only at that application's origins. Applications are
//! registrations (`/api/graph/v1.0/applications`) that name their user flow.

use crate::admins::{admin_with_role, first_global, invited};
use crate::backend_tests;
use crate::helpers::{Browser, TestApp, PASSWORD};
use serde_json::{json, Value};
use sqlx::Row;

const SHOP: &str = "https://shop.example.com";

/// The settings of the shop's user flow; `create` registers the application `client_id` of
/// `SHOP` for it.
fn shop_flow(client_id: &str) -> Value {
    json!({
        "name": "Shop customers",
        "identity_provider": "email_password",
        "attributes": ["givenName", "surname"],
        "sspr_enabled": false,
        "applications": [{"name": "Shop", "client_id": client_id, "redirect_origins": [SHOP]}],
    })
}

/// `body` without its applications: what the user flow endpoints take.
fn settings(body: &Value) -> Value {
    let mut settings = body.clone();
    settings
        .as_object_mut()
        .expect("object")
        .remove("applications");
    settings
}

/// Creates the user flow of `body`, registers each application it lists (a generated client
/// id when it names none; each origin becomes the redirect URI `<origin>/`) and answers the
/// flow as the API now shows it.
async fn create(admin: &Browser, body: Value) -> Value {
    let flow = admin
        .post("/api/admin/user-flows", settings(&body))
        .await
        .expect_status(201)
        .body;
    let id = flow["id"].as_str().expect("id").to_owned();
    for app in body["applications"].as_array().into_iter().flatten() {
        register(admin, app, &id).await;
    }
    admin
        .get(&format!("/api/admin/user-flows/{id}"))
        .await
        .expect_status(200)
        .body
}

/// Registers `app` (`{name, client_id?, redirect_origins}`) for the user flow `flow_id`.
async fn register(admin: &Browser, app: &Value, flow_id: &str) -> Value {
    let uris: Vec<String> = app["redirect_origins"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| format!("{}/", o.as_str().expect("origin")))
        .collect();
    let mut body =
        json!({"displayName": app["name"], "web": {"redirectUris": uris}, "userFlowId": flow_id});
    if let Some(client_id) = app["client_id"].as_str() {
        body["appId"] = json!(client_id);
    }
    admin
        .post("/api/graph/v1.0/applications", body)
        .await
        .expect_status(201)
        .body
}

/// Signs up `email` through a flow started for `client_id` (none: the default flow) and
/// completes it with `extra` fields; answers the last step's answer.
async fn sign_up_for(
    app: &TestApp,
    email: &str,
    client_id: Option<&str>,
    extra: Value,
) -> crate::helpers::Answer {
    let browser = app.browser();
    let start = browser
        .post(
            "/api/flows",
            json!({"purpose": "sign_up", "email": email, "client_id": client_id}),
        )
        .await
        .expect_status(201);
    let id = start.body["flow_id"].as_str().expect("id").to_owned();
    let code = app.mailbox.code_for(email).await;
    browser
        .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
        .await
        .expect_status(200);
    let mut body =
        json!({"password": PASSWORD, "password_confirm": PASSWORD, "display_name": "Ada L"});
    for (k, v) in extra.as_object().expect("object") {
        body[k] = v.clone();
    }
    browser
        .post(&format!("/api/flows/{id}/complete"), body)
        .await
}

async fn user_attributes(app: &TestApp, email: &str) -> Option<Value> {
    let row = sqlx::query("SELECT attributes FROM users WHERE email_canonical = $1")
        .bind(email)
        .fetch_optional(&app.db.pool)
        .await
        .expect("query");
    row.map(|r| serde_json::from_str(&r.get::<String, _>(0)).expect("json"))
}

backend_tests! {
    async fn the_default_flow_exists_and_readers_may_read_but_not_write(app) {
        let global = first_global(&app).await;
        let reader = invited(&app, &global, "reader", 1).await;
        let list = reader.get("/api/admin/user-flows").await.expect_status(200);
        let flows = list.body["flows"].as_array().expect("flows");
        assert_eq!(flows.len(), 1);
        assert_eq!(flows[0]["id"], "default");
        assert_eq!(flows[0]["is_default"], true);
        assert_eq!(flows[0]["identity_provider"], "email_password");
        assert_eq!(flows[0]["attributes"], json!(["displayName"]));
        assert_eq!(flows[0]["sspr_enabled"], true);
        assert_eq!(flows[0]["kind"], "sign_up_and_sign_in");
        reader.get("/api/admin/user-flows/default").await.expect_status(200);

        let put = reader.put("/api/admin/user-flows/default", settings(&shop_flow("shop-app"))).await.expect_status(403);
        assert_eq!(put.code(), "forbidden");
        let post = reader.post("/api/admin/user-flows", settings(&shop_flow("shop-app"))).await.expect_status(403);
        assert_eq!(post.code(), "forbidden");
        assert_eq!(reader.delete("/api/admin/user-flows/default").await.expect_status(403).code(), "forbidden");
        // A user administrator may not change authentication policy either.
        let users = invited(&app, &global, "user_administrator", 2).await;
        users.post("/api/admin/user-flows", settings(&shop_flow("shop-app"))).await.expect_status(403);
        // An authentication policy administrator may.
        let policy = invited(&app, &global, "authentication_policy_administrator", 3).await;
        create(&policy, shop_flow("shop-app")).await;

        let anonymous = app.browser();
        for answer in [
            anonymous.get("/api/admin/user-flows").await,
            anonymous.get("/api/admin/user-flows/default").await,
            anonymous.post("/api/admin/user-flows", shop_flow("other-app")).await,
            anonymous.put("/api/admin/user-flows/default", shop_flow("other-app")).await,
        ] {
            assert_eq!(answer.status, 401, "{}", answer.text);
            assert_eq!(answer.code(), "unauthorized");
        }
    }

    async fn create_read_replace_and_delete_are_audited(app) {
        let admin = admin_with_role(&app, "global_administrator").await;
        let created = create(&admin, json!({
            "name": "Passwordless",
            "identity_provider": "email_otp",
            "attributes": ["surname", "givenName", "surname"],
            "sspr_enabled": true,
            "applications": [{"name": "Mobile", "redirect_origins": ["https://m.example.com"]}],
        })).await;
        let id = created["id"].as_str().expect("id").to_owned();
        assert_eq!(created["attributes"], json!(["displayName", "surname", "givenName"]));
        let client_id = created["applications"][0]["client_id"].as_str().expect("client id").to_owned();
        assert_eq!(client_id.len(), 36, "a generated UUID");
        let shown = admin.get(&format!("/api/admin/user-flows/{id}")).await.expect_status(200);
        assert_eq!(shown.body, created);

        let replaced = admin
            .put(&format!("/api/admin/user-flows/{id}"), settings(&shop_flow("shop-app")))
            .await
            .expect_status(200);
        assert_eq!(replaced.body["id"], id.as_str());
        assert_eq!(replaced.body["applications"][0]["client_id"], client_id, "its applications stay");
        assert_eq!(replaced.body["applications"][0]["redirect_origins"], json!(["https://m.example.com"]));
        // Sending back the applications as read is accepted (they are not changed here).
        let mut as_read = settings(&shop_flow("shop-app"));
        as_read["applications"] = replaced.body["applications"].clone();
        admin.put(&format!("/api/admin/user-flows/{id}"), as_read).await.expect_status(200);
        assert_eq!(replaced.body["sspr_enabled"], false);
        let list = admin.get("/api/admin/user-flows").await.expect_status(200);
        assert_eq!(list.body["flows"].as_array().expect("flows").len(), 2);

        let records = sqlx::query("SELECT actor, subject, detail FROM audit_log WHERE event = 'admin_change' ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .expect("audit");
        let changes: Vec<(String, String, Value)> = records
            .iter()
            .map(|r| (r.get(0), r.get(1), serde_json::from_str(&r.get::<String, _>(2)).expect("json")))
            .filter(|(_, _, d): &(String, String, Value)| d["what"].as_str().is_some_and(|w| w.starts_with("user_flow.")))
            .collect();
        assert_eq!(changes.len(), 3, "create and two updates");
        assert!(changes[0].0.starts_with("admin:"));
        assert_eq!(changes[0].1, id);
        assert_eq!(changes[0].2["what"], "user_flow.create");
        assert_eq!(changes[0].2["before"], Value::Null);
        assert_eq!(changes[0].2["after"]["identity_provider"], "email_otp");
        assert_eq!(changes[1].2["what"], "user_flow.update");
        assert_eq!(changes[1].2["before"]["name"], "Passwordless");
        assert_eq!(changes[1].2["after"]["name"], "Shop customers");

        // In use: not deleted; once its applications move away, it can be.
        let refused = admin.delete(&format!("/api/admin/user-flows/{id}")).await.expect_status(409);
        assert_eq!(refused.code(), "user_flow_in_use");
        let refused = admin.delete("/api/admin/user-flows/default").await.expect_status(409);
        assert_eq!(refused.code(), "user_flow_in_use");
        let apps = admin.get("/api/graph/v1.0/applications").await.expect_status(200);
        let object_id = apps.body["value"][0]["id"].as_str().expect("object id").to_owned();
        let moved = admin
            .send(
                admin
                    .client
                    .patch(app.url(&format!("/api/graph/v1.0/applications/{object_id}")))
                    .header("x-sspr-csrf", "1")
                    .header("origin", &app.origin)
                    .json(&json!({"userFlowId": "default"})),
            )
            .await;
        assert_eq!(moved.status, 204, "{}", moved.text);
        admin.delete(&format!("/api/admin/user-flows/{id}")).await.expect_status(204);
        let gone = admin.get(&format!("/api/admin/user-flows/{id}")).await.expect_status(404);
        assert_eq!(gone.code(), "not_found");
        let deleted = sqlx::query("SELECT COUNT(*) FROM audit_log WHERE event = 'admin_change' AND subject = $1")
            .bind(&id)
            .fetch_one(&app.db.pool)
            .await
            .expect("count")
            .get::<i64, _>(0);
        assert_eq!(deleted, 4, "create, two updates, delete");
    }

    async fn bad_input_is_refused_with_a_stable_code(app) {
        let admin = admin_with_role(&app, "authentication_policy_administrator").await;
        let mut bad_provider = shop_flow("shop-app");
        bad_provider["identity_provider"] = json!("facebook");
        let mut unknown_attribute = shop_flow("shop-app");
        unknown_attribute["attributes"] = json!(["givenName", "favouriteColour"]);
        let mut unknown_field = shop_flow("shop-app");
        unknown_field["colour"] = json!("blue");
        for body in [settings(&bad_provider), settings(&unknown_attribute), settings(&unknown_field)] {
            let answer = admin.post("/api/admin/user-flows", body).await.expect_status(400);
            assert_eq!(answer.code(), "invalid_json");
        }
        let mut no_name = settings(&shop_flow("shop-app"));
        no_name["name"] = json!("   ");
        // Applications are registrations now: a user flow that lists one is refused.
        for body in [no_name, shop_flow("shop-app")] {
            let answer = admin.post("/api/admin/user-flows", body.clone()).await.expect_status(422);
            assert_eq!(answer.code(), "validation_failed", "{body}");
        }
        // A name another flow has.
        create(&admin, shop_flow("shop-app")).await;
        let answer = admin.post("/api/admin/user-flows", settings(&shop_flow("other-app"))).await.expect_status(422);
        assert_eq!(answer.code(), "validation_failed");
        let answer = admin.put("/api/admin/user-flows/default", settings(&shop_flow("x"))).await.expect_status(422);
        assert_eq!(answer.code(), "validation_failed");
        // The refused requests changed nothing.
        let default = admin.get("/api/admin/user-flows/default").await.expect_status(200);
        assert_eq!(default.body["applications"], json!([]));
        assert_eq!(default.body["name"], "Default sign-up and sign-in");
        // Unknown ids.
        assert_eq!(admin.get("/api/admin/user-flows/nope").await.expect_status(404).code(), "not_found");
        assert_eq!(admin.put("/api/admin/user-flows/nope", settings(&shop_flow("x-app"))).await.expect_status(404).code(), "not_found");
        assert_eq!(admin.delete("/api/admin/user-flows/nope").await.expect_status(404).code(), "not_found");
    }

    async fn concurrent_creates_with_one_client_id_or_name_give_one_flow_and_no_500(app) {
        let admin = admin_with_role(&app, "global_administrator").await;
        let (a, b) = ({ let mut a = settings(&shop_flow("a")); a["name"] = json!("Same"); a }, { let mut b = settings(&shop_flow("b")); b["name"] = json!("Same"); b });
        let (first, second) = tokio::join!(
            admin.post("/api/admin/user-flows", a),
            admin.post("/api/admin/user-flows", b),
        );
        let mut statuses = [first.status, second.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 422], "{} / {}", first.text, second.text);
        let app_body = json!({"displayName": "Race", "appId": "race-app"});
        let (first, second) = tokio::join!(
            admin.post("/api/graph/v1.0/applications", app_body.clone()),
            admin.post("/api/graph/v1.0/applications", app_body),
        );
        let mut statuses = [first.status, second.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 400], "{} / {}", first.text, second.text);
        let list = admin.get("/api/admin/user-flows").await.expect_status(200);
        assert_eq!(list.body["flows"].as_array().expect("flows").len(), 2);
        let apps = admin.get("/api/graph/v1.0/applications").await.expect_status(200);
        assert_eq!(apps.body["value"].as_array().expect("value").len(), 1);
    }

    async fn the_customer_pages_read_the_flow_of_their_application(app) {
        let admin = admin_with_role(&app, "global_administrator").await;
        create(&admin, shop_flow("shop-app")).await;
        let anonymous = app.browser();
        let default = anonymous.get("/api/user-flow").await.expect_status(200);
        assert_eq!(default.body, json!({"identity_provider": "email_password", "attributes": ["displayName"], "sspr_enabled": true, "return_origins": []}));
        let shop = anonymous.get("/api/user-flow?client_id=shop-app").await.expect_status(200);
        assert_eq!(shop.body, json!({"identity_provider": "email_password", "attributes": ["displayName", "givenName", "surname"], "sspr_enabled": false, "return_origins": [SHOP]}));
        let doc = anonymous.get("/api/openapi.json").await.expect_status(200);
        for path in ["/api/admin/user-flows", "/api/admin/user-flows/{id}", "/api/user-flow"] {
            assert!(doc.body["paths"][path].is_object(), "{path} is documented");
        }
        assert!(doc.body["paths"]["/api/admin/user-flows/{id}"]["put"].is_object());
        for unknown in ["nobody-app", "<script>"] {
            let answer = anonymous.get(&format!("/api/user-flow?client_id={unknown}")).await.expect_status(404);
            assert_eq!(answer.code(), "not_found");
        }
    }

    async fn without_an_application_nothing_changes(app) {
        let email = "default.user@contoso.example";
        app.sign_up(email, PASSWORD).await;
        assert_eq!(user_attributes(&app, email).await, Some(json!({})));
        let browser = app.browser();
        app.start_flow(&browser, "password_reset", email).await;
        assert_eq!(app.mailbox.code_for(email).await.len(), 8);
        // Attributes the default flow does not collect are refused.
        let answer = sign_up_for(&app, "extra@contoso.example", None, json!({"attributes": {"givenName": "Ada"}})).await;
        assert_eq!(answer.status, 422, "{}", answer.text);
        assert_eq!(answer.code(), "validation_failed");
    }

    async fn sspr_off_refuses_a_reset_for_that_application_only(app) {
        let admin = admin_with_role(&app, "global_administrator").await;
        create(&admin, shop_flow("shop-app")).await;
        let email = "shopper@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let mail_before = app.mailbox.count_for(email);
        let browser = app.browser();
        let refused = browser
            .post("/api/flows", json!({"purpose": "password_reset", "email": email, "client_id": "shop-app"}))
            .await
            .expect_status(403);
        assert_eq!(refused.code(), "method_disabled");
        // Unlocking (which can end in a new password) is part of SSPR too.
        let refused = browser
            .post("/api/flows", json!({"purpose": "unlock", "email": email, "client_id": "shop-app"}))
            .await
            .expect_status(403);
        assert_eq!(refused.code(), "method_disabled");
        assert_eq!(app.mailbox.settled_count_for(email).await, mail_before, "no mail for a refused start");
        // Sign-up and passcode sign-in still work for the application.
        browser
            .post("/api/flows", json!({"purpose": "passwordless", "email": email, "client_id": "shop-app"}))
            .await
            .expect_status(201);
        assert_eq!(app.mailbox.code_for(email).await.len(), 8);
        // No reset code was sent; the same user resets through the default flow.
        app.start_flow(&browser, "password_reset", email).await;
        assert_eq!(app.mailbox.code_for(email).await.len(), 8);
        // An unknown application is refused outright.
        let unknown = browser
            .post("/api/flows", json!({"purpose": "password_reset", "email": email, "client_id": "nobody-app"}))
            .await
            .expect_status(404);
        assert_eq!(unknown.code(), "not_found");
        // Turning SSPR back on lets the application's users reset again.
        let mut on = settings(&shop_flow("shop-app"));
        on["sspr_enabled"] = json!(true);
        let id = admin.get("/api/admin/user-flows").await.body["flows"][1]["id"].as_str().expect("id").to_owned();
        admin.put(&format!("/api/admin/user-flows/{id}"), on).await.expect_status(200);
        browser
            .post("/api/flows", json!({"purpose": "password_reset", "email": email, "client_id": "shop-app"}))
            .await
            .expect_status(201);
    }

    async fn an_email_otp_flow_refuses_passwords(app) {
        let admin = admin_with_role(&app, "global_administrator").await;
        let mut otp = shop_flow("otp-app");
        otp["identity_provider"] = json!("email_otp");
        otp["sspr_enabled"] = json!(true);
        otp["attributes"] = json!([]);
        create(&admin, otp).await;
        let email = "otp.user@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let browser = app.browser();
        for purpose in ["sign_up", "password_reset", "unlock"] {
            let answer = browser
                .post("/api/flows", json!({"purpose": purpose, "email": "new@contoso.example", "client_id": "otp-app"}))
                .await
                .expect_status(403);
            assert_eq!(answer.code(), "method_disabled");
        }
        let answer = browser
            .post("/api/session", json!({"email": email, "password": PASSWORD, "client_id": "otp-app"}))
            .await
            .expect_status(403);
        assert_eq!(answer.code(), "method_disabled");
        // The passcode sign-in works and returns to the application.
        let start = browser
            .post("/api/flows", json!({"purpose": "passwordless", "email": email, "client_id": "otp-app", "return_to": format!("{SHOP}/home")}))
            .await
            .expect_status(201);
        let id = start.body["flow_id"].as_str().expect("id").to_owned();
        let code = app.mailbox.code_for(email).await;
        let verified = browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
            .await
            .expect_status(200);
        assert_eq!(verified.body["return_to"], format!("{SHOP}/home"));
    }

    async fn sign_up_collects_and_stores_the_flow_attributes(app) {
        let admin = admin_with_role(&app, "global_administrator").await;
        create(&admin, shop_flow("shop-app")).await;
        let missing = sign_up_for(&app, "missing@contoso.example", Some("shop-app"), json!({"attributes": {"givenName": "Ada"}})).await;
        assert_eq!(missing.status, 422, "{}", missing.text);
        assert_eq!(missing.code(), "validation_failed");
        assert!(missing.error().message.contains("surname"), "{}", missing.text);
        assert_eq!(user_attributes(&app, "missing@contoso.example").await, None, "no account was created");

        let blank = sign_up_for(&app, "blank@contoso.example", Some("shop-app"), json!({"attributes": {"givenName": "Ada", "surname": "  "}})).await;
        assert_eq!(blank.status, 422, "{}", blank.text);
        let extra = sign_up_for(&app, "extra@contoso.example", Some("shop-app"), json!({"attributes": {"givenName": "Ada", "surname": "L", "city": "London"}})).await;
        assert_eq!(extra.status, 422, "{}", extra.text);

        let email = "ada@contoso.example";
        let done = sign_up_for(&app, email, Some("shop-app"), json!({"attributes": {"givenName": " Ada ", "surname": "Lovelace"}})).await;
        assert_eq!(done.status, 200, "{}", done.text);
        assert_eq!(user_attributes(&app, email).await, Some(json!({"givenName": "Ada", "surname": "Lovelace"})));
    }

    async fn return_to_must_be_an_origin_of_that_application(app) {
        let admin = admin_with_role(&app, "global_administrator").await;
        create(&admin, shop_flow("shop-app")).await;
        let mut other = shop_flow("blog-app");
        other["name"] = json!("Blog");
        other["applications"][0]["redirect_origins"] = json!(["https://blog.example.com"]);
        create(&admin, other).await;
        let email = "returning@contoso.example";
        app.sign_up(email, PASSWORD).await;

        let sign_in = |client_id: &'static str, return_to: String| {
            let browser = app.browser();
            async move {
                browser
                    .post("/api/session", json!({"email": email, "password": PASSWORD, "client_id": client_id, "return_to": return_to}))
                    .await
                    .expect_status(200)
                    .body["return_to"]
                    .clone()
            }
        };
        assert_eq!(sign_in("shop-app", format!("{SHOP}/cart")).await, format!("{SHOP}/cart"));
        // Another application's origin, or none named: back to the account page.
        assert_eq!(sign_in("blog-app", format!("{SHOP}/cart")).await, "/account");
        let browser = app.browser();
        let plain = browser
            .post("/api/session", json!({"email": email, "password": PASSWORD, "return_to": format!("{SHOP}/cart")}))
            .await
            .expect_status(200);
        assert_eq!(plain.body["return_to"], "/account");
        assert_eq!(sign_in("shop-app", "https://shop.example.com.evil.example/".into()).await, "/account");

        // The same for a flow: the passcode sign-in returns to the account page.
        let browser = app.browser();
        let start = browser
            .post("/api/flows", json!({"purpose": "passwordless", "email": email, "client_id": "blog-app", "return_to": format!("{SHOP}/cart")}))
            .await
            .expect_status(201);
        let id = start.body["flow_id"].as_str().expect("id").to_owned();
        let code = app.mailbox.code_for(email).await;
        let verified = browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
            .await
            .expect_status(200);
        assert_eq!(verified.body["return_to"], "/account");
    }
}
