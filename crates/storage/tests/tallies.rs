//! The database keeps each conversation's coded-fragment counts, whoever writes the fragments.

use driehoek_storage::testing::databases;
use driehoek_storage::{demo, read, write};

/// A number the database counts with `sql`.
async fn count(db: &driehoek_storage::Db, sql: String) -> i64 {
    read!(db, |c| sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
        .fetch_one(c)
        .await)
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn tallies_match_fragments(db: &driehoek_storage::Db, label: &str) {
    let mismatches: i64 = read!(db, |c| sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM conversations c JOIN conversation_tallies ct ON ct.conversation_id = c.id
         WHERE ct.positive <> (SELECT COUNT(*) FROM fragments f WHERE f.conversation_id = c.id AND f.valence = 'positive')
            OR ct.negative <> (SELECT COUNT(*) FROM fragments f WHERE f.conversation_id = c.id AND f.valence = 'negative')"
    ).fetch_one(c).await).unwrap();
    assert_eq!(mismatches, 0, "{label}: tallies differ from the fragments");
    let missing: i64 = read!(db, |c| sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM conversation_tallies ct WHERE ct.conversation_id = c.id)"
    ).fetch_one(c).await).unwrap();
    assert_eq!(missing, 0, "{label}: a conversation has no tally");
}

/// The per-conversation theme tallies equal a count of the fragments and their themes: no
/// missing, wrong, negative or left-over count.
async fn theme_tallies_match_fragments(db: &driehoek_storage::Db, label: &str) {
    let expected = "SELECT f.conversation_id, ft.theme_id,
                SUM(CASE WHEN f.valence = 'positive' THEN 1 ELSE 0 END) AS p,
                SUM(CASE WHEN f.valence = 'negative' THEN 1 ELSE 0 END) AS n
         FROM fragment_themes ft JOIN fragments f ON f.id = ft.fragment_id
         WHERE f.valence IN ('positive', 'negative') GROUP BY f.conversation_id, ft.theme_id";
    let wrong: i64 = count(
        db,
        format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM ({expected}) e
             LEFT JOIN conversation_theme_tallies x ON x.conversation_id = e.conversation_id AND x.theme_id = e.theme_id
             WHERE x.positive IS NULL OR x.positive <> e.p OR x.negative <> e.n"
        ),
    )
    .await;
    assert_eq!(wrong, 0, "{label}: theme tallies differ from the fragments");
    let extra: i64 = count(
        db,
        format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM conversation_theme_tallies x
             WHERE x.positive < 0 OR x.negative < 0
                OR (x.positive + x.negative > 0 AND NOT EXISTS (
                    SELECT 1 FROM ({expected}) e WHERE e.conversation_id = x.conversation_id AND e.theme_id = x.theme_id))"
        ),
    )
    .await;
    assert_eq!(extra, 0, "{label}: theme tallies count what is not there");
}

/// The cells per ward, round, theme and perspective equal the sum of their conversations' theme
/// tallies, with the number of triads that told about the theme; nothing negative, nothing left
/// over of deleted triads.
async fn ward_cells_match_tallies(db: &driehoek_storage::Db, label: &str) {
    let expected = "SELECT t.ward_id, t.round_id, x.theme_id, c.perspective,
                SUM(x.positive) AS p, SUM(x.negative) AS n,
                SUM(CASE WHEN x.positive + x.negative > 0 THEN 1 ELSE 0 END) AS k
         FROM conversation_theme_tallies x JOIN conversations c ON c.id = x.conversation_id
         JOIN triads t ON t.id = c.triad_id
         GROUP BY t.ward_id, t.round_id, x.theme_id, c.perspective";
    let wrong: i64 = count(
        db,
        format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM ({expected}) e
             LEFT JOIN ward_theme_cells w ON w.ward_id = e.ward_id AND w.round_id = e.round_id
                  AND w.theme_id = e.theme_id AND w.perspective = e.perspective
             WHERE (e.p + e.n > 0 AND w.positive IS NULL)
                OR w.positive <> e.p OR w.negative <> e.n OR w.triads <> e.k"
        ),
    )
    .await;
    assert_eq!(wrong, 0, "{label}: ward cells differ from the tallies");
    let extra: i64 = count(
        db,
        format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM ward_theme_cells w
             WHERE w.positive < 0 OR w.negative < 0 OR w.triads < 0
                OR (w.positive + w.negative + w.triads > 0 AND NOT EXISTS (
                    SELECT 1 FROM ({expected}) e WHERE e.ward_id = w.ward_id AND e.round_id = w.round_id
                      AND e.theme_id = w.theme_id AND e.perspective = w.perspective))"
        ),
    )
    .await;
    assert_eq!(extra, 0, "{label}: ward cells count what is not there");
}

