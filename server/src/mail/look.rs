//! The company branding every message carries ([`Look`]), per language: the banner logo (an
//! absolute address on the public origin, as mail needs), the background colour, the sign-in
//! page text and the privacy and terms links — the same the customer pages show
//! (`admin::branding::public`), the language's localization over the default.
//!
//! Messages read it from [`LookCache`], in memory, never from the database: a passcode mail is
//! rendered while answering a public request for known and unknown addresses alike, and a read
//! there would cost time and work the other path does not do (SECURITY.md §2). The cache is
//! filled when the server starts, refreshed at once when an administrator saves the branding,
//! and every [`REFRESH_EVERY`] so that a change saved on another instance reaches this one.

use super::templates::Look;
use crate::domain::language::Language;
use crate::AppState;
use sspr_api::PublicBranding;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How often the cache is read again from the database.
pub const REFRESH_EVERY: Duration = Duration::from_secs(30);

/// The looks one refresh read, with its number.
type Reading = (u64, Vec<(Language, Look)>);

/// Each language's [`Look`], shared by every clone.
#[derive(Debug, Clone, Default)]
pub struct LookCache {
    /// The looks, with the number of the refresh that read them.
    looks: Arc<RwLock<Reading>>,
    /// Refreshes started so far: a refresh that started before another one finished keeps
    /// its (older) reading to itself.
    started: Arc<AtomicU64>,
}

impl LookCache {
    /// The look of messages in `language` (none before the first load).
    pub fn get(&self, language: Language) -> Look {
        let looks = self.looks.read().unwrap_or_else(|e| e.into_inner());
        looks
            .1
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, look)| look.clone())
            .unwrap_or_default()
    }

    /// Reads every language's look from the database.
    pub async fn refresh(&self, state: &AppState) -> Result<(), crate::ApiError> {
        let number = self.started.fetch_add(1, Ordering::SeqCst) + 1;
        let mut looks = Vec::with_capacity(Language::ALL.len());
        for language in Language::ALL {
            let branding = crate::admin::branding::public(state, language).await?;
            looks.push((language, of(&branding, &state.config.public_origin)));
        }
        let mut current = self.looks.write().unwrap_or_else(|e| e.into_inner());
        if current.0 < number {
            *current = (number, looks);
        }
        Ok(())
    }

    /// [`LookCache::refresh`], logging a failure (the previous looks stay).
    pub async fn refresh_or_log(&self, state: &AppState) {
        if let Err(error) = self.refresh(state).await {
            tracing::warn!(?error, "could not read the company branding for mail");
        }
    }
}

/// Refreshes `state`'s cache now and every [`REFRESH_EVERY`] until `shutdown` resolves.
pub async fn run(state: AppState, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        state.look.refresh_or_log(&state).await;
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(REFRESH_EVERY) => {}
        }
    }
}

/// The look of `branding` for mail sent from `origin`.
pub fn of(branding: &PublicBranding, origin: &str) -> Look {
    let texts = &branding.texts;
    let links = [
        (
            &texts.custom_privacy_and_cookies_text,
            &texts.custom_privacy_and_cookies_url,
        ),
        (
            &texts.custom_terms_of_use_text,
            &texts.custom_terms_of_use_url,
        ),
    ]
    .into_iter()
    .filter_map(|(label, url)| {
        let url = url.clone()?;
        Some((label.clone().unwrap_or_else(|| url.clone()), url))
    })
    .collect();
    Look {
        logo_url: branding
            .banner_logo_url
            .as_ref()
            .map(|path| format!("{origin}{path}")),
        colour: texts.background_color.clone(),
        sign_in_text: texts.sign_in_page_text.clone(),
        links,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sspr_api::BrandingTexts;

    #[test]
    fn the_logo_is_absolute_and_a_link_without_text_shows_its_address() {
        let branding = PublicBranding {
            banner_logo_url: Some("/api/branding/assets/abc.png".into()),
            texts: BrandingTexts {
                background_color: Some("#112233".into()),
                sign_in_page_text: Some("Welcome".into()),
                custom_terms_of_use_url: Some("https://contoso.example/terms".into()),
                ..BrandingTexts::default()
            },
            ..PublicBranding::default()
        };
        let look = of(&branding, "https://id.contoso.example");
        assert_eq!(
            look.logo_url.as_deref(),
            Some("https://id.contoso.example/api/branding/assets/abc.png")
        );
        assert_eq!(look.colour.as_deref(), Some("#112233"));
        assert_eq!(look.sign_in_text.as_deref(), Some("Welcome"));
        assert_eq!(
            look.links,
            vec![(
                "https://contoso.example/terms".to_owned(),
                "https://contoso.example/terms".to_owned()
            )]
        );
    }

    #[test]
    fn an_empty_cache_gives_the_plain_look() {
        assert_eq!(LookCache::default().get(Language::Fr), Look::default());
    }
}
