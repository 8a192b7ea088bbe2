//! Account enumeration (SECURITY.md §1, §2): every public endpoint answers alike — status,
//! headers, cookies and body — whether the address has an account, has none, or has a locked or
//! disabled one; and it takes as long.

use crate::helpers::TestApp;
use crate::support::{comparable, exec, lock, sign_in, WRONG_PASSWORD};
use serde_json::json;

/// Four addresses that mask alike (`a•••@contoso.example`): an account, none, a locked
/// account and a disabled one.
const EXISTING: &str = "a.existing@contoso.example";
const UNKNOWN: &str = "a.unknown@contoso.example";
const LOCKED: &str = "a.locked@contoso.example";
const DISABLED: &str = "a.disabled@contoso.example";
const STATES: [(&str, &str); 4] = [
    ("existing", EXISTING),
    ("unknown", UNKNOWN),
    ("locked", LOCKED),
    ("disabled", DISABLED),
];

async fn four_accounts(app: &TestApp) {
    for email in [EXISTING, LOCKED, DISABLED] {
        app.sign_up(email, crate::helpers::PASSWORD).await;
    }
    lock(app, LOCKED).await;
    exec(
        app,
        "UPDATE users SET disabled = 1 WHERE email_canonical = $1",
        DISABLED,
    )
    .await;
}

/// Whether `email`'s account is locked now.
async fn is_locked(app: &TestApp, email: &str) -> bool {
    crate::support::int(
        app,
        "SELECT locked_until_ms FROM users WHERE email_canonical = $1",
        email,
    )
    .await
        > crate::support::now(app)
}

mod answers {
    use super::*;
    use crate::backend_tests_with;
    use crate::support::{ip, post_from, trust_forwarded_for};

    backend_tests_with! { trust_forwarded_for;
        async fn starting_any_flow_answers_alike_for_existing_unknown_locked_and_disabled_accounts(app) {
            four_accounts(&app).await;
            let purposes = ["password_reset", "guest", "passwordless", "sign_up", "unlock"];
            for (n, purpose) in purposes.into_iter().enumerate() {
                // Each purpose from its own client address, well under every limit.
                let mut answers = Vec::new();
                for (state, email) in STATES {
                    let answer = post_from(
                        &app,
                        &app.browser(),
                        "/api/flows",
                        json!({"purpose": purpose, "email": email}),
                        &ip(n),
                    )
                    .await;
                    assert_eq!(answer.status, 201, "{purpose} {state}: {}", answer.text);
                    assert!(
                        answer.set_cookies().iter().any(|c| c.starts_with("__Host-sspr_flow=")),
                        "{purpose} {state}: the binding cookie is set"
                    );
                    answers.push((state, comparable(&answer)));
                }
                let (first_state, first) = &answers[0];
                for (state, answer) in &answers[1..] {
                    assert_eq!(
                        answer, first,
                        "{purpose}: the {state} account answers unlike the {first_state} one"
                    );
                }
            }
            // The answers were alike, but the work was real: the locked account (still locked) can
            // reset.
            assert!(is_locked(&app, LOCKED).await);
            let reset = app.mailbox.next_for(LOCKED).await;
            assert!(reset.code().is_some(), "{}", reset.subject());
        }

        async fn sign_in_answers_alike_for_existing_unknown_locked_and_disabled_accounts(app) {
            four_accounts(&app).await;
            assert!(is_locked(&app, LOCKED).await);
            let mut answers = Vec::new();
            for (state, email) in STATES {
                let (_, answer) = sign_in(&app, email, WRONG_PASSWORD).await;
                assert_eq!(answer.status, 401, "{state}: {}", answer.text);
                assert_eq!(answer.code(), "invalid_credentials");
                answers.push((state, comparable(&answer)));
            }
            // The right password of a locked or disabled account answers as a wrong one does.
            for (state, email) in [("locked, right password", LOCKED), ("disabled, right password", DISABLED)] {
                let (browser, answer) = sign_in(&app, email, crate::helpers::PASSWORD).await;
                assert!(answer.set_cookies().is_empty(), "{state}: no cookie");
                assert_eq!(browser.cookie("__Host-sspr_session"), None);
                answers.push((state, comparable(&answer)));
            }
            let (first_state, first) = &answers[0];
            for (state, answer) in &answers[1..] {
                assert_eq!(answer, first, "sign-in: {state} answers unlike {first_state}");
            }
        }

        async fn sign_up_for_a_taken_address_answers_like_a_new_one_and_mails_a_notice_without_a_code(app) {
            app.sign_up(EXISTING, crate::helpers::PASSWORD).await;
            let taken = app.browser();
            let taken_answer = taken
                .post("/api/flows", json!({"purpose": "sign_up", "email": EXISTING}))
                .await
                .expect_status(201);
            let fresh_answer = app
                .browser()
                .post("/api/flows", json!({"purpose": "sign_up", "email": UNKNOWN}))
                .await
                .expect_status(201);
            assert_eq!(comparable(&taken_answer), comparable(&fresh_answer));

            let notice = app.mailbox.next_for(EXISTING).await;
            assert!(
                notice.subject().contains("already have an account"),
                "{}",
                notice.subject()
            );
            assert!(notice.code().is_none(), "the notice holds no code");
            assert_eq!(notice.to, vec![EXISTING.to_owned()]);
            let fresh = app.mailbox.next_for(UNKNOWN).await;
            assert!(fresh.code().is_some(), "a new address gets a code");

            // No code can complete the sign-up of a taken address, and the verify answer is the
            // ordinary wrong-code answer.
            let id = taken_answer.body["flow_id"].as_str().expect("id");
            let answer = taken
                .post(&format!("/api/flows/{id}/verify"), json!({"code": "12345678"}))
                .await
                .expect_status(400);
            assert_eq!(answer.code(), "invalid_code");
            assert_eq!(answer.error().attempts_left, Some(4));
        }
    }
}

