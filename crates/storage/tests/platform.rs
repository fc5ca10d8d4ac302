//! Storage tests of the platform, each on SQLite and PostgreSQL.

use driehoek_domain::access::{Grant, NodePath, Role, Tenant};
use driehoek_storage::accounts::{self, NewUser};
use driehoek_storage::structure::{self as st, NodeKind};
use driehoek_storage::testing::{databases, postgres, sqlite};
use driehoek_storage::{StoreError, demo, migrate, read, rounds};

fn fake_hash(p: &str) -> String {
    format!("plain:{p}")
}

fn tenant_of(role: Role, path: NodePath) -> Tenant {
    Tenant {
        user_id: "someone".into(),
        grants: vec![Grant { role, path }],
    }
}

#[tokio::test]
async fn both_migration_sets_build_the_same_schema() {
    let lite = sqlite().await;
    let Some(pg) = postgres().await else { return };
    let normal =
        |cols: Vec<(String, String, String, bool)>| -> Vec<(String, String, String, bool)> {
            cols.into_iter()
                .map(|(t, c, ty, null)| {
                    let ty = match ty.as_str() {
                        "integer" => "bigint".to_string(),
                        other => other.to_string(),
                    };
                    (t, c, ty, null)
                })
                .collect()
        };
    let a = normal(migrate::describe(&lite.db).await.unwrap());
    let b = normal(migrate::describe(&pg.db).await.unwrap());
    assert!(a.len() > 50, "schema looks empty: {a:?}");
    let only_lite: Vec<_> = a.iter().filter(|c| !b.contains(c)).collect();
    let only_pg: Vec<_> = b.iter().filter(|c| !a.contains(c)).collect();
    assert!(
        only_lite.is_empty() && only_pg.is_empty(),
        "schemas differ\nonly in SQLite: {only_lite:#?}\nonly in PostgreSQL: {only_pg:#?}"
    );
}

#[tokio::test]
async fn migrations_run_twice_without_harm() {
    for t in databases().await {
        assert!(
            migrate::run(&t.db).await.unwrap().is_empty(),
            "{}: second run applied something",
            t.label
        );
    }
}

#[tokio::test]
async fn the_audit_log_cannot_be_changed_or_deleted() {
    for t in databases().await {
        driehoek_storage::audit::record(
            &t.db,
            driehoek_storage::audit::Entry::system("x@y.nl", "login"),
        )
        .await
        .unwrap();
        let upd = driehoek_storage::write!(&t.db, |c| sqlx::query(
            "UPDATE audit_log SET action = 'nothing'"
        )
        .execute(c)
        .await
        .map(|_| ()));
        assert!(upd.is_err(), "{}: audit log was updated", t.label);
        let del = driehoek_storage::write!(&t.db, |c| sqlx::query("DELETE FROM audit_log")
            .execute(c)
            .await
            .map(|_| ()));
        assert!(del.is_err(), "{}: audit log was deleted", t.label);
        let n: i64 = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        assert_eq!(n, 1, "{}", t.label);
    }
}

