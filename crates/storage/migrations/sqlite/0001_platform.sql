-- Platform: the learning network's structure, accounts, roles, sessions, API tokens, audit log,
-- and the first, simple tables of the narrative cycle (rounds, triads, conversations, fragments).
-- Kept column-for-column equal to postgres/0001_platform.sql (checked by the schema-parity test).

CREATE TABLE networks (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    min_group_size BIGINT NOT NULL DEFAULT 5,
    created_at TEXT NOT NULL
);

CREATE TABLE organisations (
    id TEXT PRIMARY KEY NOT NULL,
    network_id TEXT NOT NULL REFERENCES networks(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (network_id, name)
);

CREATE TABLE locations (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    city TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE wards (
    id TEXT PRIMARY KEY NOT NULL,
    location_id TEXT NOT NULL REFERENCES locations(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (location_id, name)
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    language TEXT,
    network_id TEXT NOT NULL REFERENCES networks(id),
    organisation_id TEXT REFERENCES organisations(id),
    created_at TEXT NOT NULL
);

-- A role reaches the node at the end of its path and everything below it; the path's lower parts
-- are NULL for roles on a higher level.
CREATE TABLE role_assignments (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    network_id TEXT NOT NULL REFERENCES networks(id),
    organisation_id TEXT REFERENCES organisations(id),
    location_id TEXT REFERENCES locations(id),
    ward_id TEXT REFERENCES wards(id),
    created_at TEXT NOT NULL
);
CREATE INDEX role_assignments_user ON role_assignments (user_id);

-- Only a hash of the session token is stored, so a copy of the database cannot log anyone in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor_id TEXT,
    actor_email TEXT NOT NULL,
    action TEXT NOT NULL,
    network_id TEXT,
    organisation_id TEXT,
    subject TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE theme_sets (
    id TEXT PRIMARY KEY NOT NULL,
    network_id TEXT REFERENCES networks(id),
    key TEXT NOT NULL,
    version BIGINT NOT NULL,
    name_nl TEXT NOT NULL,
    name_en TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE themes (
    id TEXT PRIMARY KEY NOT NULL,
    theme_set_id TEXT NOT NULL REFERENCES theme_sets(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    name_nl TEXT NOT NULL,
    name_en TEXT NOT NULL,
    support_services TEXT NOT NULL DEFAULT '',
    position BIGINT NOT NULL,
    UNIQUE (theme_set_id, key)
);

CREATE TABLE rounds (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status TEXT NOT NULL,
    theme_set_id TEXT NOT NULL REFERENCES theme_sets(id),
    created_at TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE triads (
    id TEXT PRIMARY KEY NOT NULL,
    round_id TEXT NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    ward_id TEXT NOT NULL REFERENCES wards(id),
    code TEXT NOT NULL,
    resident_takes_part BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (round_id, code)
);
CREATE INDEX triads_ward ON triads (ward_id);

CREATE TABLE conversations (
    id TEXT PRIMARY KEY NOT NULL,
    triad_id TEXT NOT NULL REFERENCES triads(id) ON DELETE CASCADE,
    perspective TEXT NOT NULL,
    status TEXT NOT NULL,
    transcript TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (triad_id, perspective)
);

CREATE TABLE fragments (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    speaker TEXT NOT NULL,
    text TEXT NOT NULL,
    valence TEXT,
    UNIQUE (conversation_id, position)
);

CREATE TABLE fragment_themes (
    fragment_id TEXT NOT NULL REFERENCES fragments(id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL REFERENCES themes(id),
    PRIMARY KEY (fragment_id, theme_id)
);
