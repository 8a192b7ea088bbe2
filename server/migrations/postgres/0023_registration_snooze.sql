-- Registration at sign-in (SPEC C7): when the user last skipped registering their methods, so
-- a skip holds the question off for the registration campaign's snoozeDurationInDays (NULL:
-- never skipped, or registered since).
ALTER TABLE users ADD COLUMN registration_skipped_ms BIGINT;
