-- Act: evaluation meetings with the whole triangle, improvement actions and their follow-up, the
-- ward's public "jij zei, wij doen" page and the yearly kwaliteitsbeeld (method §2 steps 10–12, §5).
-- Kept column-for-column equal to postgres/0006_act.sql (checked by the schema-parity test).
-- Attendance is counted per role: no names of residents or families are ever stored here.

-- The evaluation meeting of one ward about one round.
CREATE TABLE meetings (
    id TEXT PRIMARY KEY NOT NULL,
    ward_id TEXT NOT NULL REFERENCES wards(id) ON DELETE CASCADE,
    round_id TEXT NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    held_on TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    agenda TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (ward_id, round_id)
);

-- How many people of each role were invited (resident, family, care_staff, team_leader,
-- support_service, client_council).
CREATE TABLE meeting_invitees (
    meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    invited BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, role)
);

-- How many people of each role took part.
CREATE TABLE meeting_attendance (
    meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    attended BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, role)
);

CREATE TABLE agreements (
    id TEXT PRIMARY KEY NOT NULL,
    meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    position BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX agreements_meeting ON agreements (meeting_id, position);

-- An improvement action of a ward, from an agreement or made directly. owner_kind is person
-- (owner_user_id), ward_team, or support_service (owner_service: a SupportService key such as
-- kitchen). status: proposed, agreed, in_progress, done, dropped (drop_reason required).
CREATE TABLE actions (
    id TEXT PRIMARY KEY NOT NULL,
    ward_id TEXT NOT NULL REFERENCES wards(id) ON DELETE CASCADE,
    round_id TEXT REFERENCES rounds(id) ON DELETE SET NULL,
    agreement_id TEXT REFERENCES agreements(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    why TEXT NOT NULL DEFAULT '',
    owner_kind TEXT NOT NULL,
    owner_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    owner_service TEXT,
    due_on TEXT,
    status TEXT NOT NULL,
    drop_reason TEXT NOT NULL DEFAULT '',
    public BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX actions_ward ON actions (ward_id);
CREATE INDEX actions_service ON actions (owner_service);

CREATE TABLE action_themes (
    action_id TEXT NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    theme_key TEXT NOT NULL,
    PRIMARY KEY (action_id, theme_key)
);

-- The stories that raised an action. A withdrawn conversation's fragments are really deleted, and
-- with them these links.
CREATE TABLE action_fragments (
    action_id TEXT NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    fragment_id TEXT NOT NULL REFERENCES fragments(id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, fragment_id)
);

CREATE TABLE action_triads (
    action_id TEXT NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    triad_id TEXT NOT NULL REFERENCES triads(id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, triad_id)
);

-- Follow-up notes with their date.
CREATE TABLE action_notes (
    id TEXT PRIMARY KEY NOT NULL,
    action_id TEXT NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    noted_on TEXT NOT NULL,
    text TEXT NOT NULL,
    author_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX action_notes_action ON action_notes (action_id, noted_on);

-- Which support service(s) a user with the support_service role works for (SupportService keys).
CREATE TABLE support_service_members (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    service TEXT NOT NULL,
    PRIMARY KEY (user_id, service)
);

-- The ward's public "jij zei, wij doen" page: reachable at an unguessable token, only while
-- published is 1.
CREATE TABLE ward_publications (
    ward_id TEXT PRIMARY KEY NOT NULL REFERENCES wards(id) ON DELETE CASCADE,
    public_id TEXT NOT NULL UNIQUE,
    published BIGINT NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

-- A fragment may be quoted on the public page only when marked publishable, which is allowed only
-- while its conversation's consent covers quotes (consents.for_quotes).
ALTER TABLE fragments ADD COLUMN publishable BIGINT NOT NULL DEFAULT 0;

-- The yearly kwaliteitsbeeld of a location or an organisation: the quality officer's reflection
-- and the client council's sign-off.
CREATE TABLE quality_pictures (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    node_kind TEXT NOT NULL,
    node_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    reflection TEXT NOT NULL DEFAULT '',
    council_signed_on TEXT,
    council_signed_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    UNIQUE (node_id, year)
);
