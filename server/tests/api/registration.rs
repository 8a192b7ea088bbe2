//! Registration at sign-in (SPEC C7): a user short of the methods a reset needs is asked to
//! register them when the reset policy requires it, may skip three times, re-confirms after the
//! policy's days, registers again when an administrator asks, and an application's
//! authorization waits for all of it.

use crate::admins::first_global;
use crate::backend_tests;
use crate::helpers::{Browser, TestApp, PASSWORD};
use crate::methods_support::{answers, set_reset_methods, QUESTIONS};
use crate::oidc_support::{location, param, rp, start, visit, web_app, WEB_REDIRECT};
use crate::policy_support::{group, put, user_id};
use crate::support::sign_in;
use serde_json::json;
use sspr_api::graph::{ExcludeTarget, TargetType};
use sspr_api::ResetMethod;
use sspr_server::policy::{methods, reset};

const EMAIL: &str = "reg@contoso.example";
const REGISTRATION: &str = "/api/account/registration";
const DAY_MS: i64 = 24 * 60 * 60_000;

/// Requires registration at sign-in, with two methods a reset (email and questions), and
/// re-confirmation after `days` (0: never).
async fn require_registration(app: &TestApp, days: u32) {
    set_reset_methods(
        app,
        2,
        &[ResetMethod::Email, ResetMethod::SecurityQuestions],
    )
    .await;
    let mut conn = app.db.pool.acquire().await.expect("connection");
    let mut policy = reset::load(&mut conn).await.expect("policy");
    policy.require_registration = true;
    policy.reconfirm_after_days = days;
    reset::save(&mut conn, &policy, app.state.now_ms())
        .await
        .expect("saved");
}

/// Changes the registration campaign (the methods policy's `registrationEnforcement`).
async fn campaign(app: &TestApp, change: impl FnOnce(&mut sspr_api::graph::RegistrationCampaign)) {
    let mut conn = app.db.pool.acquire().await.expect("connection");
    let mut settings = methods::load(&mut conn, &app.state.config)
        .await
        .expect("policy")
        .settings;
    change(
        &mut settings
            .registration_enforcement
            .authentication_methods_registration_campaign,
    );
    methods::save_settings(&mut conn, &settings, app.state.now_ms())
        .await
        .expect("saved");
}

/// Resets the password of `email` by its mailed code in a new browser; answers the browser.
async fn reset_password(app: &TestApp, email: &str) -> Browser {
    let (browser, id, _) = crate::methods_support::past_the_email(app, email).await;
    let new = "An0ther-l0ng-passphrase";
    browser
        .post(
            &format!("/api/flows/{id}/complete"),
            json!({"password": new, "password_confirm": new}),
        )
        .await
        .expect_status(200);
    browser
}

/// Signs in; answers the browser and the interrupt the answer names (`null`: none).
async fn signed_in(app: &TestApp) -> (Browser, serde_json::Value) {
    let (browser, answer) = sign_in(app, EMAIL, PASSWORD).await;
    let answer = answer.expect_status(200);
    (browser, answer.body["registration"].clone())
}

async fn register_questions(browser: &Browser, app: &TestApp) {
    let three = answers(browser, 3).await;
    put(app, browser, QUESTIONS, json!({"answers": three}))
        .await
        .expect_status(200);
}

