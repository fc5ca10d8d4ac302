//! `import-coded` and the scores of a round, each on SQLite and PostgreSQL.

use driehoek_domain::access::{Grant, NodePath, Role, Tenant};
use driehoek_domain::scores::{AgreementLevel, ValenceLabel};
use driehoek_storage::import::{self, ImportError, ImportReport};
use driehoek_storage::rounds::{self, TriadScoreRow};
use driehoek_storage::testing::databases;
use driehoek_storage::{Db, StoreError, read};
use std::fmt::Write;

const HEADER: &str = "organisation,location,ward,round,triad,role,fragment,valence,themes";

/// `n` rows of one conversation with the given valence.
fn rows(
    out: &mut String,
    (org, ward, triad): (&str, &str, &str),
    role: &str,
    valence: &str,
    n: usize,
    themes: &str,
) {
    for i in 0..n {
        writeln!(out, "{org},Huis A,{ward},Voorjaar,{triad},{role},\"{role} zegt, {valence} {i}\",{valence},{themes}").unwrap();
    }
}

/// A file with hand-computed scores:
/// - T01 (Noord): the worked example of method.md: R 54/46, F 69/31, C 80/20 → 54, 69, 80;
///   valence 203/300 = 67.7 → 68 quite positive; agreement 14 very low.
/// - T02 (Zuid): resident 3 pos + 1 neg + 2 none = 4 coded → n/a; family 5/0 → 100; staff 2/3 → 40;
///   no valence, no agreement.
/// - T03 (Noord): no resident conversation; family 4/1 → 80, staff 1/4 → 20; valence 5/10 = 50
///   quite negative; no agreement.
/// - X1 (Aa, another organisation, same round name): staff 5/0 → valence 100 very positive.
fn example_csv() -> String {
    let mut s = format!("{HEADER}\n");
    let o = "Zorggroep Een";
    rows(
        &mut s,
        (o, "Noord", "T01"),
        "resident",
        "positive",
        54,
        "Safety|veiligheid|Nieuw thema",
    );
    rows(&mut s, (o, "Noord", "T01"), "resident", "negative", 46, "");
    rows(
        &mut s,
        (o, "Noord", "T01"),
        "family",
        "positive",
        69,
        "Food and drink",
    );
    rows(&mut s, (o, "Noord", "T01"), "family", "negative", 31, "");
    rows(&mut s, (o, "Noord", "T01"), "staff", "positive", 80, "");
    rows(&mut s, (o, "Noord", "T01"), "staff", "negative", 20, "");
    rows(&mut s, (o, "Zuid", "T02"), "resident", "positive", 3, "");
    rows(&mut s, (o, "Zuid", "T02"), "resident", "negative", 1, "");
    rows(&mut s, (o, "Zuid", "T02"), "resident", "none", 2, "");
    rows(&mut s, (o, "Zuid", "T02"), "family", "positive", 5, "");
    rows(&mut s, (o, "Zuid", "T02"), "staff", "positive", 2, "");
    rows(&mut s, (o, "Zuid", "T02"), "staff", "negative", 3, "");
    rows(&mut s, (o, "Noord", "T03"), "family", "positive", 4, "");
    rows(&mut s, (o, "Noord", "T03"), "family", "negative", 1, "");
    rows(&mut s, (o, "Noord", "T03"), "staff", "positive", 1, "");
    rows(
        &mut s,
        (o, "Noord", "T03"),
        "staff",
        "negative",
        4,
        "nieuw THEMA",
    );
    rows(
        &mut s,
        ("Zorggroep Twee", "Aa", "X1"),
        "staff",
        "positive",
        5,
        "",
    );
    s
}

const EXAMPLE_ROWS: usize = 54 + 46 + 69 + 31 + 80 + 20 + 6 + 5 + 5 + 5 + 5 + 5;

