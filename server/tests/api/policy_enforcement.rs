//! A policy change changes what customers can do, from the next request on (SPEC §4 A2, A6):
//! Email OTP off refuses reset, passwordless and unlock; the guest switch off refuses guest
//! redemption; targets decide per user without telling an unknown address from a known one; the
//! passcode's length, lifetime and tries come from the policy.

use crate::admins::first_global;
use crate::backend_tests;
use crate::helpers::PASSWORD;
use crate::policy_support::{group, set_email};
use crate::support::{comparable, invitation_token};
use serde_json::json;
use sspr_api::Email;
use sspr_server::identity::invitations;

async fn start(
    app: &crate::helpers::TestApp,
    purpose: &str,
    email: &str,
) -> crate::helpers::Answer {
    app.browser()
        .post("/api/flows", json!({"purpose": purpose, "email": email}))
        .await
}

backend_tests! {
    async fn email_otp_off_refuses_reset_passwordless_and_unlock_for_every_address_and_on_again_works(app) {
        let member = "member@contoso.example";
        app.sign_up(member, PASSWORD).await;
        let admin = first_global(&app).await;
        set_email(&app, &admin, json!({"state": "disabled"})).await;
        for purpose in ["password_reset", "passwordless", "unlock"] {
            let known = start(&app, purpose, member).await;
            let unknown = start(&app, purpose, "nobody@contoso.example").await;
            assert_eq!(known.status, 403, "{purpose}: {}", known.text);
            assert_eq!(known.code(), "method_disabled");
            assert_eq!(comparable(&known), comparable(&unknown), "{purpose}");
        }
        // Sign-up's address check is not the Email OTP sign-in method.
        start(&app, "sign_up", "new@contoso.example").await.expect_status(201);
        assert_eq!(app.mailbox.settled_count_for(member).await, 1, "only the sign-up code");

        set_email(&app, &admin, json!({"state": "enabled"})).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "password_reset", member).await;
        // The sign-up code was read by `sign_up`: this is the reset's.
        let code = app.mailbox.code_for(member).await;
        browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
            .await
            .expect_status(200);
    }

    async fn a_flow_started_before_the_method_was_turned_off_cannot_go_on(app) {
        let member = "midway@contoso.example";
        app.sign_up(member, PASSWORD).await;
        let admin = first_global(&app).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "password_reset", member).await;
        let code = app.mailbox.code_for(member).await;
        set_email(&app, &admin, json!({"state": "disabled"})).await;
        let verify = browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
            .await;
        assert_eq!(verify.status, 403, "{}", verify.text);
        assert_eq!(verify.code(), "method_disabled");
        let resend = browser.post(&format!("/api/flows/{id}/resend"), json!({})).await;
        assert_eq!(resend.code(), "method_disabled");
    }

    async fn a_verified_reset_cannot_set_the_password_once_the_method_is_off_or_the_account_disabled(app) {
        let admin = first_global(&app).await;
        for (n, turn_off) in ["method", "account"].into_iter().enumerate() {
            let member = format!("late{n}@contoso.example");
            app.sign_up(&member, PASSWORD).await;
            let browser = app.browser();
            let id = app.start_flow(&browser, "password_reset", &member).await;
            let code = app.mailbox.code_for(&member).await;
            browser.post(&format!("/api/flows/{id}/verify"), json!({"code": code})).await.expect_status(200);
            let expected = if turn_off == "method" {
                set_email(&app, &admin, json!({"state": "disabled"})).await;
                "method_disabled"
            } else {
                let user = crate::directory::user_id(&app, &member).await;
                admin.post(&format!("/api/admin/users/{user}/disable"), json!({})).await.expect_status(204);
                "forbidden"
            };
            let new_password = "a brand new pass phrase 42";
            let refused = browser
                .post(&format!("/api/flows/{id}/complete"), json!({"password": new_password, "password_confirm": new_password}))
                .await;
            assert_eq!(refused.status, 403, "{turn_off}: {}", refused.text);
            assert_eq!(refused.code(), expected, "{turn_off}");
            set_email(&app, &admin, json!({"state": "enabled"})).await;
            // The password did not change.
            let (_, old) = crate::support::sign_in(&app, &member, PASSWORD).await;
            if turn_off == "method" {
                assert_eq!(old.status, 200, "the old password still works");
            } else {
                let (_, new) = crate::support::sign_in(&app, &member, new_password).await;
                assert_eq!(new.status, old.status, "a disabled account answers alike either way");
                assert_eq!(new.status, 401);
            }
        }
    }

    async fn the_guest_switch_off_refuses_guest_redemption_and_on_allows_it(app) {
        let admin = first_global(&app).await;
        let guest = "gus@partner.example";
        let invited = invitations::invite(&app.state, "test", &Email::parse(guest).expect("email"), None, "/account")
            .await
            .expect("invited");
        app.mailbox.next_for(guest).await;
        let token = invitation_token(&invited.link);
        set_email(&app, &admin, json!({"allowExternalIdToUseEmailOtp": "disabled"})).await;
        let refused = app.browser().post("/api/flows", json!({"purpose": "guest", "invitation": token})).await;
        assert_eq!(refused.status, 403, "{}", refused.text);
        assert_eq!(refused.code(), "method_disabled");
        let by_email = start(&app, "guest", guest).await;
        assert_eq!(by_email.code(), "method_disabled");
        // Members are not affected by the guest switch.
        start(&app, "password_reset", "someone@contoso.example").await.expect_status(201);

        set_email(&app, &admin, json!({"allowExternalIdToUseEmailOtp": "enabled"})).await;
        let browser = app.browser();
        let answer = browser.post("/api/flows", json!({"purpose": "guest", "invitation": token})).await.expect_status(201);
        let id = answer.body["flow_id"].as_str().expect("id").to_owned();
        let code = app.mailbox.code_for(guest).await;
        let done = browser.post(&format!("/api/flows/{id}/verify"), json!({"code": code})).await.expect_status(200);
        assert_eq!(done.body["state"], "completed");
    }

    async fn targets_decide_per_user_and_the_answer_never_tells(app) {
        let inside = "inside@contoso.example";
        let outside = "outside@contoso.example";
        let excluded = "excluded@contoso.example";
        for email in [inside, outside, excluded] {
            app.sign_up(email, PASSWORD).await;
        }
        group(&app, "sspr-pilot", &[inside, excluded]).await;
        group(&app, "contractors", &[excluded]).await;
        let admin = first_global(&app).await;
        set_email(&app, &admin, json!({
            "includeTargets": [{"id": "sspr-pilot", "targetType": "group"}],
            "excludeTargets": [{"id": "contractors", "targetType": "group"}]
        })).await;
        let answers = [
            start(&app, "password_reset", inside).await.expect_status(201),
            start(&app, "password_reset", outside).await.expect_status(201),
            start(&app, "password_reset", excluded).await.expect_status(201),
            start(&app, "password_reset", "unknown@contoso.example").await.expect_status(201),
        ];
        for answer in &answers[1..] {
            let (status, headers, body) = comparable(answer);
            let (s0, h0, b0) = comparable(&answers[0]);
            assert_eq!((status, headers), (s0, h0));
            let strip = |mut b: serde_json::Value| {
                b["flow_id"] = json!("");
                b["masked_email"] = json!("");
                b
            };
            assert_eq!(strip(body), strip(b0));
        }
        app.mailbox.code_for(inside).await;
        assert_eq!(app.mailbox.settled_count_for(outside).await, 1, "sign-up only");
        assert_eq!(app.mailbox.count_for(excluded), 1, "sign-up only");
        // A user target works too.
        let outside_id = crate::policy_support::user_id(&app, outside).await;
        set_email(&app, &admin, json!({
            "includeTargets": [{"id": outside_id, "targetType": "user"}],
            "excludeTargets": []
        })).await;
        start(&app, "password_reset", outside).await.expect_status(201);
        app.mailbox.code_for(outside).await;
        start(&app, "password_reset", inside).await.expect_status(201);
        assert_eq!(app.mailbox.settled_count_for(inside).await, 2, "sign-up and the first reset only");
    }

    async fn the_passcode_length_lifetime_and_tries_come_from_the_policy(app) {
        let member = "digits@contoso.example";
        app.sign_up(member, PASSWORD).await;
        let admin = first_global(&app).await;
        set_email(&app, &admin, json!({"passcodeLength": 6, "passcodeLifetimeInSeconds": 120, "passcodeMaxAttempts": 2})).await;
        let browser = app.browser();
        let started = browser
            .post("/api/flows", json!({"purpose": "password_reset", "email": member}))
            .await
            .expect_status(201);
        assert_eq!(started.body["code_length"], 6);
        let id = started.body["flow_id"].as_str().expect("id").to_owned();
        let code = app.mailbox.code_for(member).await;
        assert_eq!(code.len(), 6);
        let mail = app.mailbox.all().into_iter().rev().find(|m| m.to.iter().any(|t| t == member)).expect("mail");
        assert!(crate::support::decoded(&mail.data).contains("2 minutes"), "lifetime in the mail");
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let first = browser.post(&format!("/api/flows/{id}/verify"), json!({"code": wrong})).await;
        assert_eq!(first.body["attempts_left"], 1, "{}", first.text);
        // The code lives 120 s: past that it is dead.
        app.clock.advance_ms(121_000);
        let late = browser.post(&format!("/api/flows/{id}/verify"), json!({"code": code})).await;
        assert_eq!(late.code(), "code_expired", "{}", late.text);
    }

    async fn another_instance_on_the_same_database_applies_a_change_at_once(app) {
        let admin = first_global(&app).await;
        // A second server process: its own state (and caches, if there were any) on one database.
        let other = sspr_server::AppState::new((*app.state.config).clone(), app.db.clone()).expect("state");
        let mut conn = app.db.pool.acquire().await.expect("connection");
        let purpose = sspr_api::FlowPurpose::PasswordReset;
        let allowed = |rules: &sspr_server::policy::enforce::FlowRules| {
            sspr_server::domain::admission::methods_allow(purpose, rules.methods())
        };
        let before = sspr_server::policy::enforce::read(&mut conn, &other, purpose).await.expect("read");
        allowed(&before).expect("on");
        set_email(&app, &admin, json!({"state": "disabled", "passcodeLength": 7})).await;
        let after = sspr_server::policy::enforce::read(&mut conn, &other, purpose).await.expect("read");
        assert!(allowed(&after).is_err(), "the other instance still allows it");
        let rules = sspr_server::policy::enforce::read(&mut conn, &other, purpose).await.expect("read");
        assert_eq!(rules.passcodes.length, 7);
    }
}
