//! Storage tests of Act on SQLite and PostgreSQL: actions stay within the tenant's reach, and
//! real deletions (consent withdrawal, a ward) keep working with meetings and actions around.

use driehoek_domain::act::{ActionFields, ActionStatus, OwnerKind};
use driehoek_storage::act::actions::{self, Links, Reach};
use driehoek_storage::structure::{self as st, NodeKind};
use driehoek_storage::testing::databases;
use driehoek_storage::{Db, StoreError, accounts, demo, read};

async fn one(db: &Db, sql: &'static str, arg: &str) -> String {
    read!(db, |c| sqlx::query_scalar(sql).bind(arg).fetch_one(c).await)
        .unwrap_or_else(|e| panic!("{sql} {arg}: {e}"))
}

async fn count(db: &Db, sql: &'static str, arg: &str) -> i64 {
    read!(db, |c| sqlx::query_scalar(sql).bind(arg).fetch_one(c).await).unwrap()
}

async fn tenant(db: &Db, email: &str) -> driehoek_domain::access::Tenant {
    let id = one(db, "SELECT id FROM users WHERE email = $1", email).await;
    accounts::tenant_of(db, &id).await.unwrap()
}

fn fields(title: &str) -> ActionFields {
    ActionFields {
        title: title.into(),
        why: String::new(),
        owner_kind: OwnerKind::WardTeam,
        owner_user_id: None,
        owner_service: None,
        due_on: None,
        status: ActionStatus::Agreed,
        drop_reason: String::new(),
        public: false,
    }
}

#[tokio::test]
async fn actions_stay_within_reach_and_deletions_still_work() {
    for t in databases().await {
        demo::fill(&t.db, &|p| format!("plain:{p}")).await.unwrap();
        let qo_a = tenant(&t.db, "kwaliteit.hl@demo.driehoek.nl").await;
        let qo_b = tenant(&t.db, "kwaliteit.md@demo.driehoek.nl").await;
        let kitchen = tenant(&t.db, "keuken.hl@demo.driehoek.nl").await;
        let a_action = one(
            &t.db,
            "SELECT a.id FROM actions a JOIN wards w ON w.id = a.ward_id JOIN locations l ON l.id = w.location_id JOIN organisations o ON o.id = l.organisation_id WHERE o.name = $1 AND a.owner_service = 'kitchen' ORDER BY a.id LIMIT 1",
            "Zorggroep Heuvelland",
        )
        .await;
        assert_eq!(
            actions::action(&t.db, &qo_a, &a_action).await.unwrap().1,
            Reach::Edit
        );
        assert_eq!(
            actions::action(&t.db, &kitchen, &a_action).await.unwrap().1,
            Reach::Service
        );
        assert!(
            matches!(
                actions::action(&t.db, &qo_b, &a_action).await,
                Err(StoreError::NotFound)
            ),
            "{}",
            t.label
        );
        // The kitchen sees the story behind nothing: no fragments in its view.
        let (detail, _) = actions::detail(&t.db, &kitchen, &a_action).await.unwrap();
        assert!(detail.fragments.is_empty());
        let (services, listed) = actions::service_board(&t.db, &qo_b).await.unwrap();
        assert!(
            services.is_empty() && listed.is_empty(),
            "a quality officer is no service member"
        );

        // Consent withdrawal deletes a linked fragment for real; the action stays, the link goes.
        let fragment = one(&t.db, "SELECT fragment_id FROM action_fragments WHERE action_id = $1 ORDER BY fragment_id LIMIT 1", &a_action).await;
        let conversation = one(
            &t.db,
            "SELECT conversation_id FROM fragments WHERE id = $1",
            &fragment,
        )
        .await;
        driehoek_storage::listen::consent::withdraw(
            &t.db,
            &qo_a,
            "kwaliteit.hl@demo.driehoek.nl",
            &conversation,
        )
        .await
        .unwrap_or_else(|e| panic!("{}: withdrawal failed: {e}", t.label));
        assert_eq!(
            count(
                &t.db,
                "SELECT COUNT(*) FROM fragments WHERE id = $1",
                &fragment
            )
            .await,
            0
        );
        assert_eq!(
            count(
                &t.db,
                "SELECT COUNT(*) FROM action_fragments WHERE fragment_id = $1",
                &fragment
            )
            .await,
            0
        );
        assert_eq!(
            count(
                &t.db,
                "SELECT COUNT(*) FROM actions WHERE id = $1",
                &a_action
            )
            .await,
            1
        );

        // A new ward with an action (no triads) can be deleted; its action goes with it.
        let location = one(
            &t.db,
            "SELECT w.location_id FROM actions a JOIN wards w ON w.id = a.ward_id WHERE a.id = $1",
            &a_action,
        )
        .await;
        let ward = st::create_ward(
            &t.db,
            &qo_a,
            &location,
            "Tijdelijke afdeling",
            "kwaliteit.hl@demo.driehoek.nl",
        )
        .await
        .unwrap();
        let id = actions::create(
            &t.db,
            &qo_a,
            &ward,
            None,
            None,
            &fields("Proef"),
            &Links::default(),
        )
        .await
        .unwrap();
        // Another organisation cannot make actions on it.
        assert!(matches!(
            actions::create(
                &t.db,
                &qo_b,
                &ward,
                None,
                None,
                &fields("Indringer"),
                &Links::default()
            )
            .await,
            Err(StoreError::NotFound)
        ));
        st::delete(
            &t.db,
            &qo_a,
            NodeKind::Ward,
            &ward,
            "kwaliteit.hl@demo.driehoek.nl",
        )
        .await
        .unwrap();
        assert_eq!(
            count(&t.db, "SELECT COUNT(*) FROM actions WHERE id = $1", &id).await,
            0,
            "{}",
            t.label
        );
    }
}
