-- Double coding: a round asks a share of its conversations to be coded a second time, blind; the
-- second coder's codes live apart from the main codes, so the first coder's work is never shown
-- to them and never overwritten until a consensus decision is recorded.
ALTER TABLE rounds ADD COLUMN double_coding_percent BIGINT NOT NULL DEFAULT 0;

CREATE TABLE second_codes (
    fragment_id TEXT PRIMARY KEY NOT NULL REFERENCES fragments(id) ON DELETE CASCADE,
    coder_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    valence TEXT NOT NULL,
    themes TEXT NOT NULL DEFAULT '',
    coded_at TEXT NOT NULL,
    consensus_at TEXT,
    -- The main code as it was when the consensus replaced it, so kappa keeps comparing the
    -- two independent codings.
    first_valence TEXT,
    first_themes TEXT
);
