//! Guest invitations from the portal and from Graph's `POST /invitations` (SPEC §4 A6, §8, seed
//! 001): invite with a redirect, list with redemption status, resend, reset redemption — each
//! audited with before and after.

use crate::admins::{first_global, invited};
use crate::backend_tests;
use crate::helpers::{Browser, TestApp};
use crate::policy_support::{bearer, changes, graph_error};
use crate::support::invitation_token;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Microsoft's documented answer to `POST /invitations` (Graph v1.0 reference, "Create
/// invitation"), verbatim: our answer must have every key of it but `invitedUserMessageInfo`.
const MICROSOFT_INVITATION: &str = r#"{
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#invitations/$entity",
    "id": "9071bfde-35e0-47d2-a582-d244ab1b4af6",
    "inviteRedeemUrl": "https://login.microsoftonline.com/redeem?rd=https%3a%2f%2finvitations.microsoft.com%2fredeem%2f%3ftenant%3d69997834-fa40-45da-xxxx-382c3bdc66c3%26user%3d9071bfde-35e0-47d2-a582-d244ab1b4af6%26ticket%3dwCFIFW%25252frzl2A%25252fpZFZk5fCLJprpDxtcjR8s%25252fo1QZA0yQ%25253d%26ver%3d2.0",
    "invitedUserDisplayName": null,
    "invitedUserType": "Guest",
    "invitedUserEmailAddress": "admin@fabrikam.com",
    "sendInvitationMessage": false,
    "resetRedemption": false,
    "inviteRedirectUrl": "https://myapp.contoso.com",
    "status": "PendingAcceptance",
    "invitedUserMessageInfo": {
        "messageLanguage": null,
        "customizedMessageBody": null,
        "ccRecipients": [
            {
                "emailAddress": {
                    "name": null,
                    "address": null
                }
            }
        ]
    },
    "invitedUser": {
        "id": "cbb896f9-8306-49d0-b56b-b8e39cd28825"
    }
}"#;

/// Redeems the invitation link `link` for `email` in a fresh browser.
async fn redeem(app: &TestApp, email: &str, link: &str) {
    let browser = app.browser();
    let answer = browser
        .post(
            "/api/flows",
            json!({"purpose": "guest", "invitation": invitation_token(link)}),
        )
        .await
        .expect_status(201);
    let id = answer.body["flow_id"].as_str().expect("id").to_owned();
    let code = app.mailbox.code_for(email).await;
    let done = browser
        .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
        .await
        .expect_status(200);
    assert_eq!(done.body["state"], "completed");
}

async fn invite(admin: &Browser, email: &str) -> Value {
    admin
        .post(
            "/api/admin/invitations",
            json!({"email": email, "display_name": "Gus", "redirect_url": "/account"}),
        )
        .await
        .expect_status(201)
        .body
}

