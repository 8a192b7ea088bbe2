-- Admin sign-in failures and locks, per administrator and client address. Five failures from
-- one address lock that address out for 15 minutes, not the administrator everywhere: someone
-- who knows an administrator's email can no longer keep them out of the portal by failing on
-- purpose. Guessing stays hopeless from any number of addresses, since a sign-in needs the
-- password and a current authenticator code, and each address is also rate-limited.
--
-- No foreign key on admin_id: a failure for an address that is no administrator runs the same
-- write under the empty id (so the time taken does not tell which addresses are
-- administrators). The janitor removes rows untouched for a day and no longer locked.

CREATE TABLE admin_lockouts (
    admin_id        TEXT NOT NULL,
    client_ip       TEXT NOT NULL,
    failures        BIGINT NOT NULL DEFAULT 0,  -- since the last success or lock
    locked_until_ms BIGINT NOT NULL DEFAULT 0,
    updated_at_ms   BIGINT NOT NULL,
    PRIMARY KEY (admin_id, client_ip)
);
CREATE INDEX admin_lockouts_updated ON admin_lockouts (updated_at_ms);

-- Replaced by admin_lockouts.
ALTER TABLE admins DROP COLUMN failed_sign_ins;
ALTER TABLE admins DROP COLUMN locked_until_ms;
