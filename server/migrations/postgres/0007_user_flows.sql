-- User flows (SPEC §4 A5): sign-up-and-sign-in flows, each with an identity provider, the
-- attributes collected at sign-up, SSPR on or off, and the applications (client ids) that use it.
-- The flow `default` is used whenever a request names no application; it cannot be deleted.
-- `attributes` and `redirect_origins` are JSON arrays of strings.

CREATE TABLE user_flows (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    kind                TEXT NOT NULL,              -- sign_up_and_sign_in
    identity_provider   TEXT NOT NULL,              -- email_password | email_otp
    attributes          TEXT NOT NULL,              -- ["displayName","givenName",…]
    sspr_enabled        BIGINT NOT NULL,
    is_default          BIGINT NOT NULL DEFAULT 0,
    created_at_ms       BIGINT NOT NULL,
    updated_at_ms       BIGINT NOT NULL
);
CREATE UNIQUE INDEX user_flows_name ON user_flows (name);

CREATE TABLE user_flow_apps (
    client_id           TEXT PRIMARY KEY,
    user_flow_id        TEXT NOT NULL REFERENCES user_flows (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    redirect_origins    TEXT NOT NULL,              -- ["https://app.example.com",…]
    position            BIGINT NOT NULL             -- order within the flow
);
CREATE INDEX user_flow_apps_flow ON user_flow_apps (user_flow_id);

-- Which application a self-service flow was started for (absent: the default user flow).
CREATE TABLE flow_clients (
    flow_id             TEXT PRIMARY KEY REFERENCES flows (id) ON DELETE CASCADE,
    user_flow_id        TEXT NOT NULL,
    client_id           TEXT NOT NULL
);

-- Attributes collected at sign-up beyond the display name, as a JSON object keyed by the
-- attribute's name (`{"givenName": "Ada", "surname": "Lovelace"}`).
ALTER TABLE users ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';

INSERT INTO user_flows (id, name, kind, identity_provider, attributes, sspr_enabled, is_default,
                        created_at_ms, updated_at_ms)
VALUES ('default', 'Default sign-up and sign-in', 'sign_up_and_sign_in', 'email_password',
        '["displayName"]', 1, 1, 0, 0);
