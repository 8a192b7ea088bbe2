-- Policies administrators change at run time, read from here on every request that needs them
-- so every instance on one database applies a change at once. One row per document, JSON in
-- `body`: `method:<Graph id>` for each authentication method (`method:Email`, …), `methods` for
-- the authentication-methods policy's own settings, `password_reset` for the reset policy. A
-- missing row means the defaults (from configuration, where it provides one).

CREATE TABLE policies (
    id              TEXT PRIMARY KEY,
    body            TEXT NOT NULL,
    updated_at_ms   BIGINT NOT NULL
);

-- API tokens for scripts (the Graph-compatible API): only the keyed hash of the secret is kept.
CREATE TABLE api_tokens (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,          -- an administrator role: what the token may do
    token_hash      TEXT NOT NULL UNIQUE,
    created_by      TEXT NOT NULL,          -- the administrator's id
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,
    revoked_at_ms   BIGINT,
    last_used_at_ms BIGINT
);
