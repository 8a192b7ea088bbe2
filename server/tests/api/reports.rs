//! The reports (issue 15) against a seeded data set, on both back ends: registration details
//! (Graph's `userRegistrationDetails`, its filters, pages and CSV), usage of resets and unlocks
//! over 7 and 30 days, sign-in logs and directory audits (Graph's `signIn` and
//! `directoryAudit`), and the clear errors for a bad `$filter`, `$top` or `$skiptoken`.

use crate::admins::{admin_with_role, first_global, ADMIN};
use crate::backend_tests;
use crate::directory::{add_guest, add_user, user_id};
use crate::helpers::{Browser, TestApp, PASSWORD};
use crate::methods_support::{set_method, set_reset_methods};
use crate::policy_support::graph_error;
use crate::support::{sign_in, WRONG_PASSWORD};
use serde_json::{json, Value};
use sspr_api::graph::MethodId;
use sspr_api::{ResetMethod, UserType};
use sspr_server::policy::methods;
use sspr_server::store::audit::{self, Event};

const REGISTRATION: &str = "/api/graph/v1.0/reports/authenticationMethods/userRegistrationDetails";
const SIGN_INS: &str = "/api/graph/v1.0/auditLogs/signIns";
const AUDITS: &str = "/api/graph/v1.0/auditLogs/directoryAudits";
const DAY: i64 = 86_400_000;

async fn record(app: &TestApp, event: Event<'_>, at_ms: i64) {
    let mut conn = app.db.pool.acquire().await.expect("connection");
    audit::record(&mut conn, &event, at_ms)
        .await
        .expect("record");
}

