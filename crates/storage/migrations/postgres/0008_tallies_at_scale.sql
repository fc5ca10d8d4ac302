-- Positive and negative fragments per conversation and theme, kept by the database itself like
-- conversation_tallies (0004): whoever writes fragments or their themes (coding, merge and split,
-- import, demo, withdrawal), the counts follow. The ward report's comparison with earlier rounds
-- and the follow-up of actions read these few rows instead of every fragment of those rounds.
-- No reference to themes: a row may outlive its last code, and must not keep a theme from being
-- removed.

-- A bulk writer (the import) may pause the counting of inserted fragments and themes, row by row,
-- and add what it counted itself before it commits (storage/src/tallies.rs). The pause is a row
-- in this table written inside the writer's own transaction, so no other writer ever sees it.
CREATE TABLE tally_pause (paused BIGINT NOT NULL);

CREATE TABLE conversation_theme_tallies (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL,
    positive BIGINT NOT NULL DEFAULT 0,
    negative BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, theme_id)
);

INSERT INTO conversation_theme_tallies (conversation_id, theme_id, positive, negative)
SELECT f.conversation_id, ft.theme_id,
       SUM(CASE WHEN f.valence = 'positive' THEN 1 ELSE 0 END),
       SUM(CASE WHEN f.valence = 'negative' THEN 1 ELSE 0 END)
FROM fragment_themes ft JOIN fragments f ON f.id = ft.fragment_id
WHERE f.valence IN ('positive', 'negative')
GROUP BY f.conversation_id, ft.theme_id;

-- A theme given to, taken off or changed on a fragment. When the fragment itself is deleted,
-- its themes go by cascade after it; fragment_theme_tally_fragment_delete has counted them off
-- already, and here the fragment is no longer found.
CREATE FUNCTION fragment_theme_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM tally_pause) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE conversation_theme_tallies x
        SET positive = x.positive - (f.valence = 'positive')::int, negative = x.negative - (f.valence = 'negative')::int
        FROM fragments f
        WHERE f.id = OLD.fragment_id AND f.valence IN ('positive', 'negative')
          AND x.conversation_id = f.conversation_id AND x.theme_id = OLD.theme_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO conversation_theme_tallies (conversation_id, theme_id, positive, negative)
        SELECT f.conversation_id, NEW.theme_id, (f.valence = 'positive')::int, (f.valence = 'negative')::int
        FROM fragments f WHERE f.id = NEW.fragment_id AND f.valence IN ('positive', 'negative')
        ON CONFLICT (conversation_id, theme_id) DO UPDATE
        SET positive = conversation_theme_tallies.positive + EXCLUDED.positive,
            negative = conversation_theme_tallies.negative + EXCLUDED.negative;
    END IF;
    RETURN NULL;
END; $$;
CREATE TRIGGER fragment_theme_tally AFTER INSERT OR UPDATE OR DELETE ON fragment_themes
FOR EACH ROW EXECUTE FUNCTION fragment_theme_tally();

-- A fragment recoded (or moved): its themes move from the old count to the new one.
CREATE FUNCTION fragment_theme_tally_recode() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversation_theme_tallies
    SET positive = positive - (OLD.valence IS NOT DISTINCT FROM 'positive')::int,
        negative = negative - (OLD.valence IS NOT DISTINCT FROM 'negative')::int
    WHERE conversation_id = OLD.conversation_id
      AND theme_id IN (SELECT theme_id FROM fragment_themes WHERE fragment_id = OLD.id);
    INSERT INTO conversation_theme_tallies (conversation_id, theme_id, positive, negative)
    SELECT NEW.conversation_id, ft.theme_id,
           (NEW.valence IS NOT DISTINCT FROM 'positive')::int, (NEW.valence IS NOT DISTINCT FROM 'negative')::int
    FROM fragment_themes ft WHERE ft.fragment_id = NEW.id
    ON CONFLICT (conversation_id, theme_id) DO UPDATE
    SET positive = conversation_theme_tallies.positive + EXCLUDED.positive,
        negative = conversation_theme_tallies.negative + EXCLUDED.negative;
    RETURN NULL;
END; $$;
CREATE TRIGGER fragment_theme_tally_recode AFTER UPDATE OF valence, conversation_id ON fragments
FOR EACH ROW
WHEN (OLD.valence IS DISTINCT FROM NEW.valence OR OLD.conversation_id IS DISTINCT FROM NEW.conversation_id)
EXECUTE FUNCTION fragment_theme_tally_recode();

-- A fragment deleted: counted off while its themes are still there (they go by cascade).
CREATE FUNCTION fragment_theme_tally_fragment_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversation_theme_tallies
    SET positive = positive - (OLD.valence = 'positive')::int, negative = negative - (OLD.valence = 'negative')::int
    WHERE conversation_id = OLD.conversation_id
      AND theme_id IN (SELECT theme_id FROM fragment_themes WHERE fragment_id = OLD.id)
      -- Not when the whole conversation goes (a withdrawal): its tallies go with it.
      AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = OLD.conversation_id);
    RETURN OLD;
END; $$;
CREATE TRIGGER fragment_theme_tally_fragment_delete BEFORE DELETE ON fragments
FOR EACH ROW WHEN (OLD.valence IN ('positive', 'negative'))
EXECUTE FUNCTION fragment_theme_tally_fragment_delete();

-- A ward's triads of one round in code order: the report, its comparison with the previous round
-- and the search for that round all start here (the old index on ward_id alone is its prefix).
DROP INDEX triads_ward;
CREATE INDEX triads_ward_round ON triads (ward_id, round_id, code);
-- From triads to their conversations' ids without reading the conversations: the network
-- overview joins 108,800 of them to their tallies (SQLite shell, 5 years: 167 → 70–92 ms).
CREATE INDEX conversations_triad_id ON conversations (triad_id, id);

-- The valence count of 0004 pauses in the same way.
CREATE OR REPLACE FUNCTION fragment_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM tally_pause) THEN
        RETURN NULL;
    END IF;
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
