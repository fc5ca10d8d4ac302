-- Indexes found while measuring at network scale (bench/run).
-- fragments already has the unique index (conversation_id, position) of its table definition;
-- the second, identical index of 0003 only cost time on every insert.
DROP INDEX fragments_conversation;
-- "Is this user a blind second coder here?" is asked on every coding page, report and export.
CREATE INDEX second_codes_coder ON second_codes (coder_id);
-- Deleting a fragment or triad (merge, consent withdrawal) looks up the actions that cite it.
CREATE INDEX action_fragments_fragment ON action_fragments (fragment_id);
CREATE INDEX action_triads_triad ON action_triads (triad_id);