#[tokio::test]
async fn the_demo_fills_an_empty_database_once_with_every_role() {
    for t in databases().await {
        let r = demo::fill(&t.db, &fake_hash).await.unwrap();
        for role in Role::ALL {
            assert!(
                r.accounts.iter().any(|a| a.role == role),
                "{}: no demo account for {role:?}",
                t.label
            );
        }
        assert!(r.triads >= 12 * 12, "{}: {} triads", t.label, r.triads);
        assert!(
            matches!(
                demo::fill(&t.db, &fake_hash).await,
                Err(StoreError::Conflict(_))
            ),
            "{}: demo filled twice",
            t.label
        );

        // Every ward has a finished round with ≥ 12 triads, whose scores are computed.
        let net = &read!(&t.db, |c| sqlx::query_scalar::<_, String>(
            "SELECT id FROM networks"
        )
        .fetch_all(c)
        .await)
        .unwrap()[0];
        let coordinator = tenant_of(
            Role::NetworkCoordinator,
            NodePath {
                network: net.clone(),
                ..NodePath::default()
            },
        );
        let orgs = st::organisations(&t.db, &coordinator, net).await.unwrap();
        assert!(orgs.len() >= 3);
        let mut scored = 0;
        for o in &orgs {
            let locs = st::locations(&t.db, &coordinator, &o.id).await.unwrap();
            assert!(
                locs.len() >= 2,
                "{}: {} has {} locations",
                t.label,
                o.name,
                locs.len()
            );
            for l in &locs {
                let wards = st::wards(&t.db, &coordinator, &l.id).await.unwrap();
                assert!(wards.len() >= 2);
                for w in &wards {
                    let rs = rounds::rounds_of_ward(&t.db, &coordinator, &w.id)
                        .await
                        .unwrap();
                    let closed = rs
                        .iter()
                        .find(|r| r.round.status == "closed")
                        .expect("a finished round");
                    assert!(
                        rs.iter().any(|r| r.round.status == "collecting"),
                        "a round in progress"
                    );
                    assert!(closed.triads >= 12);
                    let triads =
                        rounds::scored_triads(&t.db, &coordinator, &w.id, &closed.round.id)
                            .await
                            .unwrap();
                    scored += triads
                        .iter()
                        .filter(|t| t.scores.agreement.is_some())
                        .count();
                    assert!(
                        triads
                            .iter()
                            .any(|t| t.scores.valence.is_none() || t.scores.agreement.is_none())
                    );
                }
            }
        }
        assert!(
            scored > 50,
            "{}: only {scored} triads have an agreement score",
            t.label
        );
    }
}

