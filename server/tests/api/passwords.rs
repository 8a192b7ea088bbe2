//! The password policy over the API (SECURITY.md §13–16): one policy on sign-up, reset and
//! change, with every broken rule named; the current password needed to change it; no
//! truncation; Argon2id at the required parameters.

use crate::backend_tests;
use crate::helpers::{Answer, Browser, TestApp, PASSWORD};
use crate::support::{int, now, sign_in, WRONG_PASSWORD};
use serde_json::json;

/// Passwords that break the policy for an address whose local part is `local`, with the rules
/// each breaks.
fn refused(local: &str) -> Vec<(String, Vec<&'static str>)> {
    vec![
        ("short pass!".into(), vec!["too_short"]),
        ("elevenchars".into(), vec!["too_short"]),
        ("x".repeat(257), vec!["too_long"]),
        (
            format!("{} extra", "long passphrase ".repeat(16)),
            vec!["too_long"],
        ),
        ("qwertyuiop123".into(), vec!["common"]),
        ("QWERTY123456".into(), vec!["common"]),
        ("1qaz2wsx3edc".into(), vec!["common"]),
        (format!("my {local} passphrase"), vec!["contains_context"]),
        (
            format!("my {} passphrase", local.to_uppercase()),
            vec!["contains_context"],
        ),
        ("we all love Contoso here".into(), vec!["contains_context"]),
        ("CONTOSO!".into(), vec!["too_short", "contains_context"]),
    ]
}

#[track_caller]
fn assert_refused(answer: &Answer, expected: &[&str], what: &str) {
    assert_eq!(answer.status, 422, "{what}: {}", answer.text);
    let error = answer.error();
    assert_eq!(error.code, "password_policy", "{what}");
    let violations: Vec<&str> = error
        .violations
        .iter()
        .map(|v| sspr_api::WireName::as_str(*v))
        .collect();
    assert_eq!(violations, expected, "{what}");
    assert!(!error.message.is_empty());
}

/// A flow of `purpose` for `email`, verified, in a fresh browser.
async fn verified(app: &TestApp, purpose: &str, email: &str) -> (Browser, String) {
    let browser = app.browser();
    let id = app.start_flow(&browser, purpose, email).await;
    let code = app.mailbox.code_for(email).await;
    browser
        .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
        .await
        .expect_status(200);
    (browser, id)
}

async fn complete(browser: &Browser, id: &str, password: &str, confirm: &str) -> Answer {
    browser
        .post(
            &format!("/api/flows/{id}/complete"),
            json!({"password": password, "password_confirm": confirm, "display_name": "Pat"}),
        )
        .await
}

async fn change(browser: &Browser, current: &str, new: &str) -> Answer {
    browser
        .post(
            "/api/account/password",
            json!({"current_password": current, "new_password": new}),
        )
        .await
}

