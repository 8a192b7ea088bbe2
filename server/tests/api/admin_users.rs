//! The directory's users (SPEC §4 A7): roles on every endpoint, bad input, search and keyset
//! paging, and each action's effect on the customer side (unlock lets a locked user in, disable
//! shuts them out and ends their sessions, an admin-started reset mails the user a link and
//! shows the administrator nothing), each audited with before and after.

use crate::admins::{admin_with_role, first_global, invited};
use crate::backend_tests;
use crate::directory::{add_guest, add_user, change, every_page, user_id};
use crate::helpers::{spawn_app, PASSWORD};
use crate::support::{comparable, decoded, lock, now, post_with, sign_in};
use serde_json::{json, Value};
use sspr_api::UserType;
use sspr_server::store::directory::{self, Filter};
use sspr_server::store::Backend;

const ACTIONS: [&str; 6] = [
    "unlock",
    "revoke-sessions",
    "disable",
    "enable",
    "require-reregistration",
    "reset-password",
];

fn emails(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["email"].as_str().expect("email").to_owned())
        .collect()
}

backend_tests! {
    async fn every_user_endpoint_checks_the_administrators_role(app) {
        let email = "someone@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let id = user_id(&app, email).await;
        let global = first_global(&app).await;
        let reader = invited(&app, &global, "reader", 1).await;
        let policy = invited(&app, &global, "authentication_policy_administrator", 2).await;
        let users_admin = invited(&app, &global, "user_administrator", 3).await;
        let anonymous = app.browser();

        for path in ["/api/admin/users".to_owned(), format!("/api/admin/users/{id}")] {
            assert_eq!(anonymous.get(&path).await.expect_status(401).code(), "unauthorized");
            for admin in [&reader, &policy, &users_admin, &global] {
                admin.get(&path).await.expect_status(200);
            }
        }
        for action in ACTIONS {
            let path = format!("/api/admin/users/{id}/{action}");
            assert_eq!(anonymous.post(&path, json!({})).await.expect_status(401).code(), "unauthorized");
            for admin in [&reader, &policy] {
                let answer = admin.post(&path, json!({})).await.expect_status(403);
                assert_eq!(answer.code(), "forbidden", "{action}");
            }
        }
        // Nothing was done by the refused requests.
        assert!(crate::directory::changes(&app, &id).await.is_empty());
        for action in ACTIONS {
            let answer = users_admin.post(&format!("/api/admin/users/{id}/{action}"), json!({})).await;
            assert_eq!(answer.status, 204, "{action}: {}", answer.text);
            assert!(answer.text.is_empty());
        }
        assert_eq!(crate::directory::changes(&app, &id).await.len(), ACTIONS.len());
    }

    async fn bad_paging_filters_and_ids_are_refused_with_a_reason(app) {
        let global = first_global(&app).await;
        let admin = invited(&app, &global, "reader", 1).await;
        for query in ["limit=0", "limit=201", "limit=ten", "limit=-5"] {
            let answer = admin.get(&format!("/api/admin/users?{query}")).await.expect_status(422);
            assert_eq!(answer.code(), "validation_failed", "{query}");
            assert!(answer.error().message.contains("limit"), "{}", answer.text);
        }
        for query in ["after=garbage!", "after=Zzz", "after=ZzpzdWJqZWN0"] {
            let answer = admin.get(&format!("/api/admin/users?{query}")).await.expect_status(400);
            assert_eq!(answer.code(), "invalid_cursor", "{query}");
        }
        for (query, word) in [
            ("type=admin", "type"),
            ("status=happy", "status"),
            ("search=a%0Ab", "search"),
            ("colour=blue", "colour"),
        ] {
            let answer = admin.get(&format!("/api/admin/users?{query}")).await.expect_status(422);
            assert_eq!(answer.code(), "validation_failed", "{query}");
            assert!(answer.error().message.contains(word), "{}", answer.text);
        }
        let long = "a".repeat(300);
        admin.get(&format!("/api/admin/users?search={long}")).await.expect_status(422);
        for id in ["0123456789abcdef0123456789abcdef", "not%20an%20id", "x"] {
            let answer = admin.get(&format!("/api/admin/users/{id}")).await.expect_status(404);
            assert_eq!(answer.code(), "not_found");
        }
        let manager = invited(&app, &global, "user_administrator", 2).await;
        for action in ACTIONS {
            let answer = manager
                .post(&format!("/api/admin/users/0123456789abcdef0123456789abcdef/{action}"), json!({}))
                .await
                .expect_status(404);
            assert_eq!(answer.code(), "not_found");
        }
    }

    async fn pages_cover_every_user_once_in_order_whatever_the_page_size(app) {
        let admin = admin_with_role(&app, "reader").await;
        let mut expected = Vec::new();
        for n in 0..37 {
            let email = format!("user{n:02}@contoso.example");
            add_user(&app, &email, &format!("User {n}"), UserType::Member).await;
            expected.push(email);
        }
        expected.sort();
        for limit in [1, 5, 36, 37, 200] {
            let (items, pages) = every_page(&admin, &format!("/api/admin/users?limit={limit}"), "after").await;
            assert_eq!(emails(&items), expected, "limit {limit}");
            assert_eq!(pages, expected.len().div_ceil(limit), "limit {limit}: no empty last page");
        }
        // A cursor stays valid when rows are added before it: the next page starts after it.
        let first = admin.get("/api/admin/users?limit=10").await.expect_status(200);
        add_user(&app, "aaa@contoso.example", "Early", UserType::Member).await;
        let next = first.body["next"].as_str().expect("a next page");
        let second = admin.get(&format!("/api/admin/users?limit=10&after={next}")).await.expect_status(200);
        assert_eq!(emails(second.body["items"].as_array().expect("items")), expected[10..20].to_vec());
        // The default page is 50.
        let all = admin.get("/api/admin/users").await.expect_status(200);
        assert_eq!(all.body["items"].as_array().expect("items").len(), 38);
        assert!(all.body.get("next").is_none());
    }

    async fn search_matches_email_or_display_name_prefixes_without_case(app) {
        let admin = admin_with_role(&app, "reader").await;
        add_user(&app, "ann.lee@contoso.example", "Ann Lee", UserType::Member).await;
        add_user(&app, "anna@fabrikam.example", "Anna Smith", UserType::Member).await;
        add_user(&app, "bob@contoso.example", "Annette Bobbin", UserType::Member).await;
        add_user(&app, "zoe@contoso.example", "Zoë Émile", UserType::Member).await;
        add_user(&app, "carl@contoso.example", "Carl", UserType::Member).await;
        let search = |q: &'static str| {
            let admin = admin.clone();
            async move {
                let answer = admin.get(&format!("/api/admin/users?search={q}")).await.expect_status(200);
                emails(answer.body["items"].as_array().expect("items"))
            }
        };
        assert_eq!(search("ann").await, ["ann.lee@contoso.example", "anna@fabrikam.example", "bob@contoso.example"]);
        assert_eq!(search("ANN.").await, ["ann.lee@contoso.example"]);
        assert_eq!(search("Anna").await, ["anna@fabrikam.example"]);
        assert_eq!(search("annette%20b").await, ["bob@contoso.example"]);
        assert_eq!(search("zo%C3%AB%20%C3%A9").await, ["zoe@contoso.example"]);
        assert_eq!(search("contoso").await, Vec::<String>::new(), "a prefix, not a substring");
        assert_eq!(search("%25").await, Vec::<String>::new(), "no wildcards");
        // Search pages too, without gaps or repeats.
        let (items, pages) = every_page(&admin, "/api/admin/users?search=an&limit=1", "after").await;
        assert_eq!(emails(&items), ["ann.lee@contoso.example", "anna@fabrikam.example", "bob@contoso.example"]);
        assert_eq!(pages, 3);
    }

    async fn type_and_status_filters_pick_the_right_users(app) {
        let admin = admin_with_role(&app, "user_administrator").await;
        app.sign_up("locked@contoso.example", PASSWORD).await;
        lock(&app, "locked@contoso.example").await;
        let disabled = add_user(&app, "disabled@contoso.example", "D", UserType::Member).await;
        admin.post(&format!("/api/admin/users/{disabled}/disable"), json!({})).await.expect_status(204);
        add_user(&app, "active@contoso.example", "A", UserType::Member).await;
        let redeemed = add_guest(&app, "redeemed@fabrikam.example", true).await;
        add_guest(&app, "pending@fabrikam.example", false).await;
        let detail = admin.get(&format!("/api/admin/users/{redeemed}")).await.expect_status(200);
        assert_eq!(detail.body["user_type"], "guest");
        assert_eq!(detail.body["redemption"], "redeemed");
        assert_eq!(detail.body["methods"], json!(["email"]), "a guest has no password");
        let list = |query: &'static str| {
            let admin = admin.clone();
            async move {
                let answer = admin.get(&format!("/api/admin/users?{query}")).await.expect_status(200);
                answer.body["items"].as_array().expect("items").clone()
            }
        };
        assert_eq!(emails(&list("type=guest").await), ["pending@fabrikam.example", "redeemed@fabrikam.example"]);
        assert_eq!(emails(&list("type=member").await).len(), 3);
        assert_eq!(emails(&list("status=locked").await), ["locked@contoso.example"]);
        assert_eq!(emails(&list("status=disabled").await), ["disabled@contoso.example"]);
        assert_eq!(emails(&list("status=redeemed").await), ["redeemed@fabrikam.example"]);
        assert_eq!(emails(&list("status=pending").await), ["pending@fabrikam.example"]);
        assert_eq!(
            emails(&list("status=active&type=member").await),
            ["active@contoso.example"]
        );
        let guests = list("type=guest").await;
        assert_eq!(guests[0]["redemption"], "pending");
        assert_eq!(guests[1]["redemption"], "redeemed");
        assert_eq!(guests[1]["user_type"], "guest");
        let locked = list("status=locked").await;
        assert_eq!(locked[0]["status"], "locked");
        assert!(locked[0].get("redemption").is_none(), "members have no redemption");
        // Locks run out: the same user is active once the lock (a minute, the first time) has
        // passed.
        app.clock.advance_ms(5 * 60_000);
        assert!(list("status=locked").await.is_empty());
    }

    async fn the_detail_shows_status_methods_groups_and_sessions_but_no_token(app) {
        let email = "detail@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        let id = user_id(&app, email).await;
        let admin = admin_with_role(&app, "user_administrator").await;
        let group = admin.post("/api/admin/groups", json!({"display_name": "Pilot"})).await.expect_status(201);
        let group_id = group.body["id"].as_str().expect("id").to_owned();
        crate::directory::put(&app, &admin, &format!("/api/admin/groups/{group_id}/members/{id}")).await.expect_status(204);
        let detail = admin.get(&format!("/api/admin/users/{id}")).await.expect_status(200);
        let body = &detail.body;
        assert_eq!(body["email"], email);
        assert_eq!(body["display_name"], "Test User");
        assert_eq!(body["user_type"], "member");
        assert_eq!(body["status"], "active");
        assert_eq!(body["methods"], json!(["email", "password"]));
        assert_eq!(body["groups"], json!([{"id": group_id, "display_name": "Pilot"}]));
        assert!(body["last_sign_in_ms"].as_i64().is_some());
        assert!(body["password_changed_ms"].as_i64().is_some());
        assert!(body["created_at_ms"].as_i64().is_some());
        assert!(body["reregistration_required_ms"].is_null());
        let sessions = body["sessions"].as_array().expect("sessions");
        assert_eq!(sessions.len(), 1);
        assert!(sessions[0]["user_agent"].is_string());
        assert!(sessions[0]["last_seen_at_ms"].as_i64().is_some());
        let token = browser.cookie("__Host-sspr_session").expect("session cookie");
        assert!(!detail.text.contains(&token), "never the token");
        assert!(!detail.text.contains("password_hash") && !detail.text.contains("$argon2"));
        // Locked: the status says until when.
        lock(&app, email).await;
        let locked = admin.get(&format!("/api/admin/users/{id}")).await.expect_status(200);
        assert_eq!(locked.body["status"], "locked");
        assert!(locked.body["locked_until_ms"].as_i64().expect("until") > now(&app));
    }

    async fn unlock_lets_a_locked_user_sign_in_at_once(app) {
        let email = "locked.out@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let admin = admin_with_role(&app, "user_administrator").await;
        lock(&app, email).await;
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 401, "locked");
        let id = user_id(&app, email).await;
        admin.post(&format!("/api/admin/users/{id}/unlock"), json!({})).await.expect_status(204);
        let (_, answer) = sign_in(&app, email, PASSWORD).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let record = change(&app, &id, "user.unlock").await;
        assert_eq!(record["before"]["status"], "locked");
        assert!(record["before"]["locked_until_ms"].as_i64().expect("until") > 0);
        assert_eq!(record["after"]["status"], "active");
    }

    async fn disable_shuts_the_user_out_like_an_unknown_account_and_ends_their_sessions(app) {
        let email = "leaver@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        browser.get("/api/session").await.expect_status(200);
        let id = user_id(&app, email).await;
        let admin = admin_with_role(&app, "user_administrator").await;
        admin.post(&format!("/api/admin/users/{id}/disable"), json!({})).await.expect_status(204);
        assert_eq!(browser.get("/api/session").await.expect_status(401).code(), "unauthorized");
        assert_eq!(crate::support::count(&app, "sessions WHERE revoked_at_ms IS NULL").await, 0);
        let (_, disabled) = sign_in(&app, email, PASSWORD).await;
        let (_, unknown) = sign_in(&app, "nobody@contoso.example", PASSWORD).await;
        assert_eq!(disabled.status, 401);
        assert_eq!(comparable(&disabled), comparable(&unknown), "the same answer as an unknown account");
        let detail = admin.get(&format!("/api/admin/users/{id}")).await.expect_status(200);
        assert_eq!(detail.body["status"], "disabled");
        assert_eq!(detail.body["sessions"], json!([]));
        let record = change(&app, &id, "user.disable").await;
        assert_eq!(record["before"], json!({"disabled": false, "live_sessions": 1}));
        assert_eq!(record["after"], json!({"disabled": true, "live_sessions": 0}));

        admin.post(&format!("/api/admin/users/{id}/enable"), json!({})).await.expect_status(204);
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 200);
        let record = change(&app, &id, "user.enable").await;
        assert_eq!(record["before"]["disabled"], true);
        assert_eq!(record["after"]["disabled"], false);
    }

    async fn revoke_sessions_ends_every_session_of_the_user_only(app) {
        let email = "many.devices@contoso.example";
        let first = app.sign_up(email, PASSWORD).await;
        let (second, answer) = sign_in(&app, email, PASSWORD).await;
        answer.expect_status(200);
        let bystander = app.sign_up("bystander@contoso.example", PASSWORD).await;
        let id = user_id(&app, email).await;
        let admin = admin_with_role(&app, "user_administrator").await;
        admin.post(&format!("/api/admin/users/{id}/revoke-sessions"), json!({})).await.expect_status(204);
        first.get("/api/session").await.expect_status(401);
        second.get("/api/session").await.expect_status(401);
        bystander.get("/api/session").await.expect_status(200);
        // The user can sign in again: revoking is not disabling.
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 200);
        let record = change(&app, &id, "user.revoke_sessions").await;
        assert_eq!(record["before"]["live_sessions"], 2);
        assert_eq!(record["after"]["live_sessions"], 0);
    }

    async fn an_admin_reset_mails_the_user_a_link_and_shows_the_admin_nothing(app) {
        let email = "Forgetful+1@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let id = user_id(&app, email).await;
        let admin = admin_with_role(&app, "user_administrator").await;
        let answer = post_with(
            &app,
            &admin,
            &format!("/api/admin/users/{id}/reset-password"),
            json!({}),
            &[("x-forwarded-host", "evil.example"), ("forwarded", "host=evil.example")],
        )
        .await
        .expect_status(204);
        assert!(answer.text.is_empty(), "no code, no password, no link: {}", answer.text);
        let mail = app.mailbox.next_for(email).await;
        let text = decoded(&mail.data);
        assert!(mail.subject().contains("reset your password"), "{}", mail.subject());
        let link = format!("{}/reset?email=Forgetful%2B1%40contoso.example", app.origin);
        assert!(text.contains(&link), "{text}");
        assert!(!text.contains("evil.example"));
        assert!(mail.code().is_none(), "the link carries no code");
        // The old password still works: nothing changes until the user completes a reset.
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 200);
        let record = change(&app, &id, "user.reset_password").await;
        assert_eq!(record["after"]["reset_link_sent"], true);
        // Disabled users and guests are refused, with a reason.
        admin.post(&format!("/api/admin/users/{id}/disable"), json!({})).await.expect_status(204);
        let refused = admin.post(&format!("/api/admin/users/{id}/reset-password"), json!({})).await.expect_status(422);
        assert!(refused.error().message.contains("disabled"));
        let guest = add_guest(&app, "guest@fabrikam.example", true).await;
        let refused = admin.post(&format!("/api/admin/users/{guest}/reset-password"), json!({})).await.expect_status(422);
        assert!(refused.error().message.contains("Guests"));
        assert_eq!(app.mailbox.settled_count_for("guest@fabrikam.example").await, 0);
    }

    async fn require_reregistration_stores_the_flag_once(app) {
        let id = add_user(&app, "rereg@contoso.example", "R", UserType::Member).await;
        let admin = admin_with_role(&app, "user_administrator").await;
        let at = now(&app);
        admin.post(&format!("/api/admin/users/{id}/require-reregistration"), json!({})).await.expect_status(204);
        app.clock.advance_ms(60_000);
        admin.post(&format!("/api/admin/users/{id}/require-reregistration"), json!({})).await.expect_status(204);
        let detail = admin.get(&format!("/api/admin/users/{id}")).await.expect_status(200);
        assert_eq!(detail.body["reregistration_required_ms"], at, "the first request's time is kept");
        let records = crate::directory::changes(&app, &id).await;
        assert_eq!(records.len(), 2);
        assert!(records[0].1["before"]["reregistration_required_ms"].is_null());
        assert_eq!(records[0].1["after"]["reregistration_required_ms"], at);
    }

    async fn requiring_re_registration_signs_the_user_out_everywhere(app) {
        let email = "flagged@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        let id = user_id(&app, email).await;
        let admin = admin_with_role(&app, "user_administrator").await;
        admin.post(&format!("/api/admin/users/{id}/require-reregistration"), json!({})).await.expect_status(204);
        browser.get("/api/session").await.expect_status(401);
        let record = change(&app, &id, "user.require_reregistration").await;
        assert_eq!(record["before"]["live_sessions"], 1);
        assert_eq!(record["after"]["live_sessions"], 0);
    }
}

