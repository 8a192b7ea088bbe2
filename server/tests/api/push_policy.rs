//! `microsoftAuthenticator` in the Graph-compatible policy (issue 13): enabled and targeted with
//! Microsoft's v1.0 names, push approvals follow its state and targets, and
//! `isSoftwareOathEnabled` says whether the same app's codes may be used too.

use crate::admins::first_global;
use crate::backend_tests;
use crate::helpers::PASSWORD;
use crate::methods_support::*;
use crate::policy_support::{method, patch, EMAIL_TYPE};
use serde_json::{json, Value};

const AUTHENTICATOR_TYPE: &str =
    "#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration";
const PAIRING: &str = "/api/account/methods/authenticator-push";

backend_tests! {
    async fn push_follows_the_microsoft_authenticator_state_and_targets_and_codes_follow_is_software_oath_enabled(app) {
        let admin = first_global(&app).await;
        let member = app.sign_up("in.push.group@contoso.example", PASSWORD).await;
        let outsider = app.sign_up("outside.push@contoso.example", PASSWORD).await;
        crate::policy_support::group(&app, "push-users", &["in.push.group@contoso.example"]).await;

        let read = admin.get(&method("MicrosoftAuthenticator")).await.expect_status(200);
        assert_eq!(read.body["@odata.type"], AUTHENTICATOR_TYPE);
        assert_eq!(read.body["state"], "disabled");
        assert_eq!(read.body["isSoftwareOathEnabled"], true);
        member.post(PAIRING, json!({})).await.expect_status(403);

        patch(&app, &admin, &method("microsoftAuthenticator"), json!({
            "@odata.type": AUTHENTICATOR_TYPE, "state": "enabled",
            "includeTargets": [{"id": "push-users", "targetType": "group", "isRegistrationRequired": false}],
        }))
        .await
        .expect_status(204);
        let available = |info: Value| info["available"].clone();
        assert_eq!(available(member.get(SECURITY_INFO).await.body), json!(["authenticator_app", "alternate_email", "microsoft_authenticator"]));
        assert_eq!(available(outsider.get(SECURITY_INFO).await.body), json!(["alternate_email"]));
        member.post(PAIRING, json!({})).await.expect_status(200);
        let refused = outsider.post(PAIRING, json!({})).await.expect_status(403);
        assert_eq!(refused.error().code, "method_disabled");

        patch(&app, &admin, &method("microsoftAuthenticator"), json!({
            "@odata.type": AUTHENTICATOR_TYPE, "isSoftwareOathEnabled": false,
        }))
        .await
        .expect_status(204);
        let read = admin.get(&method("MicrosoftAuthenticator")).await.expect_status(200);
        assert_eq!(read.body["isSoftwareOathEnabled"], false);
        assert_eq!(available(member.get(SECURITY_INFO).await.body), json!(["alternate_email", "microsoft_authenticator"]));
        // A device paired now gets no app-code seed, and no app is registered for it.
        let pairing = member.post(PAIRING, json!({})).await.expect_status(200);
        let key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).expect("a scalar");
        let public = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            key.verifying_key().to_sec1_point(false).as_bytes(),
        );
        let paired = app.browser()
            .post("/api/authenticator/pair", json!({"pairing_code": pairing.body["pairing_code"], "public_key": public}))
            .await
            .expect_status(200);
        assert!(paired.body.get("totp_secret").is_none(), "{}", paired.text);
        let kinds: Vec<String> = listed(&member.get(SECURITY_INFO).await.body).into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, ["email", "microsoft_authenticator"]);

        let misplaced = patch(&app, &admin, &method("email"), json!({
            "@odata.type": EMAIL_TYPE, "isSoftwareOathEnabled": true,
        }))
        .await
        .expect_status(400);
        assert!(misplaced.text.contains("isSoftwareOathEnabled"), "{}", misplaced.text);
    }
}
