//! The security info page's API (SPEC C7, SECURITY.md §19): the list with masked details, the
//! ten-minute proof before any change, deleting methods (never the last that can reset), and
//! the mail and audit record of every addition and removal.

use crate::backend_tests;
use crate::helpers::PASSWORD;
use crate::methods_support::*;
use serde_json::json;
use sspr_api::graph::MethodId;
use sspr_api::ResetMethod;

backend_tests! {
    async fn the_security_info_lists_the_account_address_masked_and_offers_only_enabled_methods(app) {
        let browser = app.sign_up("nadia@contoso.example", PASSWORD).await;
        let info = browser.get(SECURITY_INFO).await.expect_status(200);
        assert_eq!(info.body["proof_required"], false, "signing in is a proof");
        assert_eq!(listed(&info.body), vec![("email".to_owned(), "n•••@contoso.example".to_owned())]);
        assert_eq!(info.body["methods"][0]["deletable"], false);
        // Out of the box only the Email method is on: an alternate address, nothing else.
        assert_eq!(info.body["available"], json!(["alternate_email"]));
        set_method(&app, MethodId::SoftwareOath, true).await;
        set_reset_methods(&app, 1, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        let info = browser.get(SECURITY_INFO).await.expect_status(200);
        assert_eq!(
            info.body["available"],
            json!(["authenticator_app", "alternate_email", "security_questions"])
        );
        assert_eq!(app.browser().get(SECURITY_INFO).await.status, 401);
    }

    async fn changing_security_info_needs_a_proof_newer_than_ten_minutes_and_a_mailed_code_gives_one(app) {
        let email = "proof@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        app.clock.advance_ms(TEN_MINUTES_MS + 1000);
        let info = browser.get(SECURITY_INFO).await.expect_status(200);
        assert_eq!(info.body["proof_required"], true);
        assert_eq!(info.body["proof_methods"], json!(["email"]));
        assert_eq!(info.body["methods"], json!([]), "nothing is listed before the proof");
        let refused = browser.post(APP, json!({})).await.expect_status(403);
        assert_eq!(refused.error().code, "reauthentication_required");

        let sent = browser.post("/api/account/proof/email", json!({})).await.expect_status(200);
        assert_eq!(sent.body["masked_email"], "p•••@contoso.example");
        let code = app.mailbox.code_for(email).await;
        let wrong = crate::support::other_code(&code);
        let answer = browser
            .post("/api/account/proof", json!({"method": "email", "code": wrong}))
            .await
            .expect_status(400);
        assert_eq!(answer.error().code, "invalid_code");
        assert_eq!(answer.error().attempts_left, Some(4));
        let proven = browser
            .post("/api/account/proof", json!({"method": "email", "code": code}))
            .await
            .expect_status(200);
        assert_eq!(proven.body["proof_required"], false);
        assert_eq!(proven.body["proof_expires_in_secs"], 600);
        browser.post(APP, json!({})).await.expect_status(200);
        // The code worked once.
        let again = browser
            .post("/api/account/proof", json!({"method": "email", "code": code}))
            .await
            .expect_status(400);
        assert_eq!(again.error().code, "code_expired");
        // Ten minutes later the proof has run out again.
        app.clock.advance_ms(TEN_MINUTES_MS);
        assert_eq!(browser.get(SECURITY_INFO).await.body["proof_required"], true);
    }

    async fn an_authenticator_app_code_proves_who_the_user_is(app) {
        let browser = app.sign_up("app.proof@contoso.example", PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        let (_, secret) = register_app(&app, &browser).await;
        app.clock.advance_ms(TEN_MINUTES_MS + 1000);
        let info = browser.get(SECURITY_INFO).await.expect_status(200);
        assert_eq!(info.body["proof_methods"], json!(["email", "authenticator_app"]));
        let wrong = browser
            .post("/api/account/proof", json!({"method": "authenticator_app", "code": "000000"}))
            .await;
        assert_eq!(wrong.status, 422, "{}", wrong.text);
        assert_eq!(wrong.error().code, "invalid_code");
        let proven = browser
            .post(
                "/api/account/proof",
                json!({"method": "authenticator_app", "code": app_code(&app, &secret, 0)}),
            )
            .await
            .expect_status(200);
        assert_eq!(proven.body["proof_required"], false);
        let app_row = &proven.body["methods"][1];
        assert_eq!(app_row["kind"], "authenticator_app");
        assert_eq!(app_row["last_used_at_ms"], app.state.now_ms());
    }

    async fn deleting_the_last_reset_capable_method_is_refused(app) {
        let email = "last@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        set_reset_methods(&app, 1, &[ResetMethod::AuthenticatorApp]).await;
        let (first, _) = register_app(&app, &browser).await;
        let info = browser.get(SECURITY_INFO).await.expect_status(200);
        assert_eq!(info.body["methods"][1]["deletable"], false);
        let refused = browser
            .delete(&format!("/api/account/methods/{first}"))
            .await
            .expect_status(409);
        assert_eq!(refused.error().code, "last_reset_method");
        let refused = browser.delete("/api/account/methods/email").await.expect_status(404);
        assert_eq!(refused.error().code, "not_found");

        app.clock.advance_ms(30_000);
        let (second, _) = register_app(&app, &browser).await;
        let info = browser
            .delete(&format!("/api/account/methods/{first}"))
            .await
            .expect_status(200);
        assert_eq!(listed(&info.body).len(), 2);
        assert_eq!(info.body["methods"][1]["id"], second);
        assert_eq!(info.body["methods"][1]["deletable"], false);
    }

    async fn every_addition_and_removal_is_mailed_to_the_account_address_and_audited(app) {
        let email = "told@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        let (id, secret) = register_app(&app, &browser).await;
        let added = app.mailbox.next_for(email).await;
        assert!(added.subject().contains("sign-in method was added"), "{}", added.subject());
        assert!(added.data.contains("\"Authenticator app\" was added to your account"), "{}", added.data);
        assert!(!added.data.contains(&secret), "the mail holds no secret");
        browser
            .delete(&format!("/api/account/methods/{id}"))
            .await
            .expect_status(200);
        let removed = app.mailbox.next_for(email).await;
        assert!(removed.subject().contains("sign-in method was removed"), "{}", removed.subject());
        let events = app.dump("audit_log").await.join("\n");
        assert!(events.contains("method_added"));
        assert!(events.contains("method_removed"));
        assert!(events.contains("authenticator_app"));
        assert!(!events.contains(&secret));
    }

    async fn a_removed_method_of_another_user_is_not_found(app) {
        set_method(&app, MethodId::SoftwareOath, true).await;
        let owner = app.sign_up("owner@contoso.example", PASSWORD).await;
        let (id, _) = register_app(&app, &owner).await;
        let other = app.sign_up("other@contoso.example", PASSWORD).await;
        other
            .delete(&format!("/api/account/methods/{id}"))
            .await
            .expect_status(404);
        assert_eq!(listed(&owner.get(SECURITY_INFO).await.body).len(), 2);
    }
}

mod administrators {
    use crate::admins::{admin_with_role, first_global};
    use crate::backend_tests;
    use crate::helpers::PASSWORD;
    use crate::methods_support::*;
    use crate::policy_support::user_id;
    use sspr_api::graph::MethodId;

    backend_tests! {
        async fn the_user_detail_lists_registered_methods_and_an_administrator_deletes_one_audited_and_mailed(app) {
            let email = "listed@contoso.example";
            let browser = app.sign_up(email, PASSWORD).await;
            set_method(&app, MethodId::SoftwareOath, true).await;
            let (method_id, _) = register_app(&app, &browser).await;
            app.mailbox.next_for(email).await;
            let admin = first_global(&app).await;
            let id = user_id(&app, email).await;
            let detail = admin.get(&format!("/api/admin/users/{id}")).await.expect_status(200);
            let registered = &detail.body["registered_methods"];
            assert_eq!(registered[0]["kind"], "authenticator_app");
            assert_eq!(registered[0]["id"], method_id.as_str());
            admin
                .delete(&format!("/api/admin/users/{id}/methods/{method_id}"))
                .await
                .expect_status(204);
            admin
                .delete(&format!("/api/admin/users/{id}/methods/{method_id}"))
                .await
                .expect_status(404);
            let detail = admin.get(&format!("/api/admin/users/{id}")).await.expect_status(200);
            assert_eq!(detail.body["registered_methods"], serde_json::json!([]));
            let told = app.mailbox.next_for(email).await;
            assert!(told.data.contains("\"Authenticator app\" was removed from your account"), "{}", told.data);
            let events = app.dump("audit_log").await.join("\n");
            assert!(events.contains("user.delete_method"));
        }

        async fn a_reader_may_not_delete_a_users_method(app) {
            let reader = admin_with_role(&app, "reader").await;
            let answer = reader.delete("/api/admin/users/someone/methods/something").await;
            assert_eq!(answer.status, 403, "{}", answer.text);
        }
    }
}
