-- On-screen verification codes (CAPTCHAs) for "Can't access your account?": the answer only as
-- its keyed hash, and the rendered picture and spoken form (base64) the user is shown. Single
-- use (the row is deleted when an answer is checked), five minutes' life.

CREATE TABLE captchas (
    id              TEXT PRIMARY KEY,
    answer_hash     TEXT NOT NULL,          -- HMAC of the answer with the server secret
    image           TEXT NOT NULL,          -- PNG, base64
    audio           TEXT NOT NULL,          -- WAV, base64
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL
);
CREATE INDEX captchas_expires ON captchas (expires_at_ms);
