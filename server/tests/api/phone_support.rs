//! What the phone tests share: turning the Sms or Voice method on with an allow-list and caps
//! (as the portal would), reading the texts and calls the development outbox kept, the code in
//! them, the `phone_code_sent` audit records, and registering a phone through the API.

use crate::helpers::{Browser, TestApp};
use serde_json::{json, Value};
use sspr_api::graph::{MethodId, MethodState};
use sspr_server::phone::outbox::kept;
use sspr_server::phone::Channel;
use sspr_server::policy::methods;

pub const PHONE: &str = "/api/account/methods/mobile-phone";

/// Turns `method` on for everyone with `countries` allowed and the given daily caps.
pub async fn allow(
    app: &TestApp,
    method: MethodId,
    countries: &[&str],
    per_number: u32,
    per_day: u32,
) {
    let mut conn = app.db.pool.acquire().await.expect("connection");
    let mut configuration = methods::load_one(&mut conn, &app.state.config, method)
        .await
        .expect("policy");
    configuration.state = MethodState::Enabled;
    configuration.allowed_countries = Some(countries.iter().map(|c| c.to_string()).collect());
    configuration.max_sends_per_number_per_day = Some(per_number);
    configuration.max_sends_per_day = Some(per_day);
    methods::save(&mut conn, method, &configuration, app.state.now_ms())
        .await
        .expect("saved");
}

/// Every text or call queued to `to`, oldest first: (channel, text).
pub async fn sent_to(app: &TestApp, to: &str) -> Vec<(Channel, String)> {
    let mut list: Vec<(Channel, String)> = kept(&app.state, 100)
        .await
        .expect("phone outbox")
        .into_iter()
        .rev()
        .filter(|m| m.message.to == to)
        .map(|m| (m.message.channel, m.message.text))
        .collect();
    list.dedup();
    list
}

/// The code in a text (`… is 12345678.`) or a call (`… is 1, 2, 3, …. Again: …`), in any
/// language: the digits from the first one to the end of its sentence.
pub fn code_in(text: &str) -> String {
    let start = text.find(|c: char| c.is_ascii_digit()).expect("a code");
    let code: String = text[start..]
        .split('.')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    assert!(!code.is_empty(), "a code in {text}");
    code
}

/// Every text or call queued to `to`, oldest first, whole.
pub async fn messages_to(app: &TestApp, to: &str) -> Vec<sspr_server::phone::PhoneMessage> {
    kept(&app.state, 100)
        .await
        .expect("phone outbox")
        .into_iter()
        .rev()
        .filter(|m| m.message.to == to)
        .map(|m| m.message)
        .collect()
}

/// The `phone_code_sent` audit records, oldest first: (outcome, detail).
pub async fn audited(app: &TestApp) -> Vec<(String, Value)> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT outcome, detail FROM audit_log WHERE event = 'phone_code_sent' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("audit");
    rows.iter()
        .map(|r| {
            let detail: String = r.try_get("detail").expect("detail");
            (
                r.try_get::<String, _>("outcome").expect("outcome"),
                serde_json::from_str(&detail).expect("json"),
            )
        })
        .collect()
}

/// Registers `number` as `browser`'s mobile phone, its code sent by `delivery`.
pub async fn register_mobile(
    app: &TestApp,
    browser: &Browser,
    number: &str,
    e164: &str,
    delivery: &str,
) {
    let pending = browser
        .post(PHONE, json!({"number": number, "delivery": delivery}))
        .await
        .expect_status(200);
    let id = pending.body["method_id"].as_str().expect("id").to_owned();
    let sent = sent_to(app, e164).await;
    let code = code_in(&sent.last().expect("a code was sent").1);
    browser
        .post(
            &format!("{PHONE}/confirm"),
            json!({"method_id": id, "code": code}),
        )
        .await
        .expect_status(200);
}

/// Lets office phones be registered under the Voice configuration (`isOfficePhoneAllowed`).
pub async fn allow_office_phones(app: &TestApp) {
    let mut conn = app.db.pool.acquire().await.expect("connection");
    let mut configuration = methods::load_one(&mut conn, &app.state.config, MethodId::Voice)
        .await
        .expect("policy");
    configuration.is_office_phone_allowed = Some(true);
    methods::save(
        &mut conn,
        MethodId::Voice,
        &configuration,
        app.state.now_ms(),
    )
    .await
    .expect("saved");
}
