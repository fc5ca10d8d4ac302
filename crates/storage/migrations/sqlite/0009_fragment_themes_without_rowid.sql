-- A fragment's themes as one B-tree instead of two. As an ordinary SQLite table, fragment_themes
-- kept every link twice: once in the table (by rowid) and once in its primary key's index; that
-- was half of the bytes a coded fragment takes (about 320 of 650 for two themes), and the import
-- of a million fragments spent most of its time writing them. WITHOUT ROWID stores the rows in
-- the primary key itself. PostgreSQL keeps its heap and index (0009 there changes nothing).
-- The triggers on fragments that read fragment_themes would stop the rename below: they go first
-- and come back unchanged at the end.
DROP TRIGGER fragment_theme_tally_recode;
DROP TRIGGER fragment_theme_tally_fragment_delete;

CREATE TABLE fragment_themes_new (
    fragment_id TEXT NOT NULL REFERENCES fragments(id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL REFERENCES themes(id),
    PRIMARY KEY (fragment_id, theme_id)
) WITHOUT ROWID;
INSERT INTO fragment_themes_new (fragment_id, theme_id)
SELECT fragment_id, theme_id FROM fragment_themes ORDER BY fragment_id, theme_id;
-- The old table's triggers go with it (and the implicit delete of a dropped table fires none).
DROP TABLE fragment_themes;
ALTER TABLE fragment_themes_new RENAME TO fragment_themes;

-- The tally triggers of 0008, unchanged but for the pause: on SQLite a bulk writer drops the two
-- insert triggers inside its transaction and makes them again before it commits
-- (storage/src/tallies.rs), so they no longer ask tally_pause for every row. PostgreSQL keeps
-- asking it.
CREATE TRIGGER fragment_theme_tally_insert AFTER INSERT ON fragment_themes
BEGIN
    INSERT INTO conversation_theme_tallies (conversation_id, theme_id, positive, negative)
    SELECT f.conversation_id, NEW.theme_id, f.valence = 'positive', f.valence = 'negative'
    FROM fragments f WHERE f.id = NEW.fragment_id AND f.valence IN ('positive', 'negative')
    ON CONFLICT (conversation_id, theme_id) DO UPDATE
    SET positive = positive + excluded.positive, negative = negative + excluded.negative;
END;

CREATE TRIGGER fragment_theme_tally_delete AFTER DELETE ON fragment_themes
BEGIN
    UPDATE conversation_theme_tallies
    SET positive = positive - (SELECT f.valence = 'positive' FROM fragments f WHERE f.id = OLD.fragment_id),
        negative = negative - (SELECT f.valence = 'negative' FROM fragments f WHERE f.id = OLD.fragment_id)
    WHERE theme_id = OLD.theme_id
      AND conversation_id = (SELECT f.conversation_id FROM fragments f
                             WHERE f.id = OLD.fragment_id AND f.valence IN ('positive', 'negative'));
END;

CREATE TRIGGER fragment_theme_tally_update AFTER UPDATE ON fragment_themes
BEGIN
    UPDATE conversation_theme_tallies
    SET positive = positive - (SELECT f.valence = 'positive' FROM fragments f WHERE f.id = OLD.fragment_id),
        negative = negative - (SELECT f.valence = 'negative' FROM fragments f WHERE f.id = OLD.fragment_id)
    WHERE theme_id = OLD.theme_id
      AND conversation_id = (SELECT f.conversation_id FROM fragments f
                             WHERE f.id = OLD.fragment_id AND f.valence IN ('positive', 'negative'));
    INSERT INTO conversation_theme_tallies (conversation_id, theme_id, positive, negative)
    SELECT f.conversation_id, NEW.theme_id, f.valence = 'positive', f.valence = 'negative'
    FROM fragments f WHERE f.id = NEW.fragment_id AND f.valence IN ('positive', 'negative')
    ON CONFLICT (conversation_id, theme_id) DO UPDATE
    SET positive = positive + excluded.positive, negative = negative + excluded.negative;
END;

CREATE TRIGGER fragment_theme_tally_recode AFTER UPDATE OF valence, conversation_id ON fragments
WHEN OLD.valence IS NOT NEW.valence OR OLD.conversation_id IS NOT NEW.conversation_id
BEGIN
    UPDATE conversation_theme_tallies
    SET positive = positive - (OLD.valence IS 'positive'), negative = negative - (OLD.valence IS 'negative')
    WHERE conversation_id = OLD.conversation_id
      AND theme_id IN (SELECT theme_id FROM fragment_themes WHERE fragment_id = OLD.id);
    INSERT INTO conversation_theme_tallies (conversation_id, theme_id, positive, negative)
    SELECT NEW.conversation_id, ft.theme_id, NEW.valence IS 'positive', NEW.valence IS 'negative'
    FROM fragment_themes ft WHERE ft.fragment_id = NEW.id
    ON CONFLICT (conversation_id, theme_id) DO UPDATE
    SET positive = positive + excluded.positive, negative = negative + excluded.negative;
END;

CREATE TRIGGER fragment_theme_tally_fragment_delete BEFORE DELETE ON fragments
WHEN OLD.valence IN ('positive', 'negative')
BEGIN
    UPDATE conversation_theme_tallies
    SET positive = positive - (OLD.valence = 'positive'), negative = negative - (OLD.valence = 'negative')
    WHERE conversation_id = OLD.conversation_id
      AND theme_id IN (SELECT theme_id FROM fragment_themes WHERE fragment_id = OLD.id)
      AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = OLD.conversation_id);
END;

DROP TRIGGER fragment_tally_insert;
CREATE TRIGGER fragment_tally_insert AFTER INSERT ON fragments
WHEN NEW.valence IN ('positive', 'negative')
BEGIN
    UPDATE conversation_tallies
    SET positive = positive + (NEW.valence = 'positive'), negative = negative + (NEW.valence = 'negative')
    WHERE conversation_id = NEW.conversation_id;
END;
