-- The janitor deletes old rows in chunks of a few hundred (`janitor::sweep`); these indexes
-- let each chunk find its rows without scanning the table. The revocation times are indexed
-- only where set, so a session that is never revoked costs no entry. (The rate limits'
-- counters have no such index on purpose: see `store::rate_limits::scan`.)
CREATE INDEX sessions_expires ON sessions (expires_at_ms);
CREATE INDEX sessions_revoked ON sessions (revoked_at_ms) WHERE revoked_at_ms IS NOT NULL;
CREATE INDEX admin_sessions_expires ON admin_sessions (expires_at_ms);
CREATE INDEX admin_sessions_revoked ON admin_sessions (revoked_at_ms)
    WHERE revoked_at_ms IS NOT NULL;
CREATE INDEX account_codes_expires ON account_codes (expires_at_ms);
CREATE INDEX oidc_grants_revoked ON oidc_grants (revoked_at_ms) WHERE revoked_at_ms IS NOT NULL;
CREATE INDEX signing_keys_retired ON signing_keys (retired_at_ms) WHERE retired_at_ms IS NOT NULL;