fn row(
    triad: &str,
    ward: &str,
    resident: Option<u32>,
    family: Option<u32>,
    staff: Option<u32>,
    valence: Option<(u32, ValenceLabel)>,
    agreement: Option<(u32, AgreementLevel)>,
) -> TriadScoreRow {
    TriadScoreRow {
        triad: triad.into(),
        ward: ward.into(),
        resident,
        family,
        staff,
        valence: valence.map(|v| v.0),
        valence_label: valence.map(|v| v.1),
        agreement: agreement.map(|a| a.0),
        agreement_level: agreement.map(|a| a.1),
    }
}

fn expected_scores() -> Vec<TriadScoreRow> {
    vec![
        row(
            "X1",
            "Aa",
            None,
            None,
            Some(100),
            Some((100, ValenceLabel::VeryPositive)),
            None,
        ),
        row(
            "T01",
            "Noord",
            Some(54),
            Some(69),
            Some(80),
            Some((68, ValenceLabel::QuitePositive)),
            Some((14, AgreementLevel::VeryLow)),
        ),
        row(
            "T03",
            "Noord",
            None,
            Some(80),
            Some(20),
            Some((50, ValenceLabel::QuiteNegative)),
            None,
        ),
        row("T02", "Zuid", None, Some(100), Some(40), None, None),
    ]
}

async fn count(db: &Db, table: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
    read!(db, |c| sqlx::query_scalar(sql).fetch_one(c).await).unwrap()
}

async fn import_str(
    db: &Db,
    csv: &str,
    network: Option<&str>,
) -> Result<ImportReport, ImportError> {
    let file = import::read_csv(csv.as_bytes())?;
    import::import(db, &file, network, "test.csv").await
}

