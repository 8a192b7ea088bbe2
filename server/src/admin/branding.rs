//! Company branding (SPEC A8, C11) as Graph's `organizationalBranding`: the default branding
//! (localization `0`) and one localization per language, their texts, colour and theme, and
//! their files — images checked from their bytes, custom CSS checked against its rules — each
//! change audited. Also what the customer pages read: [`public`], the branding in one language,
//! and [`asset`], a file by its content hash.
//!
//! Every saved change refreshes the copy mail reads (`mail::look`) at once.
//!
//! Files are named by the SHA-256 of their bytes, so a changed logo has a new address and the
//! old one can be cached for a year (`Cache-Control: immutable`).

use super::audit::Change;
use super::Principal;
use crate::domain::branding::{self as rules, FileKind, Stored, DEFAULT};
use crate::domain::{branding_css, branding_image, language::Language};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::store::branding::{self as store, FileRef};
use crate::AppState;
use base64::Engine;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use sspr_api::{
    BrandingLocalizationList, BrandingPatch, BrandingTexts, OrganizationalBranding, PublicBranding,
};

/// Where the files are served; Graph's relative URLs are relative to it.
pub const ASSETS: &str = "/api/branding/assets/";

/// Everything stored, read in one go.
struct Loaded {
    localizations: Vec<(String, Stored)>,
    files: Vec<FileRef>,
}

impl Loaded {
    fn stored(&self, locale: &str) -> Option<&Stored> {
        self.localizations
            .iter()
            .find(|(l, _)| l == locale)
            .map(|(_, s)| s)
    }

    fn file(&self, locale: &str, kind: FileKind) -> Option<&FileRef> {
        self.files
            .iter()
            .find(|f| f.locale == locale && f.kind == kind.as_str())
    }
}

async fn load(conn: &mut AnyConnection) -> Result<Loaded, sqlx::Error> {
    let localizations = store::localizations(conn)
        .await?
        .into_iter()
        .map(|l| (l.locale, parse(&l.body)))
        .collect();
    Ok(Loaded {
        localizations,
        files: store::files(conn).await?,
    })
}

fn parse(body: &str) -> Stored {
    serde_json::from_str(body).unwrap_or_else(|error| {
        tracing::error!(%error, "unreadable branding: using none");
        Stored::default()
    })
}

/// `GET …/branding` (`locale` `0`) and `GET …/branding/localizations/{locale}`.
pub async fn get(state: &AppState, locale: &str) -> Result<OrganizationalBranding, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let loaded = load(&mut conn).await?;
    if locale != DEFAULT && loaded.stored(locale).is_none() {
        return Err(ApiError::not_found());
    }
    Ok(graph_view(state, &loaded, locale))
}

/// `GET …/branding/localizations`: the default first, then each language.
pub async fn list(state: &AppState) -> Result<BrandingLocalizationList, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let loaded = load(&mut conn).await?;
    let mut locales: Vec<&str> = vec![DEFAULT];
    locales.extend(
        loaded
            .localizations
            .iter()
            .map(|(l, _)| l.as_str())
            .filter(|l| *l != DEFAULT),
    );
    Ok(BrandingLocalizationList {
        odata_context: context(state, "branding/localizations"),
        value: locales
            .into_iter()
            .map(|l| graph_view(state, &loaded, l))
            .collect(),
    })
}

fn graph_view(state: &AppState, loaded: &Loaded, locale: &str) -> OrganizationalBranding {
    let stored = loaded.stored(locale).cloned().unwrap_or_default();
    let relative = |kind| {
        loaded
            .file(locale, kind)
            .map(|f| format!("assets/{}", file_name(f)))
    };
    let is_default = locale == DEFAULT;
    OrganizationalBranding {
        odata_context: context(state, "branding/$entity"),
        id: locale.to_owned(),
        texts: stored.texts,
        background_image_relative_url: relative(FileKind::BackgroundImage),
        banner_logo_relative_url: relative(FileKind::BannerLogo),
        square_logo_relative_url: relative(FileKind::SquareLogo),
        custom_css_relative_url: relative(FileKind::CustomCss),
        cdn_list: vec![format!("{}/api/branding", state.config.public_origin)],
        sspr_theme: stored.sspr_theme.filter(|_| is_default),
        sspr_available_themes: if is_default {
            themes(state)
        } else {
            Vec::new()
        },
    }
}

fn context(state: &AppState, what: &str) -> String {
    crate::http::graph::odata_context(
        &state.config.public_origin,
        &format!("organization('{}')/{what}", org_id(state)),
    )
}

