//! Authenticator push with number matching (issue 13), with the tests acting as the device with
//! a real P-256 key: pairing once from the security info page, a reset's request approved with
//! the number the page shows, refused with a wrong one, denied, expired after 60 s, replayed,
//! raced (sixteen answers at once, one wins), and signed by another device's key; every outcome
//! audited.

use crate::backend_tests;
use crate::helpers::{Answer, Browser, TestApp, PASSWORD};
use crate::methods_support::*;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use rand::RngCore;
use serde_json::{json, Value};
use sspr_api::graph::MethodId;
use sspr_api::push::{answer_message, list_message};
use sspr_api::{PushDecision, ResetMethod};

const PAIRING: &str = "/api/account/methods/authenticator-push";
const NEW_PASSWORD: &str = "a brand new passphrase 2026";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The test's authenticator app: a P-256 key and, once paired, its id.
struct Device {
    key: SigningKey,
    id: String,
    totp_secret: String,
}

impl Device {
    fn key() -> SigningKey {
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        SigningKey::from_slice(&seed).expect("a scalar")
    }

    fn public(key: &SigningKey) -> String {
        b64(key.verifying_key().to_sec1_point(false).as_bytes())
    }

    fn sign(&self, message: &[u8]) -> String {
        let signature: Signature = self.key.sign(message);
        b64(&signature.to_bytes())
    }

    /// `GET /api/authenticator/requests`, signed at `time_ms`.
    async fn list_at(&self, browser: &Browser, time_ms: i64) -> Answer {
        let signature = self.sign(&list_message(&self.id, time_ms));
        browser
            .send(
                browser
                    .client
                    .get(format!("{}/api/authenticator/requests", browser.base()))
                    .header("x-sspr-device", &self.id)
                    .header("x-sspr-device-time", time_ms.to_string())
                    .header("x-sspr-device-signature", signature),
            )
            .await
    }

    /// The one pending request, as listed now.
    async fn pending(&self, app: &TestApp, browser: &Browser) -> Value {
        let listed = self
            .list_at(browser, app.state.now_ms())
            .await
            .expect_status(200);
        let requests = listed.body["requests"].as_array().expect("requests");
        assert_eq!(requests.len(), 1, "{}", listed.text);
        assert!(
            requests[0].get("number").is_none(),
            "the number is never sent to the device"
        );
        requests[0].clone()
    }

    /// Answers `request` with `number` and `decision`, signed by `signer` (this device's key
    /// unless another is given).
    async fn answer_signed(
        &self,
        browser: &Browser,
        request: &Value,
        number: u8,
        decision: PushDecision,
        signer: &SigningKey,
    ) -> Answer {
        let id = request["challenge_id"].as_str().expect("id");
        let nonce = request["nonce"].as_str().expect("nonce");
        let signature: Signature = signer.sign(&answer_message(id, nonce, number, decision));
        let decision = match decision {
            PushDecision::Approve => "approve",
            PushDecision::Deny => "deny",
        };
        browser
            .post(
                &format!("/api/authenticator/requests/{id}/answer"),
                json!({"device_id": self.id, "number": number, "decision": decision,
                       "signature": b64(&signature.to_bytes())}),
            )
            .await
    }

    async fn answer(
        &self,
        browser: &Browser,
        request: &Value,
        number: u8,
        decision: PushDecision,
    ) -> Answer {
        self.answer_signed(browser, request, number, decision, &self.key)
            .await
    }
}

/// Pairs a new device for the signed-in `account`.
async fn pair(app: &TestApp, account: &Browser) -> Device {
    let pairing = account.post(PAIRING, json!({})).await.expect_status(200);
    let code = pairing.body["pairing_code"]
        .as_str()
        .expect("code")
        .to_owned();
    let url = pairing.body["pairing_url"].as_str().expect("url");
    assert!(
        url.ends_with(&format!("/authenticator#pair={code}")),
        "{url}"
    );
    let key = Device::key();
    let phone = app.browser();
    let paired = phone
        .post(
            "/api/authenticator/pair",
            json!({"pairing_code": code, "public_key": Device::public(&key)}),
        )
        .await
        .expect_status(200);
    Device {
        key,
        id: paired.body["device_id"]
            .as_str()
            .expect("device")
            .to_owned(),
        totp_secret: paired.body["totp_secret"]
            .as_str()
            .expect("seed")
            .to_owned(),
    }
}

/// A user whose reset needs the email and the authenticator app, with a paired device.
async fn user_with_device(app: &TestApp, email: &str) -> Device {
    let account = app.sign_up(email, PASSWORD).await;
    set_method(app, MethodId::MicrosoftAuthenticator, true).await;
    set_reset_methods(app, 2, &[ResetMethod::Email, ResetMethod::AuthenticatorApp]).await;
    pair(app, &account).await
}

