-- The OpenID Connect provider (issue 14).
--
-- `signing_keys`: the keys that sign ID and access tokens, one current key per algorithm (the
-- newest unretired one). The private key is sealed with the server secret; the public JWK is
-- kept in the clear for the JWKS. A rotated key is retired and stays published until the
-- tokens it signed have expired.
CREATE TABLE signing_keys (
    kid             TEXT PRIMARY KEY,
    algorithm       TEXT NOT NULL,                      -- ES256 | RS256
    private_key     TEXT NOT NULL,                      -- sealed DER
    public_jwk      TEXT NOT NULL,                      -- JSON
    created_at_ms   BIGINT NOT NULL,
    retired_at_ms   BIGINT
);
CREATE INDEX signing_keys_algorithm ON signing_keys (algorithm, created_at_ms);

-- Authorization requests waiting for the user to sign in: the validated request as JSON. The
-- id is a random token carried in the resume URL, stored as a keyed hash.
CREATE TABLE oidc_pending (
    id_hash         TEXT PRIMARY KEY,
    request         TEXT NOT NULL,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL
);
CREATE INDEX oidc_pending_expires ON oidc_pending (expires_at_ms);

-- One grant per authorization code: the tokens issued from it hang off the grant, so revoking
-- it (a reused code, a reused refresh token, a password reset) ends all of them.
CREATE TABLE oidc_grants (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope           TEXT NOT NULL,
    nonce           TEXT,
    auth_time_ms    BIGINT NOT NULL,
    public_client   BIGINT NOT NULL,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,                    -- the last refresh token's expiry
    revoked_at_ms   BIGINT
);
CREATE INDEX oidc_grants_user ON oidc_grants (user_id);
CREATE INDEX oidc_grants_expires ON oidc_grants (expires_at_ms);

-- Authorization codes: single use, 60 s, stored as a keyed hash, each with its grant.
CREATE TABLE oidc_codes (
    code_hash       TEXT PRIMARY KEY,
    grant_id        TEXT NOT NULL REFERENCES oidc_grants (id) ON DELETE CASCADE,
    redirect_uri    TEXT NOT NULL,
    code_challenge  TEXT,
    expires_at_ms   BIGINT NOT NULL,
    used_at_ms      BIGINT
);
CREATE INDEX oidc_codes_grant ON oidc_codes (grant_id);

-- Refresh tokens, rotated at each use: a used one shown again revokes its grant.
CREATE TABLE oidc_refresh_tokens (
    token_hash      TEXT PRIMARY KEY,
    grant_id        TEXT NOT NULL REFERENCES oidc_grants (id) ON DELETE CASCADE,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,
    used_at_ms      BIGINT
);
CREATE INDEX oidc_refresh_tokens_grant ON oidc_refresh_tokens (grant_id);

-- Access tokens are JWTs; their ids are kept so userinfo and revocation can end them early.
CREATE TABLE oidc_access_tokens (
    jti             TEXT PRIMARY KEY,
    grant_id        TEXT NOT NULL REFERENCES oidc_grants (id) ON DELETE CASCADE,
    expires_at_ms   BIGINT NOT NULL,
    revoked_at_ms   BIGINT
);
CREATE INDEX oidc_access_tokens_grant ON oidc_access_tokens (grant_id);
