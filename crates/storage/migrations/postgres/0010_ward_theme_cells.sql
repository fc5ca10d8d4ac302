-- Per ward, round, theme and perspective: the positive and negative fragments and how many triads
-- told about the theme (conversations with at least one). Kept from conversation_theme_tallies
-- (0008) by the triggers below, whoever changes those. The ward report compares with every earlier
-- round of the ward and follows up earlier actions: with these rows it reads ~60 per round
-- instead of grouping every conversation's tallies.
-- No references: the cells of a deleted triad are counted off by the triggers, and rows that
-- reach zero are removed with it.
CREATE TABLE ward_theme_cells (
    ward_id TEXT NOT NULL,
    round_id TEXT NOT NULL,
    theme_id TEXT NOT NULL,
    perspective TEXT NOT NULL,
    positive BIGINT NOT NULL DEFAULT 0,
    negative BIGINT NOT NULL DEFAULT 0,
    triads BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (ward_id, round_id, theme_id, perspective)
);

INSERT INTO ward_theme_cells (ward_id, round_id, theme_id, perspective, positive, negative, triads)
SELECT t.ward_id, t.round_id, x.theme_id, c.perspective, SUM(x.positive), SUM(x.negative),
       SUM(CASE WHEN x.positive + x.negative > 0 THEN 1 ELSE 0 END)
FROM conversation_theme_tallies x JOIN conversations c ON c.id = x.conversation_id
JOIN triads t ON t.id = c.triad_id
GROUP BY t.ward_id, t.round_id, x.theme_id, c.perspective;

-- A tally made, changed or removed: its cell moves by the difference. When a whole conversation
-- or triad goes, the triggers further down count it off first and here it is no longer found.
CREATE FUNCTION ward_theme_cell() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    conv TEXT;
    theme TEXT;
    dp BIGINT := 0;
    dn BIGINT := 0;
    dt BIGINT := 0;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        conv := NEW.conversation_id;
        theme := NEW.theme_id;
        dp := NEW.positive;
        dn := NEW.negative;
        dt := (NEW.positive + NEW.negative > 0)::int;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        conv := OLD.conversation_id;
        theme := OLD.theme_id;
        dp := dp - OLD.positive;
        dn := dn - OLD.negative;
        dt := dt - (OLD.positive + OLD.negative > 0)::int;
    END IF;
    INSERT INTO ward_theme_cells (ward_id, round_id, theme_id, perspective, positive, negative, triads)
    SELECT t.ward_id, t.round_id, theme, c.perspective, dp, dn, dt
    FROM conversations c JOIN triads t ON t.id = c.triad_id WHERE c.id = conv
    ON CONFLICT (ward_id, round_id, theme_id, perspective) DO UPDATE
    SET positive = ward_theme_cells.positive + EXCLUDED.positive,
        negative = ward_theme_cells.negative + EXCLUDED.negative,
        triads = ward_theme_cells.triads + EXCLUDED.triads;
    RETURN NULL;
END; $$;
CREATE TRIGGER ward_theme_cell AFTER INSERT OR UPDATE OR DELETE ON conversation_theme_tallies
FOR EACH ROW EXECUTE FUNCTION ward_theme_cell();

-- A conversation deleted: its tallies go by cascade after it, counted off here first.
CREATE FUNCTION ward_theme_cell_conversation_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ward_theme_cells w
    SET positive = w.positive - x.positive, negative = w.negative - x.negative,
        triads = w.triads - (x.positive + x.negative > 0)::int
    FROM conversation_theme_tallies x JOIN triads t ON t.id = OLD.triad_id
    WHERE x.conversation_id = OLD.id
      AND w.ward_id = t.ward_id AND w.round_id = t.round_id
      AND w.theme_id = x.theme_id AND w.perspective = OLD.perspective;
    RETURN OLD;
END; $$;
CREATE TRIGGER ward_theme_cell_conversation_delete BEFORE DELETE ON conversations
FOR EACH ROW EXECUTE FUNCTION ward_theme_cell_conversation_delete();

-- A triad deleted (its round deleted): its conversations go by cascade after it; counted off here,
-- and the cells of its ward and round that come to nothing go.
CREATE FUNCTION ward_theme_cell_triad_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ward_theme_cells w
    SET positive = w.positive - x.positive, negative = w.negative - x.negative,
        triads = w.triads - (x.positive + x.negative > 0)::int
    FROM conversations c JOIN conversation_theme_tallies x ON x.conversation_id = c.id
    WHERE c.triad_id = OLD.id
      AND w.ward_id = OLD.ward_id AND w.round_id = OLD.round_id
      AND w.theme_id = x.theme_id AND w.perspective = c.perspective;
    DELETE FROM ward_theme_cells
    WHERE ward_id = OLD.ward_id AND round_id = OLD.round_id
      AND positive = 0 AND negative = 0 AND triads = 0;
    RETURN OLD;
END; $$;
CREATE TRIGGER ward_theme_cell_triad_delete BEFORE DELETE ON triads
FOR EACH ROW EXECUTE FUNCTION ward_theme_cell_triad_delete();