/// The page queries read an index, never the whole table, on SQLite (PostgreSQL picks its plan
/// by table statistics; its latency over 100,000 users is measured by `cargo xtask bench`).
#[tokio::test]
async fn user_pages_and_searches_read_an_index_on_sqlite() {
    let app = spawn_app(Backend::Sqlite).await.expect("SQLite");
    let mut conn = app.db.pool.acquire().await.expect("connection");
    let plans = [
        Filter {
            limit: 50,
            ..Filter::default()
        },
        Filter {
            limit: 50,
            after: Some("m@contoso.example".into()),
            ..Filter::default()
        },
        Filter {
            limit: 50,
            search: Some("ann".into()),
            ..Filter::default()
        },
        Filter {
            limit: 50,
            search: Some("ann".into()),
            after: Some("ann@x".into()),
            ..Filter::default()
        },
        Filter {
            limit: 50,
            user_type: Some(UserType::Guest),
            ..Filter::default()
        },
        Filter {
            limit: 50,
            group_id: Some("g".into()),
            ..Filter::default()
        },
    ];
    for filter in plans {
        let plan = directory::plan(&mut conn, Backend::Sqlite, &filter, 0)
            .await
            .expect("plan");
        let text = plan.join("\n");
        assert!(
            text.contains("USING INDEX") || text.contains("USING COVERING INDEX"),
            "{filter:?}:\n{text}"
        );
        assert!(
            !plan.iter().any(|line| line.trim() == "SCAN u"),
            "no full scan of users for {filter:?}:\n{text}"
        );
    }
}

