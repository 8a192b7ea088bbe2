//! Email passcodes (SECURITY.md §7–§10, §12): eight digits, single use, bound to one flow and
//! purpose, stored only as a keyed hash, expiring to the millisecond, five tries each, and at most
//! 100 failures in a row per address whatever the resends.

use crate::helpers::{Answer, Browser, TestApp, PASSWORD};
use crate::support::{other_code, set_cookie_value, TABLES};
use serde_json::json;

async fn verify(browser: &Browser, id: &str, code: &str) -> Answer {
    browser
        .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
        .await
}

/// The next message to `to` that carries a code (skipping invitations and notices).
async fn next_code(app: &TestApp, to: &str) -> (String, String) {
    loop {
        let message = app.mailbox.next_for(to).await;
        if let Some(code) = message.code() {
            return (code, crate::support::decoded(&message.data));
        }
    }
}

mod codes {
    use super::*;
    use crate::backend_tests;
    use sspr_api::Email;
    use sspr_server::identity::invitations;

    backend_tests! {
        async fn a_code_has_eight_digits_and_works_once(app) {
            let email = "once@contoso.example";
            app.sign_up(email, PASSWORD).await;
            let browser = app.browser();
            let start = browser
                .post("/api/flows", json!({"purpose": "password_reset", "email": email}))
                .await
                .expect_status(201);
            assert_eq!(start.body["code_length"], 8);
            let id = start.body["flow_id"].as_str().expect("id").to_owned();
            let code = app.mailbox.code_for(email).await;
            assert_eq!(code.len(), 8);
            assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
            verify(&browser, &id, &code).await.expect_status(200);
            // Replayed in the same flow: the step is over.
            let replay = verify(&browser, &id, &code).await.expect_status(409);
            assert_eq!(replay.code(), "flow_wrong_state");
            let done = browser
                .post(
                    &format!("/api/flows/{id}/complete"),
                    json!({"password": "a brand new passphrase 2026", "password_confirm": "a brand new passphrase 2026"}),
                )
                .await
                .expect_status(200);
            assert!(!done.text.contains(&code));
            let replay = verify(&browser, &id, &code).await;
            assert_eq!(replay.status, 409, "{}", replay.text);
            // Replayed in a new flow of the same purpose: that flow has its own code.
            let fresh = app.start_flow(&browser, "password_reset", email).await;
            let (fresh_code, _) = next_code(&app, email).await;
            if fresh_code != code {
                let answer = verify(&browser, &fresh, &code).await.expect_status(400);
                assert_eq!(answer.code(), "invalid_code");
            }
        }

        async fn a_reset_code_fails_in_another_flow_of_another_purpose_and_for_a_guest_flow(app) {
            let email = "bound@contoso.example";
            app.sign_up(email, PASSWORD).await;
            let browser = app.browser();
            let reset = app.start_flow(&browser, "password_reset", email).await;
            let reset_code = app.mailbox.code_for(email).await;
            let other_reset = app.start_flow(&browser, "password_reset", email).await;
            let other_reset_code = app.mailbox.code_for(email).await;
            let unlock = app.start_flow(&browser, "unlock", email).await;
            let unlock_code = app.mailbox.code_for(email).await;
            let guest = app.start_flow(&browser, "guest", email).await;
            for (what, id, own) in [
                ("another reset flow", &other_reset, Some(&other_reset_code)),
                ("an unlock flow", &unlock, Some(&unlock_code)),
                ("a guest flow", &guest, None),
            ] {
                if own == Some(&reset_code) {
                    continue; // the one-in-10^8 case of two equal codes proves nothing
                }
                let answer = verify(&browser, id, &reset_code).await;
                assert_eq!(answer.status, 400, "{what}: {}", answer.text);
                assert_eq!(answer.code(), "invalid_code", "{what}");
            }
            // Each flow's own code still works, and the reset code in its own flow.
            verify(&browser, &other_reset, &other_reset_code).await.expect_status(200);
            verify(&browser, &unlock, &unlock_code).await.expect_status(200);
            verify(&browser, &reset, &reset_code).await.expect_status(200);
        }

        async fn no_code_token_or_password_is_stored_in_any_table_or_shown_in_any_answer(app) {
            let mut secrets: Vec<String> = vec![PASSWORD.into()];
            let mut answers: Vec<String> = Vec::new();
            let email = "dump@contoso.example";
            let signed_up = app.sign_up(email, PASSWORD).await;
            secrets.extend(signed_up.cookie("__Host-sspr_session"));
            secrets.extend(signed_up.cookie("__Host-sspr_flow"));
            // A reset carried through, a sign-in, flows of every purpose left open, a guest.
            let browser = app.browser();
            let start = browser
                .post("/api/flows", json!({"purpose": "password_reset", "email": email}))
                .await
                .expect_status(201);
            answers.push(start.text.clone());
            let id = start.body["flow_id"].as_str().expect("id").to_owned();
            let code = app.mailbox.code_for(email).await;
            secrets.push(code.clone());
            answers.push(verify(&browser, &id, &code).await.expect_status(200).text);
            let new_password = "a passphrase never stored 42";
            secrets.push(new_password.into());
            let done = browser
                .post(
                    &format!("/api/flows/{id}/complete"),
                    json!({"password": new_password, "password_confirm": new_password}),
                )
                .await
                .expect_status(200);
            answers.push(done.text.clone());
            secrets.extend(set_cookie_value(&done, "__Host-sspr_session"));
            let signed_in = app.browser();
            let answer = signed_in
                .post("/api/session", json!({"email": email, "password": new_password}))
                .await
                .expect_status(200);
            answers.push(answer.text.clone());
            secrets.extend(set_cookie_value(&answer, "__Host-sspr_session"));
            for purpose in ["password_reset", "unlock", "passwordless"] {
                let open = app.browser();
                let answer = open
                    .post("/api/flows", json!({"purpose": purpose, "email": email}))
                    .await
                    .expect_status(201);
                answers.push(answer.text.clone());
                secrets.extend(open.cookie("__Host-sspr_flow"));
                secrets.push(next_code(&app, email).await.0);
            }
            let newcomer = app.browser();
            let answer = newcomer
                .post("/api/flows", json!({"purpose": "sign_up", "email": "newcomer@contoso.example"}))
                .await
                .expect_status(201);
            answers.push(answer.text.clone());
            secrets.push(app.mailbox.code_for("newcomer@contoso.example").await);
            let guest = Email::parse("dump.guest@partner.example").expect("email");
            let invited = invitations::invite(&app.state, "test", &guest, None, "/account")
                .await
                .expect("invited");
            let token = crate::support::invitation_token(&invited.link);
            secrets.push(token.clone());
            let guest_browser = app.browser();
            let answer = guest_browser
                .post("/api/flows", json!({"purpose": "guest", "invitation": token}))
                .await
                .expect_status(201);
            let guest_id = answer.body["flow_id"].as_str().expect("id").to_owned();
            let (guest_code, _) = next_code(&app, guest.as_str()).await;
            secrets.push(guest_code.clone());
            let answer = verify(&guest_browser, &guest_id, &guest_code).await.expect_status(200);
            answers.push(answer.text.clone());
            secrets.extend(set_cookie_value(&answer, "__Host-sspr_session"));
            answers.push(signed_in.get("/api/sessions").await.expect_status(200).text);
            answers.push(signed_in.get("/api/session").await.expect_status(200).text);

            assert!(secrets.len() >= 12, "{secrets:?}");
            for secret in &secrets {
                assert!(secret.len() >= 8, "{secret}");
                for table in TABLES {
                    for cell in app.dump(table).await {
                        // Times are digits too: an 8-digit code may not *be* a cell, and no other
                        // cell may contain it.
                        let numeric = cell.bytes().all(|b| b.is_ascii_digit());
                        let leaks = if numeric { cell == *secret } else { cell.contains(secret.as_str()) };
                        assert!(!leaks, "{table} holds the secret {secret:?} in {cell:?}");
                    }
                }
                for answer in &answers {
                    assert!(!answer.contains(secret.as_str()), "an answer shows {secret:?}: {answer}");
                }
            }
        }

        async fn a_code_is_accepted_a_millisecond_before_it_expires_and_refused_a_millisecond_after(app) {
            let (first, second) = ("early@contoso.example", "late@contoso.example");
            let (a, b) = (app.browser(), app.browser());
            let first_id = app.start_flow(&a, "sign_up", first).await;
            let second_id = app.start_flow(&b, "sign_up", second).await;
            let (first_code, text) = next_code(&app, first).await;
            assert!(text.contains("expires in 10 minutes"), "{text}");
            let (second_code, _) = next_code(&app, second).await;
            app.clock.advance_ms(10 * 60_000 - 1);
            verify(&a, &first_id, &first_code).await.expect_status(200);
            app.clock.advance_ms(2);
            let answer = verify(&b, &second_id, &second_code).await.expect_status(400);
            assert_eq!(answer.code(), "code_expired");
            assert_eq!(answer.error().attempts_left, Some(0));
        }

        async fn a_guest_code_lives_thirty_minutes(app) {
            let guests = ["early.guest@partner.example", "late.guest@partner.example"];
            let mut flows = Vec::new();
            for guest in guests {
                let email = Email::parse(guest).expect("email");
                let invited = invitations::invite(&app.state, "test", &email, None, "/account")
                    .await
                    .expect("invited");
                let browser = app.browser();
                let answer = browser
                    .post("/api/flows", json!({"purpose": "guest", "invitation": crate::support::invitation_token(&invited.link)}))
                    .await
                    .expect_status(201);
                flows.push((browser, answer.body["flow_id"].as_str().expect("id").to_owned()));
            }
            let (first_code, text) = next_code(&app, guests[0]).await;
            assert!(text.contains("expires in 30 minutes"), "{text}");
            let (second_code, _) = next_code(&app, guests[1]).await;
            app.clock.advance_ms(30 * 60_000 - 1);
            verify(&flows[0].0, &flows[0].1, &first_code).await.expect_status(200);
            app.clock.advance_ms(2);
            let answer = verify(&flows[1].0, &flows[1].1, &second_code).await.expect_status(400);
            assert_eq!(answer.code(), "code_expired");
        }

        async fn five_wrong_tries_kill_the_code(app) {
            let email = "five@contoso.example";
            app.sign_up(email, PASSWORD).await;
            let browser = app.browser();
            let id = app.start_flow(&browser, "password_reset", email).await;
            let code = app.mailbox.code_for(email).await;
            for left in (0..5).rev() {
                let answer = verify(&browser, &id, &other_code(&code)).await.expect_status(400);
                let error = answer.error();
                assert_eq!(error.code, "invalid_code");
                assert_eq!(error.attempts_left, Some(left));
            }
            let answer = verify(&browser, &id, &code).await.expect_status(400);
            assert_eq!(answer.code(), "code_expired");
            assert_eq!(answer.error().attempts_left, Some(0));
        }

        async fn a_resend_makes_a_new_code_and_kills_the_old_one_with_tries_left(app) {
            let email = "resent@contoso.example";
            app.sign_up(email, PASSWORD).await;
            let browser = app.browser();
            let id = app.start_flow(&browser, "password_reset", email).await;
            let old = app.mailbox.code_for(email).await;
            app.clock.advance_ms(60_000);
            let resent = browser
                .post(&format!("/api/flows/{id}/resend"), json!({}))
                .await
                .expect_status(200);
            assert_eq!(resent.body["flow_id"], id);
            assert_eq!(resent.body["resend_after_secs"], 60);
            let new = app.mailbox.code_for(email).await;
            if new != old {
                let answer = verify(&browser, &id, &old).await.expect_status(400);
                assert_eq!(answer.code(), "invalid_code");
                // The try counted against the new code.
                assert_eq!(answer.error().attempts_left, Some(4));
            }
            verify(&browser, &id, &new).await.expect_status(200);
        }

        async fn a_code_that_is_not_eight_digits_is_refused_without_using_a_try(app) {
            let email = "format@contoso.example";
            app.sign_up(email, PASSWORD).await;
            let browser = app.browser();
            let id = app.start_flow(&browser, "password_reset", email).await;
            let code = app.mailbox.code_for(email).await;
            for bad in ["", "1234567", "123456789", "abcdefgh", "１２３４５６７８", "12345678' OR '1'='1"] {
                let answer = verify(&browser, &id, bad).await;
                assert_eq!(answer.status, 422, "{bad}: {}", answer.text);
                assert_eq!(answer.code(), "invalid_code");
            }
            let wrong = verify(&browser, &id, &other_code(&code)).await.expect_status(400);
            assert_eq!(wrong.error().attempts_left, Some(4));
            // Pasted with a space or a dash, the right code works.
            let pasted = format!("{} {}", &code[..4], &code[4..]);
            verify(&browser, &id, &pasted).await.expect_status(200);
        }
    }
}