backend_tests! {
    async fn registration_is_required_at_sign_in_for_a_user_short_of_methods(app) {
        app.sign_up(EMAIL, PASSWORD).await;
        require_registration(&app, 0).await;
        let (browser, interrupt) = signed_in(&app).await;
        assert_eq!(interrupt, "register");
        let prompt = browser.get(REGISTRATION).await.expect_status(200);
        assert_eq!(prompt.body["kind"], "register");
        assert_eq!(prompt.body["skips_left"], 3);
        assert_eq!(prompt.body["methods_required"], 2);
        assert_eq!(prompt.body["methods"], json!([]), "listed only to re-confirm");
        assert_eq!(browser.get("/api/session").await.expect_status(200).body["registration"], "register");
        // Done is refused until the methods are enough.
        let early = browser.post(&format!("{REGISTRATION}/finish"), json!({})).await.expect_status(409);
        assert_eq!(early.error().code, "registration_incomplete");
        register_questions(&browser, &app).await;
        browser.post(&format!("{REGISTRATION}/finish"), json!({})).await.expect_status(204);
        assert!(browser.get("/api/session").await.expect_status(200).body.get("registration").is_none());
        assert!(browser.get(REGISTRATION).await.expect_status(200).body.get("kind").is_none());
        let (_, again) = signed_in(&app).await;
        assert!(again.is_null(), "registered: no interrupt");
    }

    async fn registration_is_not_required_for_a_user_who_has_enough_methods(app) {
        let browser = app.sign_up(EMAIL, PASSWORD).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        register_questions(&browser, &app).await;
        require_registration(&app, 0).await;
        let (_, interrupt) = signed_in(&app).await;
        assert!(interrupt.is_null(), "{interrupt}");
        // Nor for anybody while the policy does not require it.
        let other = "other@contoso.example";
        app.sign_up(other, PASSWORD).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        let mut conn = app.db.pool.acquire().await.expect("connection");
        let mut policy = reset::load(&mut conn).await.expect("policy");
        policy.require_registration = false;
        reset::save(&mut conn, &policy, app.state.now_ms()).await.expect("saved");
        let (_, answer) = sign_in(&app, other, PASSWORD).await;
        assert!(answer.expect_status(200).body.get("registration").is_none());
    }

    async fn registration_is_skipped_three_times_and_then_can_no_longer_be_skipped(app) {
        app.sign_up(EMAIL, PASSWORD).await;
        require_registration(&app, 0).await;
        for left in [3, 2, 1] {
            let (browser, interrupt) = signed_in(&app).await;
            assert_eq!(interrupt, "register");
            assert_eq!(browser.get(REGISTRATION).await.body["skips_left"], left);
            browser.post(&format!("{REGISTRATION}/skip"), json!({})).await.expect_status(204);
            assert!(browser.get("/api/session").await.body.get("registration").is_none(), "skipped for this session");
            // The campaign's default snooze: a day.
            app.clock.advance_ms(DAY_MS);
        }
        let (browser, interrupt) = signed_in(&app).await;
        assert_eq!(interrupt, "register", "the fourth sign-in still asks");
        assert_eq!(browser.get(REGISTRATION).await.body["skips_left"], 0);
        let refused = browser.post(&format!("{REGISTRATION}/skip"), json!({})).await.expect_status(409);
        assert_eq!(refused.error().code, "skip_not_allowed");
        assert_eq!(browser.get("/api/session").await.body["registration"], "register", "still owed");
        let skips: Vec<String> = app.dump("audit_log").await.into_iter().filter(|r| r.contains("registration_skipped")).collect();
        assert_eq!(skips.len(), 3);
        // Registering completes it, and the skips start again.
        register_questions(&browser, &app).await;
        browser.post(&format!("{REGISTRATION}/finish"), json!({})).await.expect_status(204);
    }

    async fn methods_are_re_confirmed_after_the_policys_days(app) {
        let browser = app.sign_up(EMAIL, PASSWORD).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        register_questions(&browser, &app).await;
        require_registration(&app, 30).await;
        let (_, interrupt) = signed_in(&app).await;
        assert!(interrupt.is_null());
        app.clock.advance_ms(30 * DAY_MS);
        let (browser, interrupt) = signed_in(&app).await;
        assert_eq!(interrupt, "reconfirm");
        let prompt = browser.get(REGISTRATION).await.expect_status(200);
        assert_eq!(prompt.body["kind"], "reconfirm");
        let kinds: Vec<&str> = prompt.body["methods"].as_array().expect("methods").iter().map(|m| m["kind"].as_str().unwrap_or_default()).collect();
        assert_eq!(kinds, ["email", "security_questions"]);
        assert_eq!(prompt.body["methods"][0]["detail"], "r•••@contoso.example", "masked");
        let refused = browser.post(&format!("{REGISTRATION}/skip"), json!({})).await.expect_status(409);
        assert_eq!(refused.error().code, "skip_not_allowed");
        // Looks good: the clock starts again.
        browser.post(&format!("{REGISTRATION}/finish"), json!({})).await.expect_status(204);
        app.clock.advance_ms(30 * DAY_MS - 1);
        assert!(signed_in(&app).await.1.is_null());
        app.clock.advance_ms(1);
        assert_eq!(signed_in(&app).await.1, "reconfirm");
    }

    async fn re_registration_required_by_an_administrator_takes_effect_at_the_next_sign_in(app) {
        let browser = app.sign_up(EMAIL, PASSWORD).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        register_questions(&browser, &app).await;
        let id = browser.get("/api/session").await.body["user"]["id"].as_str().expect("id").to_owned();
        let admin = first_global(&app).await;
        app.clock.advance_ms(1000);
        admin.post(&format!("/api/admin/users/{id}/require-reregistration"), json!({})).await.expect_status(204);
        // Even without the policy requiring registration.
        let (browser, interrupt) = signed_in(&app).await;
        assert_eq!(interrupt, "reregister");
        assert_eq!(browser.get(REGISTRATION).await.body["skips_left"], 0);
        browser.post(&format!("{REGISTRATION}/skip"), json!({})).await.expect_status(409);
        let early = browser.post(&format!("{REGISTRATION}/finish"), json!({})).await.expect_status(409);
        assert_eq!(early.error().code, "registration_incomplete", "the old methods are not enough");
        app.clock.advance_ms(1000);
        register_questions(&browser, &app).await;
        browser.post(&format!("{REGISTRATION}/finish"), json!({})).await.expect_status(204);
        let detail = admin.get(&format!("/api/admin/users/{id}")).await.expect_status(200);
        assert!(detail.body["reregistration_required_ms"].is_null(), "the flag is cleared");
        assert!(signed_in(&app).await.1.is_null());
    }

    async fn a_passcode_sign_in_stops_for_registration_as_a_password_one_does(app) {
        app.sign_up(EMAIL, PASSWORD).await;
        require_registration(&app, 0).await;
        let browser = app.browser();
        let flow = browser.post("/api/flows", json!({"purpose": "passwordless", "email": EMAIL})).await.expect_status(201);
        let id = flow.body["flow_id"].as_str().expect("id").to_owned();
        let code = app.mailbox.code_for(EMAIL).await;
        browser.post(&format!("/api/flows/{id}/verify"), json!({"code": code})).await.expect_status(200);
        assert_eq!(browser.get("/api/session").await.expect_status(200).body["registration"], "register");
        assert_eq!(browser.get(REGISTRATION).await.body["kind"], "register");
    }

    async fn an_applications_authorization_waits_for_the_registration_interrupt(app) {
        app.sign_up(EMAIL, PASSWORD).await;
        require_registration(&app, 0).await;
        let registered = web_app(&app).await;
        let rp = rp(&app, &registered, WEB_REDIRECT).await;
        let browser = app.browser();
        let started = start(&rp, &["email"], &[]);
        let to_pages = location(&visit(&app, &browser, &started.url).await);
        let resume = param(&to_pages, "return_to").expect("return_to");
        let signed_in = browser.post("/api/session", json!({
            "email": EMAIL, "password": PASSWORD, "return_to": resume, "client_id": registered.app_id,
        })).await.expect_status(200);
        assert_eq!(signed_in.body["registration"], "register");
        assert_eq!(signed_in.body["return_to"], resume.as_str());
        // No code yet: the browser goes to the interrupt, keeping the way back.
        let to_interrupt = location(&visit(&app, &browser, &resume).await);
        assert!(to_interrupt.starts_with("/more-info?"), "{to_interrupt}");
        assert_eq!(param(&to_interrupt, "return_to").as_deref(), Some(resume.as_str()));
        // A new authorization waits too; prompt=none cannot show it.
        let again = location(&visit(&app, &browser, &start(&rp, &[], &[]).url).await);
        assert!(again.starts_with("/more-info?"), "{again}");
        let silent = location(&visit(&app, &browser, &start(&rp, &[], &[("prompt", "none")]).url).await);
        assert_eq!(param(&silent, "error").as_deref(), Some("interaction_required"));
        browser.post(&format!("{REGISTRATION}/skip"), json!({})).await.expect_status(204);
        let back = location(&visit(&app, &browser, &resume).await);
        assert!(back.starts_with(WEB_REDIRECT), "{back}");
        assert!(param(&back, "code").is_some());
    }

    async fn a_skip_holds_the_question_off_for_the_campaigns_snooze_days(app) {
        app.sign_up(EMAIL, PASSWORD).await;
        require_registration(&app, 0).await;
        campaign(&app, |c| c.snooze_duration_in_days = 3).await;
        let (browser, interrupt) = signed_in(&app).await;
        assert_eq!(interrupt, "register");
        browser.post(&format!("{REGISTRATION}/skip"), json!({})).await.expect_status(204);
        app.clock.advance_ms(3 * DAY_MS - 1);
        let (browser, interrupt) = signed_in(&app).await;
        assert!(interrupt.is_null(), "snoozed: {interrupt}");
        // Snoozed is not done: finishing still needs the methods, and a skip counts nothing.
        let early = browser.post(&format!("{REGISTRATION}/finish"), json!({})).await.expect_status(409);
        assert_eq!(early.error().code, "registration_incomplete");
        browser.post(&format!("{REGISTRATION}/skip"), json!({})).await.expect_status(204);
        app.clock.advance_ms(1);
        let (browser, interrupt) = signed_in(&app).await;
        assert_eq!(interrupt, "register");
        assert_eq!(browser.get(REGISTRATION).await.body["skips_left"], 2, "one skip counted");

        // With no snooze, the next sign-in asks again at once.
        campaign(&app, |c| c.snooze_duration_in_days = 0).await;
        browser.post(&format!("{REGISTRATION}/skip"), json!({})).await.expect_status(204);
        assert_eq!(signed_in(&app).await.1, "register");
    }

    async fn the_campaigns_include_and_exclude_targets_choose_who_is_asked(app) {
        app.sign_up(EMAIL, PASSWORD).await;
        let other = "someone.else@contoso.example";
        app.sign_up(other, PASSWORD).await;
        require_registration(&app, 0).await;
        group(&app, "pilot", &[EMAIL]).await;
        group(&app, "exempt", &[other]).await;
        // Only the pilot group.
        campaign(&app, |c| {
            c.include_targets[0].id = "pilot".into();
        })
        .await;
        assert_eq!(signed_in(&app).await.1, "register");
        let (_, answer) = sign_in(&app, other, PASSWORD).await;
        assert!(answer.expect_status(200).body.get("registration").is_none(), "not in the pilot");
        // Everyone but the exempt group, and one user named directly.
        let me = user_id(&app, EMAIL).await;
        campaign(&app, |c| {
            c.include_targets[0].id = "all_users".into();
            c.exclude_targets = vec![
                ExcludeTarget { odata_type: None, id: "exempt".into(), target_type: TargetType::Group },
                ExcludeTarget { odata_type: None, id: me.clone(), target_type: TargetType::User },
            ];
        })
        .await;
        assert!(signed_in(&app).await.1.is_null(), "excluded by name");
        let (_, answer) = sign_in(&app, other, PASSWORD).await;
        assert!(answer.expect_status(200).body.get("registration").is_none(), "excluded by group");
        // An administrator's demand is not the campaign's: it stops the excluded user too.
        let admin = first_global(&app).await;
        app.clock.advance_ms(1000);
        admin.post(&format!("/api/admin/users/{me}/require-reregistration"), json!({})).await.expect_status(204);
        assert_eq!(signed_in(&app).await.1, "reregister");
    }

    async fn a_sign_up_stops_for_registration_when_the_new_account_is_short_of_methods(app) {
        require_registration(&app, 0).await;
        let browser = app.sign_up(EMAIL, PASSWORD).await;
        assert_eq!(browser.get("/api/session").await.expect_status(200).body["registration"], "register");
        assert_eq!(browser.get(REGISTRATION).await.body["kind"], "register");
    }

    async fn a_completed_reset_stops_for_registration_as_a_sign_in_does(app) {
        let browser = app.sign_up(EMAIL, PASSWORD).await;
        set_reset_methods(&app, 1, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        register_questions(&browser, &app).await;
        require_registration(&app, 30).await;
        set_reset_methods(&app, 1, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        app.clock.advance_ms(30 * DAY_MS);
        let browser = reset_password(&app, EMAIL).await;
        assert_eq!(browser.get("/api/session").await.expect_status(200).body["registration"], "reconfirm");
        browser.post(&format!("{REGISTRATION}/finish"), json!({})).await.expect_status(204);
        // Nothing owed: the next reset goes straight on.
        let browser = reset_password(&app, EMAIL).await;
        assert!(browser.get("/api/session").await.expect_status(200).body.get("registration").is_none());
    }

    async fn a_guest_is_not_asked_to_register_for_resets_but_an_administrators_demand_stops_them(app) {
        require_registration(&app, 0).await;
        let email = "gus@partner.example";
        let token = crate::guests::invite(&app, email).await;
        let browser = crate::guests::redeem(&app, email, &token).await;
        assert!(browser.get("/api/session").await.expect_status(200).body.get("registration").is_none(), "no password to reset");
        let id = user_id(&app, email).await;
        let admin = first_global(&app).await;
        app.clock.advance_ms(1000);
        admin.post(&format!("/api/admin/users/{id}/require-reregistration"), json!({})).await.expect_status(204);
        let again = app.browser();
        let flow = again.post("/api/flows", json!({"purpose": "guest", "email": email})).await.expect_status(201);
        let flow = flow.body["flow_id"].as_str().expect("id").to_owned();
        let code = app.mailbox.code_for(email).await;
        again.post(&format!("/api/flows/{flow}/verify"), json!({"code": code})).await.expect_status(200);
        assert_eq!(again.get("/api/session").await.expect_status(200).body["registration"], "reregister");
    }
}