#[tokio::test]
async fn imported_file_scores_as_computed_by_hand() {
    for t in databases().await {
        let report = import_str(&t.db, &example_csv(), None).await.unwrap();
        assert_eq!(report.network, "Import", "{}", t.label);
        assert!(report.network_created);
        assert_eq!(report.rows, EXAMPLE_ROWS);
        assert_eq!(
            (
                report.organisations,
                report.locations,
                report.wards,
                report.rounds,
                report.triads
            ),
            (2, 2, 3, 2, 4)
        );
        assert_eq!(report.conversations, 9);
        assert_eq!(count(&t.db, "fragments").await, EXAMPLE_ROWS as i64);

        let scores = rounds::scores_by_round_name(&t.db, "Voorjaar")
            .await
            .unwrap();
        assert_eq!(scores, expected_scores(), "{}", t.label);
        assert!(matches!(
            rounds::scores_by_round_name(&t.db, "Najaar").await,
            Err(StoreError::NotFound)
        ));

        // Rounds are closed, start today and use the default theme set; conversations are coded.
        let (status, set_key): (String, String) = read!(&t.db, |c| sqlx::query_as(
            "SELECT r.status, s.key FROM rounds r JOIN theme_sets s ON s.id = r.theme_set_id LIMIT 1"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        assert_eq!(
            (status.as_str(), set_key.as_str()),
            ("closed", "driehoek_default")
        );
        let statuses: Vec<String> = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT DISTINCT status FROM conversations"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        assert_eq!(statuses, ["coded"]);
        let without_resident: Vec<String> = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT code FROM triads WHERE resident_takes_part = FALSE ORDER BY code"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        assert_eq!(without_resident, ["T03", "X1"]);

        // "none" is stored as no valence, as the coding screens do; every fragment is coded.
        let unvalued: i64 = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM fragments WHERE valence IS NULL"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        assert_eq!(unvalued, 2);
        let uncoded: i64 = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM fragments WHERE coded_at IS NULL"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        assert_eq!(uncoded, 0);

        // Fragments keep the file's order within their conversation.
        let texts: Vec<String> = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT f.text FROM fragments f JOIN conversations c ON c.id = f.conversation_id JOIN triads t ON t.id = c.triad_id
             WHERE t.code = 'T01' AND c.perspective = 'resident' ORDER BY f.position"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        assert_eq!(texts.len(), 100);
        assert_eq!(texts[0], "resident zegt, positive 0");
        assert_eq!(texts[53], "resident zegt, positive 53");
        assert_eq!(texts[54], "resident zegt, negative 0");

        // "Safety" and "veiligheid" are one theme of the default set; "Food and drink" is found
        // by its English name; "Nieuw thema" (in any case) lands in the import's own theme set.
        assert_eq!(report.new_themes, ["Nieuw thema"]);
        let key = report.theme_set.clone().expect("an import theme set");
        assert!(key.starts_with("import_") && key.ends_with("_1"), "{key}");
        let (set_name, network_name): (String, String) = read!(&t.db, |c| sqlx::query_as(
            "SELECT s.name_en, n.name FROM theme_sets s JOIN networks n ON n.id = s.network_id WHERE s.key = $1"
        )
        .bind(&key)
        .fetch_one(c)
        .await)
        .unwrap();
        assert_eq!(
            (set_name.as_str(), network_name.as_str()),
            ("Import test.csv", "Import")
        );
        let linked: Vec<(String, i64)> = read!(&t.db, |c| sqlx::query_as(
            "SELECT th.key, CAST(COUNT(*) AS BIGINT) FROM fragment_themes ft JOIN themes th ON th.id = ft.theme_id GROUP BY th.key ORDER BY th.key"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        assert_eq!(
            linked,
            [
                ("food_drink".to_string(), 69),
                ("nieuw_thema".to_string(), 54 + 4),
                ("safety".to_string(), 54)
            ],
            "{}",
            t.label
        );
        assert_eq!(report.fragment_themes, 69 + 58 + 54);
    }
}

#[tokio::test]
async fn one_bad_row_imports_nothing_and_names_its_line() {
    for t in databases().await {
        import_str(&t.db, &example_csv(), None).await.unwrap();
        let before = (
            count(&t.db, "fragments").await,
            count(&t.db, "organisations").await,
            count(&t.db, "triads").await,
        );
        let mut csv = format!("{HEADER}\n");
        rows(
            &mut csv,
            ("Nieuwe Groep", "Oost", "N1"),
            "resident",
            "positive",
            15,
            "",
        );
        csv.push_str("Nieuwe Groep,Huis A,Oost,Voorjaar,N1,nurse,tekst,positive,\n"); // line 17
        rows(
            &mut csv,
            ("Nieuwe Groep", "Oost", "N1"),
            "staff",
            "positive",
            10,
            "",
        );
        let err = import_str(&t.db, &csv, None).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 17: role \"nurse\" is not one of resident, family, staff",
            "{}",
            t.label
        );
        let after = (
            count(&t.db, "fragments").await,
            count(&t.db, "organisations").await,
            count(&t.db, "triads").await,
        );
        assert_eq!(before, after, "{}", t.label);

        // Several problems are all listed; a quoted fragment spanning lines keeps the numbering.
        let csv = format!(
            "{HEADER}\nA,B,C,R,T,staff,\"twee\nregels\",positive,\nA,B,C,R,T,staff,x,good,\nA,,C,R,T,staff,x,none,\n"
        );
        let err = import_str(&t.db, &csv, None).await.unwrap_err().to_string();
        assert_eq!(
            err,
            "line 4: valence \"good\" is not one of positive, negative, none\nline 5: location is empty"
        );

        // A triad that exists on another ward: caught in the database step, still all or nothing.
        let mut csv = format!("{HEADER}\n");
        rows(
            &mut csv,
            ("Zorggroep Een", "Oost", "N2"),
            "staff",
            "positive",
            3,
            "",
        );
        rows(
            &mut csv,
            ("Zorggroep Een", "Zuid", "T01"),
            "staff",
            "positive",
            3,
            "",
        );
        let err = import_str(&t.db, &csv, None).await.unwrap_err().to_string();
        assert!(err.starts_with("line 5: triad \"T01\" of round \"Voorjaar\" exists already on ward \"Noord\" of location \"Huis A\""), "{err}");
        let after = (
            count(&t.db, "fragments").await,
            count(&t.db, "organisations").await,
            count(&t.db, "triads").await,
        );
        assert_eq!(before, after, "{}", t.label);
        assert_eq!(
            count(&t.db, "wards").await,
            3,
            "the new ward Oost was rolled back"
        );

        // Header and empty files.
        let err = import_str(&t.db, "org,loc\nA,B\n", None)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("line 1: the header must be exactly organisation,location,ward,round,triad,role,fragment,valence,themes"), "{err}");
        let err = import_str(&t.db, "", None).await.unwrap_err().to_string();
        assert!(err.starts_with("line 1: the file is empty"), "{err}");
        let err = import_str(&t.db, &format!("{HEADER}\n"), None)
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(err, "line 2: the file has a header but no rows");
    }
}

#[tokio::test]
async fn importing_twice_appends() {
    for t in databases().await {
        let first = import_str(&t.db, &example_csv(), None).await.unwrap();
        let second = import_str(&t.db, &example_csv(), None).await.unwrap();
        assert!(!second.network_created);
        assert_eq!(
            (
                second.organisations,
                second.locations,
                second.wards,
                second.rounds,
                second.triads,
                second.conversations
            ),
            (0, 0, 0, 0, 0, 0)
        );
        assert_eq!(
            count(&t.db, "fragments").await,
            2 * EXAMPLE_ROWS as i64,
            "{}",
            t.label
        );
        assert_eq!(count(&t.db, "triads").await, 4);
        let max: i64 = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT MAX(f.position) FROM fragments f JOIN conversations c ON c.id = f.conversation_id JOIN triads t ON t.id = c.triad_id
             WHERE t.code = 'T01' AND c.perspective = 'resident'"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        assert_eq!(max, 199, "positions continue after the first import's");
        // Doubled tallies: the same percentages, except that T02's resident now has 8 coded
        // fragments (6/2 → 75): valence 20/28 = 71.4 → 71; differences R–F 25, R–C 35, F–C 60,
        // family vs care worker disagree most → quite high, 75 − 25 = 50.
        let mut expected = expected_scores();
        expected[3] = row(
            "T02",
            "Zuid",
            Some(75),
            Some(100),
            Some(40),
            Some((71, ValenceLabel::QuitePositive)),
            Some((50, AgreementLevel::QuiteHigh)),
        );
        assert_eq!(
            rounds::scores_by_round_name(&t.db, "Voorjaar")
                .await
                .unwrap(),
            expected
        );
        // Each import with unknown themes gets its own theme set.
        let (a, b) = (first.theme_set.unwrap(), second.theme_set.unwrap());
        assert!(
            a.ends_with("_1") && b.ends_with("_2") && a[..a.len() - 1] == b[..b.len() - 1],
            "{a} {b}"
        );
    }
}

#[tokio::test]
async fn semicolons_bom_and_network_choice() {
    for t in databases().await {
        let csv = format!(
            "\u{feff}{}\nO;L;W;R;T1;Staff;\"a; b\";Positive;\n",
            HEADER.replace(',', ";")
        );
        let file = import::read_csv(csv.as_bytes()).unwrap();
        assert_eq!(file.rows(), 1);
        assert_eq!(file.fragments[0].text, "a; b");
        // A named network is created when it does not exist yet; without a name the only one
        // is used.
        let report = import::import(&t.db, &file, Some("Elders"), "x.csv")
            .await
            .unwrap();
        assert_eq!(
            (report.network.as_str(), report.network_created),
            ("Elders", true)
        );
        let report = import::import(&t.db, &file, None, "x.csv").await.unwrap();
        assert_eq!(
            (
                report.network.as_str(),
                report.network_created,
                report.triads
            ),
            ("Elders", false, 0)
        );
        driehoek_storage::structure::create_network(&t.db, "Tweede", "")
            .await
            .unwrap();
        let err = import::import(&t.db, &file, None, "x.csv")
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("choose one with --network") && err.contains("\"Tweede\""),
            "{err}"
        );
        let report = import::import(&t.db, &file, Some("Tweede"), "x.csv")
            .await
            .unwrap();
        assert_eq!(
            (report.network.as_str(), report.organisations),
            ("Tweede", 1)
        );
        // The round name exists in both networks: the admin scores list both triads.
        assert_eq!(
            rounds::scores_by_round_name(&t.db, "R")
                .await
                .unwrap()
                .len(),
            2,
            "{}",
            t.label
        );
    }
}

fn tenant(role: Role, path: NodePath) -> Tenant {
    Tenant {
        user_id: "someone".into(),
        grants: vec![Grant { role, path }],
    }
}

#[tokio::test]
async fn round_scores_follow_the_tenant() {
    for t in databases().await {
        import_str(&t.db, &example_csv(), None).await.unwrap();
        let (network, org, round): (String, String, String) = read!(&t.db, |c| sqlx::query_as(
            "SELECT o.network_id, o.id, r.id FROM rounds r JOIN organisations o ON o.id = r.organisation_id WHERE o.name = 'Zorggroep Een'"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        let (location, noord): (String, String) = read!(&t.db, |c| sqlx::query_as(
            "SELECT location_id, id FROM wards WHERE name = 'Noord'"
        )
        .fetch_one(c)
        .await)
        .unwrap();
        let net = NodePath {
            network: network.clone(),
            ..NodePath::default()
        };
        let org_path = NodePath {
            organisation: Some(org.clone()),
            ..net.clone()
        };
        let ward_path = NodePath {
            location: Some(location),
            ward: Some(noord),
            ..org_path.clone()
        };

        let all = rounds::round_scores(
            &t.db,
            &tenant(Role::NetworkCoordinator, net.clone()),
            &round,
        )
        .await
        .unwrap();
        assert_eq!(
            all,
            expected_scores()[1..].to_vec(),
            "{}: one organisation's round",
            t.label
        );
        let officer = rounds::round_scores(
            &t.db,
            &tenant(Role::QualityOfficer, org_path.clone()),
            &round,
        )
        .await
        .unwrap();
        assert_eq!(officer, all);
        let leader =
            rounds::round_scores(&t.db, &tenant(Role::TeamLeader, ward_path.clone()), &round)
                .await
                .unwrap();
        let codes: Vec<&str> = leader.iter().map(|r| r.triad.as_str()).collect();
        assert_eq!(
            codes,
            ["T01", "T03"],
            "a ward's team leader sees that ward's triads"
        );

        let nope =
            |r: Result<Vec<TriadScoreRow>, StoreError>| matches!(r, Err(StoreError::NotFound));
        assert!(
            nope(
                rounds::round_scores(&t.db, &tenant(Role::Interviewer, org_path.clone()), &round)
                    .await
            ),
            "interviewers read no results"
        );
        let other_org = NodePath {
            organisation: Some("elsewhere".into()),
            ..net.clone()
        };
        assert!(nope(
            rounds::round_scores(&t.db, &tenant(Role::QualityOfficer, other_org), &round).await
        ));
        let other_net = NodePath {
            network: "other".into(),
            ..NodePath::default()
        };
        assert!(nope(
            rounds::round_scores(&t.db, &tenant(Role::NetworkCoordinator, other_net), &round).await
        ));
        assert!(nope(
            rounds::round_scores(
                &t.db,
                &tenant(Role::NetworkCoordinator, net),
                "no-such-round"
            )
            .await
        ));
    }
}
