-- The version of what administrators set that customer requests read (the policy documents,
-- the user flows, the applications): one row, moved on by every change to those tables in the
-- change's own transaction. An instance keeps the settings in memory and reads them again only
-- when the version it reads beside a request's own query has moved (`policy::admin_settings`).
CREATE TABLE settings_version (
    settings_version    BIGINT NOT NULL
);
INSERT INTO settings_version (settings_version) VALUES (1);

CREATE TRIGGER policies_inserted AFTER INSERT ON policies
BEGIN UPDATE settings_version SET settings_version = settings_version + 1; END;
CREATE TRIGGER policies_updated AFTER UPDATE ON policies
BEGIN UPDATE settings_version SET settings_version = settings_version + 1; END;
CREATE TRIGGER policies_deleted AFTER DELETE ON policies
BEGIN UPDATE settings_version SET settings_version = settings_version + 1; END;

CREATE TRIGGER user_flows_inserted AFTER INSERT ON user_flows
BEGIN UPDATE settings_version SET settings_version = settings_version + 1; END;
CREATE TRIGGER user_flows_updated AFTER UPDATE ON user_flows
BEGIN UPDATE settings_version SET settings_version = settings_version + 1; END;
CREATE TRIGGER user_flows_deleted AFTER DELETE ON user_flows
BEGIN UPDATE settings_version SET settings_version = settings_version + 1; END;

CREATE TRIGGER applications_inserted AFTER INSERT ON applications
BEGIN UPDATE settings_version SET settings_version = settings_version + 1; END;
CREATE TRIGGER applications_updated AFTER UPDATE ON applications
BEGIN UPDATE settings_version SET settings_version = settings_version + 1; END;
CREATE TRIGGER applications_deleted AFTER DELETE ON applications
BEGIN UPDATE settings_version SET settings_version = settings_version + 1; END;
