//! The OpenID Connect provider, driven by the `openidconnect` crate as a relying party:
//! discovery, the code flow with PKCE, ID token validation, userinfo, refresh rotation with
//! reuse detection, code reuse, bad redirect URIs, missing and wrong PKCE, unknown clients,
//! `prompt=none`, logout and key rotation — on SQLite and PostgreSQL.

use crate::backend_tests;
use crate::helpers::{TestApp, PASSWORD};
use crate::oidc_support::*;
use openidconnect::core::CoreJsonWebKeySet;
use openidconnect::{
    IssuerUrl, JsonWebKey, JsonWebKeyId, Nonce, OAuth2TokenResponse, TokenResponse,
};
use serde_json::{json, Value};
use sqlx::Row;

const EMAIL: &str = "ada@contoso.example";

/// The user id of `email`.
async fn user_id(app: &TestApp, email: &str) -> String {
    sqlx::query("SELECT id FROM users WHERE email_canonical = $1")
        .bind(email)
        .fetch_one(&app.db.pool)
        .await
        .expect("user")
        .get(0)
}

/// Signs `EMAIL` up and through the web application; answers the relying party, the tokens
/// and the nonce.
async fn signed_in_tokens(
    app: &TestApp,
    scopes: &[&str],
) -> (Rp, openidconnect::core::CoreTokenResponse, Nonce) {
    let registered = web_app(app).await;
    let rp = rp(app, &registered, WEB_REDIRECT).await;
    let browser = app.sign_up(EMAIL, PASSWORD).await;
    let started = start(&rp, scopes, &[]);
    let code = code(app, &browser, &started, WEB_REDIRECT).await;
    let tokens = redeem(&rp, &code, Some(started.verifier))
        .await
        .expect("tokens");
    (rp, tokens, started.nonce)
}

fn header_of(jwt: &str) -> Value {
    use base64::Engine;
    let part = jwt.split('.').next().expect("a header");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("json")
}