/// The directory's endpoints are in the OpenAPI document, with their query parameters by the
/// names clients send.
#[tokio::test]
async fn the_openapi_document_describes_the_directory() {
    let app = spawn_app(Backend::Sqlite).await.expect("SQLite");
    let doc: Value = app
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    let mut documented = vec![
        ("/api/admin/users", "get"),
        ("/api/admin/users/{id}", "get"),
        ("/api/admin/groups", "get"),
        ("/api/admin/groups", "post"),
        ("/api/admin/groups/{id}", "get"),
        ("/api/admin/groups/{id}", "patch"),
        ("/api/admin/groups/{id}", "delete"),
        ("/api/admin/groups/{id}/members", "get"),
        ("/api/admin/groups/{id}/members/{user_id}", "put"),
        ("/api/admin/groups/{id}/members/{user_id}", "delete"),
        ("/api/admin/audit", "get"),
        ("/api/admin/audit.csv", "get"),
    ];
    let actions: Vec<String> = ACTIONS
        .iter()
        .map(|a| format!("/api/admin/users/{{id}}/{a}"))
        .collect();
    documented.extend(actions.iter().map(|p| (p.as_str(), "post")));
    for (path, method) in documented {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path}"
        );
    }
    let names: Vec<&str> = doc["paths"]["/api/admin/users"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["search", "type", "status", "after", "limit"]);
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for schema in [
        "UserPage",
        "UserDetail",
        "GroupView",
        "GroupPage",
        "NewGroup",
        "GroupChanges",
        "AuditPage",
    ] {
        assert!(schemas.contains_key(schema), "{schema}");
    }
}