mod account_failures {
    use super::*;
    use crate::backend_tests_with;
    use crate::support::{ip, post_from, trust_forwarded_for};

    backend_tests_with! { trust_forwarded_for;
        async fn resends_never_reset_the_failure_count_and_a_hundred_failures_stop_all_checks(app) {
            let email = "hundred@contoso.example";
            app.sign_up(email, PASSWORD).await;
            let browser = app.browser();
            let mut request = 0;
            let mut failures = 0;
            let mut flow = String::new();
            // Twenty codes (four flows, each with four resends), five wrong tries each, every try
            // from another client address so that only the per-address count can stop them.
            for n in 0..20 {
                // Spaced so the ten-per-ten-minutes send cap never suppresses a code.
                app.clock.advance_ms(61_000);
                if n % 5 == 0 {
                    flow = app.start_flow(&browser, "password_reset", email).await;
                } else {
                    browser
                        .post(&format!("/api/flows/{flow}/resend"), json!({}))
                        .await
                        .expect_status(200);
                }
                let code = app.mailbox.code_for(email).await;
                for _ in 0..5 {
                    request += 1;
                    let answer = post_from(
                        &app,
                        &browser,
                        &format!("/api/flows/{flow}/verify"),
                        json!({"code": other_code(&code)}),
                        &ip(request),
                    )
                    .await;
                    assert_eq!(answer.status, 400, "failure {failures}: {}", answer.text);
                    assert_eq!(answer.code(), "invalid_code");
                    failures += 1;
                }
            }
            assert_eq!(failures, 100);
            // A fresh code, the right one, from a fresh address: refused all the same.
            app.clock.advance_ms(61_000);
            browser
                .post(&format!("/api/flows/{flow}/resend"), json!({}))
                .await
                .expect_status(200);
            let code = app.mailbox.code_for(email).await;
            let answer = post_from(
                &app,
                &browser,
                &format!("/api/flows/{flow}/verify"),
                json!({"code": code}),
                &ip(request + 1),
            )
            .await
            .expect_status(429);
            assert_eq!(answer.code(), "too_many_requests");
            assert!(answer.error().retry_after_secs.is_some_and(|s| s > 3600));
            // A new flow does not help either, while another address is unaffected.
            let other = app.browser();
            let id = app.start_flow(&other, "password_reset", email).await;
            let code = app.mailbox.code_for(email).await;
            let answer = post_from(&app, &other, &format!("/api/flows/{id}/verify"), json!({"code": code}), &ip(request + 2)).await;
            assert_eq!(answer.status, 429, "{}", answer.text);
            let bystander = "bystander@contoso.example";
            let id = app.start_flow(&other, "sign_up", bystander).await;
            let code = app.mailbox.code_for(bystander).await;
            post_from(&app, &other, &format!("/api/flows/{id}/verify"), json!({"code": code}), &ip(request + 3))
                .await
                .expect_status(200);
        }

        async fn a_right_code_ends_the_run_of_failures(app) {
            let email = "run@contoso.example";
            app.sign_up(email, PASSWORD).await;
            let browser = app.browser();
            let mut request = 0;
            // 95 failures, then a right code, then 95 more: never 100 in a row, never blocked.
            for round in 0..2 {
                let mut flow = String::new();
                for n in 0..19 {
                    app.clock.advance_ms(61_000);
                    if n % 5 == 0 {
                        flow = app.start_flow(&browser, "password_reset", email).await;
                    } else {
                        browser.post(&format!("/api/flows/{flow}/resend"), json!({})).await.expect_status(200);
                    }
                    let code = app.mailbox.code_for(email).await;
                    for _ in 0..5 {
                        request += 1;
                        post_from(&app, &browser, &format!("/api/flows/{flow}/verify"), json!({"code": other_code(&code)}), &ip(request))
                            .await
                            .expect_status(400);
                    }
                }
                app.clock.advance_ms(61_000);
                let id = app.start_flow(&browser, "password_reset", email).await;
                let code = app.mailbox.code_for(email).await;
                request += 1;
                let answer = post_from(&app, &browser, &format!("/api/flows/{id}/verify"), json!({"code": code}), &ip(request)).await;
                assert_eq!(answer.status, 200, "round {round}: {}", answer.text);
            }
        }
    }
}