/// The organisation's id in Graph paths: one installation is one organisation, so any id is
/// taken and this one is shown.
fn org_id(state: &AppState) -> String {
    let digest = Sha256::digest(state.config.public_origin.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `PATCH …/branding` and `…/localizations/{locale}`; `create` for `POST …/localizations`
/// (the id from the body; 409 if it exists).
pub async fn write(
    state: &AppState,
    client: &Client,
    by: &Principal,
    locale: Option<&str>,
    patch: BrandingPatch,
) -> Result<OrganizationalBranding, ApiError> {
    let create = locale.is_none();
    let locale = match locale {
        Some(locale) => locale.to_owned(),
        None => {
            let id = patch.id.clone().ok_or_else(|| {
                ApiError::validation("Give the localization's id, a language tag such as fr-FR.")
            })?;
            rules::check_locale(&id).map_err(ApiError::validation)?;
            id
        }
    };
    if patch.sspr_theme.is_some() && locale != DEFAULT {
        return Err(ApiError::validation(
            "The theme belongs to the default branding.",
        ));
    }
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    store::lock(&mut tx, state.db.backend).await?;
    let loaded = load(&mut tx).await?;
    let current = loaded.stored(&locale).cloned();
    match (&current, create) {
        (Some(_), true) => {
            return Err(ApiError::validation(
                "A localization for this language exists: change it instead.",
            ))
        }
        (None, false) if locale != DEFAULT => return Err(ApiError::not_found()),
        _ => {}
    }
    let before = current.unwrap_or_default();
    let mut next = before.clone();
    patch.apply(&mut next.texts);
    if let Some(theme) = &patch.sspr_theme {
        next.sspr_theme = theme.clone().filter(|t| !t.is_empty());
    }
    rules::check_texts(&next.texts).map_err(ApiError::validation)?;
    if let Some(theme) = &next.sspr_theme {
        check_theme(state, theme)?;
    }
    let body = serde_json::to_string(&next).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    store::save(&mut tx, &locale, &body, now, false).await?;
    let (old, new) = super::audit::changed(&to_json(&before), &to_json(&next));
    let change = Change {
        what: "branding",
        subject: &locale,
        before: old,
        after: new,
    };
    by.record_change(&mut tx, client, change, now).await?;
    let loaded = load(&mut tx).await?;
    tx.commit().await?;
    state.look.refresh_or_log(state).await;
    Ok(graph_view(state, &loaded, &locale))
}

/// `DELETE …/localizations/{locale}` (the default cannot be deleted).
pub async fn delete(
    state: &AppState,
    client: &Client,
    by: &Principal,
    locale: &str,
) -> Result<(), ApiError> {
    if locale == DEFAULT {
        return Err(ApiError::validation(
            "The default branding cannot be deleted: clear its properties instead.",
        ));
    }
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    if !store::delete(&mut tx, locale).await? {
        return Err(ApiError::not_found());
    }
    let change = Change {
        what: "branding.localization_deleted",
        subject: locale,
        before: serde_json::json!({ "exists": true }),
        after: serde_json::json!({ "exists": false }),
    };
    by.record_change(&mut tx, client, change, now).await?;
    tx.commit().await?;
    state.look.refresh_or_log(state).await;
    Ok(())
}

/// `PUT …/{bannerLogo|squareLogo|backgroundImage|customCSS}`: checks `bytes` (an empty body
/// removes the file) and stores them under their content hash.
pub async fn put_file(
    state: &AppState,
    client: &Client,
    by: &Principal,
    locale: &str,
    kind: FileKind,
    bytes: &[u8],
) -> Result<(), ApiError> {
    let checked = match bytes.is_empty() {
        true => None,
        false => Some(check_file(kind, bytes)?),
    };
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    store::lock(&mut tx, state.db.backend).await?;
    let loaded = load(&mut tx).await?;
    if loaded.stored(locale).is_none() {
        if locale != DEFAULT {
            return Err(ApiError::not_found());
        }
        store::save(&mut tx, DEFAULT, "{}", now, true).await?;
    }
    let before = loaded.file(locale, kind).map(|f| f.hash.clone());
    let after = match checked {
        Some(content_type) => {
            let file = FileRef {
                locale: locale.to_owned(),
                kind: kind.as_str().to_owned(),
                hash: hex_sha256(bytes),
                content_type: content_type.to_owned(),
            };
            let data = base64::engine::general_purpose::STANDARD.encode(bytes);
            store::put_file(&mut tx, &file, &data, now).await?;
            Some(file.hash)
        }
        None => {
            store::delete_file(&mut tx, locale, kind.as_str()).await?;
            None
        }
    };
    let what = format!("branding.{}", kind.graph_name());
    let change = Change {
        what: &what,
        subject: locale,
        before: serde_json::json!({ "sha256": before }),
        after: serde_json::json!({ "sha256": after }),
    };
    by.record_change(&mut tx, client, change, now).await?;
    tx.commit().await?;
    state.look.refresh_or_log(state).await;
    Ok(())
}

/// The real content type of an acceptable file, or a 422 saying why it is not.
fn check_file(kind: FileKind, bytes: &[u8]) -> Result<&'static str, ApiError> {
    match kind.slot() {
        Some(slot) => branding_image::check(slot, bytes)
            .map(|checked| checked.content_type)
            .map_err(|refusal| {
                ApiError::validation(refusal.sentence()).with_detail(refusal.detail())
            }),
        None => {
            branding_css::check_bytes(bytes).map_err(|refusal| {
                ApiError::validation(refusal.sentence()).with_detail(refusal.detail())
            })?;
            Ok("text/css")
        }
    }
}

/// `GET …/{bannerLogo|…}`: the stored bytes and their type.
pub async fn file(
    state: &AppState,
    locale: &str,
    kind: FileKind,
) -> Result<(String, Vec<u8>), ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let file = store::file(&mut conn, locale, kind.as_str())
        .await?
        .ok_or_else(ApiError::not_found)?;
    decode(file)
}

