-- Texts and calls waiting for the phone worker (`phone::worker`), as mail waits in `outbox`.
-- Bodies (number, extension and the words with the code) are encrypted with a key derived from
-- the server secret; after a delivery the body is deleted, unless the development outbox keeps
-- it for its page. `channel` is `sms` or `voice`.

CREATE TABLE phone_outbox (
    id               TEXT PRIMARY KEY,
    purpose          TEXT NOT NULL,
    channel          TEXT NOT NULL,
    recipient        TEXT NOT NULL,        -- E.164
    sealed_body      TEXT,
    created_at_ms    BIGINT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_ms  BIGINT NOT NULL,
    locked_until_ms  BIGINT NOT NULL DEFAULT 0,
    sent_at_ms       BIGINT,
    last_error       TEXT
);
CREATE INDEX phone_outbox_due ON phone_outbox (sent_at_ms, next_attempt_ms);
