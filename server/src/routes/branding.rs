//! Company branding: Graph's `organizationalBranding` under
//! `/api/graph/v1.0/organization/{orgId}/branding` ([`graph_router`]) for the portal and
//! scripts, and the public side the customer pages read ([`router`]): `GET /api/branding` in
//! the language of `Accept-Language` (or `?language=`), and the files by content hash, cached
//! for a year.

use crate::admin::{branding, Permission, Principal};
use crate::domain::branding::{FileKind, DEFAULT};
use crate::domain::language::Language;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::graph;
use crate::http::json::Json;
use crate::http::query::Query;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sspr_api::{BrandingLocalizationList, BrandingPatch, OrganizationalBranding, PublicBranding};

/// The OpenAPI description of these endpoints, merged into `/api/openapi.json`.
#[derive(Debug, utoipa::OpenApi)]
#[openapi(
    paths(get_branding, patch_branding, list_localizations, create_localization, get_localization,
        patch_localization, delete_localization, get_default_file, get_file, put_default_file,
        put_file, public_branding, asset),
    tags((name = "branding", description = "The company branding the customer pages apply, and its files"))
)]
pub struct BrandingDoc;

/// The largest upload: the background image's cap and some room.
const MAX_UPLOAD_BYTES: usize = 320 * 1024;

const BRANDING: &str = "/organization/{org}/branding";
const LOCALIZATIONS: &str = "/organization/{org}/branding/localizations";
const LOCALIZATION: &str = "/organization/{org}/branding/localizations/{locale}";
const DEFAULT_FILE: &str = "/organization/{org}/branding/{stream}";
const LOCALIZED_FILE: &str = "/organization/{org}/branding/localizations/{locale}/{stream}";

/// The Graph routes, merged into the Graph router.
pub fn graph_router() -> Router<AppState> {
    Router::new()
        .route(BRANDING, get(get_branding).patch(patch_branding))
        .route(
            LOCALIZATIONS,
            get(list_localizations).post(create_localization),
        )
        .route(
            LOCALIZATION,
            get(get_localization)
                .patch(patch_localization)
                .delete(delete_localization),
        )
        .route(DEFAULT_FILE, get(get_default_file).put(put_default_file))
        .route(LOCALIZED_FILE, get(get_file).put(put_file))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

/// The public routes the customer pages read.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/branding", get(public_branding))
        .route("/branding/assets/{name}", get(asset))
}

#[utoipa::path(get, path = "/api/graph/v1.0/organization/{org}/branding", tag = "graph",
    params(("org" = String, Path, description = "The organisation's id (one installation is one organisation: any id)")),
    responses((status = 200, body = OrganizationalBranding), (status = 401, body = sspr_api::graph::GraphErrorBody)))]
async fn get_branding(
    State(state): State<AppState>,
    principal: Principal,
    Path(_org): Path<String>,
) -> Result<Json<OrganizationalBranding>, ApiError> {
    principal.require(Permission::Read)?;
    Ok(Json(branding::get(&state, DEFAULT).await?))
}

#[utoipa::path(patch, path = "/api/graph/v1.0/organization/{org}/branding", tag = "graph",
    params(("org" = String, Path, description = "The organisation's id")), request_body = BrandingPatch,
    responses((status = 204, description = "Updated"), (status = 400, description = "A property breaks its rule; the message says which", body = sspr_api::graph::GraphErrorBody), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 403, body = sspr_api::graph::GraphErrorBody)))]
async fn patch_branding(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    Path(_org): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    principal.require(Permission::ManageAuthenticationPolicy)?;
    let patch: BrandingPatch = graph::parse(&body)?;
    branding::write(&state, &client, &principal, Some(DEFAULT), patch).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/graph/v1.0/organization/{org}/branding/localizations", tag = "graph",
    params(("org" = String, Path, description = "The organisation's id")),
    responses((status = 200, body = BrandingLocalizationList), (status = 401, body = sspr_api::graph::GraphErrorBody)))]
async fn list_localizations(
    State(state): State<AppState>,
    principal: Principal,
    Path(_org): Path<String>,
) -> Result<Json<BrandingLocalizationList>, ApiError> {
    principal.require(Permission::Read)?;
    Ok(Json(branding::list(&state).await?))
}

