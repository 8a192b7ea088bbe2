//! The Graph-compatible authentication methods policy (SPEC §4 A3, §8): Microsoft's documented
//! examples verbatim, roles, validation and Graph's error shape, and the audit of every change.

use crate::admins::{admin_with_role, first_global, invited};
use crate::backend_tests;
use crate::policy_support::{
    changes, graph_error, group, method, patch, patch_raw, EMAIL_TYPE, GRAPH, POLICY,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Microsoft's documented response to `GET /policies/authenticationMethodsPolicy` (Graph v1.0
/// reference, "Get authenticationMethodsPolicy"), verbatim.
const MICROSOFT_GET_EXAMPLE: &str = r##"{
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#authenticationMethodsPolicy",
    "id": "authenticationMethodsPolicy",
    "displayName": "Authentication Methods Policy",
    "description": "The tenant-wide policy that controls which authentication methods are allowed in the tenant, authentication method registration requirements, and self-service password reset settings",
    "lastModifiedDateTime": "2022-01-26T10:47:26.6044384Z",
    "policyVersion": "1.4",
    "registrationEnforcement": {
        "authenticationMethodsRegistrationCampaign": {
            "snoozeDurationInDays": 1,
            "state": "default",
            "excludeTargets": [],
            "includeTargets": [
                {
                    "id": "all_users",
                    "targetType": "group",
                    "targetedAuthenticationMethod": "microsoftAuthenticator"
                }
            ]
        }
    },
    "authenticationMethodConfigurations": [
        {
            "@odata.type": "#microsoft.graph.fido2AuthenticationMethodConfiguration",
            "id": "Fido2",
            "state": "disabled",
            "isSelfServiceRegistrationAllowed": true,
            "isAttestationEnforced": true,
            "keyRestrictions": {
                "isEnforced": false,
                "enforcementType": "block",
                "aaGuids": []
            },
            "includeTargets": [
                {
                    "targetType": "group",
                    "id": "all_users",
                    "isRegistrationRequired": false
                }
            ]
        },
        {
            "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration",
            "id": "MicrosoftAuthenticator",
            "state": "disabled",
            "includeTargets": [
                {
                    "targetType": "group",
                    "id": "all_users",
                    "isRegistrationRequired": false,
                    "authenticationMode": "any",
                    "outlookMobileAllowedState": "default",
                    "displayAppInformationRequiredState": "default",
                    "numberMatchingRequiredState": "default"
                }
            ]
        },
        {
            "@odata.type": "#microsoft.graph.smsAuthenticationMethodConfiguration",
            "id": "Sms",
            "state": "enabled",
            "includeTargets": [
                {
                    "targetType": "group",
                    "id": "all_users",
                    "isRegistrationRequired": false,
                    "isUsableForSignIn": true
                }
            ]
        },
        {
            "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
            "id": "TemporaryAccessPass",
            "state": "disabled",
            "defaultLifetimeInMinutes": 60,
            "defaultLength": 8,
            "minimumLifetimeInMinutes": 60,
            "maximumLifetimeInMinutes": 480,
            "isUsableOnce": false,
            "includeTargets": [
                {
                    "targetType": "group",
                    "id": "all_users",
                    "isRegistrationRequired": false
                }
            ]
        },
        {
            "@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration",
            "id": "Email",
            "state": "enabled",
            "allowExternalIdToUseEmailOtp": "default",
            "includeTargets": []
        }
    ]
}"##;

/// Microsoft's documented request body for "Update emailAuthenticationMethodConfiguration",
/// verbatim — trailing comma included.
const MICROSOFT_PATCH_EXAMPLE: &str = r##"{
  "@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration",
  "allowExternalIdToUseEmailOtp": "enabled",
}"##;

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn configuration<'a>(policy: &'a Value, id: &str) -> &'a Value {
    policy["authenticationMethodConfigurations"]
        .as_array()
        .expect("configurations")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} configuration"))
}

