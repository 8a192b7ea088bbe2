//! The audit log view and its CSV export (SPEC §4 A9): filters by user, actor, event, outcome
//! and time; newest first with keyset pages; RFC 4180 quoting and no spreadsheet formulas.

use crate::admins::{admin_with_role, first_global, invited};
use crate::backend_tests;
use crate::directory::{every_page, user_id};
use crate::helpers::PASSWORD;
use crate::support::{now, sign_in, WRONG_PASSWORD};
use serde_json::json;
use sspr_server::store::audit::{self, Event};

async fn record(app: &crate::helpers::TestApp, event: Event<'_>, at_ms: i64) {
    let mut conn = app.db.pool.acquire().await.expect("connection");
    audit::record(&mut conn, &event, at_ms)
        .await
        .expect("record");
}

backend_tests! {
    async fn the_audit_log_needs_an_administrator_of_any_role(app) {
        let anonymous = app.browser();
        for path in ["/api/admin/audit", "/api/admin/audit.csv"] {
            assert_eq!(anonymous.get(path).await.expect_status(401).code(), "unauthorized");
        }
        let global = first_global(&app).await;
        for (n, role) in ["reader", "authentication_policy_administrator", "user_administrator"].into_iter().enumerate() {
            let admin = invited(&app, &global, role, n as u32).await;
            admin.get("/api/admin/audit").await.expect_status(200);
            admin.get("/api/admin/audit.csv").await.expect_status(200);
        }
    }

    async fn audit_filters_pick_events_by_user_event_outcome_and_time(app) {
        let email = "audited@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let id = user_id(&app, email).await;
        let start = now(&app);
        app.clock.advance_ms(1000);
        sign_in(&app, email, WRONG_PASSWORD).await.1.expect_status(401);
        app.clock.advance_ms(1000);
        let middle = now(&app);
        sign_in(&app, email, PASSWORD).await.1.expect_status(200);
        sign_in(&app, "stranger@contoso.example", PASSWORD).await.1.expect_status(401);
        let admin = admin_with_role(&app, "reader").await;

        let page = admin.get(&format!("/api/admin/audit?user={id}&event=sign_in")).await.expect_status(200);
        let items = page.body["items"].as_array().expect("items");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["outcome"], "success", "newest first");
        assert_eq!(items[1]["outcome"], "failure");
        assert!(items.iter().all(|i| i["subject"] == id.as_str()));
        // The same by email, in any case.
        let by_email = admin.get("/api/admin/audit?user=AUDITED@contoso.example&event=sign_in").await.expect_status(200);
        assert_eq!(by_email.body["items"], page.body["items"]);
        // By id or by email, the events from before the account existed (kept under the
        // address) are the user's too.
        for user in [id.as_str(), email] {
            let sent = admin.get(&format!("/api/admin/audit?user={user}&event=passcode_sent")).await.expect_status(200);
            let sent = sent.body["items"].as_array().expect("items");
            assert_eq!(sent.len(), 1, "{user}");
            assert_eq!(sent[0]["subject"], email);
        }
        // An address without an account: its events are kept under the address.
        let stranger = admin.get("/api/admin/audit?user=stranger@contoso.example").await.expect_status(200);
        assert_eq!(stranger.body["items"].as_array().expect("items").len(), 1);
        assert_eq!(stranger.body["items"][0]["outcome"], "failure");
        let failures = admin.get("/api/admin/audit?event=sign_in&outcome=failure").await.expect_status(200);
        assert_eq!(failures.body["items"].as_array().expect("items").len(), 2);
        let window = admin.get(&format!("/api/admin/audit?event=sign_in&from={start}&to={middle}")).await.expect_status(200);
        let window = window.body["items"].as_array().expect("items");
        assert_eq!(window.len(), 1);
        assert_eq!(window[0]["outcome"], "failure");
        let later = admin.get(&format!("/api/admin/audit?event=sign_in&from={middle}")).await.expect_status(200);
        assert_eq!(later.body["items"].as_array().expect("items").len(), 2);
        // Blank bounds, as the portal sends its empty date fields, are no bounds.
        let blank = admin.get("/api/admin/audit?event=sign_in&from=&to=").await.expect_status(200);
        assert_eq!(blank.body["items"].as_array().expect("items").len(), 3);
        let entry = &items[0];
        for key in ["id", "at_ms", "event", "outcome", "subject", "client_ip", "request_id", "detail"] {
            assert!(entry.get(key).is_some(), "{key} in {entry}");
        }
    }

    async fn audit_pages_run_newest_first_without_gaps_or_repeats(app) {
        let admin = admin_with_role(&app, "reader").await;
        // Several events in one millisecond: the id breaks the tie.
        for n in 0..23 {
            let at = 1_000 + (n / 3);
            let subject = format!("s{n}");
            record(&app, Event { event: "probe", outcome: "success", subject: Some(&subject), ..Event::default() }, at).await;
        }
        for limit in [1, 4, 23, 50] {
            let (items, pages) = every_page(&admin, &format!("/api/admin/audit?event=probe&limit={limit}"), "before").await;
            let subjects: Vec<String> = items.iter().map(|i| i["subject"].as_str().expect("subject").to_owned()).collect();
            let expected: Vec<String> = (0..23).rev().map(|n| format!("s{n}")).collect();
            assert_eq!(subjects, expected, "limit {limit}");
            assert_eq!(pages, 23_usize.div_ceil(limit), "limit {limit}");
        }
    }

    async fn bad_audit_filters_are_refused_with_a_reason(app) {
        let admin = admin_with_role(&app, "reader").await;
        for (query, code, word) in [
            ("event=Sign%20In", "validation_failed", "event"),
            ("outcome=OK!", "validation_failed", "outcome"),
            ("from=yesterday", "validation_failed", "from"),
            ("to=-5", "validation_failed", "to"),
            ("to=%2B5", "validation_failed", "to"),
            ("from=%205", "validation_failed", "from"),
            ("limit=%2B5", "validation_failed", "limit"),
            ("from=10&to=5", "validation_failed", "from"),
            ("user=not%20a%20user", "validation_failed", "user"),
            ("user=a@b@c", "validation_failed", "user"),
            ("actor=ad%0Amin", "validation_failed", "actor"),
            ("limit=500", "validation_failed", "limit"),
            ("before=garbage!", "invalid_cursor", "cursor"),
            ("before=+", "invalid_cursor", "cursor"),
            ("before=YTpub3RhbnVtYmVy", "invalid_cursor", "cursor"),
            ("sort=asc", "validation_failed", "sort"),
        ] {
            for path in ["/api/admin/audit", "/api/admin/audit.csv"] {
                // Bad input is 422 `validation_failed`; a cursor this list did not hand out, 400.
                let status = if code == "invalid_cursor" { 400 } else { 422 };
                let answer = admin.get(&format!("{path}?{query}")).await.expect_status(status);
                assert_eq!(answer.code(), code, "{path}?{query}");
                assert!(answer.error().message.contains(word), "{query}: {}", answer.text);
            }
        }
    }

    async fn the_csv_export_quotes_cells_and_neutralises_formulas(app) {
        let admin = admin_with_role(&app, "reader").await;
        record(&app, Event {
            event: "probe",
            outcome: "failure",
            actor: Some("=HYPERLINK(\"http://evil.example\",\"x\")"),
            subject: Some("@SUM(A1:A9)"),
            client_ip: Some("+1"),
            request_id: Some("-2"),
            detail: Some(json!({"note": "comma, \"quote\"\nline"})),
        }, 2_000).await;
        record(&app, Event { event: "other", outcome: "success", subject: Some("plain"), ..Event::default() }, 3_000).await;
        let response = admin.get("/api/admin/audit.csv?event=probe").await.expect_status(200);
        assert_eq!(response.headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(response.headers["content-disposition"], "attachment; filename=\"audit-log.csv\"");
        let mut reader = csv::Reader::from_reader(response.text.as_bytes());
        let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
        assert_eq!(header, ["id", "time", "at_ms", "event", "outcome", "actor", "subject", "client_ip", "request_id", "detail"]);
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("an RFC 4180 row")).collect();
        assert_eq!(rows.len(), 1, "the filter applies");
        let row = &rows[0];
        assert!(row[1].starts_with("1970-01-01T00:00:02"), "{}", &row[1]);
        assert_eq!(&row[2], "2000");
        assert_eq!(&row[5], "'=HYPERLINK(\"http://evil.example\",\"x\")");
        assert_eq!(&row[6], "'@SUM(A1:A9)");
        assert_eq!(&row[7], "'+1");
        assert_eq!(&row[8], "'-2");
        let detail: serde_json::Value = serde_json::from_str(&row[9]).expect("the detail JSON survives quoting");
        assert_eq!(detail["note"], "comma, \"quote\"\nline");
        // The raw text quotes the cells with commas and quotes, doubling the quotes.
        assert!(response.text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""), "{}", response.text);
        // Without filters, every entry, newest first.
        let all = admin.get("/api/admin/audit.csv").await.expect_status(200);
        let mut reader = csv::Reader::from_reader(all.text.as_bytes());
        let events: Vec<String> = reader.records().map(|r| r.expect("row")[3].to_owned()).collect();
        assert!(events.contains(&"probe".to_owned()) && events.contains(&"other".to_owned()));
        let probe = events.iter().position(|e| e == "probe").expect("probe");
        let other = events.iter().position(|e| e == "other").expect("other");
        assert!(other < probe, "newest first");
    }

    async fn admin_changes_are_in_the_log_with_who_and_what(app) {
        let admin = admin_with_role(&app, "user_administrator").await;
        let group = admin.post("/api/admin/groups", json!({"display_name": "Audited"})).await.expect_status(201);
        let id = group.body["id"].as_str().expect("id");
        let page = admin.get("/api/admin/audit?event=admin_change").await.expect_status(200);
        let items = page.body["items"].as_array().expect("items");
        // Newest first: the group, then the global administrator creating this administrator.
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["subject"], id);
        let actor = items[0]["actor"].as_str().expect("actor");
        assert!(actor.starts_with("admin:"));
        let detail: serde_json::Value = serde_json::from_str(items[0]["detail"].as_str().expect("detail")).expect("JSON");
        assert_eq!(detail["what"], "group.create");
        assert_eq!(detail["after"]["display_name"], "Audited");
        let created: serde_json::Value = serde_json::from_str(items[1]["detail"].as_str().expect("detail")).expect("JSON");
        assert_eq!(created["what"], "admin.create");
        assert_eq!(created["after"]["role"], "user_administrator");
        assert_ne!(items[1]["actor"], items[0]["actor"]);
        let by_actor = admin.get(&format!("/api/admin/audit?actor={actor}")).await.expect_status(200);
        assert_eq!(by_actor.body["items"].as_array().expect("items").len(), 1);
        assert_eq!(by_actor.body["items"][0], items[0]);
    }
}
