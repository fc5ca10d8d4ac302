-- Coding: who coded a fragment and when (progress per conversation and round). A fragment of a
-- conversation whose status is 'coded' counts as coded too (demo data, imports); its fragments get
-- these columns filled as soon as anyone changes the conversation's coding.
ALTER TABLE fragments ADD COLUMN coded_at TEXT;
ALTER TABLE fragments ADD COLUMN coded_by TEXT REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX fragments_conversation ON fragments (conversation_id, position);
