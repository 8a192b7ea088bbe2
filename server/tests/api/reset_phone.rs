//! Phones in the reset wizard (seed 003, SECURITY 26): once the emailed code is right, a
//! verified mobile phone is offered as "Text my mobile phone" / "Call my mobile phone" as the
//! Sms and Voice configurations allow, showing only the masked number; its code goes through
//! the phone outbox under the daily caps (the same answer when a cap holds it back), is
//! single use with its tries counted, and proves the phone towards the reset policy.

use crate::backend_tests;
use crate::helpers::{TestApp, PASSWORD};
use crate::methods_support::{listed, prove_by_email, SECURITY_INFO, TEN_MINUTES_MS};
use crate::methods_support::{past_the_email, set_reset_methods};
use crate::phone_support::{
    allow, allow_office_phones, audited, code_in, messages_to, register_mobile, sent_to, PHONE,
};
use serde_json::{json, Value};
use sspr_api::graph::MethodId;
use sspr_api::ResetMethod;
use sspr_server::phone::{Channel, PhoneMessage};

const OWNER: &str = "phone.reset@contoso.example";
const NUMBER: &str = "+44 7400 123456";
const E164: &str = "+447400123456";
const MASKED: &str = "+•• ••••••• 56";
const NEW_PASSWORD: &str = "another long passphrase 9";

/// `OWNER` with a verified mobile phone, a reset policy needing two methods, email and phone.
async fn owner_with_phone(app: &TestApp) {
    let account = app.sign_up(OWNER, PASSWORD).await;
    register_mobile(app, &account, NUMBER, E164, "sms").await;
    set_reset_methods(app, 2, &[ResetMethod::Email, ResetMethod::MobilePhone]).await;
}

/// The one text or call the reset sent to `E164`.
async fn reset_message(app: &TestApp) -> PhoneMessage {
    reset_message_to(app, E164).await
}

/// The one text or call the reset sent to `to`.
async fn reset_message_to(app: &TestApp, to: &str) -> PhoneMessage {
    let mut sent: Vec<PhoneMessage> = messages_to(app, to)
        .await
        .into_iter()
        .filter(|m| m.purpose == "password_reset")
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    sent.remove(0)
}

/// The subjects of the mail to `OWNER` after the first `before`, once the outbox settled.
async fn notices_since(app: &TestApp, before: usize) -> Vec<String> {
    app.mailbox.settled_count_for(OWNER).await;
    app.mailbox
        .all()
        .iter()
        .filter(|m| m.to.iter().any(|t| t == OWNER))
        .skip(before)
        .map(|m| m.subject())
        .collect()
}

/// No digit of the number but the last two anywhere in `body`.
fn masked_only(body: &Value) {
    let text = body.to_string();
    assert!(
        !text.contains("7400123456") && !text.contains("7400 123456"),
        "{text}"
    );
}