backend_tests! {
    async fn discovery_describes_the_provider_at_the_issuers_root(app) {
        let metadata = discover(&app).await;
        assert_eq!(metadata.issuer().as_str(), app.origin);
        assert_eq!(metadata.authorization_endpoint().as_str(), format!("{}/oauth2/authorize", app.origin));
        assert_eq!(metadata.token_endpoint().expect("token").as_str(), format!("{}/oauth2/token", app.origin));
        assert!(metadata.jwks().keys().iter().any(|k| matches!(
            k.key_id(), Some(id) if !id.as_str().is_empty()
        )), "the JWKS holds the signing keys");
        let raw: Value = app.get("/.well-known/openid-configuration").await.json().await.expect("json");
        assert_eq!(raw["code_challenge_methods_supported"], json!(["S256"]));
        assert_eq!(raw["response_types_supported"], json!(["code"]));
        assert_eq!(raw["authorization_response_iss_parameter_supported"], true);
        assert_eq!(raw["end_session_endpoint"], format!("{}/oauth2/logout", app.origin));
        assert_eq!(raw["id_token_signing_alg_values_supported"], json!(["RS256", "ES256"]));
        // Unknown protocol paths are not the SPA's.
        assert_eq!(app.get("/oauth2/nothing-here").await.status(), 404);
    }

    async fn a_confidential_client_signs_a_user_in_with_code_and_pkce_and_validates_the_id_token(app) {
        let (rp, tokens, nonce) = signed_in_tokens(&app, &["email", "profile"]).await;
        let id_token = tokens.id_token().expect("an ID token");
        assert_eq!(header_of(&id_token.to_string())["alg"], "RS256", "the default");
        let claims = verify(&app, &rp, id_token, &nonce).expect("a valid ID token");
        assert_eq!(claims.subject().as_str(), user_id(&app, EMAIL).await);
        assert_eq!(claims.issuer().as_str(), app.origin);
        assert_eq!(claims.email().map(|e| e.as_str()), Some(EMAIL));
        assert_eq!(claims.email_verified(), Some(true));
        assert_eq!(
            claims.name().and_then(|n| n.get(None)).map(|n| n.as_str()),
            Some("Test User")
        );
        assert!(tokens.refresh_token().is_none(), "no offline_access, no refresh token");
        let info = rp
            .user_info(tokens.access_token().clone(), None)
            .expect("a userinfo endpoint")
            .request_async::<openidconnect::EmptyAdditionalClaims, _, openidconnect::core::CoreGenderClaim>(&http())
            .await
            .expect("userinfo");
        assert_eq!(info.subject().as_str(), claims.subject().as_str());
        assert_eq!(info.email().map(|e| e.as_str()), Some(EMAIL));
    }

    async fn id_tokens_fail_validation_with_a_wrong_nonce_audience_issuer_signature_or_after_expiry(app) {
        let (rp, tokens, nonce) = signed_in_tokens(&app, &["email"]).await;
        let id_token = tokens.id_token().expect("an ID token");
        verify(&app, &rp, id_token, &nonce).expect("valid as issued");
        assert!(verify(&app, &rp, id_token, &Nonce::new("another".into())).is_err(), "nonce");
        let other_client = web_app(&app).await;
        let other = crate::oidc_support::rp(&app, &other_client, WEB_REDIRECT).await;
        assert!(verify(&app, &other, id_token, &nonce).is_err(), "aud");
        let text = id_token.to_string();
        let at = text.len() - 20;
        let flipped = if &text[at..=at] == "A" { "B" } else { "A" };
        let forged = format!("{}{flipped}{}", &text[..at], &text[at + 1..]);
        let forged: openidconnect::core::CoreIdToken = forged.parse().expect("parses");
        assert!(verify(&app, &rp, &forged, &nonce).is_err(), "signature");
        app.clock.advance_ms(3_601_000);
        let expired = verify(&app, &rp, id_token, &nonce).expect_err("exp");
        assert!(expired.to_lowercase().contains("expire"), "{expired}");
        // The issuer: a relying party that expects another issuer refuses it.
        app.clock.advance_ms(-3_601_000);
        let clock = app.clock.clone();
        let elsewhere = openidconnect::core::CoreIdTokenVerifier::new_public_client(
            openidconnect::ClientId::new(rp.client_id().to_string()),
            IssuerUrl::new("https://id.elsewhere.example".into()).expect("url"),
            discover(&app).await.jwks().clone(),
        )
        .set_allowed_algs([openidconnect::core::CoreJwsSigningAlgorithm::EcdsaP256Sha256])
        .set_time_fn(move || {
            use sspr_server::clock::Clock;
            chrono::DateTime::from_timestamp_millis(clock.now_ms()).expect("time")
        });
        let issuer = id_token.claims(&elsewhere, &nonce).map(|_| ()).map_err(|e| e.to_string());
        assert!(issuer.expect_err("iss").contains("issuer"), "iss");
    }

    async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_whole_family(app) {
        let (rp, tokens, _) = signed_in_tokens(&app, &["offline_access", "email"]).await;
        let first = tokens.refresh_token().expect("a refresh token").clone();
        let refreshed = rp.exchange_refresh_token(&first).expect("endpoint")
            .request_async(&http()).await.expect("refreshed");
        let second = refreshed.refresh_token().expect("a new refresh token").clone();
        assert_ne!(first.secret(), second.secret(), "rotated");
        assert_eq!(userinfo(&app, refreshed.access_token().secret()).await.0, 200);
        // The first token, shown again: refused, and the family it belongs to is revoked.
        let reused = rp.exchange_refresh_token(&first).expect("endpoint").request_async(&http()).await;
        assert!(reused.is_err(), "a used refresh token is refused");
        let after = rp.exchange_refresh_token(&second).expect("endpoint").request_async(&http()).await;
        assert!(after.is_err(), "its successor was revoked with the family");
        assert_eq!(userinfo(&app, refreshed.access_token().secret()).await.0, 401);
        assert_eq!(userinfo(&app, tokens.access_token().secret()).await.0, 401);
        let reuse_audited = sqlx::query("SELECT COUNT(*) FROM audit_log WHERE event = 'oidc_token_reuse'")
            .fetch_one(&app.db.pool).await.expect("count").get::<i64, _>(0);
        assert_eq!(reuse_audited, 1);
    }

    async fn bearer_challenges_and_token_answers_follow_rfc_6750_and_6749(app) {
        // No token at all: the challenge names the scheme and no error (RFC 6750 §3.1).
        let bare = http().get(app.url("/oauth2/userinfo")).send().await.expect("sent");
        assert_eq!(bare.status(), 401);
        assert_eq!(bare.headers()["www-authenticate"], "Bearer realm=\"sspr\"");
        // A token that does not work: invalid_token.
        let wrong = http().get(app.url("/oauth2/userinfo")).bearer_auth("not-a-token").send().await.expect("sent");
        assert_eq!(wrong.status(), 401);
        let challenge = wrong.headers()["www-authenticate"].to_str().expect("ascii").to_owned();
        assert!(challenge.starts_with("Bearer realm=\"sspr\", error=\"invalid_token\""), "{challenge}");
        // Token answers, refusals included, are neither stored nor cached (RFC 6749 §5.1).
        let refused = http().post(app.url("/oauth2/token")).form(&[("grant_type", "password")]).send().await.expect("sent");
        assert_eq!(refused.status(), 401, "no client named: invalid_client");
        assert_eq!(refused.headers()["cache-control"], "no-store");
        assert_eq!(refused.headers()["pragma"], "no-cache");
    }

    async fn a_refused_refresh_keeps_the_token_for_a_right_retry(app) {
        let (rp, tokens, _) = signed_in_tokens(&app, &["offline_access", "email"]).await;
        let token = tokens.refresh_token().expect("a refresh token").clone();
        // A scope the grant does not have is refused, and the token is not used up by it...
        let wider = rp.exchange_refresh_token(&token).expect("endpoint")
            .add_scope(openidconnect::Scope::new("phone".to_owned()))
            .request_async(&http()).await;
        let refused = wider.map(|_| ()).map_err(|e| match e {
            openidconnect::RequestTokenError::ServerResponse(r) => r.error().to_string(),
            other => other.to_string(),
        });
        assert_eq!(refused.expect_err("a wider scope"), "invalid_scope");
        // ...so the same token, asked for right, refreshes, and nothing was taken for a replay.
        let refreshed = rp.exchange_refresh_token(&token).expect("endpoint")
            .request_async(&http()).await.expect("refreshed");
        assert_eq!(userinfo(&app, refreshed.access_token().secret()).await.0, 200);
    }

    async fn a_code_works_once_and_its_reuse_revokes_the_tokens_issued_from_it(app) {
        let registered = web_app(&app).await;
        let rp = rp(&app, &registered, WEB_REDIRECT).await;
        let browser = app.sign_up(EMAIL, PASSWORD).await;
        let started = start(&rp, &["offline_access"], &[]);
        let code = code(&app, &browser, &started, WEB_REDIRECT).await;
        let verifier = openidconnect::PkceCodeVerifier::new(started.verifier.secret().clone());
        let tokens = redeem(&rp, &code, Some(started.verifier)).await.expect("first use");
        assert_eq!(userinfo(&app, tokens.access_token().secret()).await.0, 200);
        let again = redeem(&rp, &code, Some(verifier)).await.expect_err("second use");
        assert_eq!(again, "invalid_grant");
        assert_eq!(userinfo(&app, tokens.access_token().secret()).await.0, 401);
        let refresh = tokens.refresh_token().expect("refresh").clone();
        assert!(rp.exchange_refresh_token(&refresh).expect("endpoint").request_async(&http()).await.is_err());
        // A code lives 60 seconds.
        let late = start(&rp, &[], &[]);
        let late_code = crate::oidc_support::code(&app, &browser, &late, WEB_REDIRECT).await;
        app.clock.advance_ms(60_001);
        assert_eq!(redeem(&rp, &late_code, Some(late.verifier)).await.expect_err("expired"), "invalid_grant");
    }

    async fn a_wrong_redirect_uri_is_an_error_page_and_never_a_redirect(app) {
        let registered = web_app(&app).await;
        let browser = app.sign_up(EMAIL, PASSWORD).await;
        for uri in ["https://evil.example/callback", "https://app.contoso.example/callback/", "https://app.contoso.example/callback?x=1"] {
            let bad = rp(&app, &registered, uri).await;
            let answer = visit(&app, &browser, &start(&bad, &[], &[]).url).await;
            assert_eq!(answer.status, 400, "{uri}");
            assert!(answer.headers.get("location").is_none());
            assert!(answer.text.contains("not registered"), "{}", answer.text);
            assert!(answer.headers["content-type"].to_str().expect("ascii").starts_with("text/html"));
        }
        // At the token endpoint, a redirect URI other than the request's is refused.
        let good = rp(&app, &registered, WEB_REDIRECT).await;
        let started = start(&good, &[], &[]);
        let code = code(&app, &browser, &started, WEB_REDIRECT).await;
        let other = rp(&app, &registered, "https://app.contoso.example/other").await;
        assert_eq!(redeem(&other, &code, Some(started.verifier)).await.expect_err("wrong uri"), "invalid_grant");
    }

    async fn a_public_client_must_use_pkce_and_the_verifier_must_match(app) {
        let registered = spa_app(&app).await;
        let browser = app.sign_up(EMAIL, PASSWORD).await;
        let without = format!(
            "/oauth2/authorize?client_id={}&redirect_uri={}&response_type=code&scope=openid&state=s1",
            registered.app_id, urlencode(SPA_REDIRECT)
        );
        let back = location(&browser.get(&without).await);
        assert!(back.starts_with(SPA_REDIRECT), "{back}");
        assert_eq!(param(&back, "error").as_deref(), Some("invalid_request"));
        assert_eq!(param(&back, "state").as_deref(), Some("s1"));
        assert_eq!(param(&back, "iss").as_deref(), Some(app.origin.as_str()));
        assert!(param(&back, "code").is_none());
        let plain = format!("{without}&code_challenge={}&code_challenge_method=plain", "a".repeat(43));
        assert_eq!(param(&location(&browser.get(&plain).await), "error").as_deref(), Some("invalid_request"));
        // A wrong verifier, and none at all, are refused.
        let rp = rp(&app, &registered, SPA_REDIRECT).await;
        let started = start(&rp, &[], &[]);
        let code = code(&app, &browser, &started, SPA_REDIRECT).await;
        let wrong = openidconnect::PkceCodeVerifier::new("w".repeat(64));
        assert_eq!(redeem(&rp, &code, Some(wrong)).await.expect_err("wrong verifier"), "invalid_grant");
        let started = start(&rp, &[], &[]);
        let code = crate::oidc_support::code(&app, &browser, &started, SPA_REDIRECT).await;
        assert_eq!(redeem(&rp, &code, None).await.expect_err("no verifier"), "invalid_grant");
        // The right one works, without a secret.
        let started = start(&rp, &[], &[]);
        let code = crate::oidc_support::code(&app, &browser, &started, SPA_REDIRECT).await;
        redeem(&rp, &code, Some(started.verifier)).await.expect("a public client redeems with PKCE");
    }

    async fn an_unknown_client_gets_an_error_page_and_no_token(app) {
        let browser = app.sign_up(EMAIL, PASSWORD).await;
        let unknown = format!(
            "/oauth2/authorize?client_id=nobody-here&redirect_uri={}&response_type=code&scope=openid",
            urlencode(WEB_REDIRECT)
        );
        let answer = browser.get(&unknown).await;
        assert_eq!(answer.status, 400);
        assert!(answer.headers.get("location").is_none());
        assert!(answer.text.contains("not registered"), "{}", answer.text);
        let (status, body) = post_form(&app, "/oauth2/token", &[
            ("grant_type", "authorization_code"), ("code", "abc"), ("client_id", "nobody-here"),
            ("client_secret", "x"), ("redirect_uri", WEB_REDIRECT),
        ]).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
        // A registered client with a wrong secret is refused the same way.
        let registered = web_app(&app).await;
        let (status, body) = post_form(&app, "/oauth2/token", &[
            ("grant_type", "authorization_code"), ("code", "abc"), ("client_id", &registered.app_id),
            ("client_secret", "wrong"), ("redirect_uri", WEB_REDIRECT),
        ]).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
        // A confidential client's code needs its secret.
        let rp = rp(&app, &registered, WEB_REDIRECT).await;
        let started = start(&rp, &[], &[]);
        let code = code(&app, &browser, &started, WEB_REDIRECT).await;
        let (status, body) = post_form(&app, "/oauth2/token", &[
            ("grant_type", "authorization_code"), ("code", &code), ("client_id", &registered.app_id),
            ("redirect_uri", WEB_REDIRECT), ("code_verifier", started.verifier.secret()),
        ]).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
    }

    async fn prompt_none_without_a_session_answers_login_required(app) {
        let registered = web_app(&app).await;
        let rp = rp(&app, &registered, WEB_REDIRECT).await;
        let started = start(&rp, &[], &[("prompt", "none")]);
        let back = location(&visit(&app, &app.browser(), &started.url).await);
        assert!(back.starts_with(WEB_REDIRECT), "{back}");
        assert_eq!(param(&back, "error").as_deref(), Some("login_required"));
        assert_eq!(param(&back, "state").as_deref(), Some(started.state.secret().as_str()));
        assert_eq!(param(&back, "iss").as_deref(), Some(app.origin.as_str()));
        // With a session it answers a code without showing anything.
        let browser = app.sign_up(EMAIL, PASSWORD).await;
        let started = start(&rp, &[], &[("prompt", "none")]);
        code(&app, &browser, &started, WEB_REDIRECT).await;
    }

    async fn a_user_without_a_session_signs_in_on_the_customer_pages_and_comes_back_with_a_code(app) {
        app.sign_up(EMAIL, PASSWORD).await;
        let registered = web_app(&app).await;
        let rp = rp(&app, &registered, WEB_REDIRECT).await;
        let browser = app.browser();
        let started = start(&rp, &["email"], &[("login_hint", EMAIL), ("ui_locales", "fr-FR en")]);
        let to_pages = location(&visit(&app, &browser, &started.url).await);
        assert!(to_pages.starts_with("/sign-in?"), "{to_pages}");
        assert_eq!(param(&to_pages, "client_id").as_deref(), Some(registered.app_id.as_str()));
        assert_eq!(param(&to_pages, "email").as_deref(), Some(EMAIL));
        assert_eq!(param(&to_pages, "ui_locales").as_deref(), Some("fr"));
        let return_to = param(&to_pages, "return_to").expect("return_to");
        assert!(return_to.starts_with(&format!("{}/oauth2/resume?request=", app.origin)), "{return_to}");
        // Before signing in, the resume address sends the browser back to sign in.
        assert!(location(&visit(&app, &browser, &return_to).await).starts_with("/sign-in?"));
        let signed_in = browser.post("/api/session", json!({
            "email": EMAIL, "password": PASSWORD, "return_to": return_to, "client_id": registered.app_id,
        })).await.expect_status(200);
        assert_eq!(signed_in.body["return_to"], return_to.as_str(), "the pages go back to resume");
        let back = location(&visit(&app, &browser, &return_to).await);
        assert_eq!(param(&back, "state").as_deref(), Some(started.state.secret().as_str()));
        let code = param(&back, "code").expect("a code");
        let tokens = redeem(&rp, &code, Some(started.verifier)).await.expect("tokens");
        let claims = verify(&app, &rp, tokens.id_token().expect("id token"), &started.nonce).expect("valid");
        assert_eq!(claims.email().map(|e| e.as_str()), Some(EMAIL));
        // The pending request works once.
        assert_eq!(visit(&app, &browser, &return_to).await.status, 400);
    }

    async fn a_passcode_sign_in_on_the_customer_pages_completes_the_authorization_too(app) {
        app.sign_up(EMAIL, PASSWORD).await;
        let registered = web_app(&app).await;
        let rp = rp(&app, &registered, WEB_REDIRECT).await;
        let browser = app.browser();
        let started = start(&rp, &["email"], &[]);
        let to_pages = location(&visit(&app, &browser, &started.url).await);
        let resume = param(&to_pages, "return_to").expect("return_to");
        app.clock.advance_ms(1000);
        let flow = browser.post("/api/flows", json!({
            "purpose": "passwordless", "email": EMAIL, "return_to": resume, "client_id": registered.app_id,
        })).await.expect_status(201);
        let id = flow.body["flow_id"].as_str().expect("id").to_owned();
        let code_text = app.mailbox.code_for(EMAIL).await;
        let verified = browser.post(&format!("/api/flows/{id}/verify"), json!({"code": code_text})).await.expect_status(200);
        assert_eq!(verified.body["return_to"], resume.as_str(), "signed in, back to resume");
        let back = location(&visit(&app, &browser, &resume).await);
        let tokens = redeem(&rp, &param(&back, "code").expect("code"), Some(started.verifier)).await.expect("tokens");
        let claims = verify(&app, &rp, tokens.id_token().expect("id"), &started.nonce).expect("valid");
        assert_eq!(claims.subject().as_str(), user_id(&app, EMAIL).await);
    }

    async fn prompt_login_and_max_age_ask_for_a_new_sign_in_and_prompt_create_for_a_sign_up(app) {
        let registered = web_app(&app).await;
        let rp = rp(&app, &registered, WEB_REDIRECT).await;
        let browser = app.sign_up(EMAIL, PASSWORD).await;
        let started = start(&rp, &[], &[("prompt", "login")]);
        let to_pages = location(&visit(&app, &browser, &started.url).await);
        assert!(to_pages.starts_with("/sign-in?"), "{to_pages}");
        let resume = param(&to_pages, "return_to").expect("return_to");
        // The old session is not a new sign-in.
        assert!(location(&visit(&app, &browser, &resume).await).starts_with("/sign-in?"));
        app.clock.advance_ms(1000);
        browser.post("/api/session", json!({"email": EMAIL, "password": PASSWORD})).await.expect_status(200);
        let back = location(&visit(&app, &browser, &resume).await);
        assert!(param(&back, "code").is_some(), "{back}");
        // max_age: a session older than it sends the user to sign in.
        app.clock.advance_ms(120_000);
        let started = start(&rp, &[], &[("max_age", "60")]);
        assert!(location(&visit(&app, &browser, &started.url).await).starts_with("/sign-in?"));
        let started = start(&rp, &[], &[("max_age", "600")]);
        code(&app, &browser, &started, WEB_REDIRECT).await;
        // max_age=0 asks for a sign-in now: the one made for the request gives the code.
        let started = start(&rp, &[], &[("max_age", "0")]);
        let to_pages = location(&visit(&app, &browser, &started.url).await);
        assert!(to_pages.starts_with("/sign-in?"), "{to_pages}");
        let resume = param(&to_pages, "return_to").expect("return_to");
        app.clock.advance_ms(1000);
        browser.post("/api/session", json!({"email": EMAIL, "password": PASSWORD})).await.expect_status(200);
        app.clock.advance_ms(1000);
        let back = location(&visit(&app, &browser, &resume).await);
        assert!(param(&back, "code").is_some(), "max_age=0, signed in for it: {back}");
        // prompt=create starts at sign-up, and a sign-up comes back with a code.
        let newcomer = app.browser();
        let started = start(&rp, &["email"], &[("prompt", "create")]);
        let to_pages = location(&visit(&app, &newcomer, &started.url).await);
        assert!(to_pages.starts_with("/sign-up?"), "{to_pages}");
        let resume = param(&to_pages, "return_to").expect("return_to");
        app.clock.advance_ms(1000);
        let email = "grace@contoso.example";
        let flow = newcomer.post("/api/flows", json!({
            "purpose": "sign_up", "email": email, "return_to": resume, "client_id": registered.app_id,
        })).await.expect_status(201);
        let id = flow.body["flow_id"].as_str().expect("id").to_owned();
        let code_text = app.mailbox.code_for(email).await;
        newcomer.post(&format!("/api/flows/{id}/verify"), json!({"code": code_text})).await.expect_status(200);
        let done = newcomer.post(&format!("/api/flows/{id}/complete"), json!({
            "password": PASSWORD, "password_confirm": PASSWORD, "display_name": "Grace H",
        })).await.expect_status(200);
        assert_eq!(done.body["return_to"], resume.as_str());
        let back = location(&visit(&app, &newcomer, &resume).await);
        let tokens = redeem(&rp, &param(&back, "code").expect("code"), Some(started.verifier)).await.expect("tokens");
        let claims = verify(&app, &rp, tokens.id_token().expect("id"), &started.nonce).expect("valid");
        assert_eq!(claims.subject().as_str(), user_id(&app, email).await);
    }

    async fn logout_ends_the_session_and_returns_only_to_a_registered_address(app) {
        let (rp, tokens, _) = signed_in_tokens(&app, &["email"]).await;
        let hint = tokens.id_token().expect("id token").to_string();
        let browser = app.sign_up("grace@contoso.example", PASSWORD).await;
        let bad = format!(
            "/oauth2/logout?id_token_hint={hint}&post_logout_redirect_uri={}",
            urlencode("https://evil.example/")
        );
        let refused = browser.get(&bad).await;
        assert_eq!(refused.status, 400);
        assert!(refused.headers.get("location").is_none());
        browser.get("/api/session").await.expect_status(200);
        let good = format!(
            "/oauth2/logout?id_token_hint={hint}&post_logout_redirect_uri={}&state=bye",
            urlencode(WEB_REDIRECT)
        );
        // The hint's own user is signed out at once and sent back.
        let (own, _) = crate::support::sign_in(&app, EMAIL, PASSWORD).await;
        assert_eq!(location(&own.get(&good).await), format!("{WEB_REDIRECT}?state=bye"));
        own.get("/api/session").await.expect_status(401);
        // Another user (the hint is not theirs) is asked first, and stays signed in until they
        // follow the page's own link: a made-up confirmation only asks again.
        let asked = browser.get(&good).await;
        assert_eq!(asked.status, 200, "{}", asked.text);
        assert!(asked.text.contains("Sign out?") && asked.text.contains("grace@contoso.example"), "{}", asked.text);
        let forged = browser.get(&format!("{good}&confirm=made-up")).await;
        assert!(forged.text.contains("Sign out?"), "{}", forged.text);
        let plain = browser.get("/oauth2/logout").await;
        assert!(plain.text.contains("Sign out?"), "no hint at all: asked too");
        browser.get("/api/session").await.expect_status(200);
        let link = asked.text.split("class=\"button button--primary\" href=\"").nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the page's sign-out link")
            .replace("&amp;", "&");
        let back = location(&browser.get(&link).await);
        assert_eq!(back, format!("{WEB_REDIRECT}?state=bye"));
        browser.get("/api/session").await.expect_status(401);
        // Signed out: prompt=none now answers login_required.
        let started = start(&rp, &[], &[("prompt", "none")]);
        let after = location(&visit(&app, &browser, &started.url).await);
        assert_eq!(param(&after, "error").as_deref(), Some("login_required"));
        // An empty form is not a sign-out request.
        let (status, _) = post_form(&app, "/oauth2/logout", &[]).await;
        assert_eq!(status, 400);
        // Without a return address, a page says so.
        let page = app.browser().get("/oauth2/logout").await;
        assert_eq!(page.status, 200);
        assert!(page.text.contains("signed out"), "{}", page.text);
    }

    async fn a_rotated_key_stays_published_and_still_verifies_the_tokens_it_signed(app) {
        let (_, tokens, nonce) = signed_in_tokens(&app, &["email"]).await;
        let id_token = tokens.id_token().expect("id token").clone();
        let old_kid = header_of(&id_token.to_string())["kid"].as_str().expect("kid").to_owned();
        let new_kids = sspr_server::oidc::keys::rotate(&app.state).await.expect("rotated");
        assert!(!new_kids.contains(&old_kid));
        let jwks: CoreJsonWebKeySet = discover(&app).await.jwks().clone();
        let has = |set: &CoreJsonWebKeySet, kid: &str| set.keys().iter().any(|k| k.key_id() == Some(&JsonWebKeyId::new(kid.to_owned())));
        assert!(has(&jwks, &old_kid), "the old key is still published");
        for kid in &new_kids {
            assert!(has(&jwks, kid));
        }
        // A relying party that discovers now still verifies the old token.
        let registered_client = rp_for_audience(&app, &id_token).await;
        verify(&app, &registered_client, &id_token, &nonce).expect("the old key still verifies");
        // New tokens are signed with the new key.
        let (_, fresh, _) = signed_in_tokens_again(&app).await;
        let fresh_kid = header_of(&fresh.id_token().expect("id").to_string())["kid"].as_str().expect("kid").to_owned();
        assert!(new_kids.contains(&fresh_kid), "{fresh_kid}");
        // Once every token it signed has expired, the old key is no longer published.
        app.clock.advance_ms(sspr_server::oidc::keys::PUBLISHED_AFTER_RETIREMENT_MS + 1);
        assert!(!has(&discover(&app).await.jwks().clone(), &old_kid));
    }

    async fn es256_applications_get_es256_id_tokens(app) {
        let body = json!({"displayName": "Compact", "web": {"redirectUris": [WEB_REDIRECT]}, "idTokenSignedResponseAlg": "ES256"});
        let registered = register(&app, body, true).await;
        let rp = rp(&app, &registered, WEB_REDIRECT).await;
        let browser = app.sign_up(EMAIL, PASSWORD).await;
        let started = start(&rp, &[], &[]);
        let code = code(&app, &browser, &started, WEB_REDIRECT).await;
        let tokens = redeem(&rp, &code, Some(started.verifier)).await.expect("tokens");
        let id_token = tokens.id_token().expect("id token");
        assert_eq!(header_of(&id_token.to_string())["alg"], "ES256");
        verify(&app, &rp, id_token, &started.nonce).expect("valid");
    }

    async fn access_tokens_are_rfc_9068_jwts_an_api_can_verify_from_the_jwks(app) {
        let (rp, tokens, _) = signed_in_tokens(&app, &["email"]).await;
        let access = tokens.access_token().secret().clone();
        let header = header_of(&access);
        assert_eq!(header["typ"], "at+jwt");
        let jwks: jsonwebtoken::jwk::JwkSet = app.get("/oauth2/keys").await.json().await.expect("jwks");
        let jwk = jwks.find(header["kid"].as_str().expect("kid")).expect("published");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_issuer(&[app.origin.as_str()]);
        validation.set_audience(&[rp.client_id().as_str()]);
        validation.validate_exp = false;
        let data = jsonwebtoken::decode::<Value>(&access, &jsonwebtoken::DecodingKey::from_jwk(jwk).expect("key"), &validation)
            .expect("verifies from the JWKS");
        let claims = data.claims;
        assert_eq!(claims["sub"], user_id(&app, EMAIL).await.as_str());
        assert_eq!(claims["client_id"], rp.client_id().as_str());
        assert_eq!(claims["scope"], "openid email");
        assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));
        assert_eq!(claims["exp"].as_i64().expect("exp") - claims["iat"].as_i64().expect("iat"), 3600);
        // Userinfo refuses it once expired.
        app.clock.advance_ms(3_601_000);
        let (status, body) = userinfo(&app, &access).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_token")));
    }

    async fn userinfo_is_never_cached_and_the_published_keys_may_be(app) {
        let (_, tokens, _) = signed_in_tokens(&app, &["email"]).await;
        let answer = http()
            .get(app.url("/oauth2/userinfo"))
            .bearer_auth(tokens.access_token().secret())
            .send()
            .await
            .expect("sent");
        assert_eq!(answer.status(), 200);
        assert_eq!(answer.headers()["cache-control"], "no-store");
        let keys = http().get(app.url("/oauth2/keys")).send().await.expect("sent");
        assert_eq!(keys.status(), 200);
        assert!(keys.headers().get("cache-control").is_none_or(|value| value != "no-store"));
    }

    async fn revoking_a_refresh_token_ends_its_grant_and_a_password_reset_ends_every_grant(app) {
        let (rp, tokens, _) = signed_in_tokens(&app, &["offline_access"]).await;
        let refresh = tokens.refresh_token().expect("refresh").clone();
        let secret = web_secret(&app, &rp).await;
        // A confidential client's access token is revoked only with its secret.
        let access = tokens.access_token().secret().clone();
        let (status, body) = post_form(&app, "/oauth2/revoke", &[("token", &access), ("client_id", rp.client_id().as_str())]).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
        assert_eq!(userinfo(&app, &access).await.0, 200, "not revoked without the secret");
        let (status, _) = post_form(&app, "/oauth2/revoke", &[
            ("token", refresh.secret()), ("client_id", rp.client_id().as_str()), ("client_secret", &secret),
        ]).await;
        assert_eq!(status, 200);
        assert!(rp.exchange_refresh_token(&refresh).expect("endpoint").request_async(&http()).await.is_err());
        assert_eq!(userinfo(&app, tokens.access_token().secret()).await.0, 401);
        // Unknown tokens answer 200 too.
        let (status, _) = post_form(&app, "/oauth2/revoke", &[
            ("token", "unknown"), ("client_id", rp.client_id().as_str()), ("client_secret", &secret),
        ]).await;
        assert_eq!(status, 200);
        // A password reset revokes every refresh token of the user.
        let browser = app.browser();
        let started = start(&rp, &["offline_access"], &[]);
        let resume = param(&location(&visit(&app, &browser, &started.url).await), "return_to").expect("resume");
        browser.post("/api/session", json!({"email": EMAIL, "password": PASSWORD})).await.expect_status(200);
        let back = location(&visit(&app, &browser, &resume).await);
        let tokens = redeem(&rp, &param(&back, "code").expect("code"), Some(started.verifier)).await.expect("tokens");
        let refresh = tokens.refresh_token().expect("refresh").clone();
        let resetter = app.browser();
        let id = app.start_flow(&resetter, "password_reset", EMAIL).await;
        let code_text = app.mailbox.code_for(EMAIL).await;
        resetter.post(&format!("/api/flows/{id}/verify"), json!({"code": code_text})).await.expect_status(200);
        let new_password = "a completely different passphrase";
        resetter.post(&format!("/api/flows/{id}/complete"), json!({"password": new_password, "password_confirm": new_password})).await.expect_status(200);
        assert!(rp.exchange_refresh_token(&refresh).expect("endpoint").request_async(&http()).await.is_err());
    }
}