#[utoipa::path(post, path = "/api/graph/v1.0/organization/{org}/branding/localizations", tag = "graph",
    params(("org" = String, Path, description = "The organisation's id")), request_body = BrandingPatch,
    responses((status = 201, body = OrganizationalBranding), (status = 400, description = "No id, a language the pages do not speak, one that exists, or a property that breaks its rule", body = sspr_api::graph::GraphErrorBody), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 403, body = sspr_api::graph::GraphErrorBody)))]
async fn create_localization(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    Path(_org): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<OrganizationalBranding>), ApiError> {
    principal.require(Permission::ManageAuthenticationPolicy)?;
    let patch: BrandingPatch = graph::parse(&body)?;
    let created = branding::write(&state, &client, &principal, None, patch).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/api/graph/v1.0/organization/{org}/branding/localizations/{locale}", tag = "graph",
    params(("org" = String, Path, description = "The organisation's id"), ("locale" = String, Path, description = "0 (the default) or a language tag")),
    responses((status = 200, body = OrganizationalBranding), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 404, body = sspr_api::graph::GraphErrorBody)))]
async fn get_localization(
    State(state): State<AppState>,
    principal: Principal,
    Path((_org, locale)): Path<(String, String)>,
) -> Result<Json<OrganizationalBranding>, ApiError> {
    principal.require(Permission::Read)?;
    Ok(Json(branding::get(&state, &locale).await?))
}

#[utoipa::path(patch, path = "/api/graph/v1.0/organization/{org}/branding/localizations/{locale}", tag = "graph",
    params(("org" = String, Path, description = "The organisation's id"), ("locale" = String, Path, description = "0 (the default) or a language tag")), request_body = BrandingPatch,
    responses((status = 204, description = "Updated"), (status = 400, body = sspr_api::graph::GraphErrorBody), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 403, body = sspr_api::graph::GraphErrorBody), (status = 404, body = sspr_api::graph::GraphErrorBody)))]
async fn patch_localization(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    Path((_org, locale)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    principal.require(Permission::ManageAuthenticationPolicy)?;
    let patch: BrandingPatch = graph::parse(&body)?;
    branding::write(&state, &client, &principal, Some(&locale), patch).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/graph/v1.0/organization/{org}/branding/localizations/{locale}", tag = "graph",
    params(("org" = String, Path, description = "The organisation's id"), ("locale" = String, Path, description = "A language tag")),
    responses((status = 204, description = "Deleted with its files"), (status = 400, description = "The default branding", body = sspr_api::graph::GraphErrorBody), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 403, body = sspr_api::graph::GraphErrorBody), (status = 404, body = sspr_api::graph::GraphErrorBody)))]
async fn delete_localization(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    Path((_org, locale)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    principal.require(Permission::ManageAuthenticationPolicy)?;
    branding::delete(&state, &client, &principal, &locale).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/graph/v1.0/organization/{org}/branding/{stream}", tag = "graph",
    params(("org" = String, Path, description = "The organisation's id"), ("stream" = String, Path, description = "bannerLogo, squareLogo, backgroundImage or customCSS")),
    responses((status = 200, description = "The file, with its real content type"), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 404, body = sspr_api::graph::GraphErrorBody)))]
async fn get_default_file(
    State(state): State<AppState>,
    principal: Principal,
    Path((_org, stream)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    read_file(&state, &principal, DEFAULT, &stream).await
}

#[utoipa::path(get, path = "/api/graph/v1.0/organization/{org}/branding/localizations/{locale}/{stream}", tag = "graph",
    params(("org" = String, Path, description = "The organisation's id"), ("locale" = String, Path, description = "0 or a language tag"), ("stream" = String, Path, description = "bannerLogo, squareLogo, backgroundImage or customCSS")),
    responses((status = 200, description = "The file, with its real content type"), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 404, body = sspr_api::graph::GraphErrorBody)))]
