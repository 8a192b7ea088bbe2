//! Smart lockout (SECURITY.md §20–22): counted per account whatever the client address or the
//! spelling of the email; a locked account answers like wrong credentials; the lock is
//! temporary and grows; a reset lifts it.

use crate::backend_tests_with;
use crate::helpers::{TestApp, PASSWORD};
use crate::support::{
    comparable, int, ip, lock, now, post_from, sign_in, trust_forwarded_for, WRONG_PASSWORD,
};
use serde_json::json;

async fn locked_until(app: &TestApp, email: &str) -> i64 {
    int(
        app,
        "SELECT locked_until_ms FROM users WHERE email_canonical = $1",
        email,
    )
    .await
}

async fn status_of(app: &TestApp, email: &str, password: &str) -> u16 {
    sign_in(app, email, password).await.1.status
}

backend_tests_with! { trust_forwarded_for;
    async fn lockout_counts_per_account_not_per_client_address(app) {
        let email = "roaming@contoso.example";
        app.sign_up(email, PASSWORD).await;
        for n in 0..10 {
            let answer = post_from(
                &app,
                &app.browser(),
                "/api/session",
                json!({"email": email, "password": WRONG_PASSWORD}),
                &ip(n),
            )
            .await;
            assert_eq!(answer.status, 401, "{}", answer.text);
        }
        assert!(locked_until(&app, email).await > now(&app));
        let answer = post_from(
            &app,
            &app.browser(),
            "/api/session",
            json!({"email": email, "password": PASSWORD}),
            &ip(99),
        )
        .await;
        assert_eq!(answer.status, 401, "locked from a fresh address too: {}", answer.text);
        // Another account from the same addresses is untouched.
        let bystander = "bystander@contoso.example";
        app.sign_up(bystander, PASSWORD).await;
        let answer = post_from(&app, &app.browser(), "/api/session", json!({"email": bystander, "password": PASSWORD}), &ip(0)).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }

    async fn case_variants_of_the_email_share_one_lockout_counter(app) {
        let email = "Case.Variant@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let variants = [
            "case.variant@contoso.example",
            "CASE.VARIANT@CONTOSO.EXAMPLE",
            "Case.Variant@Contoso.Example",
            "  cAsE.vArIaNt@contoso.EXAMPLE  ",
            "Case.Variant@contoso.example",
        ];
        for n in 0..9 {
            assert_eq!(status_of(&app, variants[n % variants.len()], WRONG_PASSWORD).await, 401);
        }
        assert_eq!(locked_until(&app, "case.variant@contoso.example").await, 0, "nine: not yet");
        assert_eq!(status_of(&app, variants[4], WRONG_PASSWORD).await, 401);
        assert!(locked_until(&app, "case.variant@contoso.example").await > now(&app), "ten: locked");
        for variant in variants {
            assert_eq!(status_of(&app, variant, PASSWORD).await, 401, "{variant}");
        }
    }

    async fn a_locked_account_answers_exactly_like_wrong_credentials(app) {
        let email = "alike@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let (_, wrong) = sign_in(&app, email, WRONG_PASSWORD).await;
        let (_, unknown) = sign_in(&app, "alien@contoso.example", PASSWORD).await;
        lock(&app, email).await;
        let (browser, locked_right) = sign_in(&app, email, PASSWORD).await;
        let (_, locked_wrong) = sign_in(&app, email, WRONG_PASSWORD).await;
        assert_eq!(wrong.code(), "invalid_credentials");
        for (what, answer) in [("unknown", &unknown), ("locked, right", &locked_right), ("locked, wrong", &locked_wrong)] {
            assert_eq!(comparable(answer), comparable(&wrong), "{what}");
        }
        assert_eq!(browser.cookie("__Host-sspr_session"), None);
    }

    async fn a_lockout_ends_after_a_minute(app) {
        let email = "minute@contoso.example";
        app.sign_up(email, PASSWORD).await;
        lock(&app, email).await;
        app.clock.advance_ms(60_000 - 1);
        assert_eq!(status_of(&app, email, PASSWORD).await, 401, "a millisecond early");
        app.clock.advance_ms(1);
        assert_eq!(status_of(&app, email, PASSWORD).await, 200, "then it is over");
    }

    async fn a_second_lockout_in_a_row_lasts_twice_as_long_and_a_success_starts_over(app) {
        let email = "growing@contoso.example";
        app.sign_up(email, PASSWORD).await;
        lock(&app, email).await;
        app.clock.advance_ms(60_000);
        lock(&app, email).await;
        let until = locked_until(&app, email).await;
        assert_eq!(until - now(&app), 120_000);
        app.clock.advance_ms(120_000 - 1);
        assert_eq!(status_of(&app, email, PASSWORD).await, 401, "still locked after a minute and more");
        app.clock.advance_ms(1);
        assert_eq!(status_of(&app, email, PASSWORD).await, 200);
        // The success ended the run: the next lockout is a minute again.
        lock(&app, email).await;
        assert_eq!(locked_until(&app, email).await - now(&app), 60_000);
        let events = crate::support::count(&app, "audit_log WHERE event = 'account_locked'").await;
        assert_eq!(events, 3);
    }

    async fn a_reset_lifts_the_lock_and_clears_the_count(app) {
        let email = "lifted@contoso.example";
        app.sign_up(email, PASSWORD).await;
        lock(&app, email).await;
        // Grow it to two minutes first.
        app.clock.advance_ms(60_000);
        lock(&app, email).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "password_reset", email).await;
        let code = app.mailbox.code_for(email).await;
        browser.post(&format!("/api/flows/{id}/verify"), json!({"code": code})).await.expect_status(200);
        let new = "a brand new passphrase 2026";
        browser
            .post(&format!("/api/flows/{id}/complete"), json!({"password": new, "password_confirm": new}))
            .await
            .expect_status(200);
        assert_eq!(locked_until(&app, email).await, 0);
        // Nine wrong passwords do not lock it again: the count started over.
        for _ in 0..9 {
            assert_eq!(status_of(&app, email, WRONG_PASSWORD).await, 401);
        }
        assert_eq!(status_of(&app, email, new).await, 200);
        // And the next lockout is a minute, not four.
        lock(&app, email).await;
        assert_eq!(locked_until(&app, email).await - now(&app), 60_000);
    }
}
