//! "Can't access your account?" (`POST /api/flows/access`) and its on-screen verification code
//! (`POST /api/captcha`): by default required on every try; with `SSPR_CAPTCHA_FREE_TRIES=3`
//! (most of these tests) free for the first 3 tries in 15 minutes from a client or for an
//! address, then required, and `GET /api/flows/access` tells a page beforehand; each code is single use, lives 5 minutes, is stored only
//! as its keyed hash, and its answer is readable only in development mode; a refused answer is
//! audited, and a client makes at most `SSPR_CAPTCHAS_PER_MINUTE` (30) codes a minute.

use crate::backend_tests_with;
use crate::helpers::{Answer, Browser, TestApp, PASSWORD};
use crate::support::{comparable, post_from};
use serde_json::{json, Value};
use sqlx::Row;

/// Development mode (the answers listed at `/api/dev/captchas`), with mail still delivered over
/// SMTP, the client address taken from `X-Forwarded-For`, and `SSPR_CAPTCHA_FREE_TRIES=3`.
fn development(config: &mut sspr_server::Config) {
    config.dev = true;
    config.trust_forwarded_for = true;
    config.captcha_free_tries = 3;
}

/// Development mode with the default `SSPR_CAPTCHA_FREE_TRIES`.
fn by_default(config: &mut sspr_server::Config) {
    config.dev = true;
    config.trust_forwarded_for = true;
}

/// Development mode with `SSPR_CAPTCHA_FREE_TRIES=1`.
fn one_free_try(config: &mut sspr_server::Config) {
    development(config);
    config.captcha_free_tries = 1;
}

/// Development mode with `SSPR_CAPTCHA_FREE_TRIES=0`.
fn no_free_try(config: &mut sspr_server::Config) {
    development(config);
    config.captcha_free_tries = 0;
}

/// Production mode, client addresses from `X-Forwarded-For`, `SSPR_CAPTCHA_FREE_TRIES=3`.
fn production(config: &mut sspr_server::Config) {
    config.trust_forwarded_for = true;
    config.captcha_free_tries = 3;
}

/// `GET /api/flows/access` from client address `ip`: whether a code is asked for beforehand.
async fn prompted(app: &TestApp, browser: &Browser, ip: &str) -> bool {
    let answer = browser
        .client
        .get(app.url("/api/flows/access"))
        .header("x-forwarded-for", ip)
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.expect("json");
    body["captcha_required"].as_bool().expect("a boolean")
}

fn access(email: &str, choice: &str) -> Value {
    json!({"email": email, "choice": choice})
}

/// A try of the entry point from client address `ip`.
async fn try_access(app: &TestApp, browser: &Browser, body: Value, ip: &str) -> Answer {
    post_from(app, browser, "/api/flows/access", body, ip).await
}

/// Uses up the free tries for `email` from `ip`.
async fn use_free_tries(app: &TestApp, browser: &Browser, email: &str, ip: &str) {
    for _ in 0..3 {
        try_access(app, browser, access(email, "reset"), ip)
            .await
            .expect_status(201);
    }
}

/// A new verification code; its id.
async fn new_captcha(browser: &Browser) -> String {
    let made = browser
        .post("/api/captcha", json!({}))
        .await
        .expect_status(201);
    assert_eq!(made.body["length"], 6);
    assert_eq!(made.body["expires_in_secs"], 300);
    made.body["captcha_id"].as_str().expect("an id").to_owned()
}

/// The answer of verification code `id`, as development mode lists it.
async fn dev_answer(browser: &Browser, id: &str) -> String {
    let listed = browser.get("/api/dev/captchas").await.expect_status(200);
    listed
        .body
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["captcha_id"] == id)
        .and_then(|c| c["answer"].as_str())
        .expect("listed")
        .to_owned()
}

