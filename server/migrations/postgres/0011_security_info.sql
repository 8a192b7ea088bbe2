-- Security info (SPEC C7–C8): the methods each user registered to prove who they are, besides
-- their account's address. A row counts once `verified_at_ms` is set (an authenticator app
-- confirmed with one of its codes, an alternate address with its passcode); until then it is
-- pending, and a newer enrolment of the same kind replaces it.
--
-- Secrets: an authenticator app's seed is sealed with a key derived from the server secret;
-- security answers are stored only as Argon2id hashes; mailed codes only as keyed hashes.

CREATE TABLE user_methods (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,          -- authenticator_app | alternate_email | security_questions
    address         TEXT,                   -- alternate_email: the address
    secret_sealed   TEXT,                   -- authenticator_app: the sealed TOTP seed
    last_step       BIGINT,                 -- authenticator_app: the last step accepted (each once)
    created_at_ms   BIGINT NOT NULL,
    verified_at_ms  BIGINT,                 -- NULL: pending
    last_used_ms    BIGINT
);
CREATE INDEX user_methods_user ON user_methods (user_id);

-- The questions a user answered, one row each.
CREATE TABLE security_answers (
    method_id       TEXT NOT NULL REFERENCES user_methods (id) ON DELETE CASCADE,
    position        BIGINT NOT NULL,
    question        TEXT NOT NULL,
    answer_hash     TEXT NOT NULL,          -- Argon2id PHC string of the normalised answer
    PRIMARY KEY (method_id, position)
);

-- Passcodes mailed to a signed-in user: to prove who they are before changing their methods
-- (purpose `proof`, to the account's address) or to verify a new alternate address (purpose
-- `alternate_email`, naming the pending method). One live code per user and purpose.
CREATE TABLE account_codes (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose         TEXT NOT NULL,
    method_id       TEXT,
    code_hash       TEXT NOT NULL,          -- HMAC-SHA256(server secret, id, purpose, code)
    attempts        BIGINT NOT NULL DEFAULT 0,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,
    UNIQUE (user_id, purpose)
);

-- When the session's user last proved who they are with a method (signing in is a proof too:
-- the session's creation time).
ALTER TABLE sessions ADD COLUMN proved_at_ms BIGINT NOT NULL DEFAULT 0;
