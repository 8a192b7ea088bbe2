-- Registration at sign-in (SPEC C7): how many times the user skipped registering their methods
-- (three at most), when they last confirmed their methods (NULL: never, so the account's
-- creation counts), and, per session, whether the sign-in still owes the interrupt (an
-- application's authorization waits for it).
ALTER TABLE users ADD COLUMN registration_skips BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN methods_confirmed_ms BIGINT;
ALTER TABLE sessions ADD COLUMN registration_pending BIGINT NOT NULL DEFAULT 0;
