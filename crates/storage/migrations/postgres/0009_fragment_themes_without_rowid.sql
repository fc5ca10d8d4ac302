-- SQLite stores fragment_themes in its primary key from this migration on (see the SQLite
-- file); PostgreSQL's table is a heap with a primary key index either way, so nothing changes.
SELECT 1;
