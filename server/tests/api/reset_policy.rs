//! The password reset policy (SPEC §4 A4): roles, validation, the audit, and what it enforces —
//! who may reset (nobody, a group, everyone), the methods a reset needs (only the email
//! passcode can be proven today) and the "password changed" notice.

use crate::admins::{admin_with_role, first_global, invited};
use crate::backend_tests;
use crate::helpers::{TestApp, PASSWORD};
use crate::policy_support::{changes, group, put};
use serde_json::{json, Value};

const PATH: &str = "/api/admin/reset-policy";
const NEW_PASSWORD: &str = "a brand new passphrase 2026";

fn policy(changes: Value) -> Value {
    let mut base = json!({
        "enabled_for": "all",
        "group_id": null,
        "methods_required": 1,
        "methods": ["email"],
        "notify_users_on_reset": true,
        "notify_admins_on_admin_reset": true,
        "notify_users_on_unlock": true,
        "notify_users_on_disable": true,
        "notify_users_on_method_change": true,
        "reconfirm_after_days": 0,
        "require_registration": false,
        "registration_snooze_days": 1,
        "questions_to_register": 3,
        "questions_to_reset": 3,
        "custom_questions": []
    });
    for (key, value) in changes.as_object().expect("object") {
        base[key] = value.clone();
    }
    base
}

/// Resets `email`'s password through the whole flow.
async fn reset(app: &TestApp, email: &str) {
    let browser = app.browser();
    let id = app.start_flow(&browser, "password_reset", email).await;
    let code = app.mailbox.code_for(email).await;
    browser
        .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
        .await
        .expect_status(200);
    browser
        .post(
            &format!("/api/flows/{id}/complete"),
            json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}),
        )
        .await
        .expect_status(200);
}

