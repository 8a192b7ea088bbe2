//! The passcodes a reset's method step sends to one of the user's other methods (the
//! alternate address, a phone): rows of the flow's own `passcodes`, one live at a time (a new
//! send revokes the last), stored only as a keyed hash under the method's own name, so a code
//! made for one method cannot stand for another or for the emailed code. Tries are counted and
//! the code consumed by the flows' single statements (`store::flows::count_try`, `consume`),
//! so concurrent submissions get at most the allowed tries and one success.

use crate::domain::passcode::{self, Judged};
use crate::error::ApiError;
use crate::store::flows as store;
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::ErrorCode;

/// Why a typed code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not the code; `tries_left` more may be tried.
    Wrong { tries_left: u32 },
    /// No live code: none was sent, it expired, was used, replaced, or has no tries left.
    Dead,
}

/// Counts a try of `code` against the flow's live code, hashed as `hash_purpose`, and, when
/// right, consumes it: `None`, or why not (the try stays counted once the caller commits).
pub async fn check(
    conn: &mut AnyConnection,
    state: &AppState,
    flow_id: &str,
    max_attempts: u32,
    hash_purpose: &str,
    code: &str,
    now: i64,
) -> Result<Option<Refused>, sqlx::Error> {
    let max = i64::from(max_attempts);
    let Some(attempt) = store::count_try(conn, flow_id, max, now).await? else {
        return Ok(Some(Refused::Dead));
    };
    let typed = state.secrets.passcode_hash(flow_id, hash_purpose, code);
    if let Judged::Wrong { tries_left } =
        passcode::judge(&attempt.code_hash, &typed, attempt.attempts, max)
    {
        return Ok(Some(Refused::Wrong { tries_left }));
    }
    if !store::consume(conn, &attempt.passcode_id, now).await? {
        return Ok(Some(Refused::Dead));
    }
    Ok(None)
}

impl Refused {
    /// The refusal to answer; `dead` says how to get a new code.
    pub fn into_error(self, dead: &str) -> ApiError {
        match self {
            Refused::Wrong { tries_left } => ApiError::new(
                ErrorCode::InvalidCode,
                passcode::wrong_code_message(tries_left),
            )
            .with_attempts_left(tries_left),
            Refused::Dead => ApiError::new(ErrorCode::CodeExpired, dead).with_attempts_left(0),
        }
    }
}
