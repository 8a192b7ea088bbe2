-- Identity core: accounts, flows, passcodes, sessions, counters, mail outbox, invitations.
-- Times are unix milliseconds (BIGINT); ids are random text. Secrets are stored only as keyed
-- hashes (passcodes, session tokens, invitation tokens) or encrypted (outbox bodies).

CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    email               TEXT NOT NULL,
    email_canonical     TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    user_type           TEXT NOT NULL,              -- member | guest
    disabled            BIGINT NOT NULL DEFAULT 0,  -- 1: disabled by an administrator
    password_hash       TEXT,                       -- Argon2id PHC string; NULL: no password
    failed_sign_ins     BIGINT NOT NULL DEFAULT 0,  -- since the last success or lockout
    lockouts            BIGINT NOT NULL DEFAULT 0,  -- consecutive lockouts (the lock grows)
    locked_until_ms     BIGINT NOT NULL DEFAULT 0,
    created_at_ms       BIGINT NOT NULL,
    updated_at_ms       BIGINT NOT NULL,
    password_changed_ms BIGINT,
    last_sign_in_ms     BIGINT
);

-- Per email address, known account or not: send caps and the account-level passcode failure
-- count that survives resends (SECURITY.md §10).
CREATE TABLE email_state (
    email_canonical         TEXT PRIMARY KEY,
    send_window_start_ms    BIGINT NOT NULL DEFAULT 0,
    sends_in_window         BIGINT NOT NULL DEFAULT 0,
    send_blocked_until_ms   BIGINT NOT NULL DEFAULT 0,
    otp_failures            BIGINT NOT NULL DEFAULT 0,
    otp_blocked_until_ms    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE flows (
    id                TEXT PRIMARY KEY,
    purpose           TEXT NOT NULL,
    state             TEXT NOT NULL,
    email             TEXT NOT NULL,
    email_canonical   TEXT NOT NULL,
    user_id           TEXT,                 -- the account, when one exists (never told the client)
    invitation_id     TEXT,
    binding_hash      TEXT NOT NULL,        -- hash of the browser-binding cookie
    return_to         TEXT,
    created_at_ms     BIGINT NOT NULL,
    expires_at_ms     BIGINT NOT NULL,
    last_sent_at_ms   BIGINT NOT NULL,
    completed_at_ms   BIGINT
);
CREATE INDEX flows_expires ON flows (expires_at_ms);

-- One live passcode per flow; a resend revokes the old one.
CREATE TABLE passcodes (
    id              TEXT PRIMARY KEY,
    flow_id         TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    code_hash       TEXT NOT NULL,          -- HMAC-SHA256(server secret, flow, purpose, code)
    attempts        BIGINT NOT NULL DEFAULT 0,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,
    used_at_ms      BIGINT,
    revoked_at_ms   BIGINT
);
CREATE INDEX passcodes_flow ON passcodes (flow_id);

CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY,       -- SHA-256 of the cookie's token
    public_id       TEXT NOT NULL UNIQUE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,
    last_seen_ms    BIGINT NOT NULL,
    revoked_at_ms   BIGINT,
    user_agent      TEXT NOT NULL,
    client_ip       TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Mail waiting for the worker. Bodies are encrypted with a key derived from the server secret
-- (they hold passcodes); a suppressed row (mail to an unknown account) has no body and is
-- dropped by the worker, so known and unknown addresses cost the request the same writes.
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,
    purpose          TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    sealed_body      TEXT,                 -- NULL for a suppressed message
    created_at_ms    BIGINT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_ms  BIGINT NOT NULL,
    locked_until_ms  BIGINT NOT NULL DEFAULT 0,
    sent_at_ms       BIGINT,
    last_error       TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at_ms, next_attempt_ms);

CREATE TABLE invitations (
    id                TEXT PRIMARY KEY,
    token_hash        TEXT NOT NULL UNIQUE,
    user_id           TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_url      TEXT NOT NULL,
    created_at_ms     BIGINT NOT NULL,
    redeemed_at_ms    BIGINT
);

-- Fixed-window counters shared by every instance: key = "<limit>:<subject>".
CREATE TABLE rate_limits (
    key              TEXT PRIMARY KEY,
    window_start_ms  BIGINT NOT NULL,
    hits             BIGINT NOT NULL
);
