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

CREATE FUNCTION conversation_tally_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO conversation_tallies (conversation_id) VALUES (NEW.id);
    RETURN NULL;
END; $$;
CREATE TRIGGER conversation_tally_new AFTER INSERT ON conversations
FOR EACH ROW EXECUTE FUNCTION conversation_tally_new();

CREATE FUNCTION fragment_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.valence IN ('positive', 'negative') THEN
        UPDATE conversation_tallies
        SET positive = positive - (OLD.valence = 'positive')::int, negative = negative - (OLD.valence = 'negative')::int
        WHERE conversation_id = OLD.conversation_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.valence IN ('positive', 'negative') THEN
        UPDATE conversation_tallies
        SET positive = positive + (NEW.valence = 'positive')::int, negative = negative + (NEW.valence = 'negative')::int
        WHERE conversation_id = NEW.conversation_id;
    END IF;
    RETURN NULL;
END; $$;
CREATE TRIGGER fragment_tally_insert AFTER INSERT ON fragments FOR EACH ROW EXECUTE FUNCTION fragment_tally();
CREATE TRIGGER fragment_tally_delete AFTER DELETE ON fragments FOR EACH ROW EXECUTE FUNCTION fragment_tally();
CREATE TRIGGER fragment_tally_update AFTER UPDATE OF valence, conversation_id ON fragments
FOR EACH ROW EXECUTE FUNCTION fragment_tally();
