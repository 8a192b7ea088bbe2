//! Flows and their passcodes. Counting a try and using a code are each one guarded SQL
//! statement, so they are atomic under any concurrency (SECURITY.md §11): a try is counted by
//! an `UPDATE … WHERE attempts < max RETURNING`, and a code is used by an
//! `UPDATE … WHERE used_at_ms IS NULL RETURNING`, which exactly one caller wins. A right
//! code's use and its flow's move ([`use_code`]) run in the caller's transaction, which keeps
//! both or neither.

use super::script::{Row, Script};
use sqlx::{AnyConnection, Row as _};
use sspr_api::WireName;
use sspr_api::{FlowPurpose, FlowState};

/// A flow as stored.
#[derive(Debug, Clone)]
pub struct Flow {
    pub id: String,
    pub purpose: FlowPurpose,
    pub state: FlowState,
    pub email: String,
    pub email_canonical: String,
    pub user_id: Option<String>,
    pub invitation_id: Option<String>,
    pub binding_hash: String,
    pub return_to: Option<String>,
    pub expires_at_ms: i64,
    pub last_sent_at_ms: i64,
    /// The methods proven besides the email (comma-separated `MethodKind` names).
    pub proven: String,
    /// The positions of the security questions chosen for this flow (comma-separated).
    pub questions: String,
}

const COLUMNS: &str = "id, purpose, state, email, email_canonical, user_id, invitation_id, \
                       binding_hash, return_to, expires_at_ms, last_sent_at_ms, proven, questions";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Flow, sqlx::Error> {
    let purpose: String = row.try_get("purpose")?;
    let state: String = row.try_get("state")?;
    let bad = |what: &str| sqlx::Error::Decode(format!("unknown flow {what}").into());
    Ok(Flow {
        id: row.try_get("id")?,
        purpose: FlowPurpose::parse(&purpose).ok_or_else(|| bad("purpose"))?,
        state: FlowState::parse(&state).ok_or_else(|| bad("state"))?,
        email: row.try_get("email")?,
        email_canonical: row.try_get("email_canonical")?,
        user_id: row.try_get("user_id")?,
        invitation_id: row.try_get("invitation_id")?,
        binding_hash: row.try_get("binding_hash")?,
        return_to: row.try_get("return_to")?,
        expires_at_ms: row.try_get("expires_at_ms")?,
        last_sent_at_ms: row.try_get("last_sent_at_ms")?,
        proven: row.try_get("proven")?,
        questions: row.try_get("questions")?,
    })
}

