//! Registering a mobile phone on the security info page (seed 003, SECURITY 26): the number
//! normalised to E.164, verified with a code sent by text or call through the phone provider
//! (here the development outbox, read from the database) before it counts, shown masked; the
//! country allow-list and the daily caps hold sends back with the same answer; and the policy
//! decides whether it may be added at all.

use crate::backend_tests;
use crate::helpers::{TestApp, PASSWORD};
use crate::methods_support::{listed, SECURITY_INFO, TEN_MINUTES_MS};
use crate::phone_support::{allow, audited, code_in, messages_to, sent_to, PHONE};
use serde_json::{json, Value};
use sspr_api::graph::MethodId;
use sspr_server::phone::Channel;

/// Rows in the phone outbox: every request writes one, sent or not.
async fn outbox_rows(app: &TestApp) -> i64 {
    crate::support::count(app, "phone_outbox").await
}

fn keys(body: &Value) -> Vec<String> {
    let mut keys: Vec<String> = body.as_object().expect("object").keys().cloned().collect();
    keys.sort();
    keys
}

backend_tests! {
    async fn a_mobile_phone_counts_only_after_the_texted_code_and_is_shown_masked(app) {
        allow(&app, MethodId::Sms, &["GB"], 5, 1000).await;
        let email = "phone.owner@contoso.example";
        let browser = app.sign_up(email, PASSWORD).await;
        let info = browser.get(SECURITY_INFO).await.expect_status(200);
        assert!(info.body["available"].as_array().expect("list").iter().any(|k| k == "mobile_phone"));
        let pending = browser
            .post(PHONE, json!({"number": "+44 7400 123456", "delivery": "sms"}))
            .await
            .expect_status(200);
        assert_eq!(pending.body["masked_number"], "+•• ••••••• 56");
        assert_eq!(pending.body["code_length"], 8);
        let id = pending.body["method_id"].as_str().expect("id").to_owned();
        let sent = sent_to(&app, "+447400123456").await;
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].0, Channel::Sms);
        let code = code_in(&sent[0].1);
        assert_eq!(code.len(), 8);
        assert_eq!(listed(&browser.get(SECURITY_INFO).await.body).len(), 1, "not counted yet");
        let wrong = browser
            .post(&format!("{PHONE}/confirm"), json!({"method_id": id, "code": crate::support::other_code(&code)}))
            .await
            .expect_status(400);
        assert_eq!(wrong.error().attempts_left, Some(4));
        let saved = browser
            .post(&format!("{PHONE}/confirm"), json!({"method_id": id, "code": code}))
            .await
            .expect_status(200);
        assert_eq!(listed(&saved.body)[1], ("mobile_phone".to_owned(), "+•• ••••••• 56".to_owned()));
        // Single use.
        let again = browser
            .post(&format!("{PHONE}/confirm"), json!({"method_id": id, "code": code}))
            .await
            .expect_status(400);
        assert_eq!(again.error().code, "code_expired");
        let told = app.mailbox.next_for(email).await;
        assert!(told.data.contains("\"Mobile phone\" was added to your account"), "{}", told.data);
        let stored = app.dump("account_codes").await.join("\n");
        assert!(!stored.contains(&code), "no code is kept in clear");
        let record = audited(&app).await;
        assert_eq!(record.len(), 1);
        assert_eq!(record[0].0, "success");
        assert_eq!(record[0].1["channel"], "sms");
        assert_eq!(record[0].1["country"], "GB");
    }

    async fn a_call_reads_the_code_one_digit_at_a_time_and_a_new_phone_replaces_the_old(app) {
        allow(&app, MethodId::Voice, &["FR", "GB"], 5, 1000).await;
        let browser = app.sign_up("caller@contoso.example", PASSWORD).await;
        // A national number with its country.
        for (number, country, e164) in [("06 12 34 56 78", "FR", "+33612345678"), ("+44 7400 654321", "", "+447400654321")] {
            let pending = browser
                .post(PHONE, json!({"number": number, "country": country, "delivery": "voice"}))
                .await
                .expect_status(200);
            let id = pending.body["method_id"].as_str().expect("id").to_owned();
            let sent = sent_to(&app, e164).await;
            assert_eq!(sent.len(), 1);
            assert_eq!(sent[0].0, Channel::Voice);
            let code = code_in(&sent[0].1);
            let spoken = sspr_server::domain::phone::spoken_digits(&code);
            assert!(sent[0].1.contains(&format!("{spoken}. Again: {spoken}.")), "{}", sent[0].1);
            browser
                .post(&format!("{PHONE}/confirm"), json!({"method_id": id, "code": code}))
                .await
                .expect_status(200);
        }
        let info = browser.get(SECURITY_INFO).await.expect_status(200);
        let phones: Vec<_> = listed(&info.body).into_iter().filter(|(k, _)| k == "mobile_phone").collect();
        assert_eq!(phones, vec![("mobile_phone".to_owned(), "+•• ••••••• 21".to_owned())]);
    }

    async fn a_text_and_a_call_speak_the_language_of_the_page_that_asked(app) {
        allow(&app, MethodId::Sms, &["FR"], 5, 1000).await;
        allow(&app, MethodId::Voice, &["FR"], 5, 1000).await;
        let browser = app.sign_up("appel@contoso.example", PASSWORD).await;
        for (delivery, number, e164) in [("sms", "06 12 34 56 78", "+33612345678"), ("voice", "06 98 76 54 32", "+33698765432")] {
            crate::support::post_with(
                &app,
                &browser,
                PHONE,
                json!({"number": number, "country": "FR", "delivery": delivery}),
                &[("accept-language", "fr-FR,fr;q=0.9")],
            )
            .await
            .expect_status(200);
            let sent = messages_to(&app, e164).await;
            assert_eq!(sent.len(), 1, "{sent:?}");
            assert_eq!(sent[0].language, "fr");
            let code = code_in(&sent[0].text);
            match delivery {
                "sms" => assert_eq!(sent[0].text, format!("Votre code de vérification {} : {code}.", app.state.config.organisation_name)),
                _ => {
                    let spoken = sspr_server::domain::phone::spoken_digits(&code);
                    assert!(sent[0].text.contains(&format!("{spoken}. Je répète : {spoken}.")), "{}", sent[0].text);
                }
            }
        }
    }

    async fn the_allow_list_and_the_daily_caps_hold_sends_back_with_the_same_answer(app) {
        allow(&app, MethodId::Sms, &["GB"], 2, 3).await;
        let browser = app.sign_up("pumped@contoso.example", PASSWORD).await;
        let send = |number: &'static str| {
            let browser = browser.clone();
            async move {
                browser.post(PHONE, json!({"number": number, "delivery": "sms"})).await.expect_status(200)
            }
        };
        let first = send("+44 7400 123456").await;
        // A French number: not allowed, nothing sent, the same answer (and the same writes: a
        // suppressed row in the phone outbox, which the worker then drops).
        let french = send("+33 6 12 34 56 78").await;
        assert_eq!(keys(&french.body), keys(&first.body));
        assert_eq!(french.body["code_length"], first.body["code_length"]);
        assert_eq!(french.body["masked_number"], "+•• ••••••• 78");
        assert!(sent_to(&app, "+33612345678").await.is_empty());
        // The second send to one number goes; the third is over its cap of 2.
        send("+44 7400 123456").await;
        let capped = send("+44 7400 123456").await;
        assert_eq!(keys(&capped.body), keys(&first.body));
        assert_eq!(sent_to(&app, "+447400123456").await.len(), 2);
        // Three sends to allowed numbers were asked for today (the French one does not count):
        // a fourth, to a fresh number, is over the daily cap of 3.
        send("+44 7400 999888").await;
        assert!(sent_to(&app, "+447400999888").await.is_empty());
        let outcomes: Vec<(String, Value)> = audited(&app).await.into_iter().map(|(o, d)| (o, d["reason"].clone())).collect();
        assert_eq!(outcomes, vec![
            ("success".to_owned(), Value::Null),
            ("suppressed".to_owned(), json!("country_not_allowed")),
            ("success".to_owned(), Value::Null),
            ("suppressed".to_owned(), json!("number_cap")),
            ("suppressed".to_owned(), json!("daily_cap")),
        ]);
        // The next day the caps start again.
        app.clock.advance_ms(24 * 3600 * 1000);
        let browser = app.sign_up("next.day@contoso.example", PASSWORD).await;
        browser.post(PHONE, json!({"number": "+44 7400 999888", "delivery": "sms"})).await.expect_status(200);
        assert_eq!(sent_to(&app, "+447400999888").await.len(), 1);
    }

    async fn the_policy_decides_whether_and_how_a_phone_may_be_added(app) {
        let browser = app.sign_up("policy@contoso.example", PASSWORD).await;
        let body = json!({"number": "+44 7400 123456", "delivery": "sms"});
        // Off by default.
        let info = browser.get(SECURITY_INFO).await.expect_status(200);
        assert!(!info.body["available"].as_array().expect("list").iter().any(|k| k == "mobile_phone"));
        assert_eq!(browser.post(PHONE, body.clone()).await.expect_status(403).code(), "method_disabled");
        // On, but with no country allowed: still off.
        allow(&app, MethodId::Sms, &[], 5, 1000).await;
        assert_eq!(browser.post(PHONE, body.clone()).await.expect_status(403).code(), "method_disabled");
        allow(&app, MethodId::Sms, &["GB"], 5, 1000).await;
        // Texts on, calls off.
        let call = json!({"number": "+44 7400 123456", "delivery": "voice"});
        assert_eq!(browser.post(PHONE, call).await.expect_status(403).code(), "method_disabled");
        for bad in [
            json!({"number": "hello", "delivery": "sms"}),
            json!({"number": "07400 123456", "delivery": "sms"}),
            json!({"number": "+44 909 876 5432", "delivery": "sms"}),
            json!({"number": "+44 20 7946 0018", "delivery": "sms"}),
            json!({"number": "+44 7400 123456 ext. 12", "delivery": "sms"}),
            json!({"number": "+44 7400 123456", "country": "ZZ", "delivery": "sms"}),
        ] {
            let refused = browser.post(PHONE, bad.clone()).await.expect_status(422);
            assert_eq!(refused.code(), "validation_failed", "{bad}");
        }
        assert_eq!(outbox_rows(&app).await, 0, "nothing queued for a refused number");
        for bad in [json!({"number": "+44 7400 123456"}), json!({"number": "+44 7400 123456", "delivery": "fax"})] {
            assert_eq!(browser.post(PHONE, bad).await.expect_status(400).code(), "invalid_json");
        }
        browser
            .post(PHONE, json!({"number": "07400 123456", "country": "GB", "delivery": "sms"}))
            .await
            .expect_status(200);
        // Without a recent proof, no change.
        app.clock.advance_ms(TEN_MINUTES_MS + 1000);
        let late = browser.post(PHONE, body).await.expect_status(403);
        assert_eq!(late.code(), "reauthentication_required");
    }
}
