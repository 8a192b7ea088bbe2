//! The audit log (SECURITY.md §33): every authentication event is recorded with its outcome,
//! the client address and the request id of the answer, and no column holds a secret.

use crate::backend_tests;
use crate::helpers::{Answer, TestApp, PASSWORD};
use crate::support::{lock, set_cookie_value, sign_in, WRONG_PASSWORD};
use serde_json::json;
use sqlx::Row;

/// An audit row.
#[derive(Debug, Clone)]
struct AuditRow {
    event: String,
    outcome: String,
    actor: Option<String>,
    subject: Option<String>,
    client_ip: Option<String>,
    request_id: Option<String>,
    detail: String,
}

async fn rows(app: &TestApp) -> Vec<AuditRow> {
    sqlx::query(
        "SELECT event, outcome, actor, subject, client_ip, request_id, detail FROM audit_log ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("audit rows")
    .iter()
    .map(|r| AuditRow {
        event: r.try_get("event").expect("event"),
        outcome: r.try_get("outcome").expect("outcome"),
        actor: r.try_get("actor").expect("actor"),
        subject: r.try_get("subject").expect("subject"),
        client_ip: r.try_get("client_ip").expect("client_ip"),
        request_id: r.try_get("request_id").expect("request_id"),
        detail: r.try_get("detail").expect("detail"),
    })
    .collect()
}

fn request_id(answer: &Answer) -> String {
    answer
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("x-request-id")
        .to_owned()
}

backend_tests! {
    async fn every_authentication_event_is_recorded_with_address_and_request_id_and_no_secret(app) {
        let email = "audited@contoso.example";
        let new_password = "a brand new passphrase 2026";
        let changed_password = "yet another fine passphrase";
        let mut secrets = vec![PASSWORD.to_owned(), WRONG_PASSWORD.to_owned(), new_password.to_owned(), changed_password.to_owned()];
        // (event, outcome, request id of the answer that caused it)
        let mut expected: Vec<(&str, &str, String)> = Vec::new();

        // Sign-up: code sent, code verified, account created.
        let browser = app.browser();
        let start = browser
            .post("/api/flows", json!({"purpose": "sign_up", "email": email}))
            .await
            .expect_status(201);
        expected.push(("passcode_sent", "success", request_id(&start)));
        let id = start.body["flow_id"].as_str().expect("id").to_owned();
        let code = app.mailbox.code_for(email).await;
        secrets.push(code.clone());
        let wrong = crate::support::other_code(&code);
        let failed = browser.post(&format!("/api/flows/{id}/verify"), json!({"code": wrong})).await.expect_status(400);
        expected.push(("passcode_verified", "failure", request_id(&failed)));
        let verified = browser.post(&format!("/api/flows/{id}/verify"), json!({"code": code})).await.expect_status(200);
        expected.push(("passcode_verified", "success", request_id(&verified)));
        let done = browser
            .post(&format!("/api/flows/{id}/complete"), json!({"password": PASSWORD, "password_confirm": PASSWORD, "display_name": "Audited"}))
            .await
            .expect_status(200);
        expected.push(("sign_up", "success", request_id(&done)));
        secrets.extend(set_cookie_value(&done, "__Host-sspr_session"));
        secrets.extend(browser.cookie("__Host-sspr_flow"));

        // Sign-in, wrong then right; an unknown account.
        let (_, failure) = sign_in(&app, email, WRONG_PASSWORD).await;
        expected.push(("sign_in", "failure", request_id(&failure)));
        let (_, unknown) = sign_in(&app, "nobody@contoso.example", WRONG_PASSWORD).await;
        expected.push(("sign_in", "failure", request_id(&unknown)));
        let (signed_in, success) = sign_in(&app, email, PASSWORD).await;
        expected.push(("sign_in", "success", request_id(&success)));
        secrets.extend(set_cookie_value(&success, "__Host-sspr_session"));

        // Revoking another session, then signing out.
        let (other, other_answer) = sign_in(&app, email, PASSWORD).await;
        secrets.extend(set_cookie_value(&other_answer, "__Host-sspr_session"));
        let other_id = other.get("/api/session").await.body["session"]["id"].as_str().expect("id").to_owned();
        let revoked = signed_in.delete(&format!("/api/sessions/{other_id}")).await.expect_status(204);
        expected.push(("session_revoked", "success", request_id(&revoked)));
        let out = signed_in.delete("/api/session").await.expect_status(204);
        expected.push(("sign_out", "success", request_id(&out)));

        // Lock, then unlock by email code.
        lock(&app, email).await;
        let locking = rows(&app).await.into_iter().rev().find(|r| r.event == "account_locked").expect("a lock row");
        assert_eq!(locking.outcome, "success");
        let unlock = app.browser();
        let unlock_id = app.start_flow(&unlock, "unlock", email).await;
        let unlock_code = app.mailbox.code_for(email).await;
        secrets.push(unlock_code.clone());
        unlock.post(&format!("/api/flows/{unlock_id}/verify"), json!({"code": unlock_code})).await.expect_status(200);
        let unlocked = unlock
            .post(&format!("/api/flows/{unlock_id}/complete"), json!({"action": "unlock"}))
            .await
            .expect_status(200);
        expected.push(("account_unlocked", "success", request_id(&unlocked)));

        // A reset.
        let reset = app.browser();
        let reset_id = app.start_flow(&reset, "password_reset", email).await;
        let reset_code = app.mailbox.code_for(email).await;
        secrets.push(reset_code.clone());
        reset.post(&format!("/api/flows/{reset_id}/verify"), json!({"code": reset_code})).await.expect_status(200);
        let reset_done = reset
            .post(&format!("/api/flows/{reset_id}/complete"), json!({"password": new_password, "password_confirm": new_password}))
            .await
            .expect_status(200);
        expected.push(("password_reset", "success", request_id(&reset_done)));
        secrets.extend(set_cookie_value(&reset_done, "__Host-sspr_session"));

        // A password change, wrong then right.
        let wrong_change = reset
            .post("/api/account/password", json!({"current_password": WRONG_PASSWORD, "new_password": changed_password}))
            .await
            .expect_status(401);
        expected.push(("password_changed", "failure", request_id(&wrong_change)));
        let change = reset
            .post("/api/account/password", json!({"current_password": new_password, "new_password": changed_password}))
            .await
            .expect_status(204);
        expected.push(("password_changed", "success", request_id(&change)));

        let all = rows(&app).await;
        for (event, outcome, id) in &expected {
            let row = all
                .iter()
                .find(|r| r.event == *event && r.outcome == *outcome && r.request_id.as_deref() == Some(id))
                .unwrap_or_else(|| panic!("no {event}/{outcome} row for request {id}: {all:#?}"));
            assert_eq!(row.client_ip.as_deref(), Some("127.0.0.1"), "{event}");
            assert!(row.subject.as_deref().is_some_and(|s| !s.is_empty()), "{event}: a subject");
        }
        for event in ["account_locked", "passcode_sent"] {
            assert!(all.iter().any(|r| r.event == event), "{event}");
        }
        // Every row from a request names its address and request id; the detail is JSON.
        for row in &all {
            assert!(row.client_ip.as_deref().is_some_and(|ip| !ip.is_empty()), "{row:?}");
            let id = row.request_id.as_deref().unwrap_or_default();
            assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{row:?}");
            serde_json::from_str::<serde_json::Value>(&row.detail).expect("detail is JSON");
        }
        // A sign-in failure says why, in the detail only the server sees.
        let unknown_row = all.iter().find(|r| r.request_id.as_deref() == Some(expected[5].2.as_str())).expect("row");
        assert!(unknown_row.detail.contains("unknown_account"), "{}", unknown_row.detail);
        // No secret anywhere.
        assert!(secrets.len() >= 10);
        for row in &all {
            let text = format!(
                "{} {} {:?} {:?} {:?} {:?} {}",
                row.event, row.outcome, row.actor, row.subject, row.client_ip, row.request_id, row.detail
            );
            for secret in &secrets {
                assert!(!text.contains(secret.as_str()), "{secret:?} in {text}");
            }
        }
    }

    async fn audit_fields_cannot_forge_lines(app) {
        // The only free text a client controls reaches the log through the address; whatever
        // passes the address rules is stored without control characters.
        let odd = "o'brien+{x}|~@contoso.example";
        let (_, answer) = sign_in(&app, odd, WRONG_PASSWORD).await;
        assert_eq!(answer.status, 401);
        let all = rows(&app).await;
        let row = all.iter().find(|r| r.event == "sign_in").expect("row");
        assert_eq!(row.subject.as_deref(), Some(odd));
        for row in &all {
            let text = format!("{:?}{:?}{}", row.subject, row.request_id, row.detail);
            assert!(!text.chars().any(char::is_control), "{text}");
        }
        // A forged request id is not what is recorded.
        let forged = app
            .browser()
            .send(
                app.browser()
                    .client
                    .post(app.url("/api/session"))
                    .header("x-sspr-csrf", "1")
                    .header("x-request-id", "forged event=sign_in outcome=success")
                    .json(&json!({"email": odd, "password": WRONG_PASSWORD})),
            )
            .await;
        assert_eq!(forged.status, 401);
        let all = rows(&app).await;
        assert!(all.iter().all(|r| !r.request_id.as_deref().unwrap_or("").contains("forged")));
    }
}