backend_tests! {
    async fn the_default_policy_is_reset_for_everyone_by_email(app) {
        let reader = admin_with_role(&app, "reader").await;
        let answer = reader.get(PATH).await.expect_status(200);
        assert_eq!(answer.body, policy(json!({})));
        assert_eq!(app.browser().get(PATH).await.status, 401);
    }

    async fn only_policy_and_global_administrators_may_change_it(app) {
        let global = first_global(&app).await;
        let reader = invited(&app, &global, "reader", 1).await;
        let users = invited(&app, &global, "user_administrator", 2).await;
        let policy_admin = invited(&app, &global, "authentication_policy_administrator", 3).await;
        let body = policy(json!({"notify_users_on_reset": false}));
        for browser in [&reader, &users] {
            let answer = put(&app, browser, PATH, body.clone()).await;
            assert_eq!(answer.status, 403, "{}", answer.text);
            assert_eq!(answer.code(), "forbidden");
        }
        assert_eq!(put(&app, &app.browser(), PATH, body.clone()).await.status, 401);
        let saved = put(&app, &policy_admin, PATH, body.clone()).await.expect_status(200);
        assert_eq!(saved.body, body);
        assert_eq!(global.get(PATH).await.body, body);
        let recorded = changes(&app, "password_reset_policy").await;
        assert_eq!(recorded.len(), 1);
        assert_eq!(recorded[0].2["before"], json!({"notify_users_on_reset": true}));
        assert_eq!(recorded[0].2["after"], json!({"notify_users_on_reset": false}));
    }

    async fn broken_policies_are_refused_with_a_reason(app) {
        let admin = first_global(&app).await;
        let cases = [
            (policy(json!({"methods_required": 3})), 422),
            (policy(json!({"methods_required": 2})), 422),
            (policy(json!({"methods": ["email", "email"]})), 422),
            (policy(json!({"enabled_for": "group"})), 422),
            (policy(json!({"enabled_for": "group", "group_id": "no-such-group"})), 422),
            (policy(json!({"enabled_for": "all", "group_id": "g"})), 422),
            (policy(json!({"reconfirm_after_days": 1000})), 422),
            (policy(json!({"registration_snooze_days": 15})), 422),
            (policy(json!({"enabled_for": "some"})), 400),
            (policy(json!({"methods": ["carrier_pigeon"]})), 400),
            (policy(json!({"extra": true})), 400),
        ];
        for (body, status) in cases {
            let answer = put(&app, &admin, PATH, body.clone()).await;
            assert_eq!(answer.status, status, "{body}: {}", answer.text);
            assert!(!answer.error().message.is_empty());
        }
        assert_eq!(admin.get(PATH).await.body, policy(json!({})));
        // Two methods with two listed is stored (and awaits the second method).
        let two = policy(json!({"methods_required": 2, "methods": ["email", "mobile_phone"]}));
        put(&app, &admin, PATH, two.clone()).await.expect_status(200);
        assert_eq!(admin.get(PATH).await.body, two);
    }

    async fn the_snooze_days_are_the_registration_campaigns_either_way(app) {
        let admin = first_global(&app).await;
        let graph = "/api/graph/v1.0/policies/authenticationMethodsPolicy";
        let campaign = |body: &Value| body["registrationEnforcement"]["authenticationMethodsRegistrationCampaign"].clone();
        put(&app, &admin, PATH, policy(json!({"registration_snooze_days": 5}))).await.expect_status(200);
        assert_eq!(campaign(&admin.get(graph).await.expect_status(200).body)["snoozeDurationInDays"], 5);
        // And back: Graph's change shows on the portal's policy.
        let mut changed = campaign(&admin.get(graph).await.body);
        changed["snoozeDurationInDays"] = json!(0);
        let patched = crate::policy_support::patch(&app, &admin, graph, json!({
            "registrationEnforcement": {"authenticationMethodsRegistrationCampaign": changed}
        }))
        .await;
        assert_eq!(patched.status, 204, "{}", patched.text);
        assert_eq!(admin.get(PATH).await.body["registration_snooze_days"], 0);
        // Left out, it is the default.
        let mut without = policy(json!({}));
        without.as_object_mut().expect("object").remove("registration_snooze_days");
        put(&app, &admin, PATH, without).await.expect_status(200);
        assert_eq!(admin.get(PATH).await.body["registration_snooze_days"], 1);
    }

    async fn the_reconfirmation_days_are_graphs_either_way_and_one_range(app) {
        let admin = first_global(&app).await;
        let graph = "/api/graph/v1.0/policies/authenticationMethodsPolicy";
        put(&app, &admin, PATH, policy(json!({"reconfirm_after_days": 500}))).await.expect_status(200);
        assert_eq!(admin.get(graph).await.expect_status(200).body["reconfirmationInDays"], 500);
        // What Graph reads back, a script can write back; past the portal's bound it cannot.
        for (days, status) in [(500, 204), (730, 204), (731, 400)] {
            let patched = crate::policy_support::patch(&app, &admin, graph, json!({"reconfirmationInDays": days})).await;
            assert_eq!(patched.status, status, "{days}: {}", patched.text);
        }
        assert_eq!(admin.get(PATH).await.body["reconfirm_after_days"], 730);
    }

    async fn reset_for_nobody_refuses_reset_and_unlock(app) {
        let member = "member@contoso.example";
        app.sign_up(member, PASSWORD).await;
        let admin = first_global(&app).await;
        put(&app, &admin, PATH, policy(json!({"enabled_for": "none"}))).await.expect_status(200);
        for purpose in ["password_reset", "unlock"] {
            for email in [member, "nobody@contoso.example"] {
                let answer = app.browser().post("/api/flows", json!({"purpose": purpose, "email": email})).await;
                assert_eq!(answer.status, 403, "{purpose}");
                assert_eq!(answer.code(), "method_disabled");
            }
        }
        // Passcode sign-in is a different feature.
        app.browser()
            .post("/api/flows", json!({"purpose": "passwordless", "email": member}))
            .await
            .expect_status(201);
    }

    async fn a_policy_needing_methods_nobody_can_prove_refuses_every_reset_alike(app) {
        let member = "twice@contoso.example";
        app.sign_up(member, PASSWORD).await;
        let admin = first_global(&app).await;
        // Security questions alone: no customer can meet it.
        for unmet in [
            json!({"methods_required": 1, "methods": ["security_questions"]}),
        ] {
            put(&app, &admin, PATH, policy(unmet.clone())).await.expect_status(200);
            for purpose in ["password_reset", "unlock"] {
                let known = app.browser().post("/api/flows", json!({"purpose": purpose, "email": member})).await;
                let unknown = app.browser().post("/api/flows", json!({"purpose": purpose, "email": "nobody@contoso.example"})).await;
                assert_eq!(known.status, 403, "{unmet} {purpose}: {}", known.text);
                assert_eq!(known.code(), "method_disabled");
                assert_eq!(crate::support::comparable(&known), crate::support::comparable(&unknown));
            }
        }
        put(&app, &admin, PATH, policy(json!({}))).await.expect_status(200);
        reset(&app, member).await;
    }

    async fn reset_for_a_group_sends_codes_to_its_members_only(app) {
        let pilot = "pilot@contoso.example";
        let other = "other@contoso.example";
        app.sign_up(pilot, PASSWORD).await;
        app.sign_up(other, PASSWORD).await;
        group(&app, "pilot", &[pilot]).await;
        let admin = first_global(&app).await;
        put(&app, &admin, PATH, policy(json!({"enabled_for": "group", "group_id": "pilot"})))
            .await
            .expect_status(200);
        app.browser().post("/api/flows", json!({"purpose": "password_reset", "email": other})).await.expect_status(201);
        reset(&app, pilot).await;
        assert_eq!(app.mailbox.settled_count_for(other).await, 1, "sign-up only");
    }

    async fn the_password_changed_notice_follows_the_policy(app) {
        let told = "told@contoso.example";
        let untold = "untold@contoso.example";
        app.sign_up(told, PASSWORD).await;
        app.sign_up(untold, PASSWORD).await;
        reset(&app, told).await;
        let notice = app.mailbox.next_for(told).await;
        assert!(notice.subject().contains("password was changed"), "{}", notice.subject());
        let admin = first_global(&app).await;
        put(&app, &admin, PATH, policy(json!({"notify_users_on_reset": false}))).await.expect_status(200);
        reset(&app, untold).await;
        assert_eq!(app.mailbox.settled_count_for(untold).await, 2, "sign-up and reset codes only");
    }
}
