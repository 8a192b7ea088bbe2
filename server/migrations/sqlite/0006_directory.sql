-- The admin portal's directory: searching and paging through users, group names compared
-- without case, the audit log filtered by event and actor, and the re-registration flag.
--
-- Search is by prefix of the email or of the display name, both compared lower-cased; the
-- lower-cased display name is stored (computed by the server, which knows Unicode case rules),
-- as the email's canonical form already is. Paging is by keyset on `email_canonical` (unique),
-- so every page is an index range, however deep.

ALTER TABLE users ADD COLUMN display_name_canonical TEXT NOT NULL DEFAULT '';
UPDATE users SET display_name_canonical = lower(display_name);
-- Set by an administrator: at the next sign-in the user must register their methods again.
ALTER TABLE users ADD COLUMN reregistration_required_ms BIGINT;

CREATE INDEX users_display_name ON users (display_name_canonical);
CREATE INDEX users_type_email ON users (user_type, email_canonical);
CREATE INDEX users_disabled_email ON users (disabled, email_canonical);
CREATE INDEX users_locked ON users (locked_until_ms);

CREATE INDEX invitations_user ON invitations (user_id);

-- Group names are unique without regard to case.
CREATE UNIQUE INDEX groups_display_name_lower ON groups (lower(display_name));

-- The audit view's filters, newest first (SQLite appends the rowid, `id`, to every index).
CREATE INDEX audit_log_event ON audit_log (event, at_ms);
CREATE INDEX audit_log_actor ON audit_log (actor, at_ms);
