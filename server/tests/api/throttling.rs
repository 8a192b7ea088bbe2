//! Asking for codes changes nothing and is throttled without telling (SECURITY.md §3, §4):
//! reset requests leave the account as it was; over the per-address cap or the per-client
//! limit the answer is the one an accepted request gets, and no mail leaves.

use crate::backend_tests;
use crate::helpers::{TestApp, PASSWORD};
use crate::support::{comparable, exec, now, sign_in};
use serde_json::json;
use sqlx::Row;

const NEW_PASSWORD: &str = "a brand new passphrase 2026";

/// The account's security state as stored.
async fn account_row(app: &TestApp, email: &str) -> (Option<String>, i64, i64, i64, i64) {
    let row = sqlx::query(
        "SELECT password_hash, failed_sign_ins, lockouts, locked_until_ms, disabled \
         FROM users WHERE email_canonical = $1",
    )
    .bind(email)
    .fetch_one(&app.db.pool)
    .await
    .expect("account");
    (
        row.try_get(0).expect("hash"),
        row.try_get(1).expect("failures"),
        row.try_get(2).expect("lockouts"),
        row.try_get(3).expect("locked until"),
        row.try_get(4).expect("disabled"),
    )
}

/// Inserts member accounts `prefix0@…` to `prefix{n-1}@…` directly.
async fn members(app: &TestApp, prefix: &str, n: usize) {
    for i in 0..n {
        let email = format!("{prefix}{i}@contoso.example");
        sqlx::query(
            "INSERT INTO users (id, email, email_canonical, display_name, user_type, \
                                created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $2, 'Member', 'member', $3, $3)",
        )
        .bind(format!("{prefix}-{i}"))
        .bind(&email)
        .bind(now(app))
        .execute(&app.db.pool)
        .await
        .expect("insert member");
    }
}

async fn start_reset(app: &TestApp, email: &str) -> crate::helpers::Answer {
    app.browser()
        .post(
            "/api/flows",
            json!({"purpose": "password_reset", "email": email}),
        )
        .await
        .expect_status(201)
}

backend_tests! {
    async fn fifty_reset_requests_leave_the_old_password_working_and_the_account_unlocked(app) {
        let email = "fifty@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let before = account_row(&app, email).await;
        for _ in 0..50 {
            start_reset(&app, email).await;
        }
        assert_eq!(account_row(&app, email).await, before, "the account is untouched");
        let (browser, answer) = sign_in(&app, email, PASSWORD).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.body["user"]["status"], "active");
        assert_eq!(browser.get("/api/session").await.expect_status(200).body["user"]["email"], email);
    }

    async fn over_the_per_address_cap_the_answer_is_the_same_and_no_mail_leaves_for_a_day(app) {
        let email = "capped@contoso.example";
        app.sign_up(email, PASSWORD).await; // message 1 of 10 in the window
        let mut answers = Vec::new();
        for _ in 0..12 {
            answers.push(comparable(&start_reset(&app, email).await));
        }
        // Nine more codes made ten messages; the three past the cap answered alike.
        for (i, answer) in answers.iter().enumerate() {
            assert_eq!(answer, &answers[0], "request {i} answers unlike the first");
        }
        assert_eq!(app.mailbox.settled_count_for(email).await, 10);
        // The block lasts 24 hours, not just the 10-minute window.
        app.clock.advance_ms(10 * 60_000 + 1);
        let blocked = comparable(&start_reset(&app, email).await);
        assert_eq!(blocked, answers[0]);
        assert_eq!(app.mailbox.settled_count_for(email).await, 10);
        app.clock.advance_ms(24 * 60 * 60_000);
        start_reset(&app, email).await;
        assert_eq!(app.mailbox.settled_count_for(email).await, 11, "mail flows again after a day");
    }

    async fn over_the_per_client_limit_the_answer_is_the_same_and_no_mail_leaves(app) {
        members(&app, "member", 23).await;
        let mut answers = Vec::new();
        for i in 0..22 {
            let answer = start_reset(&app, &format!("member{i}@contoso.example")).await;
            answers.push(comparable(&answer));
        }
        for (i, answer) in answers.iter().enumerate() {
            assert_eq!(answer, &answers[0], "request {i} answers unlike the first");
        }
        // Twenty a minute from one client address: the 21st and 22nd sent nothing.
        assert_eq!(app.mailbox.settled_count_for("member19@contoso.example").await, 1);
        assert_eq!(app.mailbox.count_for("member20@contoso.example"), 0);
        assert_eq!(app.mailbox.count_for("member21@contoso.example"), 0);
        assert_eq!(app.mailbox.all().len(), 20);
        // The next minute, the limit starts again.
        app.clock.advance_ms(60_000);
        start_reset(&app, "member22@contoso.example").await;
        assert!(app.mailbox.next_for("member22@contoso.example").await.code().is_some());
    }

    async fn a_code_resent_after_a_start_the_limit_held_back_finishes_the_reset(app) {
        members(&app, "held", 21).await;
        for i in 0..20 {
            start_reset(&app, &format!("held{i}@contoso.example")).await;
        }
        // The 21st start from this client sends nothing; its flow is answered all the same.
        let email = "held20@contoso.example";
        let browser = app.browser();
        let id = app.start_flow(&browser, "password_reset", email).await;
        assert_eq!(app.mailbox.count_for(email), 0);
        // A minute on, the resend sends a real code, and that code finishes the reset.
        app.clock.advance_ms(60_001);
        browser.post(&format!("/api/flows/{id}/resend"), json!({})).await.expect_status(200);
        let code = app.mailbox.code_for(email).await;
        browser.post(&format!("/api/flows/{id}/verify"), json!({"code": code})).await.expect_status(200);
        browser
            .post(&format!("/api/flows/{id}/complete"), json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}))
            .await
            .expect_status(200);
        assert_eq!(sign_in(&app, email, NEW_PASSWORD).await.1.status, 200);
    }

    async fn a_disabled_account_gets_no_reset_code_but_the_same_answer(app) {
        let email = "disabled.reset@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let active = comparable(&start_reset(&app, email).await);
        assert!(app.mailbox.next_for(email).await.code().is_some());
        exec(&app, "UPDATE users SET disabled = 1 WHERE email_canonical = $1", email).await;
        let disabled = comparable(&start_reset(&app, email).await);
        assert_eq!(active, disabled);
        assert_eq!(app.mailbox.settled_count_for(email).await, 2, "sign-up and the first reset only");
    }
}
