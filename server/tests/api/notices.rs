//! The security notifications (SPEC C3, A4; SECURITY.md §17), delivered through the real SMTP
//! sink: each goes once to the right people, in their language, says what happened, when, from
//! which browser and network, and is suppressed when the reset policy's switch for it is off.

use crate::admins::{first_admin, first_global, invited, signed_in, ADMIN};
use crate::backend_tests;
use crate::directory::user_id;
use crate::helpers::{Browser, TestApp, PASSWORD};
use crate::mailbox::Delivered;
use crate::policy_support::put;
use crate::support::{decoded, lock, post_with};
use serde_json::{json, Value};

const NEW_PASSWORD: &str = "a brand new passphrase 2026";
const BROWSER: &str = "NoticeTestBrowser/1.0 (X11; Linux)";
const POLICY: &str = "/api/admin/reset-policy";

/// The default reset policy with `changes`.
fn policy(changes: Value) -> Value {
    let mut base = json!({
        "enabled_for": "all", "group_id": null, "methods_required": 1, "methods": ["email"],
        "notify_users_on_reset": true, "notify_admins_on_admin_reset": true,
        "notify_users_on_unlock": true, "notify_users_on_disable": true,
        "notify_users_on_method_change": true, "reconfirm_after_days": 0,
        "require_registration": false
    });
    for (key, value) in changes.as_object().expect("object") {
        base[key] = value.clone();
    }
    base
}

/// Resets `email`'s password through the whole flow, from a browser with `headers`.
async fn reset_with(app: &TestApp, email: &str, headers: &[(&str, &str)]) {
    let browser = app.browser();
    let start = post_with(
        app,
        &browser,
        "/api/flows",
        json!({"purpose": "password_reset", "email": email}),
        headers,
    )
    .await
    .expect_status(201);
    let id = start.body["flow_id"].as_str().expect("flow id").to_owned();
    let code = app.mailbox.code_for(email).await;
    post_with(
        app,
        &browser,
        &format!("/api/flows/{id}/verify"),
        json!({"code": code}),
        headers,
    )
    .await
    .expect_status(200);
    let finish = json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD});
    post_with(
        app,
        &browser,
        &format!("/api/flows/{id}/complete"),
        finish,
        headers,
    )
    .await
    .expect_status(200);
}

/// Every message delivered to `to` whose decoded text contains `marker`, once settled.
async fn delivered(app: &TestApp, to: &str, marker: &str) -> Vec<Delivered> {
    app.mailbox.settled_count_for(to).await;
    app.mailbox
        .all()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t == to) && decoded(&m.data).contains(marker))
        .collect()
}

/// Signs `email` in with `password` and `Accept-Language: language`, so the account remembers it.
async fn sign_in_speaking(app: &TestApp, email: &str, password: &str, language: &str) -> Browser {
    let browser = app.browser();
    post_with(
        app,
        &browser,
        "/api/session",
        json!({"email": email, "password": password}),
        &[("accept-language", language)],
    )
    .await
    .expect_status(200);
    browser
}

