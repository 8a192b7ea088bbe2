//! What mail is sent, to whom, and with which links (SECURITY.md §5, §6).

use crate::backend_tests;
use crate::helpers::{check_error_shape, Browser, TestApp, PASSWORD};
use crate::support::{count, decoded, post_with};
use serde_json::json;
use sspr_api::Email;
use sspr_server::identity::invitations;

const NEW_PASSWORD: &str = "a brand new passphrase 2026";

/// POSTs a raw JSON text, as an attacker's script would.
async fn post_raw(
    app: &TestApp,
    browser: &Browser,
    path: &str,
    raw: &str,
) -> crate::helpers::Answer {
    browser
        .send(
            browser
                .client
                .post(app.url(path))
                .header("x-sspr-csrf", "1")
                .header("origin", &app.origin)
                .header("content-type", "application/json")
                .body(raw.to_owned()),
        )
        .await
}

/// Every delivered message has exactly one recipient.
fn assert_one_recipient_each(app: &TestApp) {
    for message in app.mailbox.all() {
        assert_eq!(
            message.to.len(),
            1,
            "{:?} to {:?}",
            message.subject(),
            message.to
        );
    }
}

backend_tests! {
    async fn links_in_mail_come_from_the_configured_origin_whatever_the_host_headers_say(app) {
        let email = "hosts@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let forged: &[(&str, &str)] = &[
            ("host", "evil.example"),
            ("x-forwarded-host", "evil.example"),
            ("x-forwarded-proto", "https"),
            ("forwarded", "host=evil.example;proto=https"),
        ];
        // "You already have an account" carries a sign-in link.
        let browser = app.browser();
        post_with(&app, &browser, "/api/flows", json!({"purpose": "sign_up", "email": email}), forged)
            .await
            .expect_status(201);
        // A millisecond later, so the outbox (oldest first) delivers the two messages in order.
        app.clock.advance_ms(1);
        // "Your password was changed" carries a reset link.
        let start = post_with(&app, &browser, "/api/flows", json!({"purpose": "password_reset", "email": email}), forged)
            .await
            .expect_status(201);
        let id = start.body["flow_id"].as_str().expect("id").to_owned();
        let exists = app.mailbox.next_for(email).await;
        assert!(exists.subject().contains("already have an account"), "{}", exists.subject());
        let code = app.mailbox.code_for(email).await;
        post_with(&app, &browser, &format!("/api/flows/{id}/verify"), json!({"code": code}), forged)
            .await
            .expect_status(200);
        post_with(
            &app,
            &browser,
            &format!("/api/flows/{id}/complete"),
            json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}),
            forged,
        )
        .await
        .expect_status(200);
        let changed = app.mailbox.next_for(email).await;
        assert!(changed.subject().contains("password was changed"), "{}", changed.subject());
        // An invitation's link.
        let guest = Email::parse("guest.hosts@partner.example").expect("email");
        let invited = invitations::invite(&app.state, "test", &guest, None, "/account")
            .await
            .expect("invited");
        assert!(invited.link.starts_with(&format!("{}/guest?invitation=", app.origin)), "{}", invited.link);
        let invitation = app.mailbox.next_for(guest.as_str()).await;

        for (what, mail, link) in [
            ("account exists", &exists, format!("{}/sign-in", app.origin)),
            ("password changed", &changed, format!("{}/reset", app.origin)),
            ("invitation", &invitation, invited.link.clone()),
        ] {
            let text = decoded(&mail.data);
            assert!(text.contains(&link), "{what}: no {link} in {text}");
        }
        for message in app.mailbox.all() {
            let text = decoded(&message.data);
            assert!(!text.contains("evil.example"), "{text}");
        }
    }

    async fn the_email_field_takes_one_plain_address_and_nothing_else(app) {
        let victim = "victim@contoso.example";
        app.sign_up(victim, PASSWORD).await;
        let before = app.mailbox.settled_count_for(victim).await;
        let flows_before = count(&app, "flows").await;
        let values = [
            // GitLab CVE-2023-7028: an array sent the code to the attacker too.
            r#"["victim@contoso.example","attacker@evil.example"]"#,
            r#"{"address":"victim@contoso.example"}"#,
            r#"42"#,
            r#""victim@contoso.example,attacker@evil.example""#,
            r#""victim@contoso.example;attacker@evil.example""#,
            r#""victim@contoso.example attacker@evil.example""#,
            r#""Victim <victim@contoso.example>""#,
            r#""victim@contoso.example\r\nBcc: attacker@evil.example""#,
            r#""victim@contoso.example\nBcc: attacker@evil.example""#,
            r#""=?utf-8?q?victim=40contoso.example?=@evil.example""#,
            r#""=?utf-8?b?dmljdGltQGNvbnRvc28uZXhhbXBsZQ==?=""#,
            // Look-alikes: Cyrillic і, the Kelvin sign, a full-width @, a long s, a dotless ı.
            "\"v\u{0456}ctim@contoso.example\"",
            "\"victim@\u{212A}ontoso.example\"",
            "\"victim\u{FF20}contoso.example\"",
            "\"victim@conto\u{017F}o.example\"",
            "\"v\u{0131}ctim@contoso.example\"",
        ];
        let browser = app.browser();
        for value in values {
            for (path, raw) in [
                ("/api/flows", format!(r#"{{"purpose":"password_reset","email":{value}}}"#)),
                ("/api/flows", format!(r#"{{"purpose":"sign_up","email":{value}}}"#)),
                ("/api/flows", format!(r#"{{"purpose":"passwordless","email":{value}}}"#)),
                ("/api/session", format!(r#"{{"email":{value},"password":"{PASSWORD}"}}"#)),
            ] {
                let answer = post_raw(&app, &browser, path, &raw).await;
                assert!(
                    (400..500).contains(&answer.status),
                    "{path} {value}: {} {}",
                    answer.status,
                    answer.text
                );
                check_error_shape(&answer.body, &answer.headers);
                assert!(answer.set_cookies().iter().all(|c| !c.contains("sspr_session")));
            }
        }
        // Duplicate keys: neither address wins.
        for raw in [
            r#"{"purpose":"password_reset","email":"victim@contoso.example","email":"attacker@evil.example"}"#,
            r#"{"purpose":"password_reset","email":"attacker@evil.example","email":"victim@contoso.example"}"#,
        ] {
            let answer = post_raw(&app, &browser, "/api/flows", raw).await;
            assert_eq!(answer.status, 400, "{raw}: {}", answer.text);
            assert_eq!(answer.code(), "invalid_json");
        }
        let answer = post_raw(
            &app,
            &browser,
            "/api/session",
            &format!(r#"{{"email":"victim@contoso.example","email":"attacker@evil.example","password":"{PASSWORD}"}}"#),
        )
        .await;
        assert_eq!(answer.status, 400, "{}", answer.text);

        assert_eq!(count(&app, "flows").await, flows_before, "no flow was started");
        assert_eq!(app.mailbox.settled_count_for(victim).await, before, "no mail to the victim");
        assert_eq!(app.mailbox.count_for("attacker@evil.example"), 0);

        // A line break anywhere in the field is refused, even at the end where trimming would
        // have dropped it; spaces around one address are trimmed.
        let answer = post_raw(
            &app,
            &browser,
            "/api/flows",
            r#"{"purpose":"password_reset","email":"victim@contoso.example\r\n"}"#,
        )
        .await;
        assert_eq!(answer.status, 400, "{}", answer.text);
        let answer = post_raw(
            &app,
            &browser,
            "/api/flows",
            r#"{"purpose":"password_reset","email":"  victim@contoso.example  "}"#,
        )
        .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        let mail = app.mailbox.next_for(victim).await;
        assert!(mail.code().is_some());
        assert!(!decoded(&mail.data).contains("evil.example"));
        assert_one_recipient_each(&app);
        assert_eq!(app.mailbox.all().len(), before + 1);
    }

    async fn mail_goes_to_the_stored_address_alone_whatever_case_was_typed(app) {
        let stored = "Jane.Doe@contoso.example";
        app.sign_up(stored, PASSWORD).await;
        // A reset, an unlock and a sign-up asked for with another spelling of the address.
        for purpose in ["password_reset", "unlock", "sign_up"] {
            app.browser()
                .post("/api/flows", json!({"purpose": purpose, "email": "JANE.DOE@CONTOSO.EXAMPLE"}))
                .await
                .expect_status(201);
        }
        app.mailbox.settled_count_for(stored).await;
        let messages = app.mailbox.all();
        assert_eq!(messages.len(), 4, "sign-up code, reset code, unlock code, notice");
        for message in &messages {
            assert_eq!(
                message.to,
                vec![stored.to_owned()],
                "{} went elsewhere",
                message.subject()
            );
        }
        // The answers show the address masked the same way whichever spelling was typed.
        let typed = app
            .browser()
            .post("/api/flows", json!({"purpose": "password_reset", "email": "jANE.doe@contoso.example"}))
            .await
            .expect_status(201);
        let unknown = app
            .browser()
            .post("/api/flows", json!({"purpose": "password_reset", "email": "JOHN.DOE@contoso.example"}))
            .await
            .expect_status(201);
        assert_eq!(typed.body["masked_email"], unknown.body["masked_email"]);
    }

    async fn a_reset_completed_with_another_spelling_notifies_the_stored_address(app) {
        let stored = "Mixed.Case@contoso.example";
        app.sign_up(stored, PASSWORD).await;
        let browser = app.browser();
        let id = app.start_flow(&browser, "password_reset", "mixed.case@contoso.example").await;
        let code = app.mailbox.code_for(stored).await;
        browser.post(&format!("/api/flows/{id}/verify"), json!({"code": code})).await.expect_status(200);
        browser
            .post(&format!("/api/flows/{id}/complete"), json!({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}))
            .await
            .expect_status(200);
        let notice = app.mailbox.next_for(stored).await;
        assert!(notice.subject().contains("password was changed"));
        assert_eq!(notice.to, vec![stored.to_owned()]);
        assert_eq!(app.mailbox.count_for("mixed.case@contoso.example"), 0);
    }
}
