//! The company branding a notice carries ([`Look`]): the default branding's banner logo (an
//! absolute address on the public origin, as mail needs), its background colour and its privacy
//! and terms links, read from the store in the caller's transaction.
//!
//! Only the security notices carry it: a passcode mail is queued while answering a public
//! request, and an extra read there would make known and unknown accounts differ in timing
//! (SECURITY.md §2).

use super::templates::Look;
use crate::domain::branding::{FileKind, Stored, DEFAULT};
use crate::store::branding as store;
use sqlx::AnyConnection;

/// The default branding's look, for mail sent from `origin`.
pub async fn load(conn: &mut AnyConnection, origin: &str) -> Result<Look, sqlx::Error> {
    let stored: Stored = store::localizations(conn)
        .await?
        .into_iter()
        .find(|l| l.locale == DEFAULT)
        .and_then(|l| serde_json::from_str(&l.body).ok())
        .unwrap_or_default();
    let logo_url = store::files(conn)
        .await?
        .into_iter()
        .find(|f| f.locale == DEFAULT && f.kind == FileKind::BannerLogo.as_str())
        .map(|f| {
            let extension = f.content_type.rsplit('/').next().unwrap_or("png");
            let extension = if extension == "jpeg" {
                "jpg"
            } else {
                extension
            };
            format!("{origin}/api/branding/assets/{}.{extension}", f.hash)
        });
    let texts = stored.texts;
    let links = [
        (
            texts.custom_privacy_and_cookies_text,
            texts.custom_privacy_and_cookies_url,
        ),
        (
            texts.custom_terms_of_use_text,
            texts.custom_terms_of_use_url,
        ),
    ]
    .into_iter()
    .filter_map(|(label, url)| {
        let url = url?;
        Some((label.unwrap_or_else(|| url.clone()), url))
    })
    .collect();
    Ok(Look {
        logo_url,
        colour: texts.background_color,
        links,
    })
}
