-- Listen: rounds planned per ward, conversation guides, interviewers, assignments, consent,
-- scheduling, adherence checklists, transcripts and audio (method §2 steps 1–6, §5).
-- Kept column-for-column equal to postgres/0002_listen.sql (checked by the schema-parity test).

CREATE TABLE conversation_guides (
    id TEXT PRIMARY KEY NOT NULL,
    network_id TEXT REFERENCES networks(id),
    version BIGINT NOT NULL,
    title_nl TEXT NOT NULL,
    title_en TEXT NOT NULL,
    intro_nl TEXT NOT NULL,
    intro_en TEXT NOT NULL,
    guidance_nl TEXT NOT NULL,
    guidance_en TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE guide_topics (
    id TEXT PRIMARY KEY NOT NULL,
    guide_id TEXT NOT NULL REFERENCES conversation_guides(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    title_nl TEXT NOT NULL,
    title_en TEXT NOT NULL,
    prompts_nl TEXT NOT NULL,
    prompts_en TEXT NOT NULL,
    UNIQUE (guide_id, position)
);

ALTER TABLE rounds ADD COLUMN guide_id TEXT REFERENCES conversation_guides(id);

-- The wards a round is planned for (a round may have a ward without triads yet).
CREATE TABLE round_wards (
    round_id TEXT NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    ward_id TEXT NOT NULL REFERENCES wards(id),
    PRIMARY KEY (round_id, ward_id)
);
INSERT INTO round_wards (round_id, ward_id) SELECT DISTINCT round_id, ward_id FROM triads;

CREATE TABLE interviewer_profiles (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    training_status TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

ALTER TABLE conversations ADD COLUMN interviewer_id TEXT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN participant_user_id TEXT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN scheduled_date TEXT;
ALTER TABLE conversations ADD COLUMN scheduled_time TEXT;
ALTER TABLE conversations ADD COLUMN place TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN audio_file TEXT;
ALTER TABLE conversations ADD COLUMN audio_uploaded_at TEXT;
ALTER TABLE conversations ADD COLUMN checked_at TEXT;
CREATE INDEX conversations_interviewer ON conversations (interviewer_id);

-- Consent of one conversation. On withdrawal the flags go false and the content is deleted.
CREATE TABLE consents (
    conversation_id TEXT PRIMARY KEY NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    given_by TEXT NOT NULL,
    given_on TEXT NOT NULL,
    for_conversation BOOLEAN NOT NULL,
    for_audio BOOLEAN NOT NULL,
    for_quotes BOOLEAN NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    withdrawn_at TEXT
);

CREATE TABLE adherence_checklists (
    conversation_id TEXT PRIMARY KEY NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    topics_covered TEXT NOT NULL,
    open_questions BOOLEAN NOT NULL,
    stopped_on_distress BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    filled_by TEXT NOT NULL,
    filled_at TEXT NOT NULL
);
