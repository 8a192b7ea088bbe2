//! Groups and their members (SPEC §4 A7): roles, validation, the reserved `all_users`, unique
//! names without regard to case, membership as policy targets see it, member pages, and an
//! audit record with before and after for every change.

use crate::admins::{first_global, invited};
use crate::backend_tests;
use crate::directory::{add_user, change, changes, every_page, patch, put, send};
use serde_json::json;
use sspr_api::UserType;
use sspr_server::store::groups;

backend_tests! {
    async fn every_group_endpoint_checks_the_administrators_role(app) {
        let global = first_global(&app).await;
        let reader = invited(&app, &global, "reader", 1).await;
        let policy = invited(&app, &global, "authentication_policy_administrator", 2).await;
        let manager = invited(&app, &global, "user_administrator", 3).await;
        let anonymous = app.browser();
        let user = add_user(&app, "member@contoso.example", "M", UserType::Member).await;
        let group = manager.post("/api/admin/groups", json!({"display_name": "Sales"})).await.expect_status(201);
        let id = group.body["id"].as_str().expect("id").to_owned();
        let reads = ["/api/admin/groups".to_owned(), format!("/api/admin/groups/{id}"), format!("/api/admin/groups/{id}/members")];
        for path in &reads {
            assert_eq!(anonymous.get(path).await.expect_status(401).code(), "unauthorized");
            for admin in [&reader, &policy, &manager, &global] {
                admin.get(path).await.expect_status(200);
            }
        }
        let member = format!("/api/admin/groups/{id}/members/{user}");
        for browser in [&anonymous, &reader, &policy] {
            let expected = if std::ptr::eq(browser, &anonymous) { 401 } else { 403 };
            let answers = [
                browser.post("/api/admin/groups", json!({"display_name": "Other"})).await,
                patch(&app, browser, &format!("/api/admin/groups/{id}"), json!({"display_name": "X"})).await,
                browser.delete(&format!("/api/admin/groups/{id}")).await,
                put(&app, browser, &member).await,
                browser.delete(&member).await,
            ];
            for answer in answers {
                assert_eq!(answer.status, expected, "{}", answer.text);
            }
        }
        assert_eq!(crate::support::count(&app, "groups").await, 1);
        assert_eq!(crate::support::count(&app, "group_members").await, 0);
        put(&app, &manager, &member).await.expect_status(204);
        manager.delete(&member).await.expect_status(204);
        patch(&app, &manager, &format!("/api/admin/groups/{id}"), json!({"description": "d"})).await.expect_status(200);
        manager.delete(&format!("/api/admin/groups/{id}")).await.expect_status(204);
    }

    async fn groups_are_created_renamed_and_deleted_with_each_change_audited(app) {
        let admin = first_global(&app).await;
        let created = admin
            .post("/api/admin/groups", json!({"display_name": "  Pilot users ", "description": "Early access"}))
            .await
            .expect_status(201);
        assert_eq!(created.body["display_name"], "Pilot users");
        assert_eq!(created.body["description"], "Early access");
        assert_eq!(created.body["member_count"], 0);
        let id = created.body["id"].as_str().expect("id").to_owned();
        assert_eq!(admin.get(&format!("/api/admin/groups/{id}")).await.expect_status(200).body, created.body);
        let renamed = patch(&app, &admin, &format!("/api/admin/groups/{id}"), json!({"display_name": "Pilot"})).await.expect_status(200);
        assert_eq!(renamed.body["display_name"], "Pilot");
        assert_eq!(renamed.body["description"], "Early access", "a field not sent is kept");
        admin.delete(&format!("/api/admin/groups/{id}")).await.expect_status(204);
        admin.get(&format!("/api/admin/groups/{id}")).await.expect_status(404);
        admin.delete(&format!("/api/admin/groups/{id}")).await.expect_status(404);

        let create = change(&app, &id, "group.create").await;
        assert!(create["before"].is_null());
        assert_eq!(create["after"], json!({"display_name": "Pilot users", "description": "Early access"}));
        let update = change(&app, &id, "group.update").await;
        assert_eq!(update["before"]["display_name"], "Pilot users");
        assert_eq!(update["after"]["display_name"], "Pilot");
        let delete = change(&app, &id, "group.delete").await;
        assert_eq!(delete["before"]["display_name"], "Pilot");
        assert!(delete["after"].is_null());
        let (actor, _) = &changes(&app, &id).await[0];
        assert!(actor.starts_with("admin:"));
    }

    async fn bad_group_input_is_refused_with_a_reason(app) {
        let admin = first_global(&app).await;
        for name in ["", "   ", &"x".repeat(101), "tab\there"] {
            let answer = admin.post("/api/admin/groups", json!({"display_name": name})).await.expect_status(422);
            assert_eq!(answer.code(), "validation_failed");
            assert!(answer.error().message.contains("display name"));
        }
        let answer = admin
            .post("/api/admin/groups", json!({"display_name": "Ok", "description": "d".repeat(1001)}))
            .await
            .expect_status(422);
        assert!(answer.error().message.contains("description"));
        assert_eq!(admin.post("/api/admin/groups", json!({"name": "Typo"})).await.expect_status(400).code(), "invalid_json");
        assert_eq!(admin.post("/api/admin/groups", json!({"display_name": 5})).await.expect_status(400).code(), "invalid_json");
        admin.post("/api/admin/groups", json!({"display_name": "Finance"})).await.expect_status(201);
        let answer = admin.post("/api/admin/groups", json!({"display_name": "FINANCE"})).await.expect_status(409);
        assert_eq!(answer.code(), "group_exists");
        let other = admin.post("/api/admin/groups", json!({"display_name": "Legal"})).await.expect_status(201);
        let other_id = other.body["id"].as_str().expect("id");
        let answer = patch(&app, &admin, &format!("/api/admin/groups/{other_id}"), json!({"display_name": "finance"})).await.expect_status(409);
        assert_eq!(answer.code(), "group_exists");
        // Renaming a group to its own name in another case is fine.
        patch(&app, &admin, &format!("/api/admin/groups/{other_id}"), json!({"display_name": "LEGAL"})).await.expect_status(200);
        // all_users is reserved.
        for name in ["all_users", "ALL_USERS"] {
            let answer = admin.post("/api/admin/groups", json!({"display_name": name})).await.expect_status(409);
            assert_eq!(answer.code(), "group_reserved");
        }
        assert_eq!(admin.delete("/api/admin/groups/all_users").await.expect_status(409).code(), "group_reserved");
        assert_eq!(patch(&app, &admin, "/api/admin/groups/all_users", json!({"description": "x"})).await.expect_status(409).code(), "group_reserved");
        let user = add_user(&app, "u@contoso.example", "U", UserType::Member).await;
        assert_eq!(put(&app, &admin, &format!("/api/admin/groups/all_users/members/{user}")).await.expect_status(409).code(), "group_reserved");
        // Unknown ids.
        let unknown = "0123456789abcdef0123456789abcdef";
        admin.get(&format!("/api/admin/groups/{unknown}")).await.expect_status(404);
        admin.get(&format!("/api/admin/groups/{unknown}/members")).await.expect_status(404);
        put(&app, &admin, &format!("/api/admin/groups/{unknown}/members/{user}")).await.expect_status(404);
        put(&app, &admin, &format!("/api/admin/groups/{other_id}/members/{unknown}")).await.expect_status(404);
        // Paging input.
        assert_eq!(admin.get("/api/admin/groups?limit=0").await.expect_status(422).code(), "validation_failed");
        assert_eq!(admin.get("/api/admin/groups?after=bad!").await.expect_status(400).code(), "invalid_cursor");
        assert_eq!(admin.get(&format!("/api/admin/groups/{other_id}/members?limit=999")).await.expect_status(422).code(), "validation_failed");
        // A PATCH that is not JSON.
        let answer = send(&app, &admin, reqwest::Method::PATCH, &format!("/api/admin/groups/{other_id}"), None).await;
        assert_eq!(answer.status, 415, "{}", answer.text);
    }

    async fn membership_is_added_and_removed_and_seen_by_policy_targets(app) {
        let admin = first_global(&app).await;
        let group = admin.post("/api/admin/groups", json!({"display_name": "Pilot"})).await.expect_status(201);
        let id = group.body["id"].as_str().expect("id").to_owned();
        let mut users = Vec::new();
        for n in 0..7 {
            users.push(add_user(&app, &format!("m{n}@contoso.example"), "M", UserType::Member).await);
        }
        let outsider = add_user(&app, "outsider@contoso.example", "O", UserType::Member).await;
        for user in &users {
            put(&app, &admin, &format!("/api/admin/groups/{id}/members/{user}")).await.expect_status(204);
        }
        // Adding again changes nothing and records nothing.
        put(&app, &admin, &format!("/api/admin/groups/{id}/members/{}", users[0])).await.expect_status(204);
        assert_eq!(admin.get(&format!("/api/admin/groups/{id}")).await.body["member_count"], 7);
        let (items, pages) = every_page(&admin, &format!("/api/admin/groups/{id}/members?limit=3"), "after").await;
        let emails: Vec<&str> = items.iter().map(|i| i["email"].as_str().expect("email")).collect();
        assert_eq!(emails, (0..7).map(|n| format!("m{n}@contoso.example")).collect::<Vec<_>>());
        assert_eq!(pages, 3);
        let mut conn = app.db.pool.acquire().await.expect("connection");
        assert!(groups::member_of_any(&mut conn, &users[3], std::slice::from_ref(&id)).await.expect("query"));
        assert!(!groups::member_of_any(&mut conn, &outsider, std::slice::from_ref(&id)).await.expect("query"));
        admin.delete(&format!("/api/admin/groups/{id}/members/{}", users[3])).await.expect_status(204);
        admin.delete(&format!("/api/admin/groups/{id}/members/{}", users[3])).await.expect_status(204);
        assert!(!groups::member_of_any(&mut conn, &users[3], std::slice::from_ref(&id)).await.expect("query"));
        let detail = admin.get(&format!("/api/admin/users/{}", users[0])).await.expect_status(200);
        assert_eq!(detail.body["groups"], json!([{"id": id, "display_name": "Pilot"}]));
        // Search within a group.
        let found = admin.get(&format!("/api/admin/groups/{id}/members?search=m3")).await.expect_status(200);
        assert_eq!(found.body["items"], json!([]));
        let records = changes(&app, &id).await;
        let adds = records.iter().filter(|(_, d)| d["what"] == "group.member_add").count();
        let removes: Vec<_> = records.iter().filter(|(_, d)| d["what"] == "group.member_remove").collect();
        assert_eq!(adds, 7, "one record per real change");
        assert_eq!(removes.len(), 1);
        assert_eq!(removes[0].1["before"], json!({"user_id": users[3], "member": true}));
        assert_eq!(removes[0].1["after"], json!({"user_id": users[3], "member": false}));
        // Deleting the group removes its memberships.
        admin.delete(&format!("/api/admin/groups/{id}")).await.expect_status(204);
        assert_eq!(crate::support::count(&app, "group_members").await, 0);
    }

    async fn a_group_a_policy_names_cannot_be_deleted(app) {
        let admin = first_global(&app).await;
        let group = admin.post("/api/admin/groups", json!({"display_name": "Reset pilots"})).await.expect_status(201);
        let id = group.body["id"].as_str().expect("id").to_owned();
        let policy = |group_id: Option<&str>| json!({
            "enabled_for": if group_id.is_some() { "group" } else { "all" },
            "group_id": group_id,
            "methods_required": 1,
            "methods": ["email"],
            "notify_users_on_reset": true,
            "notify_admins_on_admin_reset": true,
            "reconfirm_after_days": 0,
            "require_registration": false
        });
        send(&app, &admin, reqwest::Method::PUT, "/api/admin/reset-policy", Some(policy(Some(&id)))).await.expect_status(200);
        let refused = admin.delete(&format!("/api/admin/groups/{id}")).await.expect_status(409);
        assert_eq!(refused.code(), "group_in_use");
        assert!(refused.error().message.contains("password_reset"), "{}", refused.text);
        admin.get(&format!("/api/admin/groups/{id}")).await.expect_status(200);
        send(&app, &admin, reqwest::Method::PUT, "/api/admin/reset-policy", Some(policy(None))).await.expect_status(200);
        admin.delete(&format!("/api/admin/groups/{id}")).await.expect_status(204);
    }

    async fn groups_page_by_name_without_case(app) {
        let admin = first_global(&app).await;
        let names = ["delta", "Alpha", "charlie", "Bravo", "echo"];
        for name in names {
            admin.post("/api/admin/groups", json!({"display_name": name})).await.expect_status(201);
        }
        let (items, pages) = every_page(&admin, "/api/admin/groups?limit=2", "after").await;
        let got: Vec<&str> = items.iter().map(|i| i["display_name"].as_str().expect("name")).collect();
        assert_eq!(got, ["Alpha", "Bravo", "charlie", "delta", "echo"]);
        assert_eq!(pages, 3);
    }
}
