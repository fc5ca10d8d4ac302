-- Coded-fragment counts per conversation, kept by the database itself: every insert, update or
-- delete of a fragment adjusts its conversation's row, whoever writes (coding, import, demo,
-- withdrawal). Overviews across a whole network read these instead of millions of fragments.

CREATE TABLE conversation_tallies (
    conversation_id TEXT PRIMARY KEY NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    positive BIGINT NOT NULL DEFAULT 0,
    negative BIGINT NOT NULL DEFAULT 0
);

INSERT INTO conversation_tallies (conversation_id, positive, negative)
SELECT c.id,
       (SELECT COUNT(*) FROM fragments f WHERE f.conversation_id = c.id AND f.valence = 'positive'),
       (SELECT COUNT(*) FROM fragments f WHERE f.conversation_id = c.id AND f.valence = 'negative')
FROM conversations c;

CREATE TRIGGER conversation_tally_new AFTER INSERT ON conversations
BEGIN INSERT INTO conversation_tallies (conversation_id) VALUES (NEW.id); END;

CREATE TRIGGER fragment_tally_insert AFTER INSERT ON fragments
WHEN NEW.valence IN ('positive', 'negative')
BEGIN
    UPDATE conversation_tallies
    SET positive = positive + (NEW.valence = 'positive'), negative = negative + (NEW.valence = 'negative')
    WHERE conversation_id = NEW.conversation_id;
END;

CREATE TRIGGER fragment_tally_delete AFTER DELETE ON fragments
WHEN OLD.valence IN ('positive', 'negative')
BEGIN
    UPDATE conversation_tallies
    SET positive = positive - (OLD.valence = 'positive'), negative = negative - (OLD.valence = 'negative')
    WHERE conversation_id = OLD.conversation_id;
END;

CREATE TRIGGER fragment_tally_update AFTER UPDATE OF valence, conversation_id ON fragments
BEGIN
    UPDATE conversation_tallies
    SET positive = positive - (OLD.valence IS 'positive'), negative = negative - (OLD.valence IS 'negative')
    WHERE conversation_id = OLD.conversation_id;
    UPDATE conversation_tallies
    SET positive = positive + (NEW.valence IS 'positive'), negative = negative + (NEW.valence IS 'negative')
    WHERE conversation_id = NEW.conversation_id;
END;
