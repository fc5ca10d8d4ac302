//! `driehoek assign-interviewer` on SQLite and PostgreSQL: the cross-organisation rule holds on
//! the command line too (the same storage function as the pages and the API).

use driehoek_storage::read;
use driehoek_storage::testing::{postgres, sqlite};
use std::process::{Command, Output};

fn driehoek(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_driehoek"))
        .args(args)
        .env_remove("DRIEHOEK_DATABASE_URL")
        .env("DRIEHOEK_LOG", "error")
        .output()
        .expect("the binary runs")
}

#[tokio::test]
async fn assign_interviewer_refuses_the_own_employer() {
    let mut dbs = vec![sqlite().await];
    dbs.extend(postgres().await);
    for t in dbs {
        let demo = driehoek(&["--database-url", &t.url, "demo"]);
        assert!(
            demo.status.success(),
            "{}: {}",
            t.label,
            String::from_utf8_lossy(&demo.stderr)
        );
        let conversation: String = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT c.id FROM conversations c JOIN triads t ON t.id = c.triad_id JOIN rounds r ON r.id = t.round_id
             JOIN organisations o ON o.id = r.organisation_id
             WHERE o.name = 'Zorggroep Heuvelland' AND r.status = 'collecting' AND c.status = 'unscheduled'
             ORDER BY t.code LIMIT 1"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        let own = driehoek(&[
            "--database-url",
            &t.url,
            "assign-interviewer",
            "--conversation",
            &conversation,
            "--interviewer",
            "interviewer.hl@demo.driehoek.nl",
        ]);
        assert!(!own.status.success(), "{}: own employer accepted", t.label);
        let err = String::from_utf8_lossy(&own.stderr);
        assert!(
            err.contains(
                "Een interviewer voert nooit gesprekken in een huis van de eigen werkgever"
            ),
            "{err}"
        );
        let other = driehoek(&[
            "--database-url",
            &t.url,
            "assign-interviewer",
            "--conversation",
            &conversation,
            "--interviewer",
            "interviewer.po@demo.driehoek.nl",
        ]);
        assert!(
            other.status.success(),
            "{}: {}",
            t.label,
            String::from_utf8_lossy(&other.stderr)
        );
        let assigned: Option<String> = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT u.email FROM conversations c JOIN users u ON u.id = c.interviewer_id WHERE c.id = $1"
        )
        .bind(&conversation)
        .fetch_optional(c)
        .await)
        .unwrap();
        assert_eq!(assigned.as_deref(), Some("interviewer.po@demo.driehoek.nl"));
        let unknown = driehoek(&[
            "--database-url",
            &t.url,
            "assign-interviewer",
            "--conversation",
            "nope",
            "--interviewer",
            "interviewer.po@demo.driehoek.nl",
        ]);
        assert!(String::from_utf8_lossy(&unknown.stderr).contains("--conversation"));
    }
}
