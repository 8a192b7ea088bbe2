//! Concurrency and failure (SECURITY.md §11, §32): attempt counting and consumption are atomic
//! in the database, concurrent requests never fail for each other, and a database that fails
//! during verification means a denial, never a pass.

use crate::backend_tests_with;
use crate::helpers::{check_error_shape, Answer, Browser, TestApp, PASSWORD};
use crate::support::{count, int, ip, other_code, trust_forwarded_for};
use serde_json::{json, Value};
use tokio::task::JoinSet;

/// POSTs `body` to `path` from `browser`, `times` times at once, each from its own client
/// address; returns every answer.
async fn at_once(app: &TestApp, browser: &Browser, path: &str, bodies: Vec<Value>) -> Vec<Answer> {
    let mut set = JoinSet::new();
    // Every request is built first, then all are released together.
    let gate = std::sync::Arc::new(tokio::sync::Barrier::new(bodies.len()));
    for (n, body) in bodies.into_iter().enumerate() {
        let browser = browser.clone();
        let request = browser
            .client
            .post(app.url(path))
            .header("x-sspr-csrf", "1")
            .header("origin", &app.origin)
            .header("x-forwarded-for", ip(1000 + n))
            .json(&body);
        let gate = gate.clone();
        set.spawn(async move {
            gate.wait().await;
            browser.send(request).await
        });
    }
    let mut answers = Vec::new();
    while let Some(answer) = set.join_next().await {
        answers.push(answer.expect("request task"));
    }
    answers
}

fn statuses(answers: &[Answer]) -> Vec<(u16, String)> {
    let mut list: Vec<(u16, String)> = answers
        .iter()
        .map(|a| (a.status, a.body["code"].as_str().unwrap_or("").to_owned()))
        .collect();
    list.sort();
    list
}

