-- Groups of users: the targets of authentication-method and password-reset policies (include and
-- exclude lists), managed in the portal. The group id `all_users` is reserved for "everyone" and
-- never stored here.

CREATE TABLE groups (
    id              TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    created_at_ms   BIGINT NOT NULL
);
CREATE UNIQUE INDEX groups_display_name ON groups (display_name);

CREATE TABLE group_members (
    group_id        TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at_ms     BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);
