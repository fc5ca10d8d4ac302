//! The database keeps each conversation's coded-fragment counts, whoever writes the fragments.

use driehoek_storage::testing::databases;
use driehoek_storage::{demo, read, write};

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

async fn run(db: &driehoek_storage::Db, sql: &'static str) {
    write!(db, |c| sqlx::query(sql).execute(c).await.map(|_| ())).unwrap();
}

#[tokio::test]
async fn tallies_follow_every_insert_update_and_delete() {
    for t in databases().await {
        demo::fill(&t.db, &|p| format!("plain:{p}")).await.unwrap();
        tallies_match_fragments(&t.db, t.label).await;
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
        run(&t.db, "DELETE FROM fragments WHERE position % 11 = 0").await;
        tallies_match_fragments(&t.db, t.label).await;
        // Deleting a conversation (a withdrawal) removes its tally with it.
        run(&t.db, "DELETE FROM conversations WHERE id IN (SELECT id FROM conversations WHERE perspective = 'family' AND transcript IS NOT NULL LIMIT 3)").await;
        tallies_match_fragments(&t.db, t.label).await;
        let orphans: i64 = read!(&t.db, |c| sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM conversation_tallies ct WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = ct.conversation_id)").fetch_one(c).await).unwrap();
        assert_eq!(orphans, 0, "{}", t.label);
    }
}

/// The report's comparison cells counted by the database equal the tally of the fragments the
/// report reads, for every ward and round of the demo.
#[tokio::test]
async fn theme_cell_counts_equal_the_tally_of_the_themed_fragments() {
    use driehoek_domain::Perspective;
    use driehoek_domain::Valence;
    use driehoek_domain::report::{ThemeCode, tally};
    use driehoek_storage::reports::{theme_cell_counts, themed_fragments};
    for t in databases().await {
        demo::fill(&t.db, &|p| format!("plain:{p}")).await.unwrap();
        let pairs: Vec<(String, String)> = read!(&t.db, |c| sqlx::query_as(
            "SELECT DISTINCT ward_id, round_id FROM triads"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        assert!(pairs.len() >= 12, "{}", t.label);
        let mut nonempty = 0;
        for (ward, round) in pairs {
            let rows = themed_fragments(&t.db, &ward, &round).await.unwrap();
            let codes: Vec<ThemeCode> = rows
                .iter()
                .map(|r| ThemeCode {
                    theme: &r.theme_id,
                    perspective: Perspective::parse(&r.perspective).unwrap(),
                    triad: &r.triad_id,
                    valence: Valence::parse(&r.valence).unwrap(),
                })
                .collect();
            let expected: Vec<(String, Perspective, u32, u32, usize)> = tally(codes)
                .into_iter()
                .map(|((th, p), c)| (th.to_string(), p, c.positive, c.negative, c.triads))
                .collect();
            let mut counted: Vec<(String, Perspective, u32, u32, usize)> =
                theme_cell_counts(&t.db, &ward, &round)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|c| {
                        (
                            c.theme_id,
                            Perspective::parse(&c.perspective).unwrap(),
                            c.positive as u32,
                            c.negative as u32,
                            c.triads as usize,
                        )
                    })
                    .collect();
            counted.sort();
            nonempty += usize::from(!expected.is_empty());
            assert_eq!(counted, expected, "{}: ward {ward} round {round}", t.label);
        }
        assert!(
            nonempty >= 12,
            "{}: {nonempty} rounds with coded fragments",
            t.label
        );
    }
}