pub fn insert(script: &mut Script, flow: &Flow, now_ms: i64) {
    script
        .add(
            "INSERT INTO flows (id, purpose, state, email, email_canonical, user_id, invitation_id, \
                                binding_hash, return_to, created_at_ms, expires_at_ms, last_sent_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&flow.id)
        .bind(flow.purpose.as_str())
        .bind(flow.state.as_str())
        .bind(&flow.email)
        .bind(&flow.email_canonical)
        .bind(&flow.user_id)
        .bind(&flow.invitation_id)
        .bind(&flow.binding_hash)
        .bind(&flow.return_to)
        .bind(now_ms)
        .bind(flow.expires_at_ms)
        .bind(flow.last_sent_at_ms);
}

/// Names the account a flow is for, once a code goes to it: a start that a limit held back sent
/// none and left the flow unnamed, as a start for an unknown address does.
pub fn name_account(script: &mut Script, flow_id: &str, user_id: &str) {
    script
        .add("UPDATE flows SET user_id = $1 WHERE id = $2 AND user_id IS NULL")
        .bind(user_id)
        .bind(flow_id);
}

/// Counts one try at a second proof that can be guessed (an app's code, security answers) in
/// the flow `flow_id`, atomically and before it is judged, so concurrent tries each count;
/// `false`, counting nothing, once the flow has had `max`.
pub async fn count_proof_try(
    conn: &mut AnyConnection,
    flow_id: &str,
    max: i64,
) -> Result<bool, sqlx::Error> {
    let counted = sqlx::query(
        "UPDATE flows SET proof_tries = proof_tries + 1 WHERE id = $1 AND proof_tries < $2",
    )
    .bind(flow_id)
    .bind(max)
    .execute(conn)
    .await?;
    Ok(counted.rows_affected() == 1)
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<Flow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM flows WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// [`get`], and in the same round trip the version of what administrators set
/// (`store::settings_version`): most flow steps need both.
pub async fn get_with_settings(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<(i64, Option<Flow>), sqlx::Error> {
    let sql = format!(
        "SELECT settings_version, {COLUMNS} FROM settings_version LEFT JOIN flows ON id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_one(conn).await?;
    let version = row.try_get("settings_version")?;
    let found = row.try_get::<Option<String>, _>("id")?.is_some();
    Ok((version, found.then(|| from_row(&row)).transpose()?))
}

/// Moves a flow from one state to another; returns a row when it did.
const TRANSITION: &str = "UPDATE flows SET state = $1, completed_at_ms = $2 \
                          WHERE id = $3 AND state = $4 \
                          RETURNING state AS moved_to";

/// Moves the flow from `from` to `to`; `false` if another request moved it first.
pub async fn transition(
    conn: &mut AnyConnection,
    id: &str,
    from: FlowState,
    to: FlowState,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let completed = (to == FlowState::Completed).then_some(now_ms);
    let moved = sqlx::query(TRANSITION)
        .bind(to.as_str())
        .bind(completed)
        .bind(id)
        .bind(from.as_str())
        .fetch_optional(conn)
        .await?;
    Ok(moved.is_some())
}

/// Claims a resend: only if the cooldown has passed since the last send (one concurrent caller
/// wins). Returns whether this call may send.
pub async fn claim_resend(
    conn: &mut AnyConnection,
    id: &str,
    cooldown_ms: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE flows SET last_sent_at_ms = $1 WHERE id = $2 AND state = 'code_sent' \
         AND last_sent_at_ms <= $3",
    )
    .bind(now_ms)
    .bind(id)
    .bind(now_ms - cooldown_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Claims a send of a code to another of the user's methods (a phone), in a flow whose emailed
/// code was right: the first at once (no unused code was sent since the last send, the emailed
/// one, which was used), another only after the cooldown. Moves `last_sent_at_ms`; one
/// concurrent caller wins.
pub async fn claim_method_send(
    conn: &mut AnyConnection,
    id: &str,
    cooldown_ms: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE flows SET last_sent_at_ms = $1 WHERE id = $2 AND state = 'code_verified' \
         AND (last_sent_at_ms <= $3 OR NOT EXISTS (SELECT 1 FROM passcodes p \
              WHERE p.flow_id = flows.id AND p.used_at_ms IS NULL \
                AND p.created_at_ms >= flows.last_sent_at_ms))",
    )
    .bind(now_ms)
    .bind(id)
    .bind(now_ms - cooldown_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A passcode to store.
#[derive(Debug, Clone, Copy)]
pub struct NewPasscode<'a> {
    pub id: &'a str,
    pub flow_id: &'a str,
    pub code_hash: &'a str,
    pub now_ms: i64,
    pub expires_at_ms: i64,
}

/// Stores a new passcode for the flow, revoking any earlier one.
pub fn replace_passcode(script: &mut Script, passcode: &NewPasscode<'_>) {
    script
        .add(
            "UPDATE passcodes SET revoked_at_ms = $1 \
             WHERE flow_id = $2 AND used_at_ms IS NULL AND revoked_at_ms IS NULL",
        )
        .bind(passcode.now_ms)
        .bind(passcode.flow_id);
    insert_passcode(script, passcode);
}

/// Stores the first passcode of a new flow (there is none to revoke).
pub fn insert_passcode(script: &mut Script, passcode: &NewPasscode<'_>) {
    script
        .add(
            "INSERT INTO passcodes (id, flow_id, code_hash, created_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(passcode.id)
        .bind(passcode.flow_id)
        .bind(passcode.code_hash)
        .bind(passcode.now_ms)
        .bind(passcode.expires_at_ms);
}

/// A try on the flow's live code, counted before it is evaluated.
#[derive(Debug)]
pub struct Try {
    pub passcode_id: String,
    pub code_hash: String,
    pub attempts: i64,
}

/// Counts one try on the flow's live code, atomically, if it is unexpired, unused, unrevoked
/// and has tries left: the script's one statement returns the code's row then, and no row when
/// there is no code to try (dead, expired or replaced). [`tried`] reads it.
pub fn count_try_script(flow_id: &str, max_attempts: i64, now_ms: i64) -> Script {
    let mut script = Script::default();
    script
        .add_rows(
            "UPDATE passcodes SET attempts = attempts + 1 \
             WHERE flow_id = $1 AND used_at_ms IS NULL AND revoked_at_ms IS NULL \
               AND expires_at_ms > $2 AND attempts < $3 \
             RETURNING id, code_hash, attempts",
        )
        .bind(flow_id)
        .bind(now_ms)
        .bind(max_attempts);
    script
}

/// The try [`count_try_script`] counted, from its rows; `None` when there was no code to try.
pub fn tried(rows: &[Row]) -> Result<Option<Try>, sqlx::Error> {
    rows.first()
        .map(|row| {
            Ok(Try {
                passcode_id: row.text("id")?.to_owned(),
                code_hash: row.text("code_hash")?.to_owned(),
                attempts: row.int("attempts")?,
            })
        })
        .transpose()
}

/// [`count_try_script`] run on `conn`, inside the caller's transaction.
pub async fn count_try(
    conn: &mut AnyConnection,
    flow_id: &str,
    max_attempts: i64,
    now_ms: i64,
) -> Result<Option<Try>, sqlx::Error> {
    tried(
        &count_try_script(flow_id, max_attempts, now_ms)
            .run(conn)
            .await?,
    )
}

/// Uses a code unless it is used or revoked; returns a row when it did.
const USE_CODE: &str = "UPDATE passcodes SET used_at_ms = $1 \
                        WHERE id = $2 AND used_at_ms IS NULL AND revoked_at_ms IS NULL \
                        RETURNING used_at_ms";

/// Consumes the code; exactly one caller gets `true`.
pub async fn consume(
    conn: &mut AnyConnection,
    passcode_id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let used = sqlx::query(USE_CODE)
        .bind(now_ms)
        .bind(passcode_id)
        .fetch_optional(conn)
        .await?;
    Ok(used.is_some())
}

/// Adds to `script` what a right code changes: the code `passcode_id` is used, and the flow
/// `flow_id` moves from `code_sent` to `to`. Each statement returns one row when it took
/// effect and none otherwise (the code was used or replaced, or the flow moved on, by a
/// concurrent request), which fails the script (`Script::run`): exactly one caller gets it.
pub fn use_code(script: &mut Script, passcode_id: &str, flow_id: &str, to: FlowState, now_ms: i64) {
    script.add_one_row(USE_CODE).bind(now_ms).bind(passcode_id);
    let completed = (to == FlowState::Completed).then_some(now_ms);
    script
        .add_one_row(TRANSITION)
        .bind(to.as_str())
        .bind(completed)
        .bind(flow_id)
        .bind(FlowState::CodeSent.as_str());
}

/// Replaces the flow's proven methods, if they are still `before` (a concurrent proof of
/// the same flow wins once).
pub async fn set_proven(
    conn: &mut AnyConnection,
    id: &str,
    before: &str,
    after: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE flows SET proven = $1 WHERE id = $2 AND proven = $3")
        .bind(after)
        .bind(id)
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the security questions chosen for the flow, unless some already were; returns
/// the flow's choice either way.
pub async fn choose_questions(
    conn: &mut AnyConnection,
    id: &str,
    chosen: &str,
) -> Result<String, sqlx::Error> {
    sqlx::query("UPDATE flows SET questions = $1 WHERE id = $2 AND questions = ''")
        .bind(chosen)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar("SELECT questions FROM flows WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await
}