backend_tests! {
    async fn a_reset_with_a_texted_code_proves_the_mobile_phone_and_shows_only_its_masked_number(app) {
        allow(&app, MethodId::Sms, &["GB"], 5, 1000).await;
        owner_with_phone(&app).await;
        let (browser, id, view) = past_the_email(&app, OWNER).await;
        assert_eq!(view["methods_missing"], 1);
        assert_eq!(
            view["method_choices"],
            json!([{"kind": "mobile_phone", "detail": MASKED, "delivery": "sms"}]),
            "texts only: the Voice method is off"
        );
        masked_only(&view);
        // A call is not offered, so not sent.
        let call = browser
            .post(&format!("/api/flows/{id}/phone"), json!({"method": "mobile_phone", "delivery": "voice"}))
            .await
            .expect_status(422);
        assert_eq!(call.error().code, "validation_failed");

        let sent = browser
            .post(&format!("/api/flows/{id}/phone"), json!({"method": "mobile_phone", "delivery": "sms"}))
            .await
            .expect_status(200);
        assert_eq!(sent.body["masked_number"], MASKED);
        assert_eq!(sent.body["code_length"], 8);
        masked_only(&sent.body);
        assert_eq!(sent_to(&app, E164).await.len(), 2, "the registration's and the reset's");
        let text = reset_message(&app).await;
        assert_eq!(text.channel, Channel::Sms);
        let code = code_in(&text.text);

        // A wrong code is counted; the right one proves the phone, once.
        let wrong = browser
            .post(&format!("/api/flows/{id}/prove"), json!({"method": "mobile_phone", "code": crate::support::other_code(&code)}))
            .await
            .expect_status(400);
        assert_eq!(wrong.error().code, "invalid_code");
        assert_eq!(wrong.error().attempts_left, Some(4));
        let proven = browser
            .post(&format!("/api/flows/{id}/prove"), json!({"method": "mobile_phone", "code": code}))
            .await
            .expect_status(200);
        assert_eq!(proven.body["methods_proven"], json!(["email", "mobile_phone"]));
        assert!(proven.body.get("methods_missing").is_none(), "{}", proven.body);
        let again = browser
            .post(&format!("/api/flows/{id}/prove"), json!({"method": "mobile_phone", "code": code}))
            .await
            .expect_status(422);
        assert_eq!(again.error().code, "validation_failed", "proven: no longer offered");
        browser
            .post(
                &format!("/api/flows/{id}/complete"),
                json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}),
            )
            .await
            .expect_status(200);
        let stored = app.dump("passcodes").await.join("\n");
        assert!(!stored.contains(&code), "no code is kept in clear");
        let record = audited(&app).await;
        assert_eq!(record.len(), 2);
        assert_eq!(record[1].0, "success");
        assert_eq!(record[1].1["purpose"], "password_reset");
        assert_eq!(record[1].1["method"], "mobile_phone");
        assert_eq!(record[1].1["channel"], "sms");
    }

    async fn a_called_code_is_spoken_digit_by_digit_and_five_wrong_codes_kill_it(app) {
        allow(&app, MethodId::Sms, &["GB"], 5, 1000).await;
        allow(&app, MethodId::Voice, &["GB"], 5, 1000).await;
        owner_with_phone(&app).await;
        let (browser, id, view) = past_the_email(&app, OWNER).await;
        let deliveries: Vec<&Value> = view["method_choices"].as_array().expect("choices").iter().map(|c| &c["delivery"]).collect();
        assert_eq!(deliveries, [&json!("sms"), &json!("voice")]);
        browser
            .post(&format!("/api/flows/{id}/phone"), json!({"method": "mobile_phone", "delivery": "voice"}))
            .await
            .expect_status(200);
        let call = reset_message(&app).await;
        assert_eq!(call.channel, Channel::Voice);
        assert_eq!(call.extension, None);
        let code = code_in(&call.text);
        assert!(call.text.contains(&sspr_server::domain::phone::spoken_digits(&code)), "{}", call.text);
        // A code for the phone cannot be sent again before the cooldown.
        let soon = browser
            .post(&format!("/api/flows/{id}/phone"), json!({"method": "mobile_phone", "delivery": "sms"}))
            .await
            .expect_status(429);
        assert_eq!(soon.error().code, "resend_too_soon");
        let wrong = crate::support::other_code(&code);
        for left in (0..5).rev() {
            let refused = browser
                .post(&format!("/api/flows/{id}/prove"), json!({"method": "mobile_phone", "code": wrong}))
                .await
                .expect_status(400);
            assert_eq!(refused.error().attempts_left, Some(left));
        }
        let dead = browser
            .post(&format!("/api/flows/{id}/prove"), json!({"method": "mobile_phone", "code": code}))
            .await
            .expect_status(400);
        assert_eq!(dead.error().code, "code_expired");
    }

    async fn a_send_held_back_by_the_cap_answers_like_a_send(app) {
        // One text a day to a number: the registration's uses it up.
        allow(&app, MethodId::Sms, &["GB"], 1, 1000).await;
        owner_with_phone(&app).await;
        let (browser, id, _) = past_the_email(&app, OWNER).await;
        let held = browser
            .post(&format!("/api/flows/{id}/phone"), json!({"method": "mobile_phone", "delivery": "sms"}))
            .await
            .expect_status(200);
        assert_eq!(held.body["masked_number"], MASKED);
        assert_eq!(sent_to(&app, E164).await.len(), 1, "only the registration's");
        let record = audited(&app).await;
        assert_eq!(record[1].0, "suppressed");
        assert_eq!(record[1].1["reason"], "number_cap");
    }

    async fn a_phone_from_a_country_no_longer_allowed_is_not_offered(app) {
        allow(&app, MethodId::Sms, &["GB"], 5, 1000).await;
        owner_with_phone(&app).await;
        allow(&app, MethodId::Sms, &["FR"], 5, 1000).await;
        let (browser, id, view) = past_the_email(&app, OWNER).await;
        assert!(view.get("method_choices").is_none(), "{view}");
        let refused = browser
            .post(&format!("/api/flows/{id}/phone"), json!({"method": "mobile_phone", "delivery": "sms"}))
            .await
            .expect_status(403);
        assert_eq!(refused.error().code, "method_disabled");
    }

    async fn a_reset_with_an_office_phone_call_dials_its_extension(app) {
        allow(&app, MethodId::Voice, &["GB"], 5, 1000).await;
        allow_office_phones(&app).await;
        let office = "+442079460123";
        let account = app.sign_up(OWNER, PASSWORD).await;
        let info = account.get(SECURITY_INFO).await.expect_status(200);
        let available = info.body["available"].clone();
        assert!(available.as_array().expect("list").iter().any(|k| k == "office_phone"), "{available}");
        let refused = account
            .post("/api/account/methods/alternate-phone", json!({"number": "+44 20 7946 0123", "extension": "45"}))
            .await
            .expect_status(422);
        assert_eq!(refused.error().code, "validation_failed", "only an office phone has an extension");
        let pending = account
            .post("/api/account/methods/office-phone", json!({"number": "+44 20 7946 0123", "extension": "45"}))
            .await
            .expect_status(200);
        assert_eq!(pending.body["masked_number"], "+•• ••••••• 23");
        let id = pending.body["method_id"].as_str().expect("id").to_owned();
        let registration = messages_to(&app, office).await.pop().expect("a call");
        assert_eq!(registration.channel, Channel::Voice);
        assert_eq!(registration.extension.as_deref(), Some("45"));
        let saved = account
            .post("/api/account/methods/office-phone/confirm", json!({"method_id": id, "code": code_in(&registration.text)}))
            .await
            .expect_status(200);
        assert_eq!(listed(&saved.body)[1], ("office_phone".to_owned(), "+•• ••••••• 23".to_owned()));
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::OfficePhone]).await;

        let (browser, id, view) = past_the_email(&app, OWNER).await;
        assert_eq!(
            view["method_choices"],
            json!([{"kind": "office_phone", "detail": "+•• ••••••• 23", "delivery": "voice"}])
        );
        masked_only(&view);
        let texted = browser
            .post(&format!("/api/flows/{id}/phone"), json!({"method": "office_phone", "delivery": "sms"}))
            .await
            .expect_status(422);
        assert_eq!(texted.error().code, "validation_failed", "an office phone is called only");
        browser
            .post(&format!("/api/flows/{id}/phone"), json!({"method": "office_phone", "delivery": "voice"}))
            .await
            .expect_status(200);
        let call = reset_message_to(&app, office).await;
        assert_eq!(call.channel, Channel::Voice);
        assert_eq!(call.extension.as_deref(), Some("45"), "the payload carries the extension");
        let code = code_in(&call.text);
        assert!(call.text.contains(&sspr_server::domain::phone::spoken_digits(&code)), "{}", call.text);
        browser
            .post(&format!("/api/flows/{id}/prove"), json!({"method": "office_phone", "code": code}))
            .await
            .expect_status(200);
        browser
            .post(
                &format!("/api/flows/{id}/complete"),
                json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}),
            )
            .await
            .expect_status(200);
    }

    async fn deleting_or_replacing_a_phone_needs_a_recent_proof_and_mails_the_user(app) {
        allow(&app, MethodId::Sms, &["GB"], 5, 1000).await;
        let account = app.sign_up(OWNER, PASSWORD).await;
        register_mobile(&app, &account, NUMBER, E164, "sms").await;
        let info = account.get(SECURITY_INFO).await.expect_status(200);
        let phone_id = crate::methods_support::id_of(&info.body, "mobile_phone");
        app.clock.advance_ms(TEN_MINUTES_MS + 1000);
        let delete = account.delete(&format!("/api/account/methods/{phone_id}")).await.expect_status(403);
        assert_eq!(delete.code(), "reauthentication_required");
        let replace = account
            .post(PHONE, json!({"number": "+44 7400 654321", "delivery": "sms"}))
            .await
            .expect_status(403);
        assert_eq!(replace.code(), "reauthentication_required");

        // With a fresh proof: replacing tells the user the old phone went and the new came.
        let added = app.mailbox.next_for(OWNER).await;
        assert!(added.subject().contains("sign-in method was added"), "{}", added.subject());
        prove_by_email(&app, &account, OWNER).await.expect_status(200);
        let before = app.mailbox.settled_count_for(OWNER).await;
        register_mobile(&app, &account, "+44 7400 654321", "+447400654321", "sms").await;
        let info = account.get(SECURITY_INFO).await.expect_status(200);
        assert_eq!(listed(&info.body)[1], ("mobile_phone".to_owned(), "+•• ••••••• 21".to_owned()));
        let told = notices_since(&app, before).await;
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(told.iter().any(|s| s.contains("sign-in method was removed")), "{told:?}");
        assert!(told.iter().any(|s| s.contains("sign-in method was added")), "{told:?}");
        let new_id = crate::methods_support::id_of(&info.body, "mobile_phone");
        account.delete(&format!("/api/account/methods/{new_id}")).await.expect_status(200);
        let told = notices_since(&app, before).await;
        assert_eq!(told.len(), 3, "{told:?}");
        assert!(told[2].contains("sign-in method was removed"), "{told:?}");
    }
}
