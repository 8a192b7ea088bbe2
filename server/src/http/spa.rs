//! The built SPA: files from the web directory, precompressed `.br`/`.gz` siblings when the
//! client accepts them, and `index.html` for every path that is not a file (client routes).
//!
//! `/admin` and everything under it is the admin portal, a bundle of its own in
//! `<web_dir>/admin/` with its own `index.html` fallback, so customers never download it;
//! `/authenticator` is the companion authenticator app, the same way ([`BUNDLES`]).
//!
//! `/theme.css` is the chosen theme: the portal's choice, else `SSPR_THEME`
//! ([`theme_router`]), so changing themes needs no rebuild.
//! Trunk puts a content hash in asset names (`app-1a2b3c4d5e6f7a8b.js`), so those are cached for
//! a year; `index.html` is revalidated every time so a new release is picked up at once.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use std::path::Path;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// The bundles beside the customer pages: each is served under `/<name>` from
/// `<web_dir>/<name>/`, with its own `index.html` for its client routes.
pub const BUNDLES: [&str; 2] = ["admin", "authenticator"];

/// A router serving `web_dir` with the `index.html` fallback, and each of [`BUNDLES`] under its
/// own path from its own folder with its own `index.html` fallback.
pub fn service(web_dir: &Path) -> Router {
    let index = ServeFile::new(web_dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(web_dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    let mut router = Router::new();
    for bundle in BUNDLES {
        let dir = web_dir.join(bundle);
        let bundle_index = ServeFile::new(dir.join("index.html"))
            .precompressed_br()
            .precompressed_gzip();
        let served = ServeDir::new(&dir)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(bundle_index);
        router = router.nest_service(&format!("/{bundle}"), served);
    }
    router
        .fallback_service(files)
        .layer(middleware::from_fn(cache_control))
}

/// `/theme.css`: `<web_dir>/themes/<theme>.css` of the theme chosen now (the branding's, else
/// `SSPR_THEME`), revalidated at every load so a change shows at once.
pub fn theme_router(state: AppState) -> Router {
    Router::new()
        .route("/theme.css", get(theme))
        .layer(middleware::from_fn(cache_control))
        .with_state(state)
}

async fn theme(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let name = crate::admin::branding::theme(&state).await?;
    let file = ServeFile::new(
        state
            .config
            .web_dir
            .join("themes")
            .join(format!("{name}.css")),
    )
    .precompressed_br()
    .precompressed_gzip();
    let response = file
        .oneshot(request)
        .await
        .map_err(|_| ApiError::not_found())?;
    Ok(response.map(axum::body::Body::new))
}

async fn cache_control(request: Request, next: Next) -> Response {
    let immutable = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let value = if immutable && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Whether the file name carries Trunk's 16-hex-digit content hash, as in `name-<hash>.ext`
/// or `name-<hash>_bg.wasm`.
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn only_trunk_hashed_names_count_as_immutable() {
        assert!(is_hashed_asset("/sspr-web-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_asset("/sspr-web-0123456789abcdef.js"));
        assert!(is_hashed_asset("/main-fedcba9876543210.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/reset/code"));
        assert!(!is_hashed_asset("/logo.svg"));
    }
}
