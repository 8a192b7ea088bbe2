//! Passcodes mailed to a signed-in user (`store::account_codes`), with the flows' rules: the
//! configured length and lifetime, five tries, stored only as a keyed hash, one live code per
//! purpose. A right code is returned as a [`Try`] that the caller consumes inside the
//! transaction making the change, so the code and the change go together.

use crate::domain::passcode::{self, Judged};
use crate::error::ApiError;
use crate::http::client::Client;
use crate::identity::limits::{self, VERIFY};
use crate::secrets::random_token;
use crate::store::account_codes::{self, AccountCode, Try};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::ErrorCode;

/// To prove who the user is before a change.
pub const PROOF: &str = "proof";
/// To verify a new alternate address.
pub const ALTERNATE_EMAIL: &str = "alternate_email";
/// To verify a new mobile phone.
pub const MOBILE_PHONE: &str = "mobile_phone";
/// To verify a new alternate phone.
pub const ALTERNATE_PHONE: &str = "alternate_phone";
/// To verify a new office phone.
pub const OFFICE_PHONE: &str = "office_phone";

/// Makes and stores a code for `purpose` (replacing the user's earlier one); returns it and
/// its lifetime in minutes, for the mail.
pub async fn issue(
    conn: &mut AnyConnection,
    state: &AppState,
    user_id: &str,
    purpose: &'static str,
    method_id: Option<&str>,
) -> Result<(String, i64), sqlx::Error> {
    let code = state.passcodes.generate();
    let id = random_token(16);
    let now = state.now_ms();
    account_codes::replace(
        conn,
        &AccountCode {
            code_hash: state.secrets.passcode_hash(&id, purpose, &code),
            id,
            user_id: user_id.to_owned(),
            purpose,
            method_id: method_id.map(str::to_owned),
            created_at_ms: now,
            expires_at_ms: now + state.passcodes.lifetime_ms,
        },
    )
    .await?;
    Ok((code, (state.passcodes.lifetime_ms + 59_999) / 60_000))
}

/// Counts a try of `typed` against the user's code for `purpose`: the right code's [`Try`]
/// (to consume with `store::account_codes::consume`), or the refusal.
pub async fn check(
    state: &AppState,
    client: &Client,
    user_id: &str,
    purpose: &'static str,
    typed: &str,
) -> Result<Try, ApiError> {
    limits::enforce(state, VERIFY, &client.ip).await?;
    let Some(code) = state.passcodes.normalise(typed) else {
        return Err(ApiError::new(
            ErrorCode::InvalidCode,
            format!(
                "Enter the {}-digit code from the email.",
                state.passcodes.length
            ),
        ));
    };
    let max = i64::from(state.passcodes.max_attempts);
    let mut conn = state.db.pool.acquire().await?;
    let counted =
        account_codes::count_try(&mut conn, user_id, purpose, max, state.now_ms()).await?;
    let Some(counted) = counted else {
        return Err(expired());
    };
    let typed_hash = state.secrets.passcode_hash(&counted.id, purpose, &code);
    match passcode::judge(&counted.code_hash, &typed_hash, counted.attempts, max) {
        Judged::Right => Ok(counted),
        Judged::Wrong { tries_left } => Err(ApiError::new(
            ErrorCode::InvalidCode,
            passcode::wrong_code_message(tries_left),
        )
        .with_attempts_left(tries_left)),
    }
}

/// The code has expired, was used, or has no tries left.
pub fn expired() -> ApiError {
    ApiError::new(
        ErrorCode::CodeExpired,
        "This code has expired or was already used. Request a new code.",
    )
}
