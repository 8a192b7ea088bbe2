//! Company branding (SPEC A8, C11) over Graph's `organizationalBranding`: uploads judged by
//! their bytes, custom CSS held to its rules, localizations chosen by `Accept-Language`, the
//! theme as a portal setting, Graph's shapes, roles and the audit; and the flow mails carrying
//! the same logo, colour and sign-in text.

use crate::admins::{first_global, invited};
use crate::backend_tests;
use crate::helpers::{Answer, Browser, TestApp, PASSWORD};
use crate::policy_support::{changes, patch, GRAPH};
use crate::support::decoded;
use serde_json::json;
use std::io::Cursor;

const BRANDING: &str = "/api/graph/v1.0/organization/any-org/branding";

/// A small PNG of `width` × `height`.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::RgbImage::from_pixel(width, height, image::Rgb([10, 92, 194]))
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// PUTs `bytes` as `stream` (`bannerLogo`, `customCSS`, …) with the declared `content_type`.
async fn upload(
    app: &TestApp,
    admin: &Browser,
    path: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Answer {
    admin
        .send(
            admin
                .client
                .put(app.url(path))
                .header("x-sspr-csrf", "1")
                .header("origin", &app.origin)
                .header("content-type", content_type)
                .body(bytes),
        )
        .await
}

/// `GET /api/branding` with `Accept-Language: language`.
async fn public(app: &TestApp, language: &str) -> serde_json::Value {
    let response = app
        .client
        .get(app.url("/api/branding"))
        .header("accept-language", language)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

fn graph_error(answer: &Answer, status: u16) -> String {
    assert_eq!(answer.status, status, "{}", answer.text);
    assert!(
        answer.body["error"]["code"].is_string(),
        "Graph's error shape: {}",
        answer.text
    );
    answer.body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

backend_tests! {
    async fn a_reset_passcode_mail_carries_the_logo_colour_and_sign_in_text_escaped(app) {
        let email = "branded.reset@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let admin = first_global(&app).await;
        patch(&app, &admin, BRANDING, json!({
            "backgroundColor": "#0A5CC2",
            "signInPageText": "Welcome to <b>Contoso</b> & \"friends\"",
        })).await.expect_status(204);
        upload(&app, &admin, &format!("{BRANDING}/bannerLogo"), "image/png", png(200, 60)).await.expect_status(204);
        let logo = public(&app, "en").await["banner_logo_url"].as_str().expect("a logo").to_owned();
        let before = app.mailbox.count_for(email);
        let browser = app.browser();
        app.start_flow(&browser, "password_reset", email).await;
        let mail = loop {
            let next = app.mailbox.next_for(email).await;
            if app.mailbox.count_for(email) > before && next.subject().contains("password reset code") {
                break next;
            }
        };
        let data = decoded(&mail.data);
        let (text, html) = data.split_once("Content-Type: text/html").expect("an HTML part");
        let logo_url = format!("{}{logo}", app.origin);
        assert!(logo_url.starts_with("http") && logo.starts_with("/api/branding/assets/"), "{logo_url}");
        assert!(html.contains(&format!("<img src=\"{logo_url}\"")), "{html}");
        assert!(html.contains("background:#0A5CC2"), "{html}");
        assert!(html.contains("Welcome to &lt;b&gt;Contoso&lt;/b&gt; &amp; &quot;friends&quot;"), "{html}");
        assert!(!html.contains("<b>Contoso</b>"), "{html}");
        assert!(!text.contains("<img") && !text.contains("<p"), "the text part stays plain: {text}");
        // The logo the mail points to is served.
        let served = app.client.get(&logo_url).send().await.expect("sent");
        assert_eq!(served.status(), 200);
        assert!(mail.code().is_some(), "the code is still there");
    }

    async fn mail_reads_the_branding_from_memory_refreshed_when_it_is_saved_not_from_the_database(app) {
        // SECURITY.md §2: a passcode request must do the same work for a known and an unknown
        // address, so rendering the known address's mail reads no branding from the database.
        let email = "cached.branding@contoso.example";
        app.sign_up(email, PASSWORD).await;
        let admin = first_global(&app).await;
        patch(&app, &admin, BRANDING, json!({"signInPageText": "Saved through the API"})).await.expect_status(204);
        let sql = "UPDATE branding SET body = '{\"texts\":{\"signInPageText\":\"Written behind its back\"}}' WHERE locale = '0'";
        sqlx::query(sql).execute(&app.db.pool).await.expect(sql);
        let browser = app.browser();
        app.start_flow(&browser, "password_reset", email).await;
        let mail = loop {
            let next = app.mailbox.next_for(email).await;
            if next.subject().contains("password reset code") {
                break decoded(&next.data);
            }
        };
        assert!(mail.contains("Saved through the API"), "{mail}");
        assert!(!mail.contains("Written behind its back"), "{mail}");
        // The next save through the API refreshes it.
        patch(&app, &admin, BRANDING, json!({"signInPageText": "Saved again"})).await.expect_status(204);
        app.start_flow(&browser, "password_reset", email).await;
        let mail = loop {
            let next = app.mailbox.next_for(email).await;
            if next.subject().contains("password reset code") {
                break decoded(&next.data);
            }
        };
        assert!(mail.contains("Saved again"), "{mail}");
    }

    async fn a_png_named_jpg_is_kept_as_a_png_and_served_by_its_content_hash_for_a_year(app) {
        let admin = first_global(&app).await;
        let bytes = png(200, 60);
        upload(&app, &admin, &format!("{BRANDING}/bannerLogo"), "image/jpeg", bytes.clone()).await.expect_status(204);
        let branding = admin.get(BRANDING).await.expect_status(200);
        let relative = branding.body["bannerLogoRelativeUrl"].as_str().expect("a logo").to_owned();
        assert!(relative.starts_with("assets/") && relative.ends_with(".png"), "{relative}");
        let cdn = branding.body["cdnList"][0].as_str().expect("cdn");
        assert_eq!(cdn, format!("{}/api/branding", app.origin));

        let response = app.client.get(format!("{cdn}/{relative}")).send().await.expect("sent");
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "image/png");
        assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(response.bytes().await.expect("bytes").to_vec(), bytes);
        // The public branding names the same file.
        let shown = public(&app, "en").await;
        assert_eq!(shown["banner_logo_url"], format!("/api/branding/{relative}"));
        // Graph's stream property gives the bytes back too.
        let stream = admin.get(&format!("{BRANDING}/bannerLogo")).await.expect_status(200);
        assert_eq!(stream.headers["content-type"], "image/png");
    }

    async fn an_html_file_named_png_and_an_svg_with_a_script_are_refused_and_nothing_is_stored(app) {
        let admin = first_global(&app).await;
        let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>".to_vec();
        let message = graph_error(&upload(&app, &admin, &format!("{BRANDING}/squareLogo"), "image/png", html).await, 400);
        assert!(message.contains("not a PNG, JPEG or WebP image"), "{message}");
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
        let message = graph_error(&upload(&app, &admin, &format!("{BRANDING}/backgroundImage"), "image/svg+xml", svg).await, 400);
        assert!(message.contains("is an SVG"), "{message}");
        let answer = upload(&app, &admin, &format!("{BRANDING}/squareLogo"), "image/png", png(600, 400)).await;
        let message = graph_error(&answer, 400);
        assert!(message.contains("at most 480 × 480 pixels"), "{message}");
        // The one detail names the rule and the pixels counted, for the portal to word.
        let detail = &answer.body["error"]["details"][0];
        assert_eq!((detail["code"].as_str(), detail["target"].as_str()), (Some("too_many_pixels"), Some("600x400")));
        let answer = upload(&app, &admin, &format!("{BRANDING}/bannerLogo"), "image/png", b"<svg/>".to_vec()).await;
        graph_error(&answer, 400);
        assert_eq!(answer.body["error"]["details"][0]["code"], "svg");
        let branding = admin.get(BRANDING).await.expect_status(200);
        assert!(branding.body["squareLogoRelativeUrl"].is_null());
        assert!(branding.body["backgroundImageRelativeUrl"].is_null());
        assert!(changes(&app, "branding.squareLogo").await.is_empty(), "no change recorded");
        // An unknown stream property is not there.
        graph_error(&upload(&app, &admin, &format!("{BRANDING}/favicon"), "image/png", png(10, 10)).await, 404);
    }

    async fn custom_css_within_the_rules_is_served_as_a_stylesheet_and_css_that_could_read_the_page_is_refused(app) {
        let admin = first_global(&app).await;
        let path = format!("{BRANDING}/customCSS");
        let good = ":root { --color-primary: #6b2c91; }\n.card { border-radius: var(--radius-sm); }";
        upload(&app, &admin, &path, "text/css", good.as_bytes().to_vec()).await.expect_status(204);
        let url = public(&app, "en").await["custom_css_url"].as_str().expect("css").to_owned();
        assert!(url.ends_with(".css"), "{url}");
        let response = app.client.get(app.url(&url)).send().await.expect("sent");
        assert_eq!(response.headers()["content-type"], "text/css");
        assert_eq!(response.text().await.expect("text"), good);

        // The message says it in English; the detail names the rule, what broke it and the line,
        // for the portal to say in its reader's language.
        for (css, says, rule, target, line) in [
            (".field__input[value^=\"a\"] { background: url(/x) }", "Line 1: Attribute selectors", "attribute_selector", "", 1),
            (".card {}\n.card { background: url(https://evil.example/leak) }", "Line 2: url(https://evil.example/leak) is not allowed", "foreign_url", "https://evil.example/leak", 2),
            ("@import url(/other.css);", "@import is not allowed", "at_rule", "@import", 1),
            ("input { color: red }", "Element selectors such as input", "element_selector", "input", 1),
        ] {
            let answer = upload(&app, &admin, &path, "text/css", css.as_bytes().to_vec()).await;
            let message = graph_error(&answer, 400);
            assert!(message.contains(says), "{css}: {message}");
            let details = answer.body["error"]["details"].as_array().expect("details");
            assert_eq!(details.len(), 1, "{}", answer.text);
            assert_eq!(details[0]["code"], rule, "{}", answer.text);
            assert_eq!(details[0]["message"], message.as_str());
            assert_eq!(details[0]["target"], target);
            assert_eq!(details[0]["line"], line);
        }
        let answer = upload(&app, &admin, &path, "text/css", vec![0xff, 0xfe, b'{']).await;
        assert_eq!(graph_error(&answer, 400), "Custom CSS must be UTF-8 text.");
        let detail = &answer.body["error"]["details"][0];
        assert_eq!(detail["code"], "not_utf8", "{}", answer.text);
        assert!(detail.get("line").is_none(), "{}", answer.text);
        // The accepted sheet is still the one served.
        assert_eq!(public(&app, "en").await["custom_css_url"], url.as_str());
    }

    async fn the_french_localization_is_served_for_accept_language_fr_over_the_default(app) {
        let admin = first_global(&app).await;
        patch(&app, &admin, BRANDING, json!({
            "backgroundColor": "#0A5CC2",
            "signInPageText": "Welcome to Contoso",
            "usernameHintText": "you@contoso.example",
        })).await.expect_status(204);
        let created = admin.post(&format!("{BRANDING}/localizations"), json!({
            "id": "fr-FR",
            "signInPageText": "Bienvenue chez Contoso",
            "customForgotMyPasswordText": "Mot de passe oublié ?",
        })).await.expect_status(201);
        assert_eq!(created.body["id"], "fr-FR");

        let french = public(&app, "fr-CA,fr;q=0.9,en;q=0.5").await;
        assert_eq!(french["language"], "fr");
        assert_eq!(french["texts"]["signInPageText"], "Bienvenue chez Contoso");
        assert_eq!(french["texts"]["customForgotMyPasswordText"], "Mot de passe oublié ?");
        assert_eq!(french["texts"]["usernameHintText"], "you@contoso.example", "unset: the default's");
        assert_eq!(french["texts"]["backgroundColor"], "#0A5CC2");
        let english = public(&app, "en-GB").await;
        assert_eq!(english["texts"]["signInPageText"], "Welcome to Contoso");
        assert!(english["texts"]["customForgotMyPasswordText"].is_null());
        let chosen: serde_json::Value = app.client.get(app.url("/api/branding?language=fr"))
            .header("accept-language", "en").send().await.expect("sent").json().await.expect("json");
        assert_eq!(chosen["texts"]["signInPageText"], "Bienvenue chez Contoso");
        // A query that does not parse is refused in the error shape, with a code.
        let twice = app.browser().get("/api/branding?language=fr&language=en").await;
        assert_eq!((twice.status, twice.code().as_str()), (422, "validation_failed"), "{}", twice.text);
    }

    async fn the_branding_has_graphs_shapes(app) {
        let admin = first_global(&app).await;
        let empty = admin.get(BRANDING).await.expect_status(200);
        assert_eq!(empty.body["id"], "0");
        assert!(empty.body["@odata.context"].as_str().expect("context").contains("/branding/$entity"));
        for key in ["backgroundColor", "signInPageText", "usernameHintText", "customForgotMyPasswordText",
            "customPrivacyAndCookiesText", "customPrivacyAndCookiesUrl", "customTermsOfUseText",
            "customTermsOfUseUrl", "bannerLogoRelativeUrl", "squareLogoRelativeUrl",
            "backgroundImageRelativeUrl", "customCSSRelativeUrl"] {
            assert!(empty.body[key].is_null(), "{key}");
        }
        // Microsoft's documented example body, trailing comma and all.
        crate::policy_support::patch_raw(&app, &admin, BRANDING,
            r##"{"signInPageText": "Default", "usernameHintText": "DefaultHint", "backgroundColor": "#FFFF33",}"##)
            .await.expect_status(204);
        let set = admin.get(BRANDING).await.expect_status(200);
        assert_eq!(set.body["signInPageText"], "Default");
        assert_eq!(set.body["backgroundColor"], "#FFFF33");
        // null clears; absent leaves alone.
        patch(&app, &admin, BRANDING, json!({"signInPageText": null})).await.expect_status(204);
        let cleared = admin.get(BRANDING).await.expect_status(200);
        assert!(cleared.body["signInPageText"].is_null());
        assert_eq!(cleared.body["usernameHintText"], "DefaultHint");

        admin.post(&format!("{BRANDING}/localizations"), json!({"id": "fr", "signInPageText": "Bonjour"})).await.expect_status(201);
        let list = admin.get(&format!("{BRANDING}/localizations")).await.expect_status(200);
        let ids: Vec<&str> = list.body["value"].as_array().expect("value").iter().filter_map(|l| l["id"].as_str()).collect();
        assert_eq!(ids, ["0", "fr"]);
        let one = admin.get(&format!("{BRANDING}/localizations/fr")).await.expect_status(200);
        assert_eq!(one.body["signInPageText"], "Bonjour");
        patch(&app, &admin, &format!("{BRANDING}/localizations/fr"), json!({"signInPageText": "Salut"})).await.expect_status(204);
        assert_eq!(admin.get(&format!("{BRANDING}/localizations/fr")).await.body["signInPageText"], "Salut");
        admin.delete(&format!("{BRANDING}/localizations/fr")).await.expect_status(204);
        graph_error(&admin.get(&format!("{BRANDING}/localizations/fr")).await, 404);

        // Refusals in Graph's shape, naming the problem.
        let bad_colour = patch(&app, &admin, BRANDING, json!({"backgroundColor": "blue"})).await;
        assert!(graph_error(&bad_colour, 400).contains("#RRGGBB"));
        let unknown = patch(&app, &admin, BRANDING, json!({"bogus": 1})).await;
        assert!(graph_error(&unknown, 400).contains("bogus"));
        let german = admin.post(&format!("{BRANDING}/localizations"), json!({"id": "de-DE"})).await;
        assert!(graph_error(&german, 400).contains("language the pages speak"));
        let link = patch(&app, &admin, BRANDING, json!({"customTermsOfUseUrl": "javascript:alert(1)"})).await;
        assert!(graph_error(&link, 400).contains("terms of use address"));
        let control = patch(&app, &admin, BRANDING, json!({"usernameHintText": "a\u{0007}b"})).await;
        assert!(graph_error(&control, 400).contains("control characters"));
    }

    async fn texts_are_kept_as_plain_text_and_markup_in_them_is_never_interpreted(app) {
        let admin = first_global(&app).await;
        let text = "<img src=x onerror=alert(1)> Welcome & hello";
        patch(&app, &admin, BRANDING, json!({"signInPageText": text})).await.expect_status(204);
        let shown = public(&app, "en").await;
        assert_eq!(shown["texts"]["signInPageText"], text, "stored and served as typed, for the page to show as text");
    }

    async fn only_policy_administrators_change_the_branding_and_each_change_is_audited(app) {
        let global = first_global(&app).await;
        let reader = invited(&app, &global, "reader", 1).await;
        let policy = invited(&app, &global, "authentication_policy_administrator", 2).await;
        reader.get(BRANDING).await.expect_status(200);
        graph_error(&patch(&app, &reader, BRANDING, json!({"signInPageText": "x"})).await, 403);
        graph_error(&upload(&app, &reader, &format!("{BRANDING}/bannerLogo"), "image/png", png(10, 10)).await, 403);
        graph_error(&app.browser().get(BRANDING).await, 401);
        patch(&app, &policy, BRANDING, json!({"signInPageText": "Hello"})).await.expect_status(204);
        upload(&app, &policy, &format!("{BRANDING}/bannerLogo"), "image/png", png(10, 10)).await.expect_status(204);
        let texts = changes(&app, "branding").await;
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].1, "0");
        assert_eq!(texts[0].2["after"]["signInPageText"], "Hello");
        let logo = changes(&app, "branding.bannerLogo").await;
        assert_eq!(logo.len(), 1);
        assert!(logo[0].2["after"]["sha256"].as_str().is_some_and(|h| h.len() == 64));
        assert!(GRAPH.starts_with("/api/graph"));
    }

    async fn the_theme_is_a_portal_setting_that_theme_css_follows(app) {
        let admin = first_global(&app).await;
        let theme_css = || async { app.client.get(app.url("/theme.css")).send().await.expect("sent").text().await.expect("text") };
        assert!(theme_css().await.contains("default theme"));
        let branding = admin.get(BRANDING).await.expect_status(200);
        assert_eq!(branding.body["ssprAvailableThemes"], json!(["dark", "default"]));
        patch(&app, &admin, BRANDING, json!({"ssprTheme": "dark"})).await.expect_status(204);
        assert!(theme_css().await.contains("dark theme"));
        assert_eq!(public(&app, "en").await["theme"], "dark");
        let missing = patch(&app, &admin, BRANDING, json!({"ssprTheme": "neon"})).await;
        assert!(graph_error(&missing, 400).contains("There is no theme \"neon\""));
        patch(&app, &admin, BRANDING, json!({"ssprTheme": null})).await.expect_status(204);
        assert!(theme_css().await.contains("default theme"), "back to SSPR_THEME");
    }
}