backend_tests! {
    async fn the_policy_has_every_key_of_microsofts_documented_answer(app) {
        let reader = admin_with_role(&app, "reader").await;
        let ours = reader.get(POLICY).await.expect_status(200).body;
        let microsoft: Value = serde_json::from_str(MICROSOFT_GET_EXAMPLE).expect("Microsoft's JSON");
        let missing: Vec<_> = keys(&microsoft).difference(&keys(&ours)).cloned().collect();
        assert!(missing.is_empty(), "missing top-level keys {missing:?}");
        assert!(ours["@odata.context"].as_str().expect("context").ends_with("/api/graph/v1.0/$metadata#authenticationMethodsPolicy"));
        assert_eq!(ours["id"], "authenticationMethodsPolicy");
        assert_eq!(ours["displayName"], microsoft["displayName"]);
        assert!(["preMigration", "migrationInProgress", "migrationComplete"]
            .contains(&ours["policyMigrationState"].as_str().expect("state")));
        assert!(ours.get("reconfirmationInDays").is_some());
        let campaign = &ours["registrationEnforcement"]["authenticationMethodsRegistrationCampaign"];
        let theirs = &microsoft["registrationEnforcement"]["authenticationMethodsRegistrationCampaign"];
        assert_eq!(keys(campaign), keys(theirs));
        assert_eq!(keys(&campaign["includeTargets"][0]), keys(&theirs["includeTargets"][0]));
        // Every method Microsoft lists is here, with its type and the common keys.
        for theirs in microsoft["authenticationMethodConfigurations"].as_array().expect("list") {
            let id = theirs["id"].as_str().expect("id");
            let mine = configuration(&ours, id);
            assert_eq!(mine["@odata.type"], theirs["@odata.type"], "{id}");
            for key in ["@odata.type", "id", "state", "includeTargets"] {
                assert!(mine.get(key).is_some(), "{id} lacks {key}");
            }
            assert!(["enabled", "disabled"].contains(&mine["state"].as_str().expect("state")));
            for target in mine["includeTargets"].as_array().expect("targets") {
                assert!(target.get("id").is_some() && target.get("isRegistrationRequired").is_some());
                assert!(["group", "user"].contains(&target["targetType"].as_str().expect("type")));
            }
        }
        let email = configuration(&ours, "Email");
        assert_eq!(email["state"], "enabled");
        assert_eq!(email["allowExternalIdToUseEmailOtp"], "default");
        assert_eq!(email["includeTargets"][0]["id"], "all_users");
        assert_eq!(email["passcodeLength"], 8);
        assert_eq!(configuration(&ours, "Sms")["includeTargets"][0]["isUsableForSignIn"], true);
        assert_eq!(configuration(&ours, "Voice")["isOfficePhoneAllowed"], false);
        assert!(configuration(&ours, "Voice").get("excludeTargets").is_some());
    }

    async fn microsofts_documented_patch_works_unchanged_and_is_audited(app) {
        let admin = first_global(&app).await;
        let policy = invited(&app, &admin, "authentication_policy_administrator", 1).await;
        let path = format!("{POLICY}/authenticationMethodConfigurations/email");
        let answer = patch_raw(&app, &policy, &path, MICROSOFT_PATCH_EXAMPLE).await;
        assert_eq!(answer.status, 204, "{}", answer.text);
        assert!(answer.text.is_empty());
        let email = policy.get(&method("Email")).await.expect_status(200).body;
        assert_eq!(email["allowExternalIdToUseEmailOtp"], "enabled");
        assert!(email["@odata.context"].as_str().expect("context").contains("$metadata#"));
        // The same body without the comma, as strict JSON clients send it.
        let disabled = json!({"@odata.type": EMAIL_TYPE, "allowExternalIdToUseEmailOtp": "disabled"});
        patch(&app, &policy, &path, disabled).await.expect_status(204);
        let after = policy.get(POLICY).await.expect_status(200).body;
        assert_eq!(configuration(&after, "Email")["allowExternalIdToUseEmailOtp"], "disabled");
        assert!(after["lastModifiedDateTime"].as_str().expect("date").starts_with("20"));

        let recorded = changes(&app, "authentication_method").await;
        assert_eq!(recorded.len(), 2);
        let (actor, subject, detail) = &recorded[0];
        assert!(actor.starts_with("admin:"));
        assert_eq!(subject, "Email");
        assert_eq!(detail["before"]["allowExternalIdToUseEmailOtp"], "default");
        assert_eq!(detail["after"]["allowExternalIdToUseEmailOtp"], "enabled");
        assert_eq!(recorded[1].2["before"]["allowExternalIdToUseEmailOtp"], "enabled");
        // A PATCH that changes nothing records nothing.
        patch_raw(&app, &policy, &path, MICROSOFT_PATCH_EXAMPLE.replace("enabled", "disabled").as_str())
            .await
            .expect_status(204);
        assert_eq!(changes(&app, "authentication_method").await.len(), 2);
        // A target as Microsoft's SDKs send it, with its own @odata.type, is taken.
        let typed = json!({"@odata.type": EMAIL_TYPE, "includeTargets": [{
            "@odata.type": "#microsoft.graph.authenticationMethodTarget", "id": "all_users", "targetType": "group",
        }]});
        patch(&app, &policy, &path, typed).await.expect_status(204);
        let email = policy.get(&method("Email")).await.expect_status(200).body;
        assert_eq!(email["includeTargets"][0]["id"], "all_users");
    }

    async fn only_policy_and_global_administrators_may_patch(app) {
        let global = first_global(&app).await;
        let reader = invited(&app, &global, "reader", 1).await;
        let users = invited(&app, &global, "user_administrator", 2).await;
        let body = json!({"@odata.type": EMAIL_TYPE, "state": "disabled"});
        for browser in [&reader, &users] {
            let answer = patch(&app, browser, &method("email"), body.clone()).await;
            assert_eq!(graph_error(&answer, 403, "Authorization_RequestDenied"), "forbidden");
            let top = patch(&app, browser, POLICY, json!({"reconfirmationInDays": 30})).await;
            graph_error(&top, 403, "Authorization_RequestDenied");
            // Reading is allowed.
            browser.get(POLICY).await.expect_status(200);
        }
        let anonymous = app.browser();
        let answer = anonymous.get(POLICY).await;
        assert_eq!(graph_error(&answer, 401, "InvalidAuthenticationToken"), "unauthorized");
        graph_error(&anonymous.get(&method("email")).await, 401, "InvalidAuthenticationToken");
        graph_error(&patch(&app, &anonymous, &method("email"), body.clone()).await, 401, "InvalidAuthenticationToken");
        // Nothing changed.
        let email = global.get(&method("email")).await.expect_status(200).body;
        assert_eq!(email["state"], "enabled");
        assert!(changes(&app, "authentication_method").await.is_empty());
    }

    async fn bad_patches_are_refused_with_graph_errors_and_change_nothing(app) {
        let admin = first_global(&app).await;
        let path = method("email");
        let cases = [
            (json!({"state": "disabled"}), "validation_failed", "@odata.type"),
            (json!({"@odata.type": "#microsoft.graph.smsAuthenticationMethodConfiguration", "state": "disabled"}), "validation_failed", "@odata.type"),
            (json!({"@odata.type": EMAIL_TYPE, "state": "off"}), "invalid_json", "state"),
            (json!({"@odata.type": EMAIL_TYPE, "allowExternalIdToUseEmailOtp": "maybe"}), "invalid_json", "allowExternalIdToUseEmailOtp"),
            (json!({"@odata.type": EMAIL_TYPE, "colour": "blue"}), "invalid_json", "colour"),
            (json!({"@odata.type": EMAIL_TYPE, "passcodeLength": 4}), "validation_failed", "passcodeLength"),
            (json!({"@odata.type": EMAIL_TYPE, "passcodeLifetimeInSeconds": 86400}), "validation_failed", "passcodeLifetimeInSeconds"),
            (json!({"@odata.type": EMAIL_TYPE, "passcodeMaxAttempts": 0}), "validation_failed", "passcodeMaxAttempts"),
            (json!({"@odata.type": EMAIL_TYPE, "id": "Sms"}), "validation_failed", "id"),
            (json!({"@odata.type": EMAIL_TYPE, "includeTargets": [{"id": "no-such-group", "targetType": "group"}]}), "validation_failed", "no-such-group"),
            (json!({"@odata.type": EMAIL_TYPE, "includeTargets": [{"id": "all_users", "targetType": "team"}]}), "invalid_json", "team"),
            // An id is 1 to 100 characters, counted as characters (the schema's `maxLength`):
            // 60 two-byte ones are judged on whether the group exists.
            (json!({"@odata.type": EMAIL_TYPE, "includeTargets": [{"id": "a".repeat(101), "targetType": "group"}]}), "validation_failed", "1 to 100 characters"),
            (json!({"@odata.type": EMAIL_TYPE, "includeTargets": [{"id": "é".repeat(60), "targetType": "group"}]}), "validation_failed", "There is no group"),
            (json!({"@odata.type": EMAIL_TYPE, "excludeTargets": [{"id": "all_users", "targetType": "group"}]}), "validation_failed", "all_users"),
            (json!({"@odata.type": EMAIL_TYPE, "isOfficePhoneAllowed": true}), "validation_failed", "isOfficePhoneAllowed"),
        ];
        for (body, code, named) in cases {
            let answer = patch(&app, &admin, &path, body.clone()).await;
            assert_eq!(graph_error(&answer, 400, "BadRequest"), code, "{body}");
            let message = answer.body["error"]["message"].as_str().expect("message");
            assert!(message.contains(named), "{body}: {message}");
        }
        graph_error(&patch_raw(&app, &admin, &path, "{not json").await, 400, "BadRequest");
        let unknown = patch(&app, &admin, &method("carrierPigeon"), json!({"@odata.type": EMAIL_TYPE})).await;
        assert_eq!(graph_error(&unknown, 404, "Request_ResourceNotFound"), "not_found");
        graph_error(&admin.get(&method("carrierPigeon")).await, 404, "Request_ResourceNotFound");
        graph_error(&admin.get(&format!("{GRAPH}/users")).await, 404, "Request_ResourceNotFound");
        // A PATCH of a method that is not Email may not carry Email's settings.
        let sms = patch(&app, &admin, &method("sms"), json!({
            "@odata.type": "#microsoft.graph.smsAuthenticationMethodConfiguration",
            "allowExternalIdToUseEmailOtp": "enabled"
        })).await;
        graph_error(&sms, 400, "BadRequest");
        let email = admin.get(&path).await.expect_status(200).body;
        assert_eq!(email["state"], "enabled");
        assert_eq!(email["passcodeLength"], 8);
        assert!(changes(&app, "authentication_method").await.is_empty());
    }

    async fn a_graph_errors_date_is_the_servers_clock(app) {
        let answer = app.browser().get(&format!("{GRAPH}/policies/authenticationMethodsPolicy")).await;
        assert_eq!(answer.status, 401, "{}", answer.text);
        let date = answer.body["error"]["innerError"]["date"].as_str().expect("date");
        assert_eq!(date, sspr_server::http::graph::iso8601(crate::support::now(&app)));
        app.clock.advance_ms(86_400_000);
        let later = app.browser().get(&format!("{GRAPH}/policies/authenticationMethodsPolicy")).await;
        assert_eq!(later.body["error"]["innerError"]["date"].as_str(), Some(sspr_server::http::graph::iso8601(crate::support::now(&app)).as_str()));
        assert_ne!(later.body["error"]["innerError"]["date"].as_str(), Some(date));
    }

    async fn other_methods_and_the_policys_own_settings_are_writable(app) {
        let admin = first_global(&app).await;
        app.sign_up("member@contoso.example", crate::helpers::PASSWORD).await;
        group(&app, "helpdesk", &["member@contoso.example"]).await;
        patch(&app, &admin, &method("Voice"), json!({
            "@odata.type": "#microsoft.graph.voiceAuthenticationMethodConfiguration",
            "state": "enabled",
            "isOfficePhoneAllowed": true,
            "includeTargets": [{"id": "helpdesk", "targetType": "group", "isRegistrationRequired": true}]
        })).await.expect_status(204);
        let voice = admin.get(&method("voice")).await.expect_status(200).body;
        assert_eq!(voice["state"], "enabled");
        assert_eq!(voice["isOfficePhoneAllowed"], true);
        assert_eq!(voice["includeTargets"], json!([{"id": "helpdesk", "targetType": "group", "isRegistrationRequired": true}]));

        patch(&app, &admin, POLICY, json!({
            "reconfirmationInDays": 90,
            "registrationEnforcement": {"authenticationMethodsRegistrationCampaign": {
                "snoozeDurationInDays": 3, "state": "enabled", "excludeTargets": [],
                "includeTargets": [{"id": "all_users", "targetType": "group", "targetedAuthenticationMethod": "email"}]
            }}
        })).await.expect_status(204);
        let policy = admin.get(POLICY).await.expect_status(200).body;
        assert_eq!(policy["reconfirmationInDays"], 90);
        assert_eq!(policy["registrationEnforcement"]["authenticationMethodsRegistrationCampaign"]["state"], "enabled");
        // The reset policy shows the same two values.
        let reset = admin.get("/api/admin/reset-policy").await.expect_status(200).body;
        assert_eq!(reset["reconfirm_after_days"], 90);
        assert_eq!(reset["require_registration"], true);
        let bad = patch(&app, &admin, POLICY, json!({"reconfirmationInDays": 9999})).await;
        graph_error(&bad, 400, "BadRequest");
        let recorded = changes(&app, "authentication_methods_policy").await;
        assert_eq!(recorded.len(), 1);
        assert_eq!(recorded[0].2["before"]["reconfirmationInDays"], Value::Null);
        assert_eq!(recorded[0].2["after"]["reconfirmationInDays"], 90);
    }

    async fn the_openapi_document_describes_the_policy_endpoints(app) {
        let doc: Value = app.get("/api/openapi.json").await.json().await.expect("json");
        let paths = doc["paths"].as_object().expect("paths");
        let configuration = "/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}";
        for (path, verb) in [
            ("/api/graph/v1.0/policies/authenticationMethodsPolicy", "get"),
            ("/api/graph/v1.0/policies/authenticationMethodsPolicy", "patch"),
            (configuration, "get"),
            (configuration, "patch"),
            ("/api/graph/v1.0/invitations", "post"),
            ("/api/admin/reset-policy", "get"),
            ("/api/admin/reset-policy", "put"),
            ("/api/admin/api-tokens", "get"),
            ("/api/admin/api-tokens", "post"),
            ("/api/admin/api-tokens/{id}", "delete"),
            ("/api/admin/invitations", "get"),
            ("/api/admin/invitations", "post"),
            ("/api/admin/invitations/{id}/resend", "post"),
            ("/api/admin/guests/{user_id}/reset-redemption", "post"),
        ] {
            assert!(paths.get(path).and_then(|p| p.get(verb)).is_some(), "{verb} {path}");
        }
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        for schema in ["AuthenticationMethodsPolicy", "MethodConfiguration", "MethodConfigurationPatch", "GraphErrorBody", "ResetPolicy", "CreateApiToken", "InvitationView", "GraphInvitationRequest"] {
            assert!(schemas.contains_key(schema), "{schema}");
        }
        let states = &schemas["ExternalEmailOtpState"]["enum"];
        assert_eq!(states, &json!(["default", "enabled", "disabled"]));
    }

    async fn the_policys_own_patch_is_validated_too(app) {
        let admin = first_global(&app).await;
        for body in [
            json!({"@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration"}),
            json!({"id": "otherPolicy"}),
            json!({"policyMigrationState": "halfway"}),
            json!({"displayName": "Mine"}),
            json!({"registrationEnforcement": {"authenticationMethodsRegistrationCampaign": {
                "snoozeDurationInDays": 1, "state": "enabled",
                "includeTargets": [{"id": "ghost-group", "targetType": "group", "targetedAuthenticationMethod": "email"}]
            }}}),
        ] {
            graph_error(&patch(&app, &admin, POLICY, body.clone()).await, 400, "BadRequest");
        }
        patch(&app, &admin, POLICY, json!({"@odata.type": "#microsoft.graph.authenticationMethodsPolicy", "policyMigrationState": "migrationInProgress"}))
            .await
            .expect_status(204);
        assert_eq!(admin.get(POLICY).await.body["policyMigrationState"], "migrationInProgress");
    }
}
