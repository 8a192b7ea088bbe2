-- The two counters keyed by text become one B-tree each. As ordinary tables with a TEXT PRIMARY
-- KEY, each was a table and an index on its key, so every hit on a counter read two B-trees and
-- wrote a page of each: four random pages of the nineteen a flow start writes
-- (docs/performance.md, "The pages one flow start writes"). WITHOUT ROWID keeps each row in its
-- key's B-tree. No table refers to either, and their rows are small.
CREATE TABLE rate_limits_by_key (
    key              TEXT PRIMARY KEY,
    window_start_ms  BIGINT NOT NULL,
    hits             BIGINT NOT NULL
) WITHOUT ROWID;
INSERT INTO rate_limits_by_key (key, window_start_ms, hits)
    SELECT key, window_start_ms, hits FROM rate_limits;
DROP TABLE rate_limits;
ALTER TABLE rate_limits_by_key RENAME TO rate_limits;

CREATE TABLE email_state_by_address (
    email_canonical         TEXT PRIMARY KEY,
    send_window_start_ms    BIGINT NOT NULL DEFAULT 0,
    sends_in_window         BIGINT NOT NULL DEFAULT 0,
    send_blocked_until_ms   BIGINT NOT NULL DEFAULT 0,
    otp_failures            BIGINT NOT NULL DEFAULT 0,
    otp_blocked_until_ms    BIGINT NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO email_state_by_address (email_canonical, send_window_start_ms, sends_in_window,
        send_blocked_until_ms, otp_failures, otp_blocked_until_ms)
    SELECT email_canonical, send_window_start_ms, sends_in_window, send_blocked_until_ms,
        otp_failures, otp_blocked_until_ms
    FROM email_state;
DROP TABLE email_state;
ALTER TABLE email_state_by_address RENAME TO email_state;
