-- Application registrations (issue 14): the organisation's applications that sign users in with
-- OpenID Connect, as Microsoft Graph's `application` names them. `app_id` is the OAuth client
-- id. Redirect URIs are JSON arrays of exact URIs, one list per platform: `web` (a confidential
-- client: it redeems codes with a client secret), `spa` and `public_client` (public clients:
-- PKCE, no secret). Each application follows one user flow. They replace the user flows'
-- `user_flow_apps`, whose rows move here: each redirect origin becomes the web redirect URI
-- `<origin>/`, so the customer pages' `return_to` keeps accepting that origin.

CREATE TABLE applications (
    id                          TEXT PRIMARY KEY,       -- Graph's object id
    app_id                      TEXT NOT NULL,          -- the client id
    display_name                TEXT NOT NULL,
    user_flow_id                TEXT NOT NULL REFERENCES user_flows (id),
    web_redirect_uris           TEXT NOT NULL,          -- ["https://app.example.com/callback",…]
    spa_redirect_uris           TEXT NOT NULL,
    public_client_redirect_uris TEXT NOT NULL,
    id_token_signing_alg        TEXT NOT NULL,          -- ES256 | RS256
    created_at_ms               BIGINT NOT NULL,
    updated_at_ms               BIGINT NOT NULL
);
CREATE UNIQUE INDEX applications_app_id ON applications (app_id);
CREATE INDEX applications_user_flow ON applications (user_flow_id);

-- Client secrets (`passwordCredentials`): shown once, stored only as a keyed hash.
CREATE TABLE application_secrets (
    key_id          TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    display_name    TEXT NOT NULL,
    hint            TEXT NOT NULL,                      -- the secret's first three characters
    secret_hash     TEXT NOT NULL,
    start_at_ms     BIGINT NOT NULL,
    end_at_ms       BIGINT NOT NULL
);
CREATE INDEX application_secrets_application ON application_secrets (application_id);

INSERT INTO applications (id, app_id, display_name, user_flow_id, web_redirect_uris,
                          spa_redirect_uris, public_client_redirect_uris, id_token_signing_alg,
                          created_at_ms, updated_at_ms)
SELECT lower(hex(randomblob(16))), a.client_id, a.name, a.user_flow_id,
       (SELECT json_group_array(o.value || '/') FROM json_each(a.redirect_origins) AS o),
       '[]', '[]', 'ES256', f.updated_at_ms, f.updated_at_ms
FROM user_flow_apps AS a JOIN user_flows AS f ON f.id = a.user_flow_id;

DROP TABLE user_flow_apps;
