-- The audit log's two narrowest indexes, (at_ms) and (subject, at_ms), are prefixes of
-- audit_log_at_id and audit_log_subject_id, which serve every query they served. Every flow
-- start, passcode check and sign-in writes an audit record, and each index is one more page
-- to change on each insert. (On SQLite every index already ends with the row id, the record's
-- id, so its narrow indexes are the wide ones.)

DROP INDEX audit_log_at;
DROP INDEX audit_log_subject;
