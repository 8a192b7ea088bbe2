//! A reset that needs more than the emailed code (SPEC C8–C9, SECURITY.md §25): after the code,
//! the user's other registered methods are offered with their details; a two-method policy
//! refuses the new password until a second, different method is proven (an authenticator app
//! code, once; or the answers to a random subset of their questions, compared without case or
//! width); unknown and known addresses answer alike up to there.

use crate::backend_tests;
use crate::helpers::{Browser, TestApp, PASSWORD};
use crate::methods_support::*;
use crate::policy_support::put;
use crate::support::{comparable, sign_in};
use serde_json::{json, Value};
use sspr_api::graph::MethodId;
use sspr_api::ResetMethod;

const NEW_PASSWORD: &str = "a brand new passphrase 2026";

/// Registers three questions whose answers are `Answer number 0`, `1` and `2`; returns the
/// answer of each question.
async fn register_questions(app: &TestApp, browser: &Browser) -> Vec<(String, String)> {
    let three = answers(browser, 3).await;
    put(app, browser, QUESTIONS, json!({"answers": three}))
        .await
        .expect_status(200);
    three
        .iter()
        .map(|a| {
            (
                a["question"].as_str().unwrap_or_default().to_owned(),
                a["answer"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The answers to the flow's questions, from `known`, changed by `change`.
async fn answers_for(
    browser: &Browser,
    id: &str,
    known: &[(String, String)],
    change: impl Fn(usize, &str) -> String,
) -> Vec<String> {
    let asked = browser
        .post(&format!("/api/flows/{id}/questions"), json!({}))
        .await
        .expect_status(200);
    asked.body["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let answer = known
                .iter()
                .find(|(question, _)| q == question)
                .map(|(_, a)| a.as_str())
                .expect("a registered question");
            change(i, answer)
        })
        .collect()
}

fn new_password() -> Value {
    json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
}

backend_tests! {
    async fn a_two_method_reset_is_refused_with_one_method_and_accepted_with_an_app_code_as_the_second(app) {
        let email = "two@contoso.example";
        let account = app.sign_up(email, PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::AuthenticatorApp]).await;
        let (_, secret) = register_app(&app, &account).await;
        app.clock.advance_ms(30_000);

        let (browser, id, view) = past_the_email(&app, email).await;
        assert_eq!(view["methods_required"], 2);
        assert_eq!(view["methods_proven"], json!(["email"]));
        assert_eq!(view["methods_missing"], 1, "one more method before the new password");
        assert_eq!(view["method_choices"], json!([{"kind": "authenticator_app", "detail": "Authenticator app"}]));
        let refused = browser
            .post(&format!("/api/flows/{id}/complete"), new_password())
            .await
            .expect_status(409);
        assert_eq!(refused.error().code, "more_methods_required");
        let wrong = browser
            .post(&format!("/api/flows/{id}/prove"), json!({"method": "authenticator_app", "code": app_code(&app, &secret, 3)}))
            .await
            .expect_status(422);
        assert_eq!(wrong.error().code, "invalid_code");
        let code = app_code(&app, &secret, 0);
        let proven = browser
            .post(&format!("/api/flows/{id}/prove"), json!({"method": "authenticator_app", "code": code}))
            .await
            .expect_status(200);
        assert_eq!(proven.body["methods_proven"], json!(["email", "authenticator_app"]));
        assert!(proven.body.get("method_choices").is_none());
        assert!(proven.body.get("methods_missing").is_none(), "nothing missing any more");
        browser
            .post(&format!("/api/flows/{id}/complete"), new_password())
            .await
            .expect_status(200);
        // The same code cannot prove another reset.
        let (other, other_id, _) = past_the_email(&app, email).await;
        let replayed = other
            .post(&format!("/api/flows/{other_id}/prove"), json!({"method": "authenticator_app", "code": code}))
            .await;
        // The next step's code, printed on a failure: if it equals this one (about one run in
        // a million), the replay was rightly taken for it.
        let next = app_code(&app, &secret, 1);
        assert_eq!(replayed.status, 422, "code {code}, the next step's {next}: {}", replayed.text);
    }

    async fn a_flow_takes_ten_tries_at_an_app_code_and_wrong_ones_count_towards_the_lockout(app) {
        let email = "guessed@contoso.example";
        let account = app.sign_up(email, PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::AuthenticatorApp]).await;
        let (_, secret) = register_app(&app, &account).await;
        app.clock.advance_ms(30_000);
        // Someone who reads the mailbox gets past the emailed code, then guesses the app's.
        let (browser, id, _) = past_the_email(&app, email).await;
        let prove = |browser: Browser, id: String, code: String| async move {
            browser
                .post(&format!("/api/flows/{id}/prove"), json!({"method": "authenticator_app", "code": code}))
                .await
        };
        for _ in 0..10 {
            let wrong = prove(browser.clone(), id.clone(), app_code(&app, &secret, 3)).await.expect_status(422);
            assert_eq!(wrong.error().code, "invalid_code");
        }
        // Ten wrong codes locked the account, as ten wrong passwords do.
        assert_eq!(sign_in(&app, email, PASSWORD).await.1.status, 401);
        // The flow has had its ten tries: even the right code is not judged in it.
        let spent = prove(browser.clone(), id.clone(), app_code(&app, &secret, 0)).await.expect_status(410);
        assert_eq!(spent.error().code, "flow_expired");
        // A new flow, with a new emailed code, takes it: the lock does not stop a reset.
        let (again, again_id, _) = past_the_email(&app, email).await;
        let proven = prove(again.clone(), again_id.clone(), app_code(&app, &secret, 0)).await.expect_status(200);
        assert_eq!(proven.body["methods_proven"], json!(["email", "authenticator_app"]));
        again.post(&format!("/api/flows/{again_id}/complete"), new_password()).await.expect_status(200);
        assert_eq!(sign_in(&app, email, NEW_PASSWORD).await.1.status, 200, "the reset unlocked it");
    }

    async fn a_wrong_security_answer_followed_by_right_ones_resets_the_password(app) {
        let email = "answers@contoso.example";
        let account = app.sign_up(email, PASSWORD).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        let known = register_questions(&app, &account).await;
        let (browser, id, view) = past_the_email(&app, email).await;
        assert_eq!(view["method_choices"], json!([{"kind": "security_questions", "detail": "Security questions"}]));
        let first = browser.post(&format!("/api/flows/{id}/questions"), json!({})).await.expect_status(200);
        assert_eq!(first.body["questions"].as_array().expect("list").len(), 3);
        let again = browser.post(&format!("/api/flows/{id}/questions"), json!({})).await.expect_status(200);
        assert_eq!(first.body, again.body, "the same questions on every call");

        let one_wrong = answers_for(&browser, &id, &known, |i, a| if i == 1 { format!("{a}x") } else { a.to_owned() }).await;
        let refused = browser
            .post(&format!("/api/flows/{id}/prove"), json!({"method": "security_questions", "answers": one_wrong}))
            .await
            .expect_status(400);
        assert_eq!(refused.error().code, "invalid_answers");
        let message = refused.error().message;
        assert!(!message.contains("second") && !message.chars().any(|c| c.is_ascii_digit()), "{message}");
        let events = app.dump("audit_log").await.join("\n");
        assert!(events.contains("reset_method_proven"));

        let right = answers_for(&browser, &id, &known, |_, a| a.to_owned()).await;
        browser
            .post(&format!("/api/flows/{id}/prove"), json!({"method": "security_questions", "answers": right}))
            .await
            .expect_status(200);
        browser
            .post(&format!("/api/flows/{id}/complete"), new_password())
            .await
            .expect_status(200);
    }

    async fn case_and_width_variants_of_an_answer_are_accepted_and_spelling_variants_refused(app) {
        let email = "variants@contoso.example";
        let account = app.sign_up(email, PASSWORD).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        let known = register_questions(&app, &account).await;
        let (browser, id, _) = past_the_email(&app, email).await;
        let full_width = |a: &str| -> String {
            a.chars()
                .map(|c| match c {
                    '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                    other => other,
                })
                .collect()
        };
        for spelling in [
            |a: &str| a.replace("number", "numbre"),
            |a: &str| a.replace(' ', "  "),
            |a: &str| format!("{a} "),
        ] {
            let wrong = answers_for(&browser, &id, &known, |_, a| spelling(a)).await;
            browser
                .post(&format!("/api/flows/{id}/prove"), json!({"method": "security_questions", "answers": wrong}))
                .await
                .expect_status(400);
        }
        let variants = answers_for(&browser, &id, &known, |i, a| match i {
            0 => a.to_uppercase(),
            1 => full_width(a),
            _ => a.to_lowercase(),
        })
        .await;
        browser
            .post(&format!("/api/flows/{id}/prove"), json!({"method": "security_questions", "answers": variants}))
            .await
            .expect_status(200);
    }

    async fn unknown_and_known_addresses_answer_identically_through_the_method_choice_step(app) {
        let email = "known.choice@contoso.example";
        let account = app.sign_up(email, PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions, ResetMethod::AuthenticatorApp]).await;
        register_questions(&app, &account).await;
        register_app(&app, &account).await;
        let mut answers_seen = Vec::new();
        for address in [email, "nobody.choice@contoso.example"] {
            let browser = app.browser();
            let start = browser
                .post("/api/flows", json!({"purpose": "password_reset", "email": address}))
                .await
                .expect_status(201);
            let id = start.body["flow_id"].as_str().expect("id").to_owned();
            let shown = browser.get(&format!("/api/flows/{id}")).await;
            let wrong = browser.post(&format!("/api/flows/{id}/verify"), json!({"code": "00000000"})).await;
            let asked = browser.post(&format!("/api/flows/{id}/questions"), json!({})).await;
            let proved = browser
                .post(&format!("/api/flows/{id}/prove"), json!({"method": "authenticator_app", "code": "000000"}))
                .await;
            let finished = browser.post(&format!("/api/flows/{id}/complete"), new_password()).await;
            let mut seen = Vec::new();
            for answer in [&start, &shown, &wrong, &asked, &proved, &finished] {
                let (status, headers, mut body) = comparable(answer);
                if let Some(object) = body.as_object_mut() {
                    object.remove("expires_in_secs");
                    object.remove("resend_after_secs");
                    object.remove("masked_email");
                }
                seen.push((status, headers, body));
            }
            assert!(start.body.get("method_choices").is_none());
            assert_eq!(asked.status, 409);
            answers_seen.push(seen);
        }
        assert_eq!(answers_seen[0], answers_seen[1]);
    }

    async fn security_questions_never_reset_alone_and_a_disabled_method_is_not_offered(app) {
        let email = "alone@contoso.example";
        let account = app.sign_up(email, PASSWORD).await;
        set_method(&app, MethodId::SoftwareOath, true).await;
        set_reset_methods(&app, 1, &[ResetMethod::Email, ResetMethod::SecurityQuestions, ResetMethod::AuthenticatorApp]).await;
        register_questions(&app, &account).await;
        register_app(&app, &account).await;
        // Questions only: refused for every address alike.
        set_reset_methods(&app, 1, &[ResetMethod::SecurityQuestions]).await;
        let refused = app.browser()
            .post("/api/flows", json!({"purpose": "password_reset", "email": email}))
            .await
            .expect_status(403);
        assert_eq!(refused.error().code, "method_disabled");
        // The app turned off: not offered, and its proof is refused with method_disabled.
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions, ResetMethod::AuthenticatorApp]).await;
        set_method(&app, MethodId::SoftwareOath, false).await;
        let (browser, id, view) = past_the_email(&app, email).await;
        assert_eq!(view["method_choices"], json!([{"kind": "security_questions", "detail": "Security questions"}]));
        let off = browser
            .post(&format!("/api/flows/{id}/prove"), json!({"method": "authenticator_app", "code": "123456"}))
            .await
            .expect_status(403);
        assert_eq!(off.error().code, "method_disabled");
    }

    async fn with_email_the_only_method_the_reset_is_unchanged(app) {
        let email = "plain@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let (browser, id, view) = past_the_email(&app, email).await;
        assert_eq!(view["methods_required"], 1);
        assert!(view.get("method_choices").is_none(), "nothing to choose");
        assert!(view.get("methods_missing").is_none(), "nothing missing");
        browser
            .post(&format!("/api/flows/{id}/complete"), new_password())
            .await
            .expect_status(200);
    }
}
