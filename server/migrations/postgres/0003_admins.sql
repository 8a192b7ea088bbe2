-- Administrators: accounts apart from customers, each with a role, a password and an
-- authenticator app (TOTP). There is no default account: the first one comes from a one-time
-- bootstrap token (CLI or the link logged at first start); later ones from a setup token a
-- global administrator creates. Tokens are stored only as keyed hashes; TOTP secrets sealed.

CREATE TABLE admins (
    id                  TEXT PRIMARY KEY,
    email               TEXT NOT NULL,
    email_canonical     TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    role                TEXT NOT NULL,          -- global_administrator | authentication_policy_administrator | user_administrator | reader
    password_hash       TEXT,                   -- Argon2id PHC; NULL until the setup token is used
    totp_secret_sealed  TEXT,                   -- sealed with the server secret
    totp_enrolled_at_ms BIGINT,                 -- NULL: the authenticator is not confirmed yet
    totp_last_step      BIGINT,                 -- the last TOTP step accepted (each step once)
    failed_sign_ins     BIGINT NOT NULL DEFAULT 0,
    locked_until_ms     BIGINT NOT NULL DEFAULT 0,
    created_at_ms       BIGINT NOT NULL
);

CREATE TABLE admin_sessions (
    token_hash      TEXT PRIMARY KEY,       -- keyed hash of the cookie's token
    admin_id        TEXT NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,        -- 12 h absolute
    last_seen_ms    BIGINT NOT NULL,        -- 15 min idle
    revoked_at_ms   BIGINT
);
CREATE INDEX admin_sessions_admin ON admin_sessions (admin_id);

-- One-time setup tokens: admin_id NULL creates the first global administrator (only while no
-- administrator exists); otherwise it completes that (invited) administrator's account.
CREATE TABLE admin_bootstrap (
    token_hash      TEXT PRIMARY KEY,
    admin_id        TEXT REFERENCES admins (id) ON DELETE CASCADE,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,
    used_at_ms      BIGINT
);