backend_tests! {
    async fn a_reset_tells_the_user_once_what_happened_when_and_from_which_browser_and_network(app) {
        let email = "told@contoso.example";
        app.sign_up(email, PASSWORD).await;
        reset_with(&app, email, &[("user-agent", BROWSER)]).await;
        let notices = delivered(&app, email, "your password was changed").await;
        assert_eq!(notices.len(), 1, "one notice");
        let notice = &notices[0];
        assert_eq!(notice.subject(), "Contoso: your password was changed");
        assert_eq!(notice.to, vec![email.to_owned()]);
        let text = decoded(&notice.data);
        assert!(text.contains("reset with \"Forgot password?\""), "{text}");
        assert!(text.contains("When: 2027-01-15 08:00 UTC"), "{text}");
        assert!(text.contains(&format!("Browser: {BROWSER}")), "{text}");
        assert!(text.contains("Network address: 127.0.0.1"), "{text}");
        assert!(text.contains(&format!("If this was not you, reset your password at once at {}/reset", app.origin)), "{text}");
        assert!(text.contains("text/html"), "an HTML part too");
    }

    async fn a_reset_from_a_french_browser_is_told_in_french(app) {
        let email = "francais@contoso.example";
        app.sign_up(email, PASSWORD).await;
        reset_with(&app, email, &[("accept-language", "fr-FR,fr;q=0.9,en;q=0.5")]).await;
        let notices = delivered(&app, email, "Mot de passe oublié").await;
        assert_eq!(notices.len(), 1);
        let text = decoded(&notices[0].data);
        assert!(text.contains("Le mot de passe de votre compte a été réinitialisé"), "{text}");
        assert!(text.contains("Navigateur : inconnu"), "{text}");
        assert!(text.contains("Adresse réseau : 127.0.0.1"), "{text}");
        assert!(text.contains("lang=\"fr\""), "{text}");
    }

    async fn a_code_asked_for_in_french_is_mailed_in_french(app) {
        let email = "code.fr@contoso.example";
        app.sign_up(email, PASSWORD).await;
        reset_with(&app, email, &[("accept-language", "fr-FR,fr;q=0.9")]).await;
        let codes = delivered(&app, email, "Utilisez ce code pour réinitialiser votre mot de passe.").await;
        assert_eq!(codes.len(), 1, "the reset's code, in French");
        let text = decoded(&codes[0].data);
        assert!(text.contains("Votre code : "), "{text}");
        assert!(text.contains("Le code expire dans"), "{text}");
        assert!(text.contains("lang=\"fr\""), "{text}");
        assert!(codes[0].code().is_some(), "the code is found in a French message too");
        // The sign-up, asked for with no language, was in English.
        assert_eq!(delivered(&app, email, "Use this code to verify your email address").await.len(), 1);
    }

    async fn a_password_change_tells_the_user_unless_the_reset_switch_is_off(app) {
        let email = "changer@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        let change = json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD});
        browser.post("/api/account/password", change).await.expect_status(204);
        let notices = delivered(&app, email, "changed from your account page").await;
        assert_eq!(notices.len(), 1);

        let admin = first_global(&app).await;
        put(&app, &admin, POLICY, policy(json!({"notify_users_on_reset": false}))).await.expect_status(200);
        let browser = sign_in_speaking(&app, email, NEW_PASSWORD, "en").await;
        let back = json!({"current_password": NEW_PASSWORD, "new_password": PASSWORD});
        browser.post("/api/account/password", back).await.expect_status(204);
        assert_eq!(delivered(&app, email, "changed from your account page").await.len(), 1, "no second notice");
    }

    async fn an_administrators_unlock_tells_a_locked_user_once_unless_switched_off(app) {
        let email = "locked@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let id = user_id(&app, email).await;
        let admin = first_global(&app).await;
        lock(&app, email).await;
        admin.post(&format!("/api/admin/users/{id}/unlock"), json!({})).await.expect_status(204);
        // An unlock of an account that is not locked changes nothing and tells nobody.
        admin.post(&format!("/api/admin/users/{id}/unlock"), json!({})).await.expect_status(204);
        let notices = delivered(&app, email, "An administrator unlocked your account").await;
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].subject(), "Contoso: your account was unlocked");

        put(&app, &admin, POLICY, policy(json!({"notify_users_on_unlock": false}))).await.expect_status(200);
        lock(&app, email).await;
        admin.post(&format!("/api/admin/users/{id}/unlock"), json!({})).await.expect_status(204);
        assert_eq!(delivered(&app, email, "An administrator unlocked your account").await.len(), 1);
    }

    async fn disabling_an_account_tells_the_user_in_the_language_they_last_signed_in_with(app) {
        let email = "desactive@contoso.example";
        app.sign_up(email, PASSWORD).await;
        sign_in_speaking(&app, email, PASSWORD, "fr-CA").await;
        let id = user_id(&app, email).await;
        let admin = first_global(&app).await;
        admin.post(&format!("/api/admin/users/{id}/disable"), json!({})).await.expect_status(204);
        admin.post(&format!("/api/admin/users/{id}/disable"), json!({})).await.expect_status(204);
        let notices = delivered(&app, email, "Un administrateur a désactivé votre compte").await;
        assert_eq!(notices.len(), 1, "once, though disabled twice");
        assert!(!notices[0].subject().contains("disabled"), "a French subject: {}", notices[0].subject());
    }

    async fn disabling_tells_nobody_when_its_switch_is_off(app) {
        let email = "quiet@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let id = user_id(&app, email).await;
        let admin = first_global(&app).await;
        put(&app, &admin, POLICY, policy(json!({"notify_users_on_disable": false}))).await.expect_status(200);
        admin.post(&format!("/api/admin/users/{id}/disable"), json!({})).await.expect_status(204);
        assert!(delivered(&app, email, "disabled your account").await.is_empty());
    }

    async fn resetting_an_administrators_sign_in_tells_every_other_global_administrator_once(app) {
        let root = first_global(&app).await;
        invited(&app, &root, "global_administrator", 1).await;
        invited(&app, &root, "global_administrator", 2).await;
        invited(&app, &root, "reader", 3).await;
        let subject_email = "global_administrator.1@contoso.example";
        let other_global = "global_administrator.2@contoso.example";
        let admins = root.get("/api/admin/admins").await.expect_status(200);
        let id = admins.body["admins"].as_array().expect("admins").iter()
            .find(|a| a["admin"]["email"] == subject_email)
            .and_then(|a| a["admin"]["id"].as_str())
            .expect("the administrator")
            .to_owned();

        let answer = root.post(&format!("/api/admin/admins/{id}/reset-sign-in"), json!({})).await.expect_status(200);
        assert!(answer.body["setup_token"].as_str().is_some_and(|t| t.len() >= 32));
        let marker = format!("administrator Root <{subject_email}> were reset by Root <{ADMIN}>");
        for told in [ADMIN, other_global] {
            let notices = delivered(&app, told, &marker).await;
            assert_eq!(notices.len(), 1, "{told}");
            assert_eq!(notices[0].subject(), "Contoso: an administrator's sign-in was reset");
            assert!(decoded(&notices[0].data).contains("Network address: 127.0.0.1"));
        }
        for untold in [subject_email, "reader.3@contoso.example"] {
            assert!(delivered(&app, untold, &marker).await.is_empty(), "{untold}");
        }
    }

    async fn a_reset_administrator_is_signed_out_and_sets_up_again_with_the_new_link(app) {
        let root = first_global(&app).await;
        let other = invited(&app, &root, "user_administrator", 1).await;
        let email = "user_administrator.1@contoso.example";
        let me = other.get("/api/admin/session").await.expect_status(200);
        let id = me.body["id"].as_str().expect("id").to_owned();
        let answer = root.post(&format!("/api/admin/admins/{id}/reset-sign-in"), json!({})).await.expect_status(200);
        other.get("/api/admin/session").await.expect_status(401);
        let token = answer.body["setup_token"].as_str().expect("token");
        let secret = crate::admins::set_up(&app, token, email).await;
        crate::admins::confirm(&app, email, &secret).await;
        app.clock.advance_ms(crate::admins::STEP_MS);
        signed_in(&app, email, &secret).await;
        // The link works once.
        app.browser()
            .post("/api/admin/bootstrap", json!({"token": token, "email": email, "display_name": "Again", "password": PASSWORD}))
            .await
            .expect_status(400);
    }

    async fn only_a_global_administrator_resets_another_administrators_sign_in(app) {
        let secret = first_admin(&app).await;
        let root = signed_in(&app, ADMIN, &secret).await;
        let users_admin = invited(&app, &root, "user_administrator", 1).await;
        let me = root.get("/api/admin/session").await.expect_status(200);
        let root_id = me.body["id"].as_str().expect("id").to_owned();
        let answer = users_admin.post(&format!("/api/admin/admins/{root_id}/reset-sign-in"), json!({})).await.expect_status(403);
        assert_eq!(answer.code(), "forbidden");
        let own = root.post(&format!("/api/admin/admins/{root_id}/reset-sign-in"), json!({})).await.expect_status(422);
        assert_eq!(own.code(), "validation_failed");
        let unknown = root.post("/api/admin/admins/nobody/reset-sign-in", json!({})).await.expect_status(404);
        assert_eq!(unknown.code(), "not_found");
        // Still signed in: nothing was reset.
        root.get("/api/admin/session").await.expect_status(200);
    }

    async fn the_admin_notice_is_suppressed_when_its_switch_is_off(app) {
        let root = first_global(&app).await;
        invited(&app, &root, "global_administrator", 1).await;
        let target = invited(&app, &root, "reader", 2).await;
        let me = target.get("/api/admin/session").await.expect_status(200);
        let id = me.body["id"].as_str().expect("id").to_owned();
        put(&app, &root, POLICY, policy(json!({"notify_admins_on_admin_reset": false}))).await.expect_status(200);
        root.post(&format!("/api/admin/admins/{id}/reset-sign-in"), json!({})).await.expect_status(200);
        for admin in [ADMIN, "global_administrator.1@contoso.example"] {
            assert!(delivered(&app, admin, "sign-in was reset").await.is_empty(), "{admin}");
        }
    }

    async fn a_notice_carries_the_company_logo_colour_and_links(app) {
        let email = "branded@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let admin = first_global(&app).await;
        let branding = "/api/graph/v1.0/organization/any/branding";
        crate::policy_support::patch(&app, &admin, branding, json!({
            "backgroundColor": "#E8F0FE",
            "customTermsOfUseText": "Terms of use",
            "customTermsOfUseUrl": "https://contoso.example/terms",
        })).await.expect_status(204);
        let mut png = std::io::Cursor::new(Vec::new());
        image::RgbImage::new(40, 20).write_to(&mut png, image::ImageFormat::Png).expect("png");
        let logo = admin.send(admin.client.put(app.url(&format!("{branding}/bannerLogo")))
            .header("x-sspr-csrf", "1").header("origin", &app.origin).body(png.into_inner())).await;
        assert_eq!(logo.status, 204, "{}", logo.text);
        reset_with(&app, email, &[]).await;
        let notices = delivered(&app, email, "your password was changed").await;
        let text = decoded(&notices[0].data);
        assert!(text.contains(&format!("<img src=\"{}/api/branding/assets/", app.origin)), "{text}");
        assert!(text.contains("background:#E8F0FE"), "{text}");
        assert!(text.contains("Terms of use: https://contoso.example/terms"), "{text}");
    }
}