async fn get_file(
    State(state): State<AppState>,
    principal: Principal,
    Path((_org, locale, stream)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    read_file(&state, &principal, &locale, &stream).await
}

async fn read_file(
    state: &AppState,
    principal: &Principal,
    locale: &str,
    stream: &str,
) -> Result<Response, ApiError> {
    principal.require(Permission::Read)?;
    let kind = FileKind::from_graph(stream).ok_or_else(ApiError::not_found)?;
    let (content_type, bytes) = branding::file(state, locale, kind).await?;
    Ok(file_response(&content_type, bytes, "no-store"))
}

#[utoipa::path(put, path = "/api/graph/v1.0/organization/{org}/branding/{stream}", tag = "graph",
    params(("org" = String, Path, description = "The organisation's id"), ("stream" = String, Path, description = "bannerLogo, squareLogo, backgroundImage or customCSS")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The image (PNG, JPEG or WebP, told from its bytes) or the CSS text; empty removes it"),
    responses((status = 204, description = "Stored"), (status = 400, description = "Not an accepted image, too large, or CSS that breaks a rule; the message says which", body = sspr_api::graph::GraphErrorBody), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 403, body = sspr_api::graph::GraphErrorBody), (status = 404, body = sspr_api::graph::GraphErrorBody), (status = 413, body = sspr_api::graph::GraphErrorBody)))]
async fn put_default_file(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    Path((_org, stream)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    write_file(&state, &client, &principal, DEFAULT, &stream, &body).await
}

#[utoipa::path(put, path = "/api/graph/v1.0/organization/{org}/branding/localizations/{locale}/{stream}", tag = "graph",
    params(("org" = String, Path, description = "The organisation's id"), ("locale" = String, Path, description = "0 or a language tag"), ("stream" = String, Path, description = "bannerLogo, squareLogo, backgroundImage or customCSS")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The image or the CSS text; empty removes it"),
    responses((status = 204, description = "Stored"), (status = 400, body = sspr_api::graph::GraphErrorBody), (status = 401, body = sspr_api::graph::GraphErrorBody), (status = 403, body = sspr_api::graph::GraphErrorBody), (status = 404, body = sspr_api::graph::GraphErrorBody), (status = 413, body = sspr_api::graph::GraphErrorBody)))]
async fn put_file(
    State(state): State<AppState>,
    client: Client,
    principal: Principal,
    Path((_org, locale, stream)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    write_file(&state, &client, &principal, &locale, &stream, &body).await
}

async fn write_file(
    state: &AppState,
    client: &Client,
    principal: &Principal,
    locale: &str,
    stream: &str,
    body: &[u8],
) -> Result<StatusCode, ApiError> {
    principal.require(Permission::ManageAuthenticationPolicy)?;
    let kind = FileKind::from_graph(stream).ok_or_else(ApiError::not_found)?;
    branding::put_file(state, client, principal, locale, kind, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?language=` of `GET /api/branding`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct LanguageQuery {
    /// A language tag that overrides `Accept-Language` (the page's language switcher).
    pub language: Option<String>,
}

#[utoipa::path(get, path = "/api/branding", tag = "branding", params(LanguageQuery),
    responses((status = 200, description = "The branding in the language asked for: its localization's texts and files over the default's", body = PublicBranding), (status = 422, description = "A query that does not parse, such as `language` twice (`validation_failed`)", body = sspr_api::ErrorBody)))]
async fn public_branding(
    State(state): State<AppState>,
    client: Client,
    Query(query): Query<LanguageQuery>,
) -> Result<Json<PublicBranding>, ApiError> {
    let language = query
        .language
        .as_deref()
        .and_then(Language::parse)
        .unwrap_or(client.language);
    Ok(Json(branding::public(&state, language).await?))
}

#[utoipa::path(get, path = "/api/branding/assets/{name}", tag = "branding",
    params(("name" = String, Path, description = "<sha256>.<png|jpg|webp|css>")),
    responses((status = 200, description = "The file, cached for a year (its name changes with its content)"), (status = 404, body = sspr_api::ErrorBody)))]
async fn asset(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let (content_type, bytes) = branding::asset(&state, &name).await?;
    Ok(file_response(
        &content_type,
        bytes,
        "public, max-age=31536000, immutable",
    ))
}

fn file_response(content_type: &str, bytes: Vec<u8>, cache: &'static str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}