backend_tests! {
    async fn the_policy_names_every_broken_rule_on_sign_up_reset_and_change_alike(app) {
        // Sign-up.
        let newcomer = "maxmuster@contoso.example";
        let (browser, id) = verified(&app, "sign_up", newcomer).await;
        for (password, expected) in refused("maxmuster") {
            let answer = complete(&browser, &id, &password, &password).await;
            assert_refused(&answer, &expected, &format!("sign-up {password:?}"));
        }
        complete(&browser, &id, PASSWORD, PASSWORD).await.expect_status(200);

        // Reset.
        let member = "janedoe@contoso.example";
        app.sign_up(member, PASSWORD).await;
        let (browser, id) = verified(&app, "password_reset", member).await;
        for (password, expected) in refused("janedoe") {
            let answer = complete(&browser, &id, &password, &password).await;
            assert_refused(&answer, &expected, &format!("reset {password:?}"));
        }
        // Nothing was changed by the refusals.
        assert_eq!(sign_in(&app, member, PASSWORD).await.1.status, 200);
        let reset_to = "a brand new passphrase 2026";
        complete(&browser, &id, reset_to, reset_to).await.expect_status(200);

        // Change.
        let (browser, answer) = sign_in(&app, member, reset_to).await;
        answer.expect_status(200);
        for (password, expected) in refused("janedoe") {
            let answer = change(&browser, reset_to, &password).await;
            assert_refused(&answer, &expected, &format!("change {password:?}"));
        }
        assert_eq!(sign_in(&app, member, reset_to).await.1.status, 200);
        let changed_to = "yet another fine passphrase";
        change(&browser, reset_to, changed_to).await.expect_status(204);
        assert_eq!(sign_in(&app, member, reset_to).await.1.status, 401);
        assert_eq!(sign_in(&app, member, changed_to).await.1.status, 200);
    }

    async fn the_policy_endpoint_states_the_numbers_and_the_organisation(app) {
        let answer = app.browser().get("/api/password-policy").await.expect_status(200);
        assert_eq!(answer.body["min_length"], 12);
        assert_eq!(answer.body["max_length"], 256);
        assert_eq!(answer.body["organisation_name"], "Contoso");
    }

    async fn a_confirmation_that_differs_is_refused_with_password_mismatch(app) {
        let email = "mismatch@contoso.example";
        let (browser, id) = verified(&app, "sign_up", email).await;
        let answer = complete(&browser, &id, PASSWORD, "correct horse battery stapl").await;
        assert_eq!(answer.status, 422, "{}", answer.text);
        assert_eq!(answer.code(), "password_mismatch");
        let answer = browser
            .post(&format!("/api/flows/{id}/complete"), json!({"password": PASSWORD, "display_name": "Pat"}))
            .await;
        assert_eq!(answer.code(), "password_mismatch", "a missing confirmation is no match");
        complete(&browser, &id, PASSWORD, PASSWORD).await.expect_status(200);

        app.clock.advance_ms(60_000);
        let (browser, id) = verified(&app, "password_reset", email).await;
        let answer = complete(&browser, &id, "a brand new passphrase 2026", "a brand new passphrase 2027").await;
        assert_eq!(answer.code(), "password_mismatch");
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 200, "unchanged");
    }

    async fn changing_the_password_needs_the_current_one_and_wrong_ones_lock_the_account(app) {
        let email = "changer@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        let new = "a brand new passphrase 2026";
        let answer = change(&browser, WRONG_PASSWORD, new).await.expect_status(401);
        assert_eq!(answer.code(), "invalid_credentials");
        let missing = browser
            .post("/api/account/password", json!({"new_password": new}))
            .await;
        assert!((400..500).contains(&missing.status), "{}", missing.text);
        // Signed out, nobody may change it.
        let stranger = app.browser();
        let answer = change(&stranger, PASSWORD, new).await.expect_status(401);
        assert_eq!(answer.code(), "unauthorized");
        // Ten wrong current passwords in all lock the account…
        for _ in 0..9 {
            change(&browser, WRONG_PASSWORD, new).await.expect_status(401);
        }
        assert!(int(&app, "SELECT locked_until_ms FROM users WHERE email_canonical = $1", email).await > now(&app));
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 401, "sign-in is locked");
        // …and the lock holds here too: the right current password is refused while it lasts,
        // or a stolen session could go on guessing past the lockout.
        let answer = change(&browser, PASSWORD, new).await.expect_status(401);
        assert_eq!(answer.code(), "invalid_credentials");
        app.clock.advance_ms(60_000);
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 200, "the password is unchanged");
        change(&browser, PASSWORD, new).await.expect_status(204);
    }

    async fn passwords_are_never_truncated_and_any_unicode_is_kept(app) {
        // 256 code points (768 bytes): the longest password allowed, every character counts.
        let long: String = "密码".repeat(128);
        assert_eq!(long.chars().count(), 256);
        let email = "unicode@contoso.example";
        app.sign_up(email, &long).await;
        let shorter: String = long.chars().take(255).collect();
        assert_eq!(sign_in(&app, email, &shorter).await.1.status, 401);
        let changed: String = long.chars().take(255).chain(['码']).collect::<String>().replacen('密', "秘", 1);
        assert_eq!(sign_in(&app, email, &changed).await.1.status, 401);
        assert_eq!(sign_in(&app, email, &long).await.1.status, 200);
        // NFKC: a ligature and full-width digits match their plain forms.
        let other = "nfkc@contoso.example";
        app.sign_up(other, "ﬁne passphrase １２３").await;
        assert_eq!(sign_in(&app, other, "fine passphrase 123").await.1.status, 200);
        // Argon2id at m = 19 MiB, t = 2, p = 1, with a salt of its own.
        let hashes: Vec<String> = sqlx::query_scalar("SELECT password_hash FROM users ORDER BY email")
            .fetch_all(&app.db.pool)
            .await
            .expect("hashes");
        assert_eq!(hashes.len(), 2);
        for hash in &hashes {
            assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        }
        let salt = |h: &str| h.split('$').nth(4).map(str::to_owned);
        assert_ne!(salt(&hashes[0]), salt(&hashes[1]));
    }
}