fn statuses(list: &Value) -> Vec<(String, String)> {
    list["invitations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|i| {
            (
                i["email"].as_str().unwrap_or_default().to_owned(),
                i["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

backend_tests! {
    async fn the_portal_invites_lists_and_shows_redemption(app) {
        let admin = first_global(&app).await;
        let users = invited(&app, &admin, "user_administrator", 1).await;
        let guest = "gus@partner.example";
        let created = invite(&users, guest).await;
        assert_eq!(created["status"], "pending_acceptance");
        let link = created["invite_redeem_url"].as_str().expect("link").to_owned();
        let mail = app.mailbox.next_for(guest).await;
        assert!(mail.subject().contains("invited"), "{}", mail.subject());
        let list = users.get("/api/admin/invitations").await.expect_status(200);
        assert_eq!(statuses(&list.body), [(guest.to_owned(), "pending_acceptance".to_owned())]);
        assert!(list.body["invitations"][0].get("invite_redeem_url").is_none(), "links are never listed");
        redeem(&app, guest, &link).await;
        let list = users.get("/api/admin/invitations").await.expect_status(200);
        assert_eq!(statuses(&list.body), [(guest.to_owned(), "accepted".to_owned())]);
        assert!(list.body["invitations"][0]["redeemed_at_ms"].is_i64());
        let recorded = changes(&app, "guest.invite").await;
        assert_eq!(recorded.len(), 1);
        assert_eq!(recorded[0].2["before"], Value::Null);
        assert_eq!(recorded[0].2["after"]["email"], guest);
        assert_eq!(recorded[0].2["after"]["redirect_url"], "/account");
        assert!(!recorded[0].2.to_string().contains(&invitation_token(&link)), "no secret in the audit");
    }

    async fn invitations_need_a_user_administrator_and_good_input(app) {
        let global = first_global(&app).await;
        let reader = invited(&app, &global, "reader", 1).await;
        let policy = invited(&app, &global, "authentication_policy_administrator", 2).await;
        let body = json!({"email": "g@partner.example", "redirect_url": "/account"});
        for browser in [&reader, &policy] {
            assert_eq!(browser.post("/api/admin/invitations", body.clone()).await.code(), "forbidden");
            assert_eq!(browser.post("/api/admin/guests/x/reset-redemption", json!({})).await.code(), "forbidden");
            assert_eq!(browser.post("/api/admin/invitations/x/resend", json!({})).await.code(), "forbidden");
        }
        reader.get("/api/admin/invitations").await.expect_status(200);
        assert_eq!(app.browser().get("/api/admin/invitations").await.status, 401);
        let bad_redirect = global.post("/api/admin/invitations", json!({"email": "g@partner.example", "redirect_url": "https://evil.example/"})).await;
        assert_eq!(bad_redirect.status, 422, "{}", bad_redirect.text);
        let bad_email = global.post("/api/admin/invitations", json!({"email": "not an address", "redirect_url": "/account"})).await;
        assert_eq!(bad_email.status, 400);
        app.sign_up("member@contoso.example", crate::helpers::PASSWORD).await;
        let member = global.post("/api/admin/invitations", json!({"email": "member@contoso.example", "redirect_url": "/account"})).await;
        assert_eq!(member.status, 422);
        // A name given must be one: at most 100 characters, no control characters; none is
        // written (PostgreSQL could not even hold the NUL).
        for name in ["Gus\u{0}", "Gus\nBrown", &"G".repeat(101)] {
            let named = global.post("/api/admin/invitations", json!({"email": "named@partner.example", "display_name": name, "redirect_url": "/account"})).await;
            assert_eq!(named.status, 422, "{name:?}: {}", named.text);
            assert_eq!(named.code(), "validation_failed");
        }
        // Also for a guest invited again.
        invite(&global, "again@partner.example").await;
        let again = global.post("/api/admin/invitations", json!({"email": "again@partner.example", "display_name": "G".repeat(101), "redirect_url": "/account"})).await;
        assert_eq!(again.status, 422, "{}", again.text);
        let kept = sqlx::query("SELECT 1 FROM users WHERE email_canonical = 'named@partner.example'")
            .fetch_optional(&app.db.pool).await.expect("query");
        assert!(kept.is_none(), "no guest account was kept");
        assert_eq!(global.post("/api/admin/invitations/nope/resend", json!({})).await.status, 404);
        assert_eq!(global.post("/api/admin/guests/nope/reset-redemption", json!({})).await.status, 404);
        assert_eq!(crate::support::count(&app, "invitations").await, 1, "only the good invitation above");
    }

    async fn a_resent_invitation_has_a_new_link_and_the_old_one_stops(app) {
        let admin = first_global(&app).await;
        let guest = "late@partner.example";
        let created = invite(&admin, guest).await;
        app.mailbox.next_for(guest).await;
        let old = created["invite_redeem_url"].as_str().expect("link").to_owned();
        let id = created["id"].as_str().expect("id");
        let resent = admin.post(&format!("/api/admin/invitations/{id}/resend"), json!({})).await.expect_status(200);
        let new = resent.body["invite_redeem_url"].as_str().expect("link").to_owned();
        assert_ne!(old, new);
        let mail = app.mailbox.next_for(guest).await;
        assert!(crate::support::decoded(&mail.data).contains(&invitation_token(&new)));
        let stale = app.browser().post("/api/flows", json!({"purpose": "guest", "invitation": invitation_token(&old)})).await;
        assert_eq!(stale.code(), "invitation_invalid");
        redeem(&app, guest, &new).await;
        let again = admin.post(&format!("/api/admin/invitations/{id}/resend"), json!({})).await;
        assert_eq!(again.status, 422, "an accepted invitation is not resent");
        assert_eq!(changes(&app, "guest.resend_invitation").await.len(), 1);
    }

    async fn resetting_redemption_makes_the_guest_accept_again(app) {
        let admin = first_global(&app).await;
        let guest = "reset@partner.example";
        let created = invite(&admin, guest).await;
        app.mailbox.next_for(guest).await;
        redeem(&app, guest, created["invite_redeem_url"].as_str().expect("link")).await;
        let user_id = created["user_id"].as_str().expect("user");
        let reset = admin.post(&format!("/api/admin/guests/{user_id}/reset-redemption"), json!({})).await.expect_status(200);
        assert_eq!(reset.body["status"], "pending_acceptance");
        assert_eq!(reset.body["redirect_url"], "/account");
        let mail = app.mailbox.next_for(guest).await;
        assert!(mail.subject().contains("invited"), "{}", mail.subject());
        // Signing in by email no longer sends a code until the new invitation is accepted.
        app.browser().post("/api/flows", json!({"purpose": "guest", "email": guest})).await.expect_status(201);
        assert_eq!(app.mailbox.settled_count_for(guest).await, 3, "invitation, code, new invitation");
        redeem(&app, guest, reset.body["invite_redeem_url"].as_str().expect("link")).await;
        let recorded = changes(&app, "guest.reset_redemption").await;
        assert_eq!(recorded.len(), 1);
        assert!(recorded[0].2["before"]["redeemed_at_ms"].is_i64());
        assert_eq!(recorded[0].2["after"]["redeemed_at_ms"], Value::Null);
    }

    async fn an_absolute_url_on_the_services_own_origin_is_an_allowed_redirect(app) {
        // Microsoft's Graph SDK sends absolute URLs: the product's own origin always passes.
        let global = first_global(&app).await;
        let own = format!("{}/account", app.origin);
        let graph = global
            .post("/api/graph/v1.0/invitations", json!({"invitedUserEmailAddress": "own@partner.example", "inviteRedirectUrl": own}))
            .await
            .expect_status(201);
        assert_eq!(graph.body["inviteRedirectUrl"], own.as_str());
        let portal = global
            .post("/api/admin/invitations", json!({"email": "own2@partner.example", "redirect_url": own}))
            .await
            .expect_status(201);
        assert_eq!(portal.body["redirect_url"], own.as_str());
        // Another origin is still refused.
        let foreign = global
            .post("/api/graph/v1.0/invitations", json!({"invitedUserEmailAddress": "own3@partner.example", "inviteRedirectUrl": "https://evil.example/account"}))
            .await;
        graph_error(&foreign, 400, "BadRequest");
        // A flow sends the user back to it too.
        let email = "own.return@contoso.example";
        app.sign_up(email, crate::helpers::PASSWORD).await;
        let browser = app.browser();
        let started = browser
            .post("/api/flows", json!({"purpose": "passwordless", "email": email, "return_to": format!("{}/welcome", app.origin)}))
            .await
            .expect_status(201);
        let id = started.body["flow_id"].as_str().expect("id").to_owned();
        let code = app.mailbox.code_for(email).await;
        let verified = browser.post(&format!("/api/flows/{id}/verify"), json!({"code": code})).await.expect_status(200);
        assert_eq!(verified.body["return_to"], format!("{}/welcome", app.origin));
    }

    async fn graphs_invitation_and_reset_redemption_work(app) {
        let global = first_global(&app).await;
        let answer = global
            .post("/api/admin/api-tokens", json!({"name": "b2b", "role": "user_administrator", "expires_in_days": 7}))
            .await
            .expect_status(201);
        let token = answer.body["secret"].as_str().expect("secret").to_owned();
        let guest = "admin@fabrikam.example";
        // Microsoft's documented request, with this service's allowed redirect.
        let request = json!({"invitedUserEmailAddress": guest, "inviteRedirectUrl": "/account"});
        let created = bearer(&app, Method::POST, "/api/graph/v1.0/invitations", &token, Some(&request.to_string())).await;
        assert_eq!(created.status, 201, "{}", created.text);
        let microsoft: Value = serde_json::from_str(MICROSOFT_INVITATION).expect("Microsoft's JSON");
        let theirs: BTreeSet<_> = microsoft.as_object().expect("object").keys().filter(|k| *k != "invitedUserMessageInfo").cloned().collect();
        let ours: BTreeSet<_> = created.body.as_object().expect("object").keys().cloned().collect();
        assert_eq!(theirs.difference(&ours).collect::<Vec<_>>(), Vec::<&String>::new());
        assert_eq!(created.body["status"], "PendingAcceptance");
        assert_eq!(created.body["invitedUserType"], "Guest");
        assert_eq!(created.body["sendInvitationMessage"], false);
        assert!(created.body["@odata.context"].as_str().expect("context").ends_with("$metadata#invitations/$entity"));
        // sendInvitationMessage false: no mail, the link is in the answer.
        assert_eq!(app.mailbox.settled_count_for(guest).await, 0);
        let link = created.body["inviteRedeemUrl"].as_str().expect("link").to_owned();
        redeem(&app, guest, &link).await;
        let user_id = created.body["invitedUser"]["id"].as_str().expect("id").to_owned();

        // Seed 001's reset: the same guest, resetRedemption, a message this time; unknown
        // properties Graph clients send are ignored.
        let reset = json!({
            "invitedUserEmailAddress": guest,
            "sendInvitationMessage": true,
            "invitedUserMessageInfo": {"messageLanguage": "en-US", "customizedMessageBody": "Hello again"},
            "inviteRedirectUrl": "/account",
            "invitedUser": {"id": user_id},
            "resetRedemption": true
        });
        let again = bearer(&app, Method::POST, "/api/graph/v1.0/invitations", &token, Some(&reset.to_string())).await;
        assert_eq!(again.status, 201, "{}", again.text);
        assert_eq!(again.body["resetRedemption"], true);
        assert_eq!(again.body["invitedUser"]["id"], user_id.as_str());
        let mail = app.mailbox.next_for(guest).await;
        assert!(mail.subject().contains("invited"), "{}", mail.subject());
        let list = global.get("/api/admin/invitations").await.expect_status(200);
        assert_eq!(statuses(&list.body).iter().filter(|(_, s)| s == "accepted").count(), 0);
        let recorded = changes(&app, "guest.reset_redemption").await;
        assert!(recorded[0].0.starts_with("api_token:"));

        // Bad input: Graph errors.
        let no_user = json!({"invitedUserEmailAddress": guest, "inviteRedirectUrl": "/account", "resetRedemption": true});
        graph_error(&bearer(&app, Method::POST, "/api/graph/v1.0/invitations", &token, Some(&no_user.to_string())).await, 400, "BadRequest");
        let wrong_user = json!({"invitedUserEmailAddress": guest, "inviteRedirectUrl": "/account", "resetRedemption": true, "invitedUser": {"id": "nobody"}});
        graph_error(&bearer(&app, Method::POST, "/api/graph/v1.0/invitations", &token, Some(&wrong_user.to_string())).await, 404, "Request_ResourceNotFound");
        let bad_email = json!({"invitedUserEmailAddress": "nope", "inviteRedirectUrl": "/account"});
        graph_error(&bearer(&app, Method::POST, "/api/graph/v1.0/invitations", &token, Some(&bad_email.to_string())).await, 400, "BadRequest");
        let missing = json!({"invitedUserEmailAddress": guest});
        graph_error(&bearer(&app, Method::POST, "/api/graph/v1.0/invitations", &token, Some(&missing.to_string())).await, 400, "BadRequest");
        let anonymous = app.client.post(app.url("/api/graph/v1.0/invitations")).header("x-sspr-csrf", "1").json(&request).send().await.expect("sent");
        assert_eq!(anonymous.status().as_u16(), 401);
    }
}
