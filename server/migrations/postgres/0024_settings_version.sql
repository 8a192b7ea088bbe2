-- The version of what administrators set that customer requests read (the policy documents,
-- the user flows, the applications): one row, moved on by every change to those tables in the
-- change's own transaction. An instance keeps the settings in memory and reads them again only
-- when the version it reads beside a request's own query has moved (`policy::admin_settings`).
CREATE TABLE settings_version (
    settings_version    BIGINT NOT NULL
);
INSERT INTO settings_version (settings_version) VALUES (1);

CREATE FUNCTION settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE settings_version SET settings_version = settings_version + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER policies_changed AFTER INSERT OR UPDATE OR DELETE ON policies
    FOR EACH STATEMENT EXECUTE FUNCTION settings_changed();
CREATE TRIGGER user_flows_changed AFTER INSERT OR UPDATE OR DELETE ON user_flows
    FOR EACH STATEMENT EXECUTE FUNCTION settings_changed();
CREATE TRIGGER applications_changed AFTER INSERT OR UPDATE OR DELETE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION settings_changed();
