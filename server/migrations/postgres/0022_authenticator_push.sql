-- Authenticator push with number matching (issue 13, SPEC C8).
--
-- A paired device is a `user_methods` row of kind `microsoft_authenticator`; `push_devices`
-- holds, beside it, what pairing needs and then only the device's P-256 public key (SEC1
-- uncompressed point, base64url). The private key never leaves the device. While pairing, the
-- single-use pairing secret is kept only as a keyed hash and dies at `pairing_expires_at_ms`.
--
-- `push_challenges` are the requests a reset's method step sends to the user's devices: a
-- random id and nonce, the two-digit number the page shows, what the device displays
-- (application, approximate location, time), and a state that moves once, from `pending` to
-- `approved`, `denied`, `wrong_number`, `expired` or `cancelled`, by one
-- `UPDATE … WHERE state = 'pending'`.

CREATE TABLE push_devices (
    method_id              TEXT PRIMARY KEY REFERENCES user_methods (id) ON DELETE CASCADE,
    user_id                TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public_key             TEXT,           -- NULL until paired
    pairing_hash           TEXT,           -- NULL once paired
    pairing_expires_at_ms  BIGINT NOT NULL,
    paired_at_ms           BIGINT
);
CREATE INDEX push_devices_user ON push_devices (user_id);

CREATE TABLE push_challenges (
    id               TEXT PRIMARY KEY,
    flow_id          TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    nonce            TEXT NOT NULL,
    number           BIGINT NOT NULL,
    application      TEXT NOT NULL,
    location         TEXT NOT NULL,
    created_at_ms    BIGINT NOT NULL,
    expires_at_ms    BIGINT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending',
    answered_by      TEXT,
    answered_at_ms   BIGINT
);
CREATE INDEX push_challenges_user ON push_challenges (user_id, state);
CREATE INDEX push_challenges_flow ON push_challenges (flow_id);