/// `GET /api/branding/assets/{hash}.{ext}`.
pub async fn asset(state: &AppState, name: &str) -> Result<(String, Vec<u8>), ApiError> {
    let hash = name.split('.').next().unwrap_or_default();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::not_found());
    }
    let mut conn = state.db.pool.acquire().await?;
    let file = store::by_hash(&mut conn, hash)
        .await?
        .ok_or_else(ApiError::not_found)?;
    decode(file)
}

fn decode(file: store::File) -> Result<(String, Vec<u8>), ApiError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&file.data)
        .map_err(|e| ApiError::from(sqlx::Error::Decode(Box::new(e))))?;
    Ok((file.content_type, bytes))
}

/// `GET /api/branding`: the branding in `language` — its localization's texts and files over
/// the default's — with the theme.
pub async fn public(state: &AppState, language: Language) -> Result<PublicBranding, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let loaded = load(&mut conn).await?;
    let default = loaded.stored(DEFAULT).cloned().unwrap_or_default();
    let local = loaded
        .localizations
        .iter()
        .find(|(l, _)| rules::speaks(l, language));
    let texts = match local {
        Some((_, stored)) => overlay(&stored.texts, &default.texts),
        None => default.texts.clone(),
    };
    let url = |kind: FileKind| {
        local
            .and_then(|(l, _)| loaded.file(l, kind))
            .or_else(|| loaded.file(DEFAULT, kind))
            .map(|f| format!("{ASSETS}{}", file_name(f)))
    };
    Ok(PublicBranding {
        organisation_name: state.config.organisation_name.clone(),
        language: language.tag().to_owned(),
        theme: default
            .sspr_theme
            .unwrap_or_else(|| state.config.theme.clone()),
        texts,
        background_image_url: url(FileKind::BackgroundImage),
        banner_logo_url: url(FileKind::BannerLogo),
        square_logo_url: url(FileKind::SquareLogo),
        custom_css_url: url(FileKind::CustomCss),
    })
}

/// The theme every page uses: the portal's choice, else `SSPR_THEME`.
pub async fn theme(state: &AppState) -> Result<String, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let loaded = load(&mut conn).await?;
    Ok(loaded
        .stored(DEFAULT)
        .and_then(|s| s.sspr_theme.clone())
        .unwrap_or_else(|| state.config.theme.clone()))
}

/// The themes in `<web_dir>/themes/`, by name.
fn themes(state: &AppState) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(state.config.web_dir.join("themes"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".css").map(str::to_owned)
                })
                .filter(|name| rules::check_theme(name).is_ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn check_theme(state: &AppState, theme: &str) -> Result<(), ApiError> {
    rules::check_theme(theme).map_err(ApiError::validation)?;
    if !themes(state).iter().any(|t| t == theme) {
        return Err(ApiError::validation(format!(
            "There is no theme {theme:?}: the server has {}.",
            themes(state).join(", ")
        )));
    }
    Ok(())
}

fn overlay(top: &BrandingTexts, base: &BrandingTexts) -> BrandingTexts {
    let pick = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
    BrandingTexts {
        background_color: pick(&top.background_color, &base.background_color),
        sign_in_page_text: pick(&top.sign_in_page_text, &base.sign_in_page_text),
        username_hint_text: pick(&top.username_hint_text, &base.username_hint_text),
        custom_forgot_my_password_text: pick(
            &top.custom_forgot_my_password_text,
            &base.custom_forgot_my_password_text,
        ),
        custom_privacy_and_cookies_text: pick(
            &top.custom_privacy_and_cookies_text,
            &base.custom_privacy_and_cookies_text,
        ),
        custom_privacy_and_cookies_url: pick(
            &top.custom_privacy_and_cookies_url,
            &base.custom_privacy_and_cookies_url,
        ),
        custom_terms_of_use_text: pick(
            &top.custom_terms_of_use_text,
            &base.custom_terms_of_use_text,
        ),
        custom_terms_of_use_url: pick(&top.custom_terms_of_use_url, &base.custom_terms_of_use_url),
    }
}

/// `<hash>.<ext>` of a stored file.
fn file_name(file: &FileRef) -> String {
    let extension = match file.content_type.as_str() {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        _ => "css",
    };
    format!("{}.{extension}", file.hash)
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn to_json(stored: &Stored) -> serde_json::Value {
    serde_json::to_value(stored).unwrap_or_default()
}