/// Sends the flow's push request; its id and the number the page shows.
async fn request_push(browser: &Browser, flow: &str) -> (String, u8) {
    let started = browser
        .post(&format!("/api/flows/{flow}/push"), json!({}))
        .await
        .expect_status(200);
    assert_eq!(started.body["expires_in_secs"], 60);
    let number = started.body["number"].as_u64().expect("number");
    assert!((10..=99).contains(&number));
    (
        started.body["challenge_id"]
            .as_str()
            .expect("id")
            .to_owned(),
        u8::try_from(number).expect("two digits"),
    )
}

async fn page_state(browser: &Browser, flow: &str, challenge: &str) -> String {
    let status = browser
        .get(&format!("/api/flows/{flow}/push/{challenge}"))
        .await
        .expect_status(200);
    status.body["state"].as_str().expect("state").to_owned()
}

fn other_than(number: u8) -> u8 {
    if number == 99 {
        10
    } else {
        number + 1
    }
}

async fn audited(app: &TestApp, outcome: &str) -> bool {
    let events = app.dump("audit_log").await.join("\n");
    events.contains("push_answered") && events.contains(outcome)
}

fn new_password() -> Value {
    json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
}

backend_tests! {
    async fn a_paired_device_approves_a_reset_with_the_number_shown_on_the_page(app) {
        let email = "push@contoso.example";
        let device = user_with_device(&app, email).await;
        let (browser, flow, view) = past_the_email(&app, email).await;
        let choices: Vec<&str> = view["method_choices"].as_array().expect("choices").iter()
            .filter_map(|c| c["kind"].as_str()).collect();
        assert!(choices.contains(&"microsoft_authenticator"), "{view}");
        let (challenge, number) = request_push(&browser, &flow).await;
        assert_eq!(page_state(&browser, &flow, &challenge).await, "pending");

        let request = device.pending(&app, &browser).await;
        assert_eq!(request["challenge_id"], challenge.as_str());
        assert_eq!(request["application"], app.state.config.organisation_name.as_str());
        assert!(!request["location"].as_str().unwrap_or_default().is_empty());
        let approved = device.answer(&browser, &request, number, PushDecision::Approve).await.expect_status(200);
        assert_eq!(approved.body["state"], "approved");
        assert_eq!(page_state(&browser, &flow, &challenge).await, "approved");

        let view = browser.get(&format!("/api/flows/{flow}")).await.expect_status(200);
        assert_eq!(view.body["methods_proven"], json!(["email", "microsoft_authenticator"]));
        browser.post(&format!("/api/flows/{flow}/complete"), new_password()).await.expect_status(200);
        assert!(audited(&app, "approved").await);
        // Nothing waits any more.
        let listed = device.list_at(&browser, app.state.now_ms()).await.expect_status(200);
        assert_eq!(listed.body["requests"], json!([]));
    }

    async fn a_wrong_number_ends_the_request_and_proves_nothing(app) {
        let email = "wrong@contoso.example";
        let device = user_with_device(&app, email).await;
        let (browser, flow, _) = past_the_email(&app, email).await;
        let (challenge, number) = request_push(&browser, &flow).await;
        let request = device.pending(&app, &browser).await;
        let wrong = device.answer(&browser, &request, other_than(number), PushDecision::Approve).await.expect_status(200);
        assert_eq!(wrong.body["state"], "wrong_number");
        assert_eq!(page_state(&browser, &flow, &challenge).await, "wrong_number");
        // The right number afterwards is too late: the request is over.
        let late = device.answer(&browser, &request, number, PushDecision::Approve).await.expect_status(409);
        assert_eq!(late.error().code, "flow_wrong_state");
        browser.post(&format!("/api/flows/{flow}/complete"), new_password()).await.expect_status(409);
        assert!(audited(&app, "wrong_number").await);
    }

    async fn a_denied_request_ends_and_the_page_is_told(app) {
        let email = "deny@contoso.example";
        let device = user_with_device(&app, email).await;
        let (browser, flow, _) = past_the_email(&app, email).await;
        let (challenge, number) = request_push(&browser, &flow).await;
        let request = device.pending(&app, &browser).await;
        let denied = device.answer(&browser, &request, number, PushDecision::Deny).await.expect_status(200);
        assert_eq!(denied.body["state"], "denied");
        assert_eq!(page_state(&browser, &flow, &challenge).await, "denied");
        let view = browser.get(&format!("/api/flows/{flow}")).await.expect_status(200);
        assert_eq!(view.body["methods_proven"], json!(["email"]));
        assert!(audited(&app, "denied").await);
    }

    async fn a_request_answered_after_sixty_seconds_is_refused_as_expired(app) {
        let email = "late@contoso.example";
        let device = user_with_device(&app, email).await;
        let (browser, flow, _) = past_the_email(&app, email).await;
        let (challenge, number) = request_push(&browser, &flow).await;
        let request = device.pending(&app, &browser).await;
        app.clock.advance_ms(60_000);
        let listed = device.list_at(&browser, app.state.now_ms()).await.expect_status(200);
        assert_eq!(listed.body["requests"], json!([]), "an expired request is not listed");
        let late = device.answer(&browser, &request, number, PushDecision::Approve).await.expect_status(400);
        assert_eq!(late.error().code, "code_expired");
        assert_eq!(page_state(&browser, &flow, &challenge).await, "expired");
        assert!(audited(&app, "expired").await);
        let view = browser.get(&format!("/api/flows/{flow}")).await.expect_status(200);
        assert_eq!(view.body["methods_proven"], json!(["email"]));

        // One millisecond before its end, a request is still answered.
        let (_, number) = request_push(&browser, &flow).await;
        let request = device.pending(&app, &browser).await;
        app.clock.advance_ms(59_999);
        device.answer(&browser, &request, number, PushDecision::Approve).await.expect_status(200);
    }

    async fn a_replayed_answer_is_refused(app) {
        let email = "replay@contoso.example";
        let device = user_with_device(&app, email).await;
        let (browser, flow, _) = past_the_email(&app, email).await;
        let (_, number) = request_push(&browser, &flow).await;
        let request = device.pending(&app, &browser).await;
        let signature: Signature = device.key.sign(&answer_message(
            request["challenge_id"].as_str().expect("id"),
            request["nonce"].as_str().expect("nonce"),
            number,
            PushDecision::Approve,
        ));
        let body = json!({"device_id": device.id, "number": number, "decision": "approve",
                          "signature": b64(&signature.to_bytes())});
        let path = format!("/api/authenticator/requests/{}/answer", request["challenge_id"].as_str().expect("id"));
        browser.post(&path, body.clone()).await.expect_status(200);
        let replayed = browser.post(&path, body.clone()).await.expect_status(409);
        assert_eq!(replayed.error().code, "flow_wrong_state");

        // Nor does the signature answer the flow's next request (a new id and nonce).
        let (browser2, flow2, _) = past_the_email(&app, email).await;
        let (challenge2, _) = request_push(&browser2, &flow2).await;
        let elsewhere = browser2
            .post(&format!("/api/authenticator/requests/{challenge2}/answer"), body)
            .await
            .expect_status(401);
        assert_eq!(elsewhere.error().code, "unauthorized");
        assert_eq!(page_state(&browser2, &flow2, &challenge2).await, "pending");
    }

    async fn an_answer_signed_by_another_devices_key_is_refused_and_leaves_the_request_pending(app) {
        let email = "victim@contoso.example";
        let device = user_with_device(&app, email).await;
        let stranger = {
            let account = app.sign_up("stranger@contoso.example", PASSWORD).await;
            pair(&app, &account).await
        };
        let (browser, flow, _) = past_the_email(&app, email).await;
        let (challenge, number) = request_push(&browser, &flow).await;
        let request = device.pending(&app, &browser).await;

        // The victim's device id, another key's signature.
        let forged = device.answer_signed(&browser, &request, number, PushDecision::Approve, &stranger.key).await.expect_status(401);
        assert_eq!(forged.error().code, "unauthorized");
        let forged_deny = device.answer_signed(&browser, &request, number, PushDecision::Deny, &Device::key()).await.expect_status(401);
        assert_eq!(forged_deny.error().code, "unauthorized");
        // Another user's paired device, with its own good signature.
        let foreign = stranger.answer(&browser, &request, number, PushDecision::Approve).await.expect_status(401);
        assert_eq!(foreign.error().code, "unauthorized");
        // The stranger's device does not see the victim's requests.
        let listed = stranger.list_at(&browser, app.state.now_ms()).await.expect_status(200);
        assert_eq!(listed.body["requests"], json!([]));
        assert_eq!(page_state(&browser, &flow, &challenge).await, "pending");
        assert!(audited(&app, "refused").await);

        // The real device still can.
        device.answer(&browser, &request, number, PushDecision::Approve).await.expect_status(200);
    }

    async fn sixteen_concurrent_approvals_of_one_request_give_exactly_one_success(app) {
        let email = "race@contoso.example";
        let device = user_with_device(&app, email).await;
        let (browser, flow, _) = past_the_email(&app, email).await;
        let (_, number) = request_push(&browser, &flow).await;
        let request = device.pending(&app, &browser).await;
        let id = request["challenge_id"].as_str().expect("id").to_owned();
        let signature: Signature = device.key.sign(&answer_message(
            &id,
            request["nonce"].as_str().expect("nonce"),
            number,
            PushDecision::Approve,
        ));
        let body = json!({"device_id": device.id, "number": number, "decision": "approve",
                          "signature": b64(&signature.to_bytes())});
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let (phone, body, path) = (app.browser(), body.clone(), format!("/api/authenticator/requests/{id}/answer"));
            set.spawn(async move { phone.post(&path, body).await.status });
        }
        let mut statuses = Vec::new();
        while let Some(status) = set.join_next().await {
            statuses.push(status.expect("task"));
        }
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
        let events = app.dump("audit_log").await;
        assert_eq!(events.iter().filter(|c| c.as_str() == "approved").count(), 1);
    }

    async fn listing_needs_the_devices_signature_and_a_clock_within_a_minute(app) {
        let email = "list@contoso.example";
        let device = user_with_device(&app, email).await;
        let browser = app.browser();
        let now = app.state.now_ms();
        device.list_at(&browser, now - 60_000).await.expect_status(200);
        let stale = device.list_at(&browser, now - 60_001).await.expect_status(401);
        assert_eq!(stale.error().code, "unauthorized");
        let impostor = Device { key: Device::key(), id: device.id.clone(), totp_secret: String::new() };
        assert_eq!(impostor.list_at(&browser, now).await.expect_status(401).error().code, "unauthorized");
        let unsigned = browser.get("/api/authenticator/requests").await.expect_status(401);
        assert_eq!(unsigned.error().code, "unauthorized");
    }

    async fn a_pairing_link_works_once_and_dies_after_five_minutes(app) {
        let email = "pairing@contoso.example";
        let account = app.sign_up(email, PASSWORD).await;
        set_method(&app, MethodId::MicrosoftAuthenticator, true).await;
        let pairing = account.post(PAIRING, json!({})).await.expect_status(200);
        let code = pairing.body["pairing_code"].as_str().expect("code").to_owned();
        let phone = app.browser();
        let bad_key = phone
            .post("/api/authenticator/pair", json!({"pairing_code": code, "public_key": b64(&[4u8; 65])}))
            .await
            .expect_status(422);
        assert_eq!(bad_key.error().code, "validation_failed");
        let key = Device::public(&Device::key());
        phone.post("/api/authenticator/pair", json!({"pairing_code": code, "public_key": key})).await.expect_status(200);
        let again = phone.post("/api/authenticator/pair", json!({"pairing_code": code, "public_key": key})).await.expect_status(404);
        assert_eq!(again.error().code, "not_found");
        // Only the public key is stored: no pairing secret is left.
        let secret = code.split_once('.').expect("id.secret").1;
        assert!(!app.dump("push_devices").await.iter().any(|c| c.contains(secret)));

        let late = account.post(PAIRING, json!({})).await.expect_status(200);
        app.clock.advance_ms(5 * 60_000);
        let dead = phone
            .post("/api/authenticator/pair", json!({"pairing_code": late.body["pairing_code"], "public_key": key}))
            .await
            .expect_status(404);
        assert_eq!(dead.error().code, "not_found");

        // Without a recent proof, no pairing starts.
        app.clock.advance_ms(TEN_MINUTES_MS);
        let refused = account.post(PAIRING, json!({})).await.expect_status(403);
        assert_eq!(refused.error().code, "reauthentication_required");
    }

    async fn pairing_needs_the_microsoft_authenticator_method_on(app) {
        let account = app.sign_up("off@contoso.example", PASSWORD).await;
        set_method(&app, MethodId::MicrosoftAuthenticator, false).await;
        let refused = account.post(PAIRING, json!({})).await.expect_status(403);
        assert_eq!(refused.error().code, "method_disabled");
    }

    async fn the_paired_app_also_gives_mobile_app_codes(app) {
        let email = "codes@contoso.example";
        let device = user_with_device(&app, email).await;
        app.clock.advance_ms(30_000);
        let (browser, flow, view) = past_the_email(&app, email).await;
        let choices: Vec<&str> = view["method_choices"].as_array().expect("choices").iter()
            .filter_map(|c| c["kind"].as_str()).collect();
        assert!(choices.contains(&"authenticator_app"), "{view}");
        let code = app_code(&app, &device.totp_secret, 0);
        let proven = browser
            .post(&format!("/api/flows/{flow}/prove"), json!({"method": "authenticator_app", "code": code}))
            .await
            .expect_status(200);
        assert_eq!(proven.body["methods_proven"], json!(["email", "authenticator_app"]));
    }
}