#[tokio::test]
async fn a_quality_officer_sees_and_manages_only_their_organisation() {
    for t in databases().await {
        demo::fill(&t.db, &fake_hash).await.unwrap();
        let net: String = read!(&t.db, |c| sqlx::query_scalar("SELECT id FROM networks")
            .fetch_one(c)
            .await)
        .unwrap();
        let coord = tenant_of(
            Role::NetworkCoordinator,
            NodePath {
                network: net.clone(),
                ..NodePath::default()
            },
        );
        let orgs = st::organisations(&t.db, &coord, &net).await.unwrap();
        let (a, b) = (&orgs[0], &orgs[1]);
        let qo = tenant_of(Role::QualityOfficer, a.path());
        assert_eq!(
            st::organisations(&t.db, &qo, &net).await.unwrap().len(),
            1,
            "{}",
            t.label
        );
        assert!(matches!(
            st::organisation(&t.db, &qo, &b.id).await,
            Err(StoreError::NotFound)
        ));
        let b_loc = &st::locations(&t.db, &coord, &b.id).await.unwrap()[0];
        assert!(matches!(
            st::location(&t.db, &qo, &b_loc.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            st::create_ward(&t.db, &qo, &b_loc.id, "Indringer", "x").await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            st::rename(
                &t.db,
                &qo,
                NodeKind::Organisation,
                &b.id,
                "Overgenomen",
                "x"
            )
            .await,
            Err(StoreError::NotFound)
        ));
        // The network is visible (as an ancestor) but not the quality officer's to change.
        assert!(matches!(
            st::create_organisation(&t.db, &qo, &net, "Nieuw", "x").await,
            Err(StoreError::Forbidden)
        ));
        let users = accounts::users(&t.db, &qo).await.unwrap();
        assert!(!users.is_empty());
        assert!(
            users
                .iter()
                .all(|(u, _)| u.organisation_id.as_deref() == Some(a.id.as_str())),
            "{}: a user of another organisation leaked",
            t.label
        );
    }
}

#[tokio::test]
async fn names_are_unique_and_deletion_is_real_but_careful() {
    for t in databases().await {
        let net = st::create_network(&t.db, "Netwerk", "").await.unwrap();
        let coord = tenant_of(
            Role::NetworkCoordinator,
            NodePath {
                network: net.clone(),
                ..NodePath::default()
            },
        );
        let org = st::create_organisation(&t.db, &coord, &net, "Zorg A", "c@x.nl")
            .await
            .unwrap();
        assert!(matches!(
            st::create_organisation(&t.db, &coord, &net, "Zorg A", "c@x.nl").await,
            Err(StoreError::Conflict("conflict-organisation-name"))
        ));
        let loc = st::create_location(&t.db, &coord, &org, "De Linde", "Gulpen", "c@x.nl")
            .await
            .unwrap();
        let ward = st::create_ward(&t.db, &coord, &loc, "Zonnebloem", "c@x.nl")
            .await
            .unwrap();
        assert!(matches!(
            st::delete(&t.db, &coord, NodeKind::Location, &loc, "c@x.nl").await,
            Err(StoreError::Conflict("delete-blocked-children"))
        ));
        st::delete(&t.db, &coord, NodeKind::Ward, &ward, "c@x.nl")
            .await
            .unwrap();
        st::delete(&t.db, &coord, NodeKind::Location, &loc, "c@x.nl")
            .await
            .unwrap();
        let n: i64 = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM locations"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        assert_eq!(n, 0, "{}: location not really deleted", t.label);
        // Accounts: unique e-mail; deletion removes roles and sessions too.
        let home = NodePath {
            network: net.clone(),
            organisation: Some(org.clone()),
            ..NodePath::default()
        };
        let nu = |email: &str| NewUser {
            email: email.into(),
            display_name: "A".into(),
            password_hash: "h".into(),
            language: None,
            home: home.clone(),
        };
        let uid = accounts::create_user(&t.db, &coord, "c@x.nl", nu("a@x.nl"), Role::Coder, &home)
            .await
            .unwrap();
        assert!(matches!(
            accounts::create_user(&t.db, &coord, "c@x.nl", nu("a@x.nl"), Role::Coder, &home).await,
            Err(StoreError::Conflict("conflict-email"))
        ));
        // A role on the wrong level is refused and nothing is saved.
        assert!(matches!(
            accounts::create_user(
                &t.db,
                &coord,
                "c@x.nl",
                nu("b@x.nl"),
                Role::CareWorker,
                &home
            )
            .await,
            Err(StoreError::Conflict("error-role-level"))
        ));
        assert!(
            accounts::login_lookup(&t.db, "b@x.nl")
                .await
                .unwrap()
                .is_none()
        );
        accounts::create_session(
            &t.db,
            "hash",
            &uid,
            "csrf",
            &driehoek_storage::db_time_in_hours(1),
        )
        .await
        .unwrap();
        accounts::delete_user(&t.db, &coord, "c@x.nl", &uid)
            .await
            .unwrap();
        assert!(
            accounts::session_account(&t.db, "hash")
                .await
                .unwrap()
                .is_none()
        );
        let roles: i64 = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM role_assignments"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        assert_eq!(roles, 0, "{}", t.label);
    }
}

#[tokio::test]
async fn expired_sessions_do_not_count() {
    for t in databases().await {
        let net = st::create_network(&t.db, "N", "").await.unwrap();
        let home = NodePath {
            network: net,
            ..NodePath::default()
        };
        let u = NewUser {
            email: "c@x.nl".into(),
            display_name: "C".into(),
            password_hash: "h".into(),
            language: None,
            home: home.clone(),
        };
        let uid = accounts::create_user_unchecked(&t.db, u, Role::NetworkCoordinator, &home)
            .await
            .unwrap();
        accounts::create_session(
            &t.db,
            "old",
            &uid,
            "csrf",
            &driehoek_storage::db_time_in_hours(-1),
        )
        .await
        .unwrap();
        assert!(
            accounts::session_account(&t.db, "old")
                .await
                .unwrap()
                .is_none(),
            "{}",
            t.label
        );
    }
}
