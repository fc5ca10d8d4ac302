//! Saving a code on SQLite and PostgreSQL: a save that fails half-way leaves nothing of itself
//! behind, and the database goes on taking saves afterwards (on SQLite the save is one batch on
//! the single writing connection, which must not stay inside a transaction).

use driehoek_domain::Valence;
use driehoek_domain::coding::Code;
use driehoek_storage::coding::{self, CodingTarget};
use driehoek_storage::testing::databases;
use driehoek_storage::{Db, StoreError, accounts, demo, read};

async fn fragment_state(db: &Db, id: &str) -> (Option<String>, Option<String>, Vec<String>) {
    let (valence, coded_by): (Option<String>, Option<String>) = read!(db, |c| sqlx::query_as(
        "SELECT valence, coded_by FROM fragments WHERE id = $1"
    )
    .bind(id)
    .fetch_one(c)
    .await)
    .unwrap();
    let themes: Vec<String> = read!(db, |c| sqlx::query_scalar(
        "SELECT theme_id FROM fragment_themes WHERE fragment_id = $1 ORDER BY theme_id"
    )
    .bind(id)
    .fetch_all(c)
    .await)
    .unwrap();
    (valence, coded_by, themes)
}

#[tokio::test]
async fn a_failed_save_leaves_nothing_and_the_next_one_is_saved() {
    for t in databases().await {
        demo::fill(&t.db, &|p| format!("plain:{p}")).await.unwrap();
        let coder_id: String = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT id FROM users WHERE email = 'codeur@demo.driehoek.nl'"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        let coder = accounts::tenant_of(&t.db, &coder_id).await.unwrap();
        let candidates: Vec<String> = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT f.id FROM fragments f JOIN conversations c ON c.id = f.conversation_id
             WHERE c.status IN ('checked', 'coded') AND f.speaker = 'participant'
               AND f.valence = 'positive'
               AND EXISTS (SELECT 1 FROM fragment_themes ft WHERE ft.fragment_id = f.id)
             ORDER BY f.id LIMIT 200"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        let mut found: Option<CodingTarget> = None;
        for id in &candidates {
            if let Ok(target) = coding::target(&t.db, &coder, id).await
                && !target.blind
            {
                found = Some(target);
                break;
            }
        }
        let mut target = found.unwrap_or_else(|| panic!("{}: nothing to code", t.label));
        let id = target.fragment_id.clone();
        let before = fragment_state(&t.db, &id).await;
        assert_eq!(before.0.as_deref(), Some("positive"), "{}", t.label);
        assert!(!before.2.is_empty(), "{}", t.label);

        // A theme id the database does not have: the save gets as far as linking it and breaks
        // a foreign key there, after the valence was changed and the old themes were removed.
        target.themes.push((
            "ghost".into(),
            "00000000-0000-7000-8000-000000000000".into(),
        ));
        let broken = Code {
            valence: Valence::Negative,
            themes: vec!["ghost".into()],
        };
        let result = coding::save_code(&t.db, &coder.user_id, &target, &broken).await;
        assert!(
            matches!(result, Err(StoreError::Database(_))),
            "{}: {result:?}",
            t.label
        );
        assert_eq!(
            fragment_state(&t.db, &id).await,
            before,
            "{}: half a save stayed",
            t.label
        );

        // The next save (and any other write) goes through.
        target.themes.pop();
        let key = target.themes[0].0.clone();
        let theme_id = target.themes[0].1.clone();
        let good = Code {
            valence: Valence::Negative,
            themes: vec![key],
        };
        let progress = coding::save_code(&t.db, &coder.user_id, &target, &good)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", t.label));
        assert!(progress.total > 0 && progress.coded > 0, "{}", t.label);
        let after = fragment_state(&t.db, &id).await;
        assert_eq!(after.0.as_deref(), Some("negative"), "{}", t.label);
        assert_eq!(
            after.1.as_deref(),
            Some(coder.user_id.as_str()),
            "{}",
            t.label
        );
        assert_eq!(after.2, vec![theme_id], "{}", t.label);
        let mut tx = t.db.begin().await.unwrap();
        driehoek_storage::in_tx!(&mut tx, |c| sqlx::query(
            "UPDATE networks SET description = 'x'"
        )
        .execute(c)
        .await
        .map(|_| ()))
        .unwrap();
        tx.commit().await.unwrap();
    }
}
