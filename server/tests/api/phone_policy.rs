//! The phone methods' administrator settings in the Graph-compatible policy (SECURITY 26, SPEC
//! A2 and §8): `smsAuthenticationMethodConfiguration` with `isUsableForSignIn` on its targets,
//! `voiceAuthenticationMethodConfiguration` with `isOfficePhoneAllowed`, and beside Graph's
//! properties the country allow-list (none by default, so the methods are off) and the daily
//! caps against SMS pumping.

use crate::admins::first_global;
use crate::backend_tests;
use crate::policy_support::{changes, graph_error, group, method, patch};
use serde_json::{json, Value};

const SMS_TYPE: &str = "#microsoft.graph.smsAuthenticationMethodConfiguration";
const VOICE_TYPE: &str = "#microsoft.graph.voiceAuthenticationMethodConfiguration";

backend_tests! {
    async fn the_phone_methods_are_off_and_allow_no_country_by_default(app) {
        let admin = first_global(&app).await;
        let sms = admin.get(&method("sms")).await.expect_status(200).body;
        assert_eq!(sms["@odata.type"], SMS_TYPE);
        assert_eq!(sms["id"], "Sms");
        assert_eq!(sms["state"], "disabled");
        assert_eq!(sms["allowedCountries"], json!([]));
        assert_eq!(sms["maxSendsPerNumberPerDay"], 5);
        assert_eq!(sms["maxSendsPerDay"], 1000);
        assert_eq!(sms["includeTargets"][0]["id"], "all_users");
        assert_eq!(sms["includeTargets"][0]["isUsableForSignIn"], true);
        let voice = admin.get(&method("voice")).await.expect_status(200).body;
        assert_eq!(voice["@odata.type"], VOICE_TYPE);
        assert_eq!(voice["state"], "disabled");
        assert_eq!(voice["isOfficePhoneAllowed"], false);
        assert_eq!(voice["allowedCountries"], json!([]));
        assert_eq!(voice["maxSendsPerNumberPerDay"], 5);
        // Only the phone methods carry the phone settings.
        let email = admin.get(&method("email")).await.expect_status(200).body;
        assert!(email.get("allowedCountries").is_none());
        assert!(email.get("maxSendsPerDay").is_none());
    }

    async fn an_administrator_sets_countries_caps_and_targets_and_it_is_audited(app) {
        let admin = first_global(&app).await;
        app.sign_up("member@contoso.example", crate::helpers::PASSWORD).await;
        group(&app, "field-staff", &["member@contoso.example"]).await;
        group(&app, "contractors", &[]).await;
        patch(&app, &admin, &method("Sms"), json!({
            "@odata.type": SMS_TYPE,
            "state": "enabled",
            "allowedCountries": ["GB", "FR", "GB"],
            "maxSendsPerNumberPerDay": 3,
            "maxSendsPerDay": 200,
            "includeTargets": [{"id": "field-staff", "targetType": "group", "isRegistrationRequired": false, "isUsableForSignIn": false}],
            "excludeTargets": [{"id": "contractors", "targetType": "group"}]
        })).await.expect_status(204);
        let sms = admin.get(&method("sms")).await.expect_status(200).body;
        assert_eq!(sms["state"], "enabled");
        assert_eq!(sms["allowedCountries"], json!(["FR", "GB"]));
        assert_eq!(sms["maxSendsPerNumberPerDay"], 3);
        assert_eq!(sms["maxSendsPerDay"], 200);
        assert_eq!(sms["includeTargets"], json!([{"id": "field-staff", "targetType": "group", "isRegistrationRequired": false, "isUsableForSignIn": false}]));
        assert_eq!(sms["excludeTargets"], json!([{"id": "contractors", "targetType": "group"}]));

        patch(&app, &admin, &method("voice"), json!({
            "@odata.type": VOICE_TYPE,
            "state": "enabled",
            "isOfficePhoneAllowed": true,
            "allowedCountries": ["US"]
        })).await.expect_status(204);
        let voice = admin.get(&method("Voice")).await.expect_status(200).body;
        assert_eq!(voice["isOfficePhoneAllowed"], true);
        assert_eq!(voice["allowedCountries"], json!(["US"]));
        // Left alone where the PATCH did not name it.
        assert_eq!(voice["maxSendsPerDay"], 1000);

        // The whole policy lists them the same way.
        let policy = admin.get(crate::policy_support::POLICY).await.expect_status(200).body;
        let listed: Vec<&Value> = policy["authenticationMethodConfigurations"].as_array().expect("list")
            .iter().filter(|c| c["id"] == "Sms" || c["id"] == "Voice").collect();
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().any(|c| c["allowedCountries"] == json!(["FR", "GB"])));

        let recorded = changes(&app, "authentication_method").await;
        assert_eq!(recorded.len(), 2, "{recorded:?}");
        let sms_change = recorded.iter().find(|r| r.1 == "Sms").expect("Sms audited");
        assert_eq!(sms_change.2["before"]["allowedCountries"], json!([]));
        assert_eq!(sms_change.2["after"]["allowedCountries"], json!(["FR", "GB"]));
        // Emptying the list turns the method off again in practice.
        patch(&app, &admin, &method("sms"), json!({"@odata.type": SMS_TYPE, "allowedCountries": []}))
            .await.expect_status(204);
        let sms = admin.get(&method("sms")).await.expect_status(200).body;
        assert_eq!(sms["allowedCountries"], json!([]));
        assert_eq!(sms["state"], "enabled");
    }

    async fn bad_phone_settings_are_refused_with_graph_errors_and_change_nothing(app) {
        let admin = first_global(&app).await;
        let cases = [
            ("sms", json!({"@odata.type": SMS_TYPE, "allowedCountries": ["ZZ"]}), "validation_failed", "allowedCountries"),
            ("sms", json!({"@odata.type": SMS_TYPE, "allowedCountries": ["fr"]}), "validation_failed", "allowedCountries"),
            ("sms", json!({"@odata.type": SMS_TYPE, "allowedCountries": "FR"}), "invalid_json", "allowedCountries"),
            ("sms", json!({"@odata.type": SMS_TYPE, "maxSendsPerNumberPerDay": 0}), "validation_failed", "maxSendsPerNumberPerDay"),
            ("sms", json!({"@odata.type": SMS_TYPE, "maxSendsPerNumberPerDay": 21}), "validation_failed", "maxSendsPerNumberPerDay"),
            ("voice", json!({"@odata.type": VOICE_TYPE, "maxSendsPerDay": 100001}), "validation_failed", "maxSendsPerDay"),
            ("voice", json!({"@odata.type": VOICE_TYPE, "maxSendsPerDay": -1}), "invalid_json", "maxSendsPerDay"),
            ("voice", json!({"@odata.type": VOICE_TYPE, "includeTargets": [{"id": "all_users", "targetType": "group", "isUsableForSignIn": true}]}), "validation_failed", "isUsableForSignIn"),
            ("sms", json!({"@odata.type": SMS_TYPE, "isOfficePhoneAllowed": true}), "validation_failed", "isOfficePhoneAllowed"),
            ("email", json!({"@odata.type": crate::policy_support::EMAIL_TYPE, "allowedCountries": ["FR"]}), "validation_failed", "allowedCountries"),
            ("softwareOath", json!({"@odata.type": "#microsoft.graph.softwareOathAuthenticationMethodConfiguration", "maxSendsPerDay": 10}), "validation_failed", "maxSendsPerDay"),
        ];
        for (id, body, code, named) in cases {
            let answer = patch(&app, &admin, &method(id), body.clone()).await;
            assert_eq!(graph_error(&answer, 400, "BadRequest"), code, "{body}");
            let message = answer.body["error"]["message"].as_str().expect("message");
            assert!(message.contains(named), "{body}: {message}");
        }
        let sms = admin.get(&method("sms")).await.expect_status(200).body;
        assert_eq!(sms["allowedCountries"], json!([]));
        assert_eq!(sms["maxSendsPerNumberPerDay"], 5);
        assert!(changes(&app, "authentication_method").await.is_empty());
    }
}