async fn run(db: &driehoek_storage::Db, sql: &'static str) {
    write!(db, |c| sqlx::query(sql).execute(c).await.map(|_| ())).unwrap();
}

#[tokio::test]
async fn tallies_follow_every_insert_update_and_delete() {
    for t in databases().await {
        demo::fill(&t.db, &|p| format!("plain:{p}")).await.unwrap();
        tallies_match_fragments(&t.db, t.label).await;
        theme_tallies_match_fragments(&t.db, t.label).await;
        ward_cells_match_tallies(&t.db, t.label).await;
        let total: i64 = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT CAST(SUM(positive + negative) AS BIGINT) FROM conversation_tallies"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        assert!(total > 1000, "{}: {total}", t.label);
        // Recode: some positives become negative, some codes are removed, some fragments deleted.
        run(&t.db, "UPDATE fragments SET valence = 'negative' WHERE valence = 'positive' AND position % 3 = 0").await;
        run(
            &t.db,
            "UPDATE fragments SET valence = NULL WHERE valence = 'negative' AND position % 5 = 0",
        )
        .await;
        run(&t.db, "UPDATE fragments SET valence = 'positive' WHERE valence IS NULL AND speaker = 'participant' AND position % 7 = 0").await;
        theme_tallies_match_fragments(&t.db, t.label).await;
        ward_cells_match_tallies(&t.db, t.label).await;
        run(&t.db, "DELETE FROM fragments WHERE position % 11 = 0").await;
        tallies_match_fragments(&t.db, t.label).await;
        theme_tallies_match_fragments(&t.db, t.label).await;
        ward_cells_match_tallies(&t.db, t.label).await;
        // Themes taken off, given and changed.
        run(&t.db, "DELETE FROM fragment_themes WHERE fragment_id IN (SELECT id FROM fragments WHERE position % 4 = 1)").await;
        theme_tallies_match_fragments(&t.db, t.label).await;
        ward_cells_match_tallies(&t.db, t.label).await;
        run(&t.db, "INSERT INTO fragment_themes (fragment_id, theme_id) SELECT f.id, (SELECT MIN(id) FROM themes) FROM fragments f WHERE f.position % 4 = 1").await;
        theme_tallies_match_fragments(&t.db, t.label).await;
        ward_cells_match_tallies(&t.db, t.label).await;
        run(&t.db, "UPDATE fragment_themes SET theme_id = (SELECT MAX(id) FROM themes)
                    WHERE fragment_id IN (SELECT id FROM fragments WHERE position % 4 = 2)
                      AND (SELECT COUNT(*) FROM fragment_themes o WHERE o.fragment_id = fragment_themes.fragment_id) = 1").await;
        theme_tallies_match_fragments(&t.db, t.label).await;
        ward_cells_match_tallies(&t.db, t.label).await;
        // Deleting a conversation (a withdrawal) removes its tally with it.
        run(&t.db, "DELETE FROM conversations WHERE id IN (SELECT id FROM conversations WHERE perspective = 'family' AND transcript IS NOT NULL LIMIT 3)").await;
        tallies_match_fragments(&t.db, t.label).await;
        theme_tallies_match_fragments(&t.db, t.label).await;
        ward_cells_match_tallies(&t.db, t.label).await;
        // Deleting whole triads (as a deleted round does) takes their cells off the ward; cells
        // that come to nothing go.
        let cells = "SELECT CAST(COUNT(*) AS BIGINT) FROM ward_theme_cells";
        let before: i64 = read!(&t.db, |c| sqlx::query_scalar(cells).fetch_one(c).await).unwrap();
        run(&t.db, "DELETE FROM triads WHERE id IN (SELECT t.id FROM triads t WHERE t.round_id = (SELECT MIN(round_id) FROM triads))").await;
        let after: i64 = read!(&t.db, |c| sqlx::query_scalar(cells).fetch_one(c).await).unwrap();
        assert!(
            after < before,
            "{}: {before} cells before, {after} after",
            t.label
        );
        theme_tallies_match_fragments(&t.db, t.label).await;
        ward_cells_match_tallies(&t.db, t.label).await;
        let orphans: i64 = read!(&t.db, |c| sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM conversation_tallies ct WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = ct.conversation_id)").fetch_one(c).await).unwrap();
        assert_eq!(orphans, 0, "{}", t.label);
        let orphans: i64 = read!(&t.db, |c| sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM conversation_theme_tallies x WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = x.conversation_id)").fetch_one(c).await).unwrap();
        assert_eq!(orphans, 0, "{}", t.label);
    }
}

/// The report's comparison cells counted by the database equal the tally of the fragments the
/// report reads, for every ward and round of the demo, also when several rounds are asked at once.
#[tokio::test]
async fn theme_cells_equal_the_tally_of_the_themed_fragments() {
    use driehoek_domain::Perspective;
    use driehoek_domain::Valence;
    use driehoek_domain::report::{ThemeCode, tally};
    use driehoek_storage::reports::{theme_cells_of_rounds, themed_fragments};
    use std::collections::BTreeMap;
    type Counted = (String, String, Perspective, u32, u32, usize);
    for t in databases().await {
        demo::fill(&t.db, &|p| format!("plain:{p}")).await.unwrap();
        // Recoded after the demo was made, so the counts come from the kept tallies, not a rebuild.
        run(&t.db, "UPDATE fragments SET valence = 'negative' WHERE valence = 'positive' AND position % 3 = 0").await;
        run(&t.db, "DELETE FROM fragment_themes WHERE fragment_id IN (SELECT id FROM fragments WHERE position % 4 = 1)").await;
        let key_of: BTreeMap<String, String> =
            read!(&t.db, |c| sqlx::query_as("SELECT id, key FROM themes")
                .fetch_all(c)
                .await)
            .unwrap()
            .into_iter()
            .collect();
        let pairs: Vec<(String, String)> = read!(&t.db, |c| sqlx::query_as(
            "SELECT DISTINCT ward_id, round_id FROM triads ORDER BY ward_id, round_id"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        assert!(pairs.len() >= 12, "{}", t.label);
        let as_rows = |cells: Vec<driehoek_storage::reports::RoundThemeCell>| -> Vec<Counted> {
            let mut v: Vec<Counted> = cells
                .into_iter()
                .map(|c| {
                    (
                        c.round_id,
                        c.theme_key,
                        Perspective::parse(&c.perspective).unwrap(),
                        c.positive as u32,
                        c.negative as u32,
                        c.triads as usize,
                    )
                })
                .collect();
            v.sort();
            v
        };
        let mut nonempty = 0;
        let mut per_ward: BTreeMap<String, (Vec<String>, Vec<Counted>)> = BTreeMap::new();
        for (ward, round) in &pairs {
            let rows = themed_fragments(&t.db, ward, round).await.unwrap();
            let codes: Vec<ThemeCode> = rows
                .iter()
                .map(|r| ThemeCode {
                    theme: &r.theme_id,
                    perspective: Perspective::parse(&r.perspective).unwrap(),
                    triad: &r.triad_id,
                    valence: Valence::parse(&r.valence).unwrap(),
                })
                .collect();
            let mut expected: Vec<Counted> = tally(codes)
                .into_iter()
                .map(|((th, p), c)| {
                    (
                        round.clone(),
                        key_of[th].clone(),
                        p,
                        c.positive,
                        c.negative,
                        c.triads,
                    )
                })
                .collect();
            expected.sort();
            let counted = as_rows(theme_cells_of_rounds(&t.db, ward, &[round]).await.unwrap());
            nonempty += usize::from(!expected.is_empty());
            assert_eq!(counted, expected, "{}: ward {ward} round {round}", t.label);
            let entry = per_ward.entry(ward.clone()).or_default();
            entry.0.push(round.clone());
            entry.1.extend(expected);
        }
        assert!(
            nonempty >= 12,
            "{}: {nonempty} rounds with coded fragments",
            t.label
        );
        // All rounds of a ward at once: the same cells, each with its round.
        let mut multi_round = 0;
        for (ward, (rounds, mut expected)) in per_ward {
            let ids: Vec<&str> = rounds.iter().map(String::as_str).collect();
            multi_round += usize::from(ids.len() > 1);
            expected.sort();
            let counted = as_rows(theme_cells_of_rounds(&t.db, &ward, &ids).await.unwrap());
            assert_eq!(counted, expected, "{}: ward {ward}", t.label);
        }
        assert!(multi_round > 0, "{}: no ward with several rounds", t.label);
    }
}

/// The import pauses the row-by-row counting and recounts its conversations before it commits:
/// afterwards every count is right, also for conversations it appended to, and no pause is left.
#[tokio::test]
async fn tallies_are_right_after_an_import() {
    use driehoek_storage::import;
    use std::fmt::Write;
    let mut csv =
        String::from("organisation,location,ward,round,triad,role,fragment,valence,themes\n");
    for i in 0..300 {
        let valence = ["positive", "negative", "none"][i % 3];
        let themes = ["food_drink", "food_drink|attention_respect", "Veiligheid"][(i / 2) % 3];
        writeln!(
            csv,
            "Zorg A,Hof,Afdeling {},Voorjaar,T-{:02},{},\"Fragment {i}\",{valence},{themes}",
            i % 2,
            i % 12,
            ["resident", "family", "staff"][(i / 5) % 3],
        )
        .unwrap();
    }
    for t in databases().await {
        demo::fill(&t.db, &|p| format!("plain:{p}")).await.unwrap();
        let file = import::read_csv(csv.as_bytes()).unwrap();
        for _ in 0..2 {
            import::import(&t.db, &file, Some("Importnetwerk"), "t.csv")
                .await
                .unwrap();
            tallies_match_fragments(&t.db, t.label).await;
            theme_tallies_match_fragments(&t.db, t.label).await;
            ward_cells_match_tallies(&t.db, t.label).await;
        }
        let counted: i64 = read!(&t.db, |c| {
            sqlx::query_scalar(
            "SELECT CAST(SUM(x.positive + x.negative) AS BIGINT) FROM conversation_theme_tallies x
             JOIN conversations c ON c.id = x.conversation_id JOIN triads t ON t.id = c.triad_id
             JOIN rounds r ON r.id = t.round_id JOIN organisations o ON o.id = r.organisation_id
             WHERE o.name = 'Zorg A'"
        )
        .fetch_one(c)
        .await
        })
        .unwrap();
        assert!(counted >= 400, "{}: {counted}", t.label);
        let paused: i64 = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM tally_pause"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        assert_eq!(paused, 0, "{}", t.label);
        // The pause ended: rows written one by one after the import, and after an import that
        // failed half-way (a triad on two wards), are counted again.
        let bad = "organisation,location,ward,round,triad,role,fragment,valence,themes\n\
                   Zorg A,Hof,Afdeling 1,Voorjaar,T-00,staff,\"Elders\",positive,food_drink\n";
        let bad = import::read_csv(bad.as_bytes()).unwrap();
        assert!(
            import::import(&t.db, &bad, Some("Importnetwerk"), "t.csv")
                .await
                .is_err(),
            "{}",
            t.label
        );
        run(&t.db, "INSERT INTO fragments (id, conversation_id, position, speaker, text, valence)
                    SELECT id || '-x', conversation_id, position + 1000, speaker, text, valence FROM fragments
                    WHERE valence IS NOT NULL AND position < 3").await;
        run(&t.db, "INSERT INTO fragment_themes (fragment_id, theme_id)
                    SELECT f.id, (SELECT MIN(id) FROM themes) FROM fragments f WHERE f.id LIKE '%-x'").await;
        tallies_match_fragments(&t.db, t.label).await;
        theme_tallies_match_fragments(&t.db, t.label).await;
        ward_cells_match_tallies(&t.db, t.label).await;
    }
}
