//! Adding each method (SPEC C8, SECURITY.md §23–25): the authenticator app (proven with one
//! code before it is saved, its seed sealed, each code once), the alternate address (verified
//! with a passcode), security questions (the administrator's counts, answers hashed), and a
//! method the administrator turned off answering `method_disabled`.

use crate::admins::first_global;
use crate::backend_tests;
use crate::helpers::PASSWORD;
use crate::methods_support::*;
use crate::policy_support::{method, patch, put};
use serde_json::{json, Value};
use sspr_api::graph::MethodId;
use sspr_api::ResetMethod;
use sspr_server::domain::totp;

/// The RFC 6238 Appendix B key (SHA-1).
const RFC_KEY: &[u8] = b"12345678901234567890";

backend_tests! {
    async fn an_authenticator_app_is_saved_only_after_one_right_code_and_its_seed_is_sealed(app) {
        let browser = app.sign_up("totp@contoso.example", PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        let (id, secret) = enrol_app(&browser).await;
        assert_eq!(crate::admins::decode(&secret).len(), 20, "a 160-bit seed");
        let enrolment_uri = browser.post(APP, json!({})).await.expect_status(200);
        assert!(enrolment_uri.body["otpauth_uri"]
            .as_str()
            .expect("uri")
            .starts_with("otpauth://totp/Contoso:totp@contoso.example?secret="));
        // A newer enrolment replaced the first: only it can be confirmed.
        let stale = browser
            .post(&format!("{APP}/confirm"), json!({"method_id": id, "code": app_code(&app, &secret, 0)}))
            .await;
        assert_eq!(stale.status, 404, "{}", stale.text);
        let (id, secret) = enrol_app(&browser).await;
        let wrong = browser
            .post(&format!("{APP}/confirm"), json!({"method_id": id, "code": app_code(&app, &secret, 3)}))
            .await
            .expect_status(422);
        assert_eq!(wrong.error().code, "invalid_code");
        assert_eq!(listed(&browser.get(SECURITY_INFO).await.body).len(), 1, "not saved yet");
        let saved = browser
            .post(&format!("{APP}/confirm"), json!({"method_id": id, "code": app_code(&app, &secret, -1)}))
            .await
            .expect_status(200);
        assert_eq!(listed(&saved.body)[1], ("authenticator_app".to_owned(), "Authenticator app".to_owned()));
        assert_eq!(saved.body["methods"][1]["added_at_ms"], app.state.now_ms());
        let stored = app.dump("user_methods").await.join("\n");
        assert!(!stored.contains(&secret), "the seed is sealed");
        let raw: String = crate::admins::decode(&secret).iter().map(|b| format!("{b:02x}")).collect();
        assert!(!stored.contains(&raw));
    }

    async fn a_replayed_authenticator_code_is_refused(app) {
        let browser = app.sign_up("replay@contoso.example", PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        let (_, secret) = register_app(&app, &browser).await;
        let prove = |code: String| {
            let browser = &browser;
            async move {
                browser
                    .post("/api/account/proof", json!({"method": "authenticator_app", "code": code}))
                    .await
            }
        };
        // The code that confirmed the app cannot sign in to the page again.
        assert_eq!(prove(app_code(&app, &secret, 0)).await.status, 422);
        app.clock.advance_ms(30_000);
        let next = app_code(&app, &secret, 0);
        prove(next.clone()).await.expect_status(200);
        let replayed = prove(next).await;
        assert_eq!(replayed.status, 422, "{}", replayed.text);
        assert_eq!(replayed.error().code, "invalid_code");
        // An earlier step, still within the skew, is refused after a later one.
        assert_eq!(prove(app_code(&app, &secret, -1)).await.status, 422);
        assert!(step(&app) > 0);
    }

    async fn wrong_app_codes_on_the_security_info_page_lock_the_account_like_wrong_passwords(app) {
        let email = "guessing.session@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        let (_, secret) = register_app(&app, &browser).await;
        app.clock.advance_ms(30_000);
        let prove = |code: String| {
            let browser = &browser;
            async move {
                browser
                    .post("/api/account/proof", json!({"method": "authenticator_app", "code": code}))
                    .await
            }
        };
        for _ in 0..10 {
            assert_eq!(prove(app_code(&app, &secret, 3)).await.status, 422);
        }
        // A stolen session cannot go on guessing: the account is locked, the right code waits.
        let held = prove(app_code(&app, &secret, 0)).await.expect_status(429);
        assert_eq!(held.error().code, "too_many_requests");
        app.clock.advance_ms(60_001);
        prove(app_code(&app, &secret, 0)).await.expect_status(200);
    }

    async fn an_app_holding_the_rfc_6238_key_accepts_the_rfc_codes_at_the_rfc_times(app) {
        let email = "rfc@contoso.example";
        app.sign_up(email, PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        // RFC 6238 Appendix B, SHA-1, times after the test clock's start; six digits are the
        // last six of the eight the RFC lists.
        for (time_secs, eight) in [(2_000_000_000_i64, "69279037"), (20_000_000_000, "65353130")] {
            app.clock.advance_ms(time_secs * 1000 - app.state.now_ms());
            let (browser, signed_in) = crate::support::sign_in(&app, email, PASSWORD).await;
            signed_in.expect_status(200);
            let (id, _) = enrol_app(&browser).await;
            let sealed = app.state.secrets.seal(RFC_KEY);
            sqlx::query("UPDATE user_methods SET secret_sealed = $1 WHERE id = $2")
                .bind(&sealed)
                .bind(&id)
                .execute(&app.db.pool)
                .await
                .expect("seed replaced");
            assert_eq!(totp::code_for_step(RFC_KEY, 8, totp::step_at(time_secs * 1000)), eight);
            browser
                .post(&format!("{APP}/confirm"), json!({"method_id": id, "code": &eight[2..]}))
                .await
                .expect_status(200);
        }
    }

    async fn an_alternate_email_counts_only_after_its_passcode(app) {
        let email = "alt.owner@contoso.example";
        let alternate = "alt.other@fabrikam.example";
        let browser = app.sign_up(email, PASSWORD).await;
        let own = browser.post(ALTERNATE, json!({"email": "ALT.OWNER@contoso.example"})).await.expect_status(422);
        assert_eq!(own.error().code, "validation_failed");
        let pending = browser.post(ALTERNATE, json!({"email": alternate})).await.expect_status(200);
        assert_eq!(pending.body["masked_email"], "a•••@fabrikam.example");
        let id = pending.body["method_id"].as_str().expect("id").to_owned();
        let code = app.mailbox.code_for(alternate).await;
        assert_eq!(listed(&browser.get(SECURITY_INFO).await.body).len(), 1, "not counted yet");
        let wrong = browser
            .post(&format!("{ALTERNATE}/confirm"), json!({"method_id": id, "code": crate::support::other_code(&code)}))
            .await
            .expect_status(400);
        assert_eq!(wrong.error().attempts_left, Some(4));
        let saved = browser
            .post(&format!("{ALTERNATE}/confirm"), json!({"method_id": id, "code": code}))
            .await
            .expect_status(200);
        assert_eq!(listed(&saved.body)[1], ("alternate_email".to_owned(), "a•••@fabrikam.example".to_owned()));
        let told = app.mailbox.next_for(email).await;
        assert!(told.data.contains("\"Alternate email\" was added to your account"), "{}", told.data);
        let stored = app.dump("account_codes").await.join("\n");
        assert!(!stored.contains(&code), "no code is kept");
    }

    async fn security_questions_are_registered_in_the_administrators_number_and_stored_as_argon2id_hashes(app) {
        let browser = app.sign_up("questions@contoso.example", PASSWORD).await;
        set_reset_methods(&app, 1, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        let catalog = browser.get(CATALOG).await.expect_status(200);
        assert!(catalog.body["questions"].as_array().expect("list").len() >= 10);
        assert_eq!(catalog.body["to_register"], 3);
        let three = answers(&browser, 3).await;
        let refusals: Vec<Value> = vec![
            json!(three[..2]),
            json!([three[0], three[0], three[1]]),
            json!([three[0], three[1], {"question": three[2]["question"], "answer": "ab"}]),
            json!([three[0], three[1], {"question": "What is your password?", "answer": "abc"}]),
        ];
        for answers in refusals {
            let refused = put(&app, &browser, QUESTIONS, json!({"answers": answers})).await.expect_status(422);
            assert_eq!(refused.error().code, "validation_failed", "{answers}");
        }
        let saved = put(&app, &browser, QUESTIONS, json!({"answers": three})).await.expect_status(200);
        assert_eq!(listed(&saved.body)[1], ("security_questions".to_owned(), "Security questions".to_owned()));
        let stored = app.dump("security_answers").await.join("\n");
        assert_eq!(stored.matches("$argon2id$").count(), 3);
        assert!(!stored.to_lowercase().contains("answer number"), "answers are only hashed");
        // A new set replaces the old one.
        put(&app, &browser, QUESTIONS, json!({"answers": three})).await.expect_status(200);
        assert_eq!(app.dump("security_answers").await.join("\n").matches("$argon2id$").count(), 3);
    }

    async fn the_administrator_chooses_how_many_questions_and_adds_custom_ones(app) {
        let admin = first_global(&app).await;
        let path = "/api/admin/reset-policy";
        let mut policy = admin.get(path).await.expect_status(200).body;
        assert_eq!(policy["questions_to_register"], 3);
        assert_eq!(policy["questions_to_reset"], 3);
        policy["methods"] = json!(["email", "security_questions"]);
        for (register, reset) in [(2, 1), (6, 1), (3, 0), (3, 4)] {
            let mut bad = policy.clone();
            bad["questions_to_register"] = json!(register);
            bad["questions_to_reset"] = json!(reset);
            put(&app, &admin, path, bad).await.expect_status(422);
        }
        policy["questions_to_register"] = json!(5);
        policy["questions_to_reset"] = json!(2);
        policy["custom_questions"] = json!(["What was your first concert?"]);
        put(&app, &admin, path, policy).await.expect_status(200);
        let browser = app.sign_up("custom@contoso.example", PASSWORD).await;
        let catalog = browser.get(CATALOG).await.expect_status(200);
        assert_eq!(catalog.body["to_register"], 5);
        assert!(catalog.body["questions"].as_array().expect("list").contains(&json!("What was your first concert?")));
        let four = answers(&browser, 4).await;
        put(&app, &browser, QUESTIONS, json!({"answers": four})).await.expect_status(422);
        let five = answers(&browser, 5).await;
        put(&app, &browser, QUESTIONS, json!({"answers": five})).await.expect_status(200);
    }

    async fn the_authenticator_app_follows_software_oath_or_microsoft_authenticator_and_their_targets(app) {
        let admin = first_global(&app).await;
        let member = app.sign_up("in.group@contoso.example", PASSWORD).await;
        let outsider = app.sign_up("outside@contoso.example", PASSWORD).await;
        crate::policy_support::group(&app, "app-users", &["in.group@contoso.example"]).await;
        let authenticator = "#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration";
        patch(
            &app,
            &admin,
            &method("microsoftAuthenticator"),
            json!({"@odata.type": authenticator, "state": "enabled",
                   "includeTargets": [{"id": "app-users", "targetType": "group", "isRegistrationRequired": false}]}),
        )
        .await
        .expect_status(204);
        let available = |info: Value| info["available"].clone();
        // The app's codes, and its push approvals (issue 13).
        assert_eq!(available(member.get(SECURITY_INFO).await.body), json!(["authenticator_app", "alternate_email", "microsoft_authenticator"]));
        assert_eq!(available(outsider.get(SECURITY_INFO).await.body), json!(["alternate_email"]));
        register_app(&app, &member).await;
        let refused = outsider.post(APP, json!({})).await.expect_status(403);
        assert_eq!(refused.error().code, "method_disabled");
    }

    async fn an_app_is_kept_while_its_method_is_off_proves_nothing_then_and_works_again_when_it_is_back(app) {
        let browser = app.sign_up("kept@contoso.example", PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        let (_, secret) = register_app(&app, &browser).await;
        set_method(&app, MethodId::SoftwareOath, false).await;
        let kept = browser.get(SECURITY_INFO).await.expect_status(200);
        assert_eq!(listed(&kept.body)[1].0, "authenticator_app", "the registration is kept");
        app.clock.advance_ms(30_000);
        let prove = json!({"method": "authenticator_app", "code": app_code(&app, &secret, 0)});
        let off = browser.post("/api/account/proof", prove.clone()).await.expect_status(403);
        assert_eq!(off.error().code, "method_disabled");
        app.clock.advance_ms(TEN_MINUTES_MS);
        let info = browser.get(SECURITY_INFO).await.expect_status(200);
        assert_eq!(info.body["proof_methods"], json!(["email"]), "not offered while off");
        set_method(&app, MethodId::SoftwareOath, true).await;
        let info = browser.get(SECURITY_INFO).await.expect_status(200);
        assert_eq!(info.body["proof_methods"], json!(["email", "authenticator_app"]));
        let back = json!({"method": "authenticator_app", "code": app_code(&app, &secret, 0)});
        browser.post("/api/account/proof", back).await.expect_status(200);
    }

    async fn a_disabled_methods_endpoints_answer_method_disabled(app) {
        let admin = first_global(&app).await;
        let browser = app.sign_up("disabled@contoso.example", PASSWORD).await;
        let software = "#microsoft.graph.softwareOathAuthenticationMethodConfiguration";
        patch(&app, &admin, &method("softwareOath"), json!({"@odata.type": software, "state": "enabled"}))
            .await
            .expect_status(204);
        let (id, secret) = enrol_app(&browser).await;
        patch(&app, &admin, &method("softwareOath"), json!({"@odata.type": software, "state": "disabled"}))
            .await
            .expect_status(204);
        let answers_list = answers(&browser, 3).await;
        for answer in [
            browser.post(APP, json!({})).await,
            browser.post(&format!("{APP}/confirm"), json!({"method_id": id, "code": app_code(&app, &secret, 0)})).await,
            put(&app, &browser, QUESTIONS, json!({"answers": answers_list})).await,
        ] {
            assert_eq!(answer.status, 403, "{}", answer.text);
            assert_eq!(answer.error().code, "method_disabled");
        }
        let email = "#microsoft.graph.emailAuthenticationMethodConfiguration";
        patch(&app, &admin, &method("email"), json!({"@odata.type": email, "state": "disabled"}))
            .await
            .expect_status(204);
        let refused = browser.post(ALTERNATE, json!({"email": "x@fabrikam.example"})).await.expect_status(403);
        assert_eq!(refused.error().code, "method_disabled");
        assert_eq!(browser.get(SECURITY_INFO).await.body["available"], json!([]));
    }
}
