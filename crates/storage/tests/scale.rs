//! The generated benchmark network, tiny, on both databases.

use driehoek_storage::scale::{ScaleSpec, generate};
use driehoek_storage::testing::databases;
use driehoek_storage::{StoreError, read};

#[tokio::test]
async fn a_small_generated_network_has_every_level_and_long_coded_conversations() {
    for t in databases().await {
        let spec = ScaleSpec {
            organisations: 2,
            locations: 4,
            wards: 4,
            triads: 12,
            years: 2,
            fragments: 60,
            first_year: 2024,
        };
        let steps = std::sync::Mutex::new(Vec::new());
        let report = generate(&t.db, spec, &|p| format!("plain:{p}"), &|done, all| {
            steps.lock().unwrap().push((done, all));
        })
        .await
        .unwrap();
        assert_eq!(report.wards, 32, "{}", t.label);
        assert_eq!(report.triads, 32 * 12 * 2);
        assert_eq!(*steps.lock().unwrap().last().unwrap(), (4, 4));
        // Every ward has its evaluation meeting per round, with three actions.
        assert_eq!(report.meetings, 32 * 2, "{}", t.label);
        assert_eq!(report.actions, 32 * 2 * 3, "{}", t.label);
        let (held, with_residents, kitchen): (i64, i64, i64) = read!(&t.db, |c| sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM meetings WHERE status = 'held'),
                    (SELECT COUNT(*) FROM meeting_attendance WHERE role = 'resident' AND attended > 0),
                    (SELECT COUNT(*) FROM actions WHERE owner_service = 'kitchen')"
        ).fetch_one(c).await).unwrap();
        assert_eq!((held, with_residents, kitchen), (32, 32, 64), "{}", t.label);
        let per_conv = report.fragments as f64 / report.conversations as f64;
        assert!(
            (45.0..=90.0).contains(&per_conv),
            "{}: {per_conv} fragments per conversation",
            t.label
        );
        let (rounds, coded, themed): (i64, i64, i64) = read!(&t.db, |c| sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM rounds), (SELECT COUNT(*) FROM fragments WHERE valence IS NOT NULL), (SELECT COUNT(*) FROM fragment_themes)"
        ).fetch_one(c).await).unwrap();
        assert_eq!(rounds, 4);
        assert!(
            coded > report.fragments as i64 / 4 && themed >= coded,
            "{}: {coded} coded, {themed} themes",
            t.label
        );
        // Deterministic codes, and a second run refuses to mix into existing data.
        assert!(matches!(
            generate(&t.db, spec, &|p| p.to_string(), &|_, _| ()).await,
            Err(StoreError::Conflict(_))
        ));
    }
}