async fn add_method(app: &TestApp, user: &str, kind: &str) {
    sqlx::query(
        "INSERT INTO user_methods (id, user_id, kind, created_at_ms, verified_at_ms) \
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(user)
    .bind(kind)
    .bind(app.state.now_ms())
    .execute(&app.db.pool)
    .await
    .expect("insert method");
}

/// Five users: ann (app), bob (questions), cat (nothing, disabled), gus (a guest) and the
/// administrator's own address (nothing); two methods of three required.
async fn seed_directory(app: &TestApp) -> Browser {
    let admin = first_global(app).await;
    set_reset_methods(
        app,
        2,
        &[
            ResetMethod::Email,
            ResetMethod::AuthenticatorApp,
            ResetMethod::SecurityQuestions,
        ],
    )
    .await;
    set_method(app, MethodId::SoftwareOath, true).await;
    let ann = add_user(app, "ann@contoso.example", "Ann", UserType::Member).await;
    let bob = add_user(app, "bob@contoso.example", "Bob", UserType::Member).await;
    let cat = add_user(app, "cat@contoso.example", "=Cat", UserType::Member).await;
    add_guest(app, "gus@partner.example", true).await;
    add_user(app, ADMIN, "Root", UserType::Member).await;
    add_method(app, &ann, "authenticator_app").await;
    add_method(app, &bob, "security_questions").await;
    sqlx::query("UPDATE users SET disabled = 1 WHERE id = $1")
        .bind(&cat)
        .execute(&app.db.pool)
        .await
        .expect("disable");
    admin
}

fn names(page: &Value) -> Vec<String> {
    page["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|row| row["userPrincipalName"].as_str().expect("upn").to_owned())
        .collect()
}

/// The path and query of a `@odata.nextLink`, checked to be on this origin.
fn next_path(app: &TestApp, page: &Value) -> Option<String> {
    let link = page.get("@odata.nextLink")?.as_str().expect("a link");
    let path = link.strip_prefix(&app.origin).expect("on this origin");
    Some(path.to_owned())
}

backend_tests! {
    async fn registration_details_follow_the_methods_and_the_policies(app) {
        let admin = seed_directory(&app).await;
        let page = admin.get(REGISTRATION).await.expect_status(200);
        assert_eq!(
            page.body["@odata.context"],
            format!("{}/api/graph/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails", app.origin)
        );
        assert!(page.body.get("@odata.nextLink").is_none());
        assert_eq!(names(&page.body), ["ann@contoso.example", "bob@contoso.example", "cat@contoso.example", "gus@partner.example", ADMIN]);
        let rows = page.body["value"].as_array().expect("rows");
        let ann = &rows[0];
        assert_eq!(ann["id"], user_id(&app, "ann@contoso.example").await.as_str());
        let mut keys: Vec<&String> = ann.as_object().expect("object").keys().collect();
        keys.sort();
        assert_eq!(keys, [
            "defaultMfaMethod", "id", "isAdmin", "isMfaCapable", "isMfaRegistered",
            "isPasswordlessCapable", "isSsprCapable", "isSsprEnabled", "isSsprRegistered",
            "lastUpdatedDateTime", "methodsRegistered", "userDisplayName", "userPrincipalName",
            "userType",
        ]);
        let flags = |row: &Value| -> Vec<bool> {
            ["isAdmin", "isSsprRegistered", "isSsprEnabled", "isSsprCapable", "isMfaRegistered", "isMfaCapable", "isPasswordlessCapable"]
                .iter()
                .map(|k| row[*k].as_bool().expect(k))
                .collect()
        };
        assert_eq!(flags(&rows[0]), [false, true, true, true, true, true, false], "ann: email and app");
        assert_eq!(rows[0]["methodsRegistered"], json!(["email", "softwareOneTimePasscode"]));
        assert_eq!(rows[0]["defaultMfaMethod"], "softwareOneTimePasscode");
        assert_eq!(flags(&rows[1]), [false, true, true, true, false, false, false], "bob: email and questions");
        assert_eq!(rows[1]["methodsRegistered"], json!(["email", "securityQuestion"]));
        assert_eq!(rows[1]["defaultMfaMethod"], "none");
        assert_eq!(flags(&rows[2]), [false, false, true, false, false, false, false], "cat: one method, disabled");
        assert_eq!(flags(&rows[3]), [false, false, false, false, false, false, false], "gus: a guest");
        assert_eq!(rows[3]["userType"], "guest");
        assert_eq!(rows[0]["userType"], "member");
        assert!(flags(&rows[4])[0], "the administrator's address");
        let seeded = sspr_server::http::graph::iso8601(app.state.now_ms());
        assert_eq!(rows[0]["lastUpdatedDateTime"], seeded.as_str());

        // The app is no longer allowed: registered, not capable, and no longer counted for a
        // reset (as registration at sign-in counts it).
        set_method(&app, MethodId::SoftwareOath, false).await;
        let page = admin.get(REGISTRATION).await.expect_status(200);
        assert_eq!(page.body["value"][0]["isMfaRegistered"], true);
        assert_eq!(page.body["value"][0]["isMfaCapable"], false);
        assert_eq!(page.body["value"][0]["isSsprRegistered"], false);
        assert_eq!(page.body["value"][0]["methodsRegistered"], json!(["email", "softwareOneTimePasscode"]), "still registered");
        // Security questions aimed at a group bob is not in: his answers no longer count.
        assert_eq!(page.body["value"][1]["isSsprRegistered"], true);
        crate::policy_support::group(&app, "pilot", &["ann@contoso.example"]).await;
        let mut conn = app.db.pool.acquire().await.expect("connection");
        let mut questions = methods::load_one(&mut conn, &app.state.config, MethodId::SecurityQuestions).await.expect("policy");
        questions.include_targets[0].id = "pilot".into();
        methods::save(&mut conn, MethodId::SecurityQuestions, &questions, app.state.now_ms()).await.expect("saved");
        drop(conn);
        let page = admin.get(REGISTRATION).await.expect_status(200);
        assert_eq!(page.body["value"][1]["isSsprRegistered"], false, "bob is outside the questions' targets");
        assert_eq!(page.body["value"][1]["methodsRegistered"], json!(["email", "securityQuestion"]));
        // Reset scoped to a group nobody is in: nobody is enabled.
        let mut conn = app.db.pool.acquire().await.expect("connection");
        let mut policy = sspr_server::policy::reset::load(&mut conn).await.expect("policy");
        policy.enabled_for = sspr_api::SsprScope::None;
        sspr_server::policy::reset::save(&mut conn, &policy, app.state.now_ms()).await.expect("saved");
        drop(conn);
        let enabled = admin.get(&format!("{REGISTRATION}?$filter=isSsprEnabled%20eq%20true")).await.expect_status(200);
        assert!(names(&enabled.body).is_empty());
    }

    async fn registration_details_name_phones_and_push_as_graph_does(app) {
        let admin = first_global(&app).await;
        let dan = add_user(&app, "dan@contoso.example", "Dan", UserType::Member).await;
        for kind in ["mobile_phone", "alternate_phone", "office_phone", "microsoft_authenticator", "alternate_email"] {
            add_method(&app, &dan, kind).await;
        }
        let page = admin.get(&format!("{REGISTRATION}?$filter=userPrincipalName eq 'dan@contoso.example'")).await.expect_status(200);
        let row = &page.body["value"][0];
        assert_eq!(row["methodsRegistered"], json!(["email", "mobilePhone", "alternateMobilePhone", "officePhone", "microsoftAuthenticatorPush"]));
        assert_eq!(row["isMfaRegistered"], true);
        assert_eq!(row["defaultMfaMethod"], "microsoftAuthenticatorPush");
        // By default no phone method allows a country, and push is off: nothing is usable.
        assert_eq!(row["isMfaCapable"], false);
    }

    async fn registration_details_filter_and_page(app) {
        let admin = seed_directory(&app).await;
        let get = |query: &str| {
            let path = format!("{REGISTRATION}?{query}");
            let admin = &admin;
            async move { admin.get(&path).await.expect_status(200).body }
        };
        assert_eq!(names(&get("$filter=isSsprRegistered eq true").await), ["ann@contoso.example", "bob@contoso.example"]);
        assert_eq!(names(&get("$filter=isSsprRegistered ne true").await), ["cat@contoso.example", "gus@partner.example", ADMIN]);
        assert_eq!(names(&get("$filter=userType eq 'guest'").await), ["gus@partner.example"]);
        assert_eq!(names(&get("$filter=isSsprCapable eq false and userType eq 'member'").await), ["cat@contoso.example", ADMIN]);
        assert_eq!(names(&get("$filter=isMfaRegistered eq true").await), ["ann@contoso.example"]);
        assert_eq!(names(&get("$filter=isAdmin eq true").await), [ADMIN]);
        assert_eq!(names(&get("$filter=userPrincipalName eq 'BOB@contoso.example'").await), ["bob@contoso.example"]);

        // Two per page: three pages, the links carrying the filter on.
        let mut path = format!("{REGISTRATION}?$top=2");
        let mut pages = Vec::new();
        loop {
            let page = admin.get(&path).await.expect_status(200).body;
            pages.push(names(&page));
            match next_path(&app, &page) {
                Some(next) => path = next,
                None => break,
            }
        }
        assert_eq!(pages, [
            vec!["ann@contoso.example", "bob@contoso.example"],
            vec!["cat@contoso.example", "gus@partner.example"],
            vec![ADMIN],
        ]);
        let first = get("$top=1&$filter=isSsprRegistered eq true").await;
        assert_eq!(names(&first), ["ann@contoso.example"]);
        let next = next_path(&app, &first).expect("a next page");
        assert!(next.contains("$filter=isSsprRegistered%20eq%20true"), "{next}");
        let second = admin.get(&next).await.expect_status(200).body;
        assert_eq!(names(&second), ["bob@contoso.example"]);
        assert!(second.get("@odata.nextLink").is_none());
    }

    async fn the_registration_csv_is_built_by_the_server_and_safe_in_a_spreadsheet(app) {
        let admin = seed_directory(&app).await;
        let answer = admin.get("/api/admin/reports/registration.csv?$filter=userType%20eq%20'member'").await.expect_status(200);
        assert_eq!(answer.headers["content-type"], "text/csv; charset=utf-8");
        assert!(answer.headers["content-disposition"].to_str().expect("text").contains("registration-details.csv"));
        let lines: Vec<&str> = answer.text.lines().collect();
        assert_eq!(lines.len(), 5, "{}", answer.text);
        assert_eq!(lines[0], "id,userPrincipalName,userDisplayName,userType,isAdmin,isSsprRegistered,isSsprEnabled,isSsprCapable,isMfaRegistered,isMfaCapable,isPasswordlessCapable,methodsRegistered,defaultMfaMethod,lastUpdatedDateTime");
        let ann = user_id(&app, "ann@contoso.example").await;
        let seeded = sspr_server::http::graph::iso8601(app.state.now_ms());
        assert_eq!(lines[1], format!("{ann},ann@contoso.example,Ann,member,false,true,true,true,true,true,false,email;softwareOneTimePasscode,softwareOneTimePasscode,{seeded}"));
        assert!(lines[3].contains(",'=Cat,member,"), "a formula is neutralised: {}", lines[3]);
        // Session only, and a bad filter is refused the same way.
        assert_eq!(app.browser().get("/api/admin/reports/registration.csv").await.expect_status(401).code(), "unauthorized");
        assert_eq!(admin.get("/api/admin/reports/registration.csv?$filter=nope%20eq%20true").await.expect_status(400).code(), "invalid_filter");
        // The export takes the filter only: every matching row is in it.
        assert_eq!(admin.get("/api/admin/reports/registration.csv?$top=2").await.expect_status(422).code(), "validation_failed");
    }

    async fn usage_counts_resets_and_unlocks_by_day_and_method(app) {
        let admin = admin_with_role(&app, "reader").await;
        let now = app.state.now_ms();
        let flow = |event: &'static str, outcome: &'static str, detail: Value| Event {
            event,
            outcome,
            subject: Some("someone"),
            detail: Some(detail),
            ..Event::default()
        };
        let reset = json!({"purpose": "password_reset"});
        let unlock = json!({"purpose": "unlock"});
        for _ in 0..3 {
            record(&app, flow("passcode_sent", "success", reset.clone()), now - 1000).await;
        }
        record(&app, flow("passcode_sent", "success", json!({"purpose": "password_reset", "resend": true})), now - 900).await;
        record(&app, flow("passcode_sent", "suppressed", reset.clone()), now - 900).await;
        record(&app, flow("passcode_sent", "success", json!({"purpose": "sign_up"})), now - 900).await;
        for _ in 0..2 {
            record(&app, flow("password_reset", "success", reset.clone()), now - 500).await;
        }
        for _ in 0..3 {
            record(&app, flow("passcode_verified", "success", reset.clone()), now - 800).await;
        }
        record(&app, flow("passcode_verified", "failure", unlock.clone()), now - 800).await;
        record(&app, flow("reset_method_proven", "success", json!({"purpose": "password_reset", "method": "authenticator_app"})), now - 700).await;
        for _ in 0..2 {
            record(&app, flow("reset_method_proven", "failure", json!({"purpose": "unlock", "method": "security_questions"})), now - 700).await;
        }
        for _ in 0..2 {
            record(&app, flow("passcode_sent", "success", unlock.clone()), now - 2 * DAY).await;
        }
        record(&app, flow("account_unlocked", "success", unlock.clone()), now - 2 * DAY + 1000).await;
        record(&app, flow("passcode_sent", "success", reset.clone()), now - 10 * DAY).await;
        record(&app, flow("password_reset", "success", reset.clone()), now - 10 * DAY).await;

        let week = admin.get("/api/admin/reports/usage").await.expect_status(200).body;
        assert_eq!(week["days"], 7);
        assert_eq!(week["resets"], json!({"started": 3, "completed": 2, "abandoned": 1}));
        assert_eq!(week["unlocks"], json!({"started": 2, "completed": 1, "abandoned": 1}));
        let days = week["by_day"].as_array().expect("days");
        assert_eq!(days.len(), 7);
        assert_eq!(days[0]["date"], "2027-01-09");
        assert_eq!(days[6]["date"], "2027-01-15");
        assert_eq!(days[6]["resets"], json!({"started": 3, "completed": 2, "abandoned": 1}));
        assert_eq!(days[4]["unlocks"], json!({"started": 2, "completed": 1, "abandoned": 1}));
        assert_eq!(days[5]["resets"], json!({"started": 0, "completed": 0, "abandoned": 0}));
        assert_eq!(week["by_method"], json!([
            {"method": "email", "succeeded": 3, "failed": 1},
            {"method": "authenticator_app", "succeeded": 1, "failed": 0},
            {"method": "security_questions", "succeeded": 0, "failed": 2},
        ]));
        let month = admin.get("/api/admin/reports/usage?days=30").await.expect_status(200).body;
        assert_eq!(month["by_day"].as_array().expect("days").len(), 30);
        assert_eq!(month["resets"], json!({"started": 4, "completed": 3, "abandoned": 1}));
        assert_eq!(month["by_day"][19]["resets"], json!({"started": 1, "completed": 1, "abandoned": 0}));

        for bad in ["days=8", "days=", "days=%207", "weeks=1"] {
            let answer = admin.get(&format!("/api/admin/reports/usage?{bad}")).await.expect_status(422);
            assert_eq!(answer.code(), "validation_failed", "{bad}");
        }
        assert_eq!(app.browser().get("/api/admin/reports/usage").await.expect_status(401).code(), "unauthorized");
    }

    async fn a_real_reset_and_its_resend_are_counted_once(app) {
        app.sign_up("eve@contoso.example", PASSWORD).await;
        let browser = app.browser();
        let flow = app.start_flow(&browser, "password_reset", "eve@contoso.example").await;
        app.clock.advance_ms(61_000);
        let resend = crate::directory::send(&app, &browser, reqwest::Method::POST, &format!("/api/flows/{flow}/resend"), Some(json!({}))).await;
        assert!(resend.status < 300, "{}", resend.text);
        let admin = admin_with_role(&app, "reader").await;
        let week = admin.get("/api/admin/reports/usage").await.expect_status(200).body;
        assert_eq!(week["resets"], json!({"started": 1, "completed": 0, "abandoned": 1}));
    }

    async fn sign_in_logs_show_successes_and_failures_by_reason(app) {
        app.sign_up("dee@contoso.example", PASSWORD).await;
        let dee = user_id(&app, "dee@contoso.example").await;
        app.clock.advance_ms(1000);
        sign_in(&app, "dee@contoso.example", PASSWORD).await.1.expect_status(200);
        app.clock.advance_ms(1000);
        let second = app.state.now_ms();
        sign_in(&app, "dee@contoso.example", WRONG_PASSWORD).await.1.expect_status(401);
        app.clock.advance_ms(1000);
        sign_in(&app, "nobody@contoso.example", PASSWORD).await.1.expect_status(401);
        let admin = admin_with_role(&app, "reader").await;

        let page = admin.get(SIGN_INS).await.expect_status(200).body;
        assert_eq!(page["@odata.context"], format!("{}/api/graph/v1.0/$metadata#auditLogs/signIns", app.origin));
        let rows = page["value"].as_array().expect("rows");
        assert_eq!(rows.len(), 3, "{page}");
        let codes: Vec<i64> = rows.iter().map(|r| r["status"]["errorCode"].as_i64().expect("code")).collect();
        assert_eq!(codes, [50034, 50126, 0], "newest first");
        assert_eq!(rows[0]["userPrincipalName"], "nobody@contoso.example");
        assert!(rows[0].get("userId").is_none());
        assert_eq!(rows[0]["status"]["failureReason"], "The user account does not exist.");
        assert_eq!(rows[1]["userId"], dee.as_str());
        assert_eq!(rows[1]["userPrincipalName"], "dee@contoso.example");
        assert_eq!(rows[2]["status"], json!({"errorCode": 0}));
        for row in rows {
            assert_eq!(row["appDisplayName"], "Self-service portal");
            assert_eq!(row["clientAppUsed"], "Browser");
            assert_eq!(row["authenticationMethod"], "password");
            assert!(!row["ipAddress"].as_str().expect("ip").is_empty());
            assert!(row["createdDateTime"].as_str().expect("time").ends_with('Z'));
        }

        let count = |query: &'static str| {
            let admin = &admin;
            async move {
                admin.get(&format!("{SIGN_INS}?$filter={query}")).await.expect_status(200).body["value"]
                    .as_array().expect("rows").len()
            }
        };
        assert_eq!(count("status/errorCode eq 0").await, 1);
        assert_eq!(count("status/errorCode ne 0").await, 2);
        assert_eq!(count("userPrincipalName eq 'dee@contoso.example'").await, 2);
        let since = sspr_server::http::graph::iso8601(second);
        assert_eq!(admin.get(&format!("{SIGN_INS}?$filter=createdDateTime ge {since}")).await.expect_status(200).body["value"].as_array().expect("rows").len(), 2);
        assert_eq!(admin.get(&format!("{SIGN_INS}?$filter=createdDateTime lt {since} and status/errorCode eq 0")).await.expect_status(200).body["value"].as_array().expect("rows").len(), 1);

        // One per page.
        let mut path = format!("{SIGN_INS}?$top=1");
        let mut seen = Vec::new();
        loop {
            let page = admin.get(&path).await.expect_status(200).body;
            assert_eq!(page["value"].as_array().expect("rows").len(), 1);
            seen.push(page["value"][0]["status"]["errorCode"].as_i64().expect("code"));
            match next_path(&app, &page) {
                Some(next) => path = next,
                None => break,
            }
        }
        assert_eq!(seen, [50034, 50126, 0]);
    }

    async fn directory_audits_list_administrator_changes(app) {
        let admin = first_global(&app).await;
        let group = admin.post("/api/admin/groups", json!({"display_name": "Sales"})).await.expect_status(201);
        let group_id = group.body["id"].as_str().expect("id").to_owned();
        app.clock.advance_ms(1000);
        record(&app, Event {
            event: "admin_change",
            outcome: "success",
            actor: Some("api_token:tok1"),
            subject: Some("password_reset"),
            client_ip: Some("203.0.113.9"),
            detail: Some(json!({"what": "password_reset_policy", "before": {"methods_required": 1, "enabled_for": "all"}, "after": {"methods_required": 2, "enabled_for": "all"}})),
            ..Event::default()
        }, app.state.now_ms()).await;
        // Not an administrator change.
        sign_in(&app, "nobody@contoso.example", PASSWORD).await;

        let page = admin.get(AUDITS).await.expect_status(200).body;
        let rows = page["value"].as_array().expect("rows");
        assert_eq!(rows.len(), 2, "{page}");
        assert_eq!(rows[0]["activityDisplayName"], "Update password reset policy");
        assert_eq!(rows[0]["category"], "Policy");
        assert_eq!(rows[0]["result"], "success");
        assert_eq!(rows[0]["initiatedBy"], json!({"app": {"appId": "tok1", "displayName": "API token"}}));
        assert_eq!(rows[0]["targetResources"], json!([{
            "id": "password_reset", "type": "Policy",
            "modifiedProperties": [{"displayName": "methods_required", "oldValue": "1", "newValue": "2"}],
        }]));
        assert_eq!(rows[1]["activityDisplayName"], "Add group");
        assert_eq!(rows[1]["category"], "GroupManagement");
        assert_eq!(rows[1]["targetResources"][0]["id"], group_id.as_str());
        assert_eq!(rows[1]["targetResources"][0]["type"], "Group");
        let by = &rows[1]["initiatedBy"]["user"];
        assert_eq!(by["userPrincipalName"], ADMIN);
        let admin_id = by["id"].as_str().expect("id").to_owned();

        let only = |query: String| {
            let admin = &admin;
            async move {
                admin.get(&format!("{AUDITS}?$filter={query}")).await.expect_status(200).body["value"]
                    .as_array().expect("rows")
                    .iter().map(|r| r["category"].as_str().expect("category").to_owned()).collect::<Vec<_>>()
            }
        };
        assert_eq!(only("category eq 'GroupManagement'".into()).await, ["GroupManagement"]);
        assert_eq!(only("category eq 'Policy'".into()).await, ["Policy"]);
        assert_eq!(only("category eq 'UserManagement'".into()).await, Vec::<String>::new());
        assert_eq!(only(format!("initiatedBy/user/id eq '{admin_id}'")).await, ["GroupManagement"]);
        assert_eq!(only("result eq 'failure'".into()).await, Vec::<String>::new());
        let first = admin.get(&format!("{AUDITS}?$top=1")).await.expect_status(200).body;
        let next = next_path(&app, &first).expect("a second page");
        let second = admin.get(&next).await.expect_status(200).body;
        assert_eq!(second["value"][0]["category"], "GroupManagement");
        assert!(second.get("@odata.nextLink").is_none());
    }

    async fn bad_report_queries_answer_clear_graph_errors(app) {
        let admin = admin_with_role(&app, "reader").await;
        for path in [REGISTRATION, SIGN_INS, AUDITS] {
            assert_eq!(graph_error(&app.browser().get(path).await, 401, "InvalidAuthenticationToken"), "unauthorized");
            for (query, code) in [
                ("$top=0", "validation_failed"),
                ("$top=1000", "validation_failed"),
                ("$top=ten", "validation_failed"),
                ("$top=%2B5", "validation_failed"),
                ("$top=%205", "validation_failed"),
                ("$count=true", "validation_failed"),
                ("$filter=nonsense", "invalid_filter"),
                ("$filter=a eq true or b eq true", "invalid_filter"),
                ("$filter=startswith(userPrincipalName,'a')", "invalid_filter"),
                ("$filter=unknownProperty eq 'x'", "invalid_filter"),
                ("$skiptoken=not-a-token", "invalid_cursor"),
            ] {
                let answer = admin.get(&format!("{path}?{query}")).await;
                assert_eq!(graph_error(&answer, 400, "BadRequest"), code, "{path}?{query}");
            }
        }
        let answer = admin.get(&format!("{REGISTRATION}?$filter=isSsprRegistered eq 'yes'")).await;
        assert_eq!(graph_error(&answer, 400, "BadRequest"), "invalid_filter");
        assert!(answer.body["error"]["message"].as_str().expect("message").contains("isSsprRegistered"));
        let answer = admin.get(&format!("{SIGN_INS}?$filter=createdDateTime ge yesterday")).await;
        assert_eq!(graph_error(&answer, 400, "BadRequest"), "invalid_filter");
        // A page token of another report is refused.
        let first = admin.get(&format!("{AUDITS}?$top=1")).await.expect_status(200).body;
        let _ = first;
        let token = sspr_server::admin::paging::encode(sspr_server::admin::paging::List::SignIns, "1.1");
        let answer = admin.get(&format!("{REGISTRATION}?$skiptoken={token}")).await;
        assert_eq!(graph_error(&answer, 400, "BadRequest"), "invalid_cursor");
    }

    async fn application_sign_ins_name_the_application_and_filter_by_app_id(app) {
        let admin = first_global(&app).await;
        let created = admin.post("/api/graph/v1.0/applications", json!({
            "displayName": "Contoso shop",
            "web": {"redirectUris": ["https://shop.contoso.example/callback"]},
        })).await.expect_status(201).body;
        let app_id = created["appId"].as_str().expect("appId").to_owned();
        app.sign_up("fay@contoso.example", PASSWORD).await;
        let fay = user_id(&app, "fay@contoso.example").await;
        let now = app.state.now_ms();
        for (client, at) in [(app_id.as_str(), now + 1), ("other_app", now + 2)] {
            record(&app, Event {
                event: "oidc_authorize",
                outcome: "success",
                subject: Some(&fay),
                client_ip: Some("198.51.100.7"),
                detail: Some(json!({"client_id": client})),
                ..Event::default()
            }, at).await;
        }
        let page = admin.get(&format!("{SIGN_INS}?$filter=appId eq '{app_id}'")).await.expect_status(200).body;
        let rows = page["value"].as_array().expect("rows");
        assert_eq!(rows.len(), 1, "{page}");
        assert_eq!(rows[0]["appId"], app_id.as_str());
        assert_eq!(rows[0]["appDisplayName"], "Contoso shop");
        assert_eq!(rows[0]["authenticationMethod"], "session");
        assert_eq!(rows[0]["ipAddress"], "198.51.100.7");
        assert_eq!(rows[0]["userPrincipalName"], "fay@contoso.example");
        // `_` is a letter here, not a wildcard.
        let other = admin.get(&format!("{SIGN_INS}?$filter=appId eq 'other_app'")).await.expect_status(200).body;
        assert_eq!(other["value"].as_array().expect("rows").len(), 1);
        assert_eq!(other["value"][0]["appDisplayName"], "other_app", "an unknown client id is shown as is");
        let none = admin.get(&format!("{SIGN_INS}?$filter=appId eq 'other%25app'")).await;
        assert_eq!(graph_error(&none, 400, "BadRequest"), "invalid_filter");
        let none = admin.get(&format!("{SIGN_INS}?$filter=appId eq 'otherXapp'")).await.expect_status(200).body;
        assert!(none["value"].as_array().expect("rows").is_empty());
        let none = admin.get(&format!("{SIGN_INS}?$filter=appId eq 'OTHER_APP'")).await.expect_status(200).body;
        assert!(none["value"].as_array().expect("rows").is_empty(), "client ids are matched exactly");
    }

    async fn scripts_read_the_reports_with_an_api_token(app) {
        let admin = first_global(&app).await;
        let answer = admin.post("/api/admin/api-tokens", json!({"name": "Reporting", "role": "reader", "expires_in_days": 30}))
            .await.expect_status(201);
        let secret = answer.body["secret"].as_str().expect("secret").to_owned();
        let token_id = answer.body["token"]["id"].as_str().expect("id").to_owned();
        for path in [REGISTRATION, SIGN_INS, AUDITS] {
            let read = crate::policy_support::bearer(&app, reqwest::Method::GET, path, &secret, None).await;
            assert_eq!(read.status, 200, "{path}: {}", read.text);
        }
        let bad = crate::policy_support::bearer(&app, reqwest::Method::GET, REGISTRATION, "not-a-token", None).await;
        graph_error(&bad, 401, "InvalidAuthenticationToken");
        // A change made with the token is the token's in the directory audits.
        record(&app, Event {
            event: "admin_change",
            outcome: "success",
            actor: Some(&format!("api_token:{token_id}")),
            subject: Some("Email"),
            detail: Some(json!({"what": "authentication_method", "before": {"state": "enabled"}, "after": {"state": "disabled"}})),
            ..Event::default()
        }, app.state.now_ms() + 1).await;
        let audits = admin.get(&format!("{AUDITS}?$top=1")).await.expect_status(200).body;
        assert_eq!(audits["value"][0]["initiatedBy"], json!({"app": {"appId": token_id, "displayName": "Reporting"}}));
        assert_eq!(audits["value"][0]["activityDisplayName"], "Update authentication method");
    }

    async fn reset_for_a_group_enables_its_members_only(app) {
        let admin = seed_directory(&app).await;
        crate::policy_support::group(&app, "pilot", &["bob@contoso.example"]).await;
        let mut conn = app.db.pool.acquire().await.expect("connection");
        let mut policy = sspr_server::policy::reset::load(&mut conn).await.expect("policy");
        policy.enabled_for = sspr_api::SsprScope::Group;
        policy.group_id = Some("pilot".into());
        sspr_server::policy::reset::save(&mut conn, &policy, app.state.now_ms()).await.expect("saved");
        drop(conn);
        let enabled = admin.get(&format!("{REGISTRATION}?$filter=isSsprEnabled eq true")).await.expect_status(200).body;
        assert_eq!(names(&enabled), ["bob@contoso.example"]);
        let capable = admin.get(&format!("{REGISTRATION}?$filter=isSsprCapable eq true")).await.expect_status(200).body;
        assert_eq!(names(&capable), ["bob@contoso.example"]);
    }
}
