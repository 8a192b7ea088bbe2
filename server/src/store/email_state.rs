//! Per-address counters that hold whether or not an account exists: the send cap (10 messages
//! per 10 minutes, then a 24 h block) and the consecutive passcode failures, which no resend
//! resets (SECURITY.md §10). Each is one atomic upsert.

use super::judged::Verdict;
use super::script::{Row, Script};
use crate::domain::passcode::PasscodePolicy;

/// Counts one message to `canonical` in `script`: its statement returns one row, for
/// [`send_allowed`]. The message that takes the address over its cap (and none while it is
/// blocked) also starts its block of `send_block_ms`, in the same upsert, so the count and the
/// block are one atomic write and nothing is decided between them. ([`send_allowed`] reads the
/// block's end, so a block must last: `send_block_ms` is positive.)
pub fn count_send(script: &mut Script, canonical: &str, policy: &PasscodePolicy, now_ms: i64) {
    debug_assert!(
        policy.send_block_ms > 0,
        "a block that ends at once sends over the cap"
    );
    script
        .add_one_row(
            "INSERT INTO email_state \
               (email_canonical, send_window_start_ms, sends_in_window, send_blocked_until_ms) \
             VALUES ($1, $2, 1, CASE WHEN 1 > $4 THEN $5 ELSE 0 END) \
             ON CONFLICT (email_canonical) DO UPDATE SET \
               sends_in_window = CASE WHEN email_state.send_window_start_ms > $3 \
                                      THEN email_state.sends_in_window + 1 ELSE 1 END, \
               send_window_start_ms = CASE WHEN email_state.send_window_start_ms > $3 \
                                           THEN email_state.send_window_start_ms ELSE $2 END, \
               send_blocked_until_ms = CASE \
                 WHEN email_state.send_blocked_until_ms <= $2 \
                  AND CASE WHEN email_state.send_window_start_ms > $3 \
                           THEN email_state.sends_in_window + 1 ELSE 1 END > $4 \
                 THEN $5 ELSE email_state.send_blocked_until_ms END \
             RETURNING send_blocked_until_ms",
        )
        .bind(canonical)
        .bind(now_ms)
        .bind(now_ms - policy.send_window_ms)
        .bind(policy.sends_per_window)
        .bind(now_ms + policy.send_block_ms);
}

/// Whether the message [`count_send`] counted (its statement returned `row`) may go at
/// `now_ms`; `false` while the address is blocked, from the message that took it over its cap
/// on (then nothing is sent, and the request answers as if it had been).
pub fn send_allowed(row: &Row, now_ms: i64) -> Result<bool, sqlx::Error> {
    Ok(row.int("send_blocked_until_ms")? <= now_ms)
}

/// Whether a send may go, in SQL over the rows of a client address's counter
/// ([`super::rate_limits::add_hit`]) and the address's [`count_send`]: the client's hits at
/// most `max_hits` and the address not blocked at `now_ms`. The same as
/// [`super::rate_limits::hits_of`] `<= max_hits` and [`send_allowed`] in Rust.
pub fn within_limits(max_hits: i64, now_ms: i64) -> Verdict {
    Verdict::new("hits <= $1 AND send_blocked_until_ms <= $2")
        .bind(max_hits)
        .bind(now_ms)
}

/// Adds to `script` whether passcode checks for `canonical` are stopped after too many
/// failures in a row: one row (also for an address never seen), for [`otp_blocked_of`].
pub fn add_otp_blocked(script: &mut Script, canonical: &str) {
    script
        .add_one_row(
            "SELECT COALESCE((SELECT otp_blocked_until_ms FROM email_state \
                              WHERE email_canonical = $1), 0) AS otp_blocked_until_ms",
        )
        .bind(canonical);
}

/// Whether checks are stopped at `now_ms`, from the row of [`add_otp_blocked`]'s statement.
pub fn otp_blocked_of(row: &Row, now_ms: i64) -> Result<bool, sqlx::Error> {
    Ok(row.int("otp_blocked_until_ms")? > now_ms)
}

/// Adds to `script` one wrong passcode for `canonical`: the run of failures grows by one, and
/// when it reaches the maximum it starts over and checks are blocked. One upsert, so
/// concurrent failures each count.
pub fn count_otp_failure(
    script: &mut Script,
    canonical: &str,
    policy: &PasscodePolicy,
    now_ms: i64,
) {
    script
        .add(
            "INSERT INTO email_state (email_canonical, otp_failures, otp_blocked_until_ms) \
             VALUES ($1, CASE WHEN 1 >= $2 THEN 0 ELSE 1 END, \
                     CASE WHEN 1 >= $2 THEN $3 ELSE 0 END) \
             ON CONFLICT (email_canonical) DO UPDATE SET \
               otp_failures = CASE WHEN email_state.otp_failures + 1 >= $2 THEN 0 \
                                   ELSE email_state.otp_failures + 1 END, \
               otp_blocked_until_ms = CASE WHEN email_state.otp_failures + 1 >= $2 THEN $3 \
                                           ELSE email_state.otp_blocked_until_ms END",
        )
        .bind(canonical)
        .bind(policy.max_account_failures)
        .bind(now_ms + policy.account_failure_block_ms);
}

/// Adds to `script` the end of `canonical`'s run of failures (a right passcode). A row with
/// no failures is left alone, as most right codes follow no wrong one: on PostgreSQL an
/// update that changes nothing still writes a new row version and its WAL record. (SQLite
/// already skips a row whose bytes do not change.)
pub fn clear_otp_failures(script: &mut Script, canonical: &str) {
    script
        .add(
            "UPDATE email_state SET otp_failures = 0 \
             WHERE email_canonical = $1 AND otp_failures <> 0",
        )
        .bind(canonical);
}