/// The answer of verification code `id` found the hard way: every possible answer hashed with
/// the server secret until one matches the stored hash (what nobody without the secret can do).
async fn answer_from_hash(app: &TestApp, id: &str) -> String {
    let row = sqlx::query("SELECT answer_hash FROM captchas WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("stored");
    let stored: String = row.try_get(0).expect("hash");
    for n in 0..9u32.pow(6) {
        let mut rest = n;
        let candidate: String = (0..6)
            .map(|_| {
                let digit = char::from(b'1' + u8::try_from(rest % 9).expect("a digit"));
                rest /= 9;
                digit
            })
            .collect();
        if app.state.secrets.passcode_hash(id, "captcha", &candidate) == stored {
            return candidate;
        }
    }
    panic!("no six-digit answer hashes to the stored value");
}

/// The audited refusals of verification codes: outcome, subject, client address, detail.
async fn failures(app: &TestApp) -> Vec<(String, Option<String>, String, String)> {
    sqlx::query(
        "SELECT outcome, subject, client_ip, detail FROM audit_log WHERE event = 'captcha_failed' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("audit")
    .iter()
    .map(|r| {
        (
            r.try_get(0).expect("outcome"),
            r.try_get(1).expect("subject"),
            r.try_get(2).expect("client"),
            r.try_get(3).expect("detail"),
        )
    })
    .collect()
}

fn with_captcha(email: &str, choice: &str, id: &str, answer: &str) -> Value {
    json!({"email": email, "choice": choice, "captcha_id": id, "captcha_answer": answer})
}

/// A six-digit answer that is not `answer`.
fn wrong(answer: &str) -> String {
    if answer == "111111" {
        "222222".into()
    } else {
        "111111".into()
    }
}

mod configured_tries {
    use super::*;

    backend_tests_with! { one_free_try;
        async fn with_one_free_try_configured_the_second_try_asks_for_a_verification_code(app) {
            let browser = app.browser();
            let email = "once@contoso.example";
            try_access(&app, &browser, access(email, "reset"), "10.7.0.1").await.expect_status(201);
            let second = try_access(&app, &browser, access(email, "reset"), "10.7.0.1").await;
            assert_eq!(second.status, 400, "{}", second.text);
            assert_eq!(second.code(), "captcha_required");
            let id = new_captcha(&browser).await;
            let answer = dev_answer(&browser, &id).await;
            try_access(&app, &browser, with_captcha(email, "reset", &id, &answer), "10.7.0.1")
                .await
                .expect_status(201);
        }
    }

    mod by_default {
        use super::*;

        backend_tests_with! { by_default;
            async fn by_default_the_first_try_asks_for_a_verification_code_and_the_page_knows_beforehand(app) {
                let browser = app.browser();
                assert!(prompted(&app, &browser, "10.9.0.1").await);
                let first = try_access(&app, &browser, access("first@contoso.example", "reset"), "10.9.0.1").await;
                assert_eq!(first.status, 400, "{}", first.text);
                assert_eq!(first.code(), "captcha_required");
                let id = new_captcha(&browser).await;
                let answer = dev_answer(&browser, &id).await;
                try_access(&app, &browser, with_captcha("first@contoso.example", "reset", &id, &answer), "10.9.0.1")
                    .await
                    .expect_status(201);
            }
        }
    }

    mod none {
        use super::*;

        backend_tests_with! { no_free_try;
            async fn with_no_free_tries_configured_every_try_asks_for_a_verification_code(app) {
                let browser = app.browser();
                let first = try_access(&app, &browser, access("first@contoso.example", "unlock"), "10.8.0.1").await;
                assert_eq!(first.status, 400, "{}", first.text);
                assert_eq!(first.code(), "captcha_required");
            }
        }
    }
}

backend_tests_with! { development;
    async fn the_entry_point_asks_for_a_verification_code_only_after_three_tries_in_fifteen_minutes(app) {
        let browser = app.browser();
        let email = "often@contoso.example";
        assert!(!prompted(&app, &browser, "10.1.0.1").await, "free tries left: no picture beforehand");
        use_free_tries(&app, &browser, email, "10.1.0.1").await;
        // Asking counts nothing, and once the client's tries are used the page knows.
        assert!(prompted(&app, &browser, "10.1.0.1").await);
        assert!(!prompted(&app, &browser, "10.1.0.9").await);
        let fourth = try_access(&app, &browser, access(email, "reset"), "10.1.0.1").await;
        assert_eq!(fourth.status, 400, "{}", fourth.text);
        assert_eq!(fourth.code(), "captcha_required");

        // The address counts on its own: from another client it is still required …
        let elsewhere = try_access(&app, &browser, access(email, "unlock"), "10.1.0.2").await;
        assert_eq!(elsewhere.code(), "captcha_required");
        // … and so does the client, for another address.
        let other = try_access(&app, &browser, access("other@contoso.example", "reset"), "10.1.0.1").await;
        assert_eq!(other.code(), "captcha_required");
        // A fresh client for a fresh address goes straight on.
        try_access(&app, &browser, access("fresh@contoso.example", "reset"), "10.1.0.3")
            .await
            .expect_status(201);

        // The plain "Forgot password?" start never asks for one.
        post_from(&app, &browser, "/api/flows", json!({"purpose": "password_reset", "email": email}), "10.1.0.1")
            .await
            .expect_status(201);

        // Fifteen minutes on, the tries are free again.
        app.clock.advance_ms(15 * 60_000);
        try_access(&app, &browser, access(email, "reset"), "10.1.0.1")
            .await
            .expect_status(201);
    }

    async fn a_right_answer_starts_the_chosen_flow_and_the_code_cannot_be_used_twice(app) {
        let browser = app.browser();
        let email = "twice@contoso.example";
        app.sign_up(email, PASSWORD).await;
        // The client's tries (for other addresses) make the code required: no reset mail
        // reaches this account before the unlock's.
        use_free_tries(&app, &browser, "someone@contoso.example", "10.2.0.1").await;
        let id = new_captcha(&browser).await;
        let image = browser.client.get(app.url(&format!("/api/captcha/{id}/image"))).send().await.expect("sent");
        assert_eq!(image.status(), 200);
        assert_eq!(image.headers()["content-type"], "image/png");
        assert_eq!(image.headers()["cache-control"], "no-store");
        assert!(image.bytes().await.expect("bytes").starts_with(b"\x89PNG"));
        let audio = browser.client.get(app.url(&format!("/api/captcha/{id}/audio"))).send().await.expect("sent");
        assert_eq!(audio.status(), 200);
        assert_eq!(audio.headers()["content-type"], "audio/wav");
        assert!(audio.bytes().await.expect("bytes").starts_with(b"RIFF"));

        let answer = dev_answer(&browser, &id).await;
        let started = try_access(&app, &browser, with_captcha(email, "unlock", &id, &answer), "10.2.0.1")
            .await
            .expect_status(201);
        assert_eq!(started.body["purpose"], "unlock");
        assert_eq!(started.body["state"], "code_sent");
        // The unlock flow is the existing one: its code arrives and is accepted.
        let flow = started.body["flow_id"].as_str().expect("flow id");
        let code = app.mailbox.code_for(email).await;
        browser
            .post(&format!("/api/flows/{flow}/verify"), json!({"code": code}))
            .await
            .expect_status(200);

        let again = try_access(&app, &browser, with_captcha(email, "reset", &id, &answer), "10.2.0.1").await;
        assert_eq!(again.status, 400);
        assert_eq!(again.code(), "captcha_invalid");
        assert_eq!(app.get(&format!("/api/captcha/{id}/image")).await.status(), 404, "gone once used");
    }

    async fn a_wrong_answer_is_refused_with_captcha_invalid_and_uses_the_code_up(app) {
        let browser = app.browser();
        let email = "wrong@contoso.example";
        use_free_tries(&app, &browser, email, "10.3.0.1").await;
        let id = new_captcha(&browser).await;
        let answer = dev_answer(&browser, &id).await;
        let refused = try_access(&app, &browser, with_captcha(email, "reset", &id, &wrong(&answer)), "10.3.0.1").await;
        assert_eq!(refused.status, 400, "{}", refused.text);
        assert_eq!(refused.code(), "captcha_invalid");
        // Not even the right answer saves it now.
        let late = try_access(&app, &browser, with_captcha(email, "reset", &id, &answer), "10.3.0.1").await;
        assert_eq!(late.code(), "captcha_invalid");
        // Nonsense is refused the same way, never as a server error.
        for (id, answer) in [("not an id", "123456"), ("", ""), ("a\u{0}b", "12345\u{0}")] {
            let odd = try_access(&app, &browser, with_captcha(email, "reset", id, answer), "10.3.0.1").await;
            assert_eq!(odd.code(), "captcha_invalid", "{id:?}");
        }
        // A new code, answered right (spaces allowed), lets the try through.
        let id = new_captcha(&browser).await;
        let answer = dev_answer(&browser, &id).await;
        let spaced = format!("{} {}", &answer[..3], &answer[3..]);
        try_access(&app, &browser, with_captcha(email, "reset", &id, &spaced), "10.3.0.1")
            .await
            .expect_status(201);
    }

    async fn a_verification_code_expires_after_five_minutes(app) {
        let browser = app.browser();
        let email = "slow@contoso.example";
        use_free_tries(&app, &browser, email, "10.4.0.1").await;
        let kept = new_captcha(&browser).await;
        let late = new_captcha(&browser).await;
        let (kept_answer, late_answer) = (dev_answer(&browser, &kept).await, dev_answer(&browser, &late).await);
        app.clock.advance_ms(5 * 60_000 - 1);
        try_access(&app, &browser, with_captcha(email, "reset", &kept, &kept_answer), "10.4.0.1")
            .await
            .expect_status(201);
        app.clock.advance_ms(1);
        assert_eq!(app.get(&format!("/api/captcha/{late}/audio")).await.status(), 404);
        let expired = try_access(&app, &browser, with_captcha(email, "reset", &late, &late_answer), "10.4.0.1").await;
        assert_eq!(expired.status, 400);
        assert_eq!(expired.code(), "captcha_invalid");
        // The janitor removes it.
        sspr_server::janitor::sweep(&app.state).await.expect("sweep");
        assert_eq!(crate::support::count(&app, "captchas").await, 0);
    }

    async fn known_and_unknown_addresses_get_the_same_answers_at_every_step(app) {
        app.sign_up("a.known@contoso.example", PASSWORD).await;
        let mut answers = Vec::new();
        for (n, email) in ["a.known@contoso.example", "a.unknown@contoso.example"].into_iter().enumerate() {
            let ip = format!("10.5.0.{n}");
            let browser = app.browser();
            let mut steps = Vec::new();
            for _ in 0..3 {
                steps.push(comparable(&try_access(&app, &browser, access(email, "reset"), &ip).await));
            }
            steps.push(comparable(&try_access(&app, &browser, access(email, "unlock"), &ip).await));
            let id = new_captcha(&browser).await;
            let answer = dev_answer(&browser, &id).await;
            steps.push(comparable(&try_access(&app, &browser, with_captcha(email, "reset", &id, &wrong(&answer)), &ip).await));
            let id = new_captcha(&browser).await;
            let answer = dev_answer(&browser, &id).await;
            steps.push(comparable(&try_access(&app, &browser, with_captcha(email, "unlock", &id, &answer), &ip).await));
            answers.push(steps);
        }
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[0][0].0, 201);
        assert_eq!(answers[0][3].0, 400);
        assert_eq!(answers[0][5].0, 201);
    }

    async fn the_entry_point_refuses_a_choice_it_does_not_offer_and_an_address_that_is_not_one(app) {
        let browser = app.browser();
        for body in [
            json!({"email": "a@contoso.example", "choice": "sign_up"}),
            json!({"email": "a@contoso.example"}),
            json!({"email": "not an address", "choice": "reset"}),
        ] {
            let refused = try_access(&app, &browser, body, "10.6.0.1").await;
            assert_eq!(refused.status, 400, "{}", refused.text);
            assert_eq!(refused.code(), "invalid_json");
        }
        assert_eq!(crate::support::count(&app, "flows").await, 0);
    }

    async fn a_refused_answer_is_audited_with_the_client_and_never_the_address(app) {
        let browser = app.browser();
        let email = "audited.try@contoso.example";
        use_free_tries(&app, &browser, email, "10.6.0.1").await;
        // No code at all is not an answer: nothing to audit.
        try_access(&app, &browser, access(email, "unlock"), "10.6.0.1").await;
        assert!(failures(&app).await.is_empty());

        let id = new_captcha(&browser).await;
        let answer = dev_answer(&browser, &id).await;
        let refused = try_access(&app, &browser, with_captcha(email, "unlock", &id, &wrong(&answer)), "10.6.0.1").await;
        assert_eq!(refused.code(), "captcha_invalid");
        let used = try_access(&app, &browser, with_captcha(email, "reset", &id, &answer), "10.6.0.1").await;
        assert_eq!(used.code(), "captcha_invalid");
        let logged = failures(&app).await;
        assert_eq!(logged.len(), 2, "{logged:?}");
        for (outcome, subject, client_ip, detail) in &logged {
            assert_eq!(outcome, "failure");
            assert_eq!(subject, &None, "no address, known or not");
            assert_eq!(client_ip, "10.6.0.1");
            assert!(!detail.contains(&answer), "{detail}");
        }
        let purposes: Vec<&str> = logged.iter().map(|(.., d)| d.as_str()).collect();
        assert!(purposes[0].contains("unlock") && purposes[1].contains("password_reset"), "{purposes:?}");

        // A right answer adds none.
        let id = new_captcha(&browser).await;
        let answer = dev_answer(&browser, &id).await;
        try_access(&app, &browser, with_captcha(email, "reset", &id, &answer), "10.6.0.1")
            .await
            .expect_status(201);
        assert_eq!(failures(&app).await.len(), 2);
    }

    async fn a_client_makes_at_most_thirty_verification_codes_a_minute(app) {
        let browser = app.browser();
        assert_eq!(sspr_server::Config::default().captchas_per_minute, 30);
        for _ in 0..30 {
            post_from(&app, &browser, "/api/captcha", json!({}), "10.7.0.1").await.expect_status(201);
        }
        let refused = post_from(&app, &browser, "/api/captcha", json!({}), "10.7.0.1").await;
        assert_eq!(refused.status, 429, "{}", refused.text);
        assert_eq!(refused.code(), "too_many_requests");
        assert!(refused.headers.get("retry-after").is_some(), "says when to come back");
        let stored = crate::support::count(&app, "captchas").await;
        assert_eq!(stored, 30, "nothing drawn or stored past the limit");
        // Another client is not held back, and the first may go on a minute later.
        post_from(&app, &browser, "/api/captcha", json!({}), "10.7.0.2").await.expect_status(201);
        app.clock.advance_ms(60_000);
        post_from(&app, &browser, "/api/captcha", json!({}), "10.7.0.1").await.expect_status(201);
    }

    async fn development_mode_lists_the_answers_beside_the_outbox(app) {
        let browser = app.browser();
        let id = new_captcha(&browser).await;
        let answer = dev_answer(&browser, &id).await;
        assert_eq!(answer.len(), 6);
        let page = app.get("/dev/outbox").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("page");
        assert!(html.contains(&format!("data-captcha-id=\"{id}\">{answer}<")), "{html}");
    }
}

mod outside_development {
    use super::*;

    backend_tests_with! { production;
        async fn outside_development_mode_no_answer_is_readable_by_any_api_or_page(app) {
            let browser = app.browser();
            let made = browser.post("/api/captcha", json!({})).await.expect_status(201);
            let id = made.body["captcha_id"].as_str().expect("id").to_owned();
            let answer = answer_from_hash(&app, &id).await;

            assert!(!made.text.contains(&answer), "the challenge's body holds no answer");
            for (name, value) in &made.headers {
                assert!(!value.to_str().unwrap_or_default().contains(&answer), "{name}");
            }
            assert_eq!(browser.get("/api/dev/captchas").await.code(), "not_found");
            assert_eq!(app.get("/dev/outbox").await.status(), 404);
            for path in [format!("/api/captcha/{id}/image"), format!("/api/captcha/{id}/audio")] {
                let media = app.get(&path).await;
                assert_eq!(media.status(), 200);
                for (name, value) in media.headers() {
                    assert!(!value.to_str().unwrap_or_default().contains(&answer), "{path} {name}");
                }
            }
            for path in ["/", "/access", "/api/openapi.json"] {
                let page = app.get(path).await.text().await.expect("text");
                assert!(!page.contains(&answer), "{path}");
            }
            // Stored only as the keyed hash (and the rendered media, which hold no text).
            let row = sqlx::query("SELECT answer_hash, image, audio FROM captchas WHERE id = $1")
                .bind(&id)
                .fetch_one(&app.db.pool)
                .await
                .expect("row");
            for column in 0..3 {
                let cell: String = row.try_get(column).expect("text");
                assert!(!cell.contains(&answer), "column {column}");
            }

            // The answer recovered with the secret does work, once.
            let email = "prod@contoso.example";
            use_free_tries(&app, &browser, email, "10.7.0.1").await;
            try_access(&app, &browser, with_captcha(email, "reset", &id, &answer), "10.7.0.1")
                .await
                .expect_status(201);
            let again = try_access(&app, &browser, with_captcha(email, "reset", &id, &answer), "10.7.0.1").await;
            assert_eq!(again.code(), "captcha_invalid");
        }
    }
}

mod timing {
    use super::*;
    use crate::support::ip;
    use std::time::{Duration, Instant};

    /// Samples of each kind (SECURITY.md §2: at least 200).
    const SAMPLES: usize = 200;
    const WARM_UP: usize = 10;

    fn median(mut samples: Vec<Duration>) -> Duration {
        samples.sort();
        samples[samples.len() / 2]
    }

    backend_tests_with! { production;
        async fn the_entry_point_takes_as_long_for_a_known_address_as_for_an_unknown_one(app) {
            let now = crate::support::now(&app);
            for i in 0..SAMPLES + WARM_UP {
                sqlx::query(
                    "INSERT INTO users (id, email, email_canonical, display_name, user_type, \
                                        created_at_ms, updated_at_ms) \
                     VALUES ($1, $2, $2, 'Known', 'member', $3, $3)",
                )
                .bind(format!("known-{i}"))
                .bind(format!("known{i}@contoso.example"))
                .bind(now)
                .execute(&app.db.pool)
                .await
                .expect("insert user");
            }
            let browser = app.browser();
            let (mut known, mut unknown) = (Vec::new(), Vec::new());
            for i in 0..SAMPLES + WARM_UP {
                let pair = [
                    (true, format!("known{i}@contoso.example")),
                    (false, format!("unknown{i}@contoso.example")),
                ];
                let order: Vec<_> = if i % 2 == 0 { pair.iter().collect() } else { pair.iter().rev().collect() };
                for (is_known, email) in order {
                    // Each from a client of its own, so no verification code is asked for.
                    let address = ip(2 * i + usize::from(*is_known));
                    let started = Instant::now();
                    let answer = try_access(&app, &browser, access(email, "reset"), &address).await;
                    let took = started.elapsed();
                    assert_eq!(answer.status, 201, "{}", answer.text);
                    if i >= WARM_UP {
                        if *is_known { known.push(took) } else { unknown.push(took) }
                    }
                }
            }
            let (k, u) = (median(known), median(unknown));
            let difference = k.abs_diff(u);
            eprintln!("access medians: known {k:?}, unknown {u:?}, difference {difference:?}");
            assert!(
                difference < Duration::from_millis(5),
                "medians differ by {difference:?} (known {k:?}, unknown {u:?})"
            );
            assert!(app.mailbox.next_for(&format!("known{WARM_UP}@contoso.example")).await.code().is_some());
            assert_eq!(app.mailbox.count_for(&format!("unknown{WARM_UP}@contoso.example")), 0);
        }
    }
}