backend_tests_with! { trust_forwarded_for;
    async fn sixteen_concurrent_submissions_of_the_right_code_give_exactly_one_success(app) {
        let email = "race@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let sessions_before = count(&app, "sessions").await;
        // A passwordless sign-in: the winner gets a session, so a double success would show.
        let browser = app.browser();
        let id = app.start_flow(&browser, "passwordless", email).await;
        let code = app.mailbox.code_for(email).await;
        let answers = at_once(&app, &browser, &format!("/api/flows/{id}/verify"), vec![json!({"code": code}); 16]).await;
        let winners: Vec<&Answer> = answers.iter().filter(|a| a.status == 200).collect();
        assert_eq!(winners.len(), 1, "{:?}", statuses(&answers));
        for answer in &answers {
            if answer.status != 200 {
                assert!(
                    answer.status == 400 || answer.status == 409,
                    "{} {}",
                    answer.status,
                    answer.text
                );
                check_error_shape(&answer.body, &answer.headers);
                assert!(answer.set_cookies().iter().all(|c| !c.starts_with("__Host-sspr_session")));
            }
        }
        assert!(winners[0].set_cookies().iter().any(|c| c.starts_with("__Host-sspr_session=")));
        assert_eq!(count(&app, "sessions").await, sessions_before + 1, "exactly one new session");
        let successes = count(&app, "audit_log WHERE event = 'passcode_verified' AND outcome = 'success'").await;
        assert_eq!(successes, 2, "the sign-up's code and this one");
    }

    async fn fifty_concurrent_wrong_codes_are_evaluated_at_most_five_times(app) {
        let email = "swarm@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let user_id = crate::support::int(&app, "SELECT COUNT(*) FROM users WHERE email_canonical = $1", email).await;
        assert_eq!(user_id, 1);
        let browser = app.browser();
        let id = app.start_flow(&browser, "password_reset", email).await;
        let code = app.mailbox.code_for(email).await;
        let wrong = other_code(&code);
        let answers = at_once(&app, &browser, &format!("/api/flows/{id}/verify"), vec![json!({"code": wrong}); 50]).await;
        let evaluated = answers.iter().filter(|a| a.body["code"] == "invalid_code").count();
        assert!(evaluated <= 5, "{evaluated} evaluated: {:?}", statuses(&answers));
        for answer in &answers {
            assert_eq!(answer.status, 400, "{}", answer.text);
            let code = answer.code();
            assert!(code == "invalid_code" || code == "code_expired", "{code}");
        }
        let attempts = int(&app, "SELECT attempts FROM passcodes WHERE flow_id = $1", &id).await;
        assert!(attempts <= 5, "{attempts} tries counted");
        let failures = count(&app, "audit_log WHERE event = 'passcode_verified' AND outcome = 'failure'").await;
        assert!(failures <= 5, "{failures} failures evaluated");
        assert_eq!(failures, i64::try_from(evaluated).expect("small"));
        // The code is dead now, even the right one.
        let answer = browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
            .await
            .expect_status(400);
        assert_eq!(answer.code(), "code_expired");
    }

    async fn thirty_concurrent_wrong_app_codes_in_one_reset_are_judged_at_most_ten_times(app) {
        use crate::methods_support::{app_code, past_the_email, register_app, set_method, set_reset_methods};
        let email = "app.swarm@contoso.example";
        let account = app.sign_up(email, PASSWORD).await;
        set_method(&app, sspr_api::graph::MethodId::SoftwareOath, true).await;
        set_reset_methods(&app, 2, &[sspr_api::ResetMethod::Email, sspr_api::ResetMethod::AuthenticatorApp]).await;
        let (_, secret) = register_app(&app, &account).await;
        app.clock.advance_ms(30_000);
        let (browser, id, _) = past_the_email(&app, email).await;
        let wrong = json!({"method": "authenticator_app", "code": app_code(&app, &secret, 3)});
        let answers = at_once(&app, &browser, &format!("/api/flows/{id}/prove"), vec![wrong; 30]).await;
        // Each try is counted before it is judged: ten are judged, the rest find the flow spent.
        let judged = answers.iter().filter(|a| a.status == 422).count();
        let spent = answers.iter().filter(|a| a.status == 410).count();
        assert_eq!((judged, spent), (10, 20), "{:?}", statuses(&answers));
    }

    async fn concurrent_flow_starts_and_sign_ins_never_fail_for_each_other(app) {
        // Twelve accounts; their flows start at once while the mail worker delivers, and their
        // owners sign in at once. On SQLite a transaction that read before writing used to fail
        // with SQLITE_BUSY_SNAPSHOT (a 500) when another connection committed in between.
        let mut emails = Vec::new();
        for i in 0..12 {
            let email = format!("crowd{i}@contoso.example");
            sqlx::query(
                "INSERT INTO users (id, email, email_canonical, display_name, user_type, \
                                    created_at_ms, updated_at_ms) \
                 VALUES ($1, $2, $2, 'Crowd', 'member', $3, $3)",
            )
            .bind(format!("crowd-{i}"))
            .bind(&email)
            .bind(crate::support::now(&app))
            .execute(&app.db.pool)
            .await
            .expect("insert");
            emails.push(email);
        }
        for round in 0..3 {
            let purposes = ["password_reset", "unlock", "sign_up"];
            let bodies = emails
                .iter()
                .map(|e| json!({"purpose": purposes[round], "email": e}))
                .collect();
            let answers = at_once(&app, &app.browser(), "/api/flows", bodies).await;
            for answer in &answers {
                assert_eq!(answer.status, 201, "round {round}: {}", answer.text);
            }
            app.clock.advance_ms(60_000);
        }
        // Each address gets a reset code, an unlock code and an "already have an account"
        // notice; the worker delivers a batch concurrently, so in any order.
        for email in &emails {
            let mut with_code = 0;
            for _ in 0..3 {
                if app.mailbox.next_for(email).await.code().is_some() {
                    with_code += 1;
                }
            }
            assert_eq!(with_code, 2, "{email}");
        }
        let bodies = emails
            .iter()
            .map(|e| json!({"email": e, "password": "a wrong password for the crowd"}))
            .collect();
        let answers = at_once(&app, &app.browser(), "/api/session", bodies).await;
        for answer in &answers {
            assert_eq!(answer.status, 401, "{}", answer.text);
        }
    }

    async fn a_verification_with_the_database_gone_is_a_denial(app) {
        let email = "closed@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "passwordless", email).await;
        let code = app.mailbox.code_for(email).await;
        app.db.pool.close().await;
        let answer = browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
            .await;
        assert_eq!(answer.status, 503, "{}", answer.text);
        assert_eq!(answer.code(), "database_unavailable");
        assert!(answer.set_cookies().is_empty(), "no session: {:?}", answer.set_cookies());
        for path in ["/api/session", "/api/sessions"] {
            let answer = browser.get(path).await;
            assert_eq!(answer.status, 503, "{path}: {}", answer.text);
        }
        let sign_in = browser
            .post("/api/session", json!({"email": email, "password": PASSWORD}))
            .await;
        assert_eq!(sign_in.status, 503, "{}", sign_in.text);
        assert!(sign_in.set_cookies().is_empty());
    }

    async fn a_database_failure_in_the_middle_of_verification_grants_nothing_and_uses_nothing(app) {
        let email = "midway@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "passwordless", email).await;
        let code = app.mailbox.code_for(email).await;
        // The code is right and counted, but the session cannot be written.
        sqlx::query("DROP TABLE sessions").execute(&app.db.pool).await.expect("drop");
        let answer = browser
            .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
            .await;
        assert!(answer.status >= 500, "{} {}", answer.status, answer.text);
        check_error_shape(&answer.body, &answer.headers);
        assert!(answer.set_cookies().is_empty());
        // Nothing of the success survived: the flow still waits for its code, which is unused.
        let state: String = sqlx::query_scalar("SELECT state FROM flows WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.db.pool)
            .await
            .expect("flow");
        assert_eq!(state, "code_sent");
        assert_eq!(count(&app, &format!("passcodes WHERE flow_id = '{id}' AND used_at_ms IS NOT NULL")).await, 0);
        assert_eq!(count(&app, "audit_log WHERE event = 'passcode_verified' AND outcome = 'success'").await, 1);
    }
}
