//! `/api/session`, `/api/sessions`, `/api/account`: signing in and out, the signed-in user's
//! sessions and password.

use crate::error::{ApiError, Json};
use crate::http::client::Client;
use crate::identity::sessions::{signed_out, with_cookie, SignedIn};
use crate::identity::{account, sign_in};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use sspr_api::{ChangePassword, Me, SessionList, SignIn};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/session", get(me).post(sign_in).delete(sign_out))
        .route("/sessions", get(sessions))
        .route("/sessions/{id}", delete(revoke))
        .route("/account/password", post(change_password))
}

async fn sign_in(
    State(state): State<AppState>,
    client: Client,
    Json(request): Json<SignIn>,
) -> Result<Response, ApiError> {
    let signed_in = sign_in::password(&state, &client, request).await?;
    Ok(with_cookie(
        Json(signed_in.me).into_response(),
        signed_in.session.cookie(&state),
    ))
}

async fn me(State(state): State<AppState>, signed_in: SignedIn) -> Json<Me> {
    Json(account::me(&state, &signed_in))
}

async fn sign_out(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
) -> Result<Response, ApiError> {
    account::sign_out(&state, &client, &signed_in).await?;
    Ok(signed_out(&state))
}

async fn sessions(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<SessionList>, ApiError> {
    Ok(Json(account::sessions(&state, &signed_in).await?))
}

async fn revoke(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    account::revoke(&state, &client, &signed_in, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn change_password(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    Json(request): Json<ChangePassword>,
) -> Result<StatusCode, ApiError> {
    account::change_password(&state, &client, &signed_in, request).await?;
    Ok(StatusCode::NO_CONTENT)
}