/// A relying party for the audience of `id_token` (the web application registered first).
async fn rp_for_audience(app: &TestApp, id_token: &openidconnect::core::CoreIdToken) -> Rp {
    let claims: Value = {
        use base64::Engine;
        let part = id_token
            .to_string()
            .split('.')
            .nth(1)
            .expect("claims")
            .to_owned();
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .expect("base64url"),
        )
        .expect("json")
    };
    let registered = Registered {
        object_id: String::new(),
        app_id: claims["aud"].as_str().expect("aud").to_owned(),
        secret: None,
    };
    rp(app, &registered, WEB_REDIRECT).await
}

/// Tokens for a second user through a new web application.
async fn signed_in_tokens_again(
    app: &TestApp,
) -> (Rp, openidconnect::core::CoreTokenResponse, Nonce) {
    let registered = web_app(app).await;
    let rp = rp(app, &registered, WEB_REDIRECT).await;
    let browser = app.sign_up("second@contoso.example", PASSWORD).await;
    let started = start(&rp, &[], &[]);
    let code = code(app, &browser, &started, WEB_REDIRECT).await;
    let tokens = redeem(&rp, &code, Some(started.verifier))
        .await
        .expect("tokens");
    (rp, tokens, started.nonce)
}

/// A new secret for the application of `rp` (the first one was not kept).
async fn web_secret(app: &TestApp, rp: &Rp) -> String {
    let principal = sspr_server::admin::Principal::Token {
        id: "test".into(),
        name: "test".into(),
        role: sspr_api::AdminRole::GlobalAdministrator,
    };
    let caller = sspr_server::http::client::Client {
        ip: "127.0.0.1".into(),
        user_agent: "test".into(),
        language: Default::default(),
        request_id: "test".into(),
    };
    let object_id: String = sqlx::query("SELECT id FROM applications WHERE app_id = $1")
        .bind(rp.client_id().as_str())
        .fetch_one(&app.db.pool)
        .await
        .expect("registered")
        .get(0);
    sspr_server::admin::applications::add_password(
        &app.state,
        &caller,
        &principal,
        &object_id,
        Default::default(),
    )
    .await
    .expect("a secret")
    .secret_text
    .expect("shown once")
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[test]
fn the_rotate_signing_key_command_prints_new_key_ids() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = crate::support::run_cli(dir.path(), &["rotate-signing-key"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(out.contains("New signing keys: "), "{out}");
    let second = crate::support::run_cli(dir.path(), &["rotate-signing-key"]);
    assert!(second.status.success());
    assert_ne!(
        out,
        String::from_utf8_lossy(&second.stdout),
        "new keys each time"
    );
}
