//! Security questions on the authentication methods policy (SPEC A2): Graph has no configuration
//! for them, so they are this product's own type (`#sspr.securityQuestionsAuthenticationMethodConfiguration`,
//! id `SecurityQuestions`) in the same collection, with `state`, `includeTargets` and
//! `excludeTargets` like the other methods. A user outside the targets is not offered questions
//! and their endpoints answer `method_disabled`, at the security info page and in a reset; the
//! reset policy's methods list stays in force as well.

use crate::admins::first_global;
use crate::backend_tests;
use crate::helpers::PASSWORD;
use crate::methods_support::*;
use crate::policy_support::{group, method, patch, put, POLICY};
use serde_json::{json, Value};
use sspr_api::ResetMethod;

const TYPE: &str = "#sspr.securityQuestionsAuthenticationMethodConfiguration";
const MEMBER: &str = "asked@contoso.example";
const OUTSIDER: &str = "not.asked@contoso.example";

backend_tests! {
    async fn security_questions_are_listed_in_the_methods_policy_with_their_own_type(app) {
        let admin = first_global(&app).await;
        let policy = admin.get(POLICY).await.expect_status(200).body;
        let listed = policy["authenticationMethodConfigurations"]
            .as_array()
            .expect("configurations")
            .iter()
            .find(|c| c["id"] == "SecurityQuestions")
            .cloned()
            .expect("listed beside Graph's methods");
        assert_eq!(listed["@odata.type"], TYPE);
        assert_eq!(listed["state"], "enabled", "on for everyone, as before the configuration");
        assert_eq!(listed["includeTargets"][0]["id"], "all_users");
        assert_eq!(listed["excludeTargets"], json!([]));
        let mut one = admin.get(&method("securityQuestions")).await.expect_status(200).body;
        one.as_object_mut().expect("object").remove("@odata.context");
        assert_eq!(one, listed);

        // Its type, and only the properties every configuration has.
        for bad in [
            json!({"@odata.type": "#microsoft.graph.authenticationMethodConfiguration", "state": "disabled"}),
            json!({"state": "disabled"}),
            json!({"@odata.type": TYPE, "passcodeLength": 8}),
            json!({"@odata.type": TYPE, "excludeTargets": [{"id": "no-such-group", "targetType": "group"}]}),
        ] {
            let refused = patch(&app, &admin, &method("SecurityQuestions"), bad.clone()).await;
            assert_eq!(refused.status, 400, "{bad}: {}", refused.text);
        }
        patch(&app, &admin, &method("SecurityQuestions"), json!({"@odata.type": TYPE, "state": "disabled"}))
            .await
            .expect_status(204);
        let one = admin.get(&method("SecurityQuestions")).await.expect_status(200).body;
        assert_eq!(one["state"], "disabled");
        let events = app.dump("audit_log").await.join("\n");
        assert!(events.contains("SecurityQuestions"), "the change is audited");
    }

    async fn security_questions_follow_their_include_and_exclude_groups_and_the_reset_policy(app) {
        let admin = first_global(&app).await;
        let member = app.sign_up(MEMBER, PASSWORD).await;
        let outsider = app.sign_up(OUTSIDER, PASSWORD).await;
        group(&app, "question-users", &[MEMBER]).await;
        set_reset_methods(&app, 2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]).await;
        patch(
            &app,
            &admin,
            &method("SecurityQuestions"),
            json!({"@odata.type": TYPE, "state": "enabled",
                   "includeTargets": [{"id": "question-users", "targetType": "group", "isRegistrationRequired": false}]}),
        )
        .await
        .expect_status(204);
        let available = |info: Value| info["available"].clone();
        assert_eq!(available(member.get(SECURITY_INFO).await.body), json!(["alternate_email", "security_questions"]));
        assert_eq!(available(outsider.get(SECURITY_INFO).await.body), json!(["alternate_email"]));
        let three = answers(&member, 3).await;
        put(&app, &member, QUESTIONS, json!({"answers": three.clone()})).await.expect_status(200);
        let refused = put(&app, &outsider, QUESTIONS, json!({"answers": three.clone()})).await;
        assert_eq!(refused.status, 403, "{}", refused.text);
        assert_eq!(refused.error().code, "method_disabled");

        // Included: offered at a reset.
        let (_, _, view) = past_the_email(&app, MEMBER).await;
        assert_eq!(view["method_choices"], json!([{"kind": "security_questions", "detail": "Security questions"}]));

        // Excluded by a group: kept, but not offered, and its endpoints answer method_disabled.
        patch(
            &app,
            &admin,
            &method("SecurityQuestions"),
            json!({"@odata.type": TYPE, "excludeTargets": [{"id": "question-users", "targetType": "group"}]}),
        )
        .await
        .expect_status(204);
        let info = member.get(SECURITY_INFO).await.expect_status(200).body;
        assert_eq!(available(info.clone()), json!(["alternate_email"]));
        assert!(info["methods"].as_array().expect("methods").iter().any(|m| m["kind"] == "security_questions"), "kept: {info}");
        let (browser, id, view) = past_the_email(&app, MEMBER).await;
        assert!(view.get("method_choices").is_none(), "not offered: {view}");
        let asked = browser.post(&format!("/api/flows/{id}/questions"), json!({})).await;
        assert_eq!(asked.status, 403, "{}", asked.text);
        assert_eq!(asked.error().code, "method_disabled");
        let answers_given: Vec<String> = vec!["a b c".into(); 3];
        let proved = browser
            .post(&format!("/api/flows/{id}/prove"), json!({"method": "security_questions", "answers": answers_given}))
            .await;
        assert_eq!(proved.status, 403, "{}", proved.text);
        assert_eq!(proved.error().code, "method_disabled");
        let again = put(&app, &member, QUESTIONS, json!({"answers": three.clone()})).await;
        assert_eq!(again.error().code, "method_disabled");

        // Targeted again but left out of the reset policy's methods: not offered either.
        patch(&app, &admin, &method("SecurityQuestions"), json!({"@odata.type": TYPE, "excludeTargets": []}))
            .await
            .expect_status(204);
        assert_eq!(available(member.get(SECURITY_INFO).await.body), json!(["alternate_email", "security_questions"]));
        set_reset_methods(&app, 1, &[ResetMethod::Email]).await;
        assert_eq!(available(member.get(SECURITY_INFO).await.body), json!(["alternate_email"]));
        let refused = put(&app, &member, QUESTIONS, json!({"answers": three})).await;
        assert_eq!(refused.error().code, "method_disabled");
    }
}
