-- The audit log: every authentication event, who, what, when, from where, and the outcome.
-- No secret is ever written here (SECURITY.md §33).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms       BIGINT  NOT NULL,
    event       TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    actor       TEXT,
    subject     TEXT,
    client_ip   TEXT,
    request_id  TEXT,
    detail      TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at_ms);
CREATE INDEX audit_log_subject ON audit_log (subject, at_ms);
