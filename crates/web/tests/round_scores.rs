//! `GET /api/v1/rounds/{round}/scores` on SQLite and PostgreSQL: the scores of a round's triads,
//! only for users who may read the results, and for a ward's team leader only that ward.

mod support;

use axum::http::StatusCode;
use driehoek_storage::read;
use serde_json::Value;
use support::{COORDINATOR, Client, demo_databases};

const TEAM_LEADER_A: (&str, &str) = ("teamleider.hl@demo.driehoek.nl", "demo-team-leader-2026");
const INTERVIEWER_A: (&str, &str) = ("interviewer.hl@demo.driehoek.nl", "demo-interviewer-2026");
const KEYS: [&str; 9] = [
    "agreement",
    "agreement_level",
    "family",
    "resident",
    "staff",
    "triad",
    "valence",
    "valence_label",
    "ward",
];

#[tokio::test]
async fn round_scores_for_those_who_read_results() {
    for t in demo_databases().await {
        let (round, triads): (String, i64) = read!(&t.db, |c| sqlx::query_as(
            "SELECT r.id, CAST(COUNT(t.id) AS BIGINT) FROM rounds r JOIN organisations o ON o.id = r.organisation_id
             JOIN triads t ON t.round_id = r.id
             WHERE o.name = 'Zorggroep Heuvelland' AND r.name = 'Voorjaar 2025' GROUP BY r.id"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        let path = format!("/api/v1/rounds/{round}/scores");

        let mut c = Client::new(&t.db);
        c.login(COORDINATOR.0, COORDINATOR.1).await;
        let a = c.get(&path).await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", t.label, a.body);
        let all = a.json();
        let rows = all.as_array().expect("an array");
        assert_eq!(rows.len() as i64, triads, "{}", t.label);
        for r in rows {
            let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, KEYS);
            for k in ["resident", "family", "staff", "valence", "agreement"] {
                assert!(
                    r[k].is_null() || r[k].as_u64().is_some_and(|n| n <= 100),
                    "{k}: {r}"
                );
            }
        }
        let order: Vec<(String, String)> = rows
            .iter()
            .map(|r| {
                (
                    r["ward"].as_str().unwrap().to_owned(),
                    r["triad"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "sorted by ward, then triad code");
        assert!(
            rows.iter().any(|r| r["agreement_level"].is_string()),
            "the demo round is coded"
        );
        assert_eq!(
            c.get("/api/v1/rounds/no-such-round/scores").await.status,
            StatusCode::NOT_FOUND
        );

        // A team leader on one ward gets that ward's triads only.
        let mut leader = Client::new(&t.db);
        leader.login(TEAM_LEADER_A.0, TEAM_LEADER_A.1).await;
        let a = leader.get(&path).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let own: Vec<Value> = a.json().as_array().unwrap().clone();
        assert!(
            !own.is_empty() && own.len() < rows.len(),
            "{} of {}",
            own.len(),
            rows.len()
        );
        let ward = own[0]["ward"].clone();
        assert!(own.iter().all(|r| r["ward"] == ward));
        assert!(
            own.iter().all(|r| rows.contains(r)),
            "the same figures as the coordinator's"
        );

        // An interviewer may not read results: the round is not there for them.
        let mut interviewer = Client::new(&t.db);
        interviewer.login(INTERVIEWER_A.0, INTERVIEWER_A.1).await;
        assert_eq!(
            interviewer.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{}",
            t.label
        );
    }
}