mod timing {
    use super::*;
    use crate::backend_tests_with;
    use crate::support::{ip, post_from, trust_forwarded_for};
    use std::time::{Duration, Instant};

    /// Samples of each kind (SECURITY.md §2: at least 200).
    const SAMPLES: usize = 200;
    const WARM_UP: usize = 10;

    fn median(mut samples: Vec<Duration>) -> Duration {
        samples.sort();
        samples[samples.len() / 2]
    }

    backend_tests_with! { trust_forwarded_for;
        async fn starting_a_reset_takes_as_long_for_a_known_address_as_for_an_unknown_one(app) {
            // One account per known sample, so that the per-address send cap never turns a
            // known address into a suppressed one: every known sample really queues a code.
            let now = crate::support::now(&app);
            for i in 0..SAMPLES + WARM_UP {
                let email = format!("known{i}@contoso.example");
                sqlx::query(
                    "INSERT INTO users (id, email, email_canonical, display_name, user_type, \
                                        created_at_ms, updated_at_ms) \
                     VALUES ($1, $2, $2, 'Known', 'member', $3, $3)",
                )
                .bind(format!("known-{i}"))
                .bind(&email)
                .bind(now)
                .execute(&app.db.pool)
                .await
                .expect("insert user");
            }
            let browser = app.browser();
            let mut known = Vec::new();
            let mut unknown = Vec::new();
            for i in 0..SAMPLES + WARM_UP {
                let pair = [
                    (true, format!("known{i}@contoso.example")),
                    (false, format!("unknown{i}@contoso.example")),
                ];
                // Alternate which goes first, so neither kind always follows the other.
                let order: Vec<_> = if i % 2 == 0 { pair.iter().collect() } else { pair.iter().rev().collect() };
                for (is_known, email) in order {
                    let address = ip(2 * i + usize::from(*is_known));
                    let started = Instant::now();
                    let answer = post_from(
                        &app,
                        &browser,
                        "/api/flows",
                        json!({"purpose": "password_reset", "email": email}),
                        &address,
                    )
                    .await;
                    let took = started.elapsed();
                    assert_eq!(answer.status, 201, "{}", answer.text);
                    if i >= WARM_UP {
                        if *is_known { known.push(took) } else { unknown.push(took) }
                    }
                }
            }
            assert_eq!(known.len(), SAMPLES);
            assert_eq!(unknown.len(), SAMPLES);
            let (k, u) = (median(known), median(unknown));
            let difference = k.abs_diff(u);
            eprintln!("reset start medians: known {k:?}, unknown {u:?}, difference {difference:?}");
            assert!(
                difference < Duration::from_millis(5),
                "medians differ by {difference:?} (known {k:?}, unknown {u:?})"
            );
            // The known samples did the real work: their codes arrive.
            for i in [WARM_UP, WARM_UP + SAMPLES / 2, WARM_UP + SAMPLES - 1] {
                let mail = app.mailbox.next_for(&format!("known{i}@contoso.example")).await;
                assert!(mail.code().is_some());
            }
            assert_eq!(app.mailbox.count_for(&format!("unknown{WARM_UP}@contoso.example")), 0);
        }
    }
}
