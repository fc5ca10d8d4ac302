//! Coding, scores, the triad plot and the ward report, over HTTP on SQLite and PostgreSQL.

mod support;

use axum::http::StatusCode;
use driehoek_storage::{Db, read, write};
use support::{Client, demo_databases};

const TEAM_LEADER: (&str, &str) = ("teamleider.hl@demo.driehoek.nl", "demo-team-leader-2026");
const QO: (&str, &str) = ("kwaliteit.hl@demo.driehoek.nl", "demo-quality-officer-2026");
const INTERVIEWER: (&str, &str) = ("interviewer.hl@demo.driehoek.nl", "demo-interviewer-2026");
const STUDENT: (&str, &str) = ("student.hl@demo.driehoek.nl", "demo-student-2026");

async fn one(db: &Db, sql: &'static str, bind: &str) -> String {
    read!(db, |c| sqlx::query_scalar::<_, String>(sql)
        .bind(bind)
        .fetch_one(c)
        .await)
    .unwrap()
}

async fn count(db: &Db, sql: &'static str, a: &str, b: &str) -> i64 {
    read!(db, |c| sqlx::query_scalar::<_, i64>(sql)
        .bind(a)
        .bind(b)
        .fetch_one(c)
        .await)
    .unwrap()
}

/// The team leader's ward and its rounds (finished 2025, current 2026).
async fn team_leader_ward(db: &Db) -> (String, String, String) {
    let ward = one(
        db,
        "SELECT ra.ward_id FROM role_assignments ra JOIN users u ON u.id = ra.user_id WHERE u.email = $1",
        TEAM_LEADER.0,
    )
    .await;
    let org = one(
        db,
        "SELECT l.organisation_id FROM wards w JOIN locations l ON l.id = w.location_id WHERE w.id = $1",
        &ward,
    )
    .await;
    let r2025 = read!(db, |c| sqlx::query_scalar::<_, String>(
        "SELECT id FROM rounds WHERE organisation_id = $1 AND name = 'Voorjaar 2025'"
    )
    .bind(&org)
    .fetch_one(c)
    .await)
    .unwrap();
    let r2026 = read!(db, |c| sqlx::query_scalar::<_, String>(
        "SELECT id FROM rounds WHERE organisation_id = $1 AND name = 'Voorjaar 2026'"
    )
    .bind(&org)
    .fetch_one(c)
    .await)
    .unwrap();
    (ward, r2025, r2026)
}

async fn set_min_group_size(db: &Db, ward: &str, min: i64) {
    driehoek_storage::write!(db, |c| sqlx::query(
        "UPDATE networks SET min_group_size = $1 WHERE id = (SELECT o.network_id FROM wards w JOIN locations l ON l.id = w.location_id JOIN organisations o ON o.id = l.organisation_id WHERE w.id = $2)"
    )
    .bind(min)
    .bind(ward)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
}

#[tokio::test]
async fn team_leader_reads_the_ward_report_with_plot_table_and_quotes() {
    for t in demo_databases().await {
        let (ward, r2025, _) = team_leader_ward(&t.db).await;
        let mut c = Client::new(&t.db);
        c.login(TEAM_LEADER.0, TEAM_LEADER.1).await;
        let page = c.get(&format!("/wards/{ward}")).await;
        let report_url = format!("/wards/{ward}/rounds/{r2025}/report");
        assert!(
            page.body.contains(&report_url),
            "{}: the ward page links the report",
            t.label
        );
        let a = c.get(&report_url).await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", t.label, a.body);
        let b = &a.body;
        // The plot with its labelled quadrants and one focusable link per scored triad.
        assert!(b.contains("<svg class=\"triad-plot\""), "{}", t.label);
        for q in [
            "Eens: het gaat goed",
            "Eens: het gaat niet goed",
            "Oneens, overwegend positief",
            "Oneens, overwegend negatief",
        ] {
            assert!(b.contains(q), "{}: quadrant {q}", t.label);
        }
        let points = b.matches("<a class=\"point\"").count();
        let rows = b.matches("<tr id=\"triad-").count();
        assert!(points >= 5, "{}: {points} points", t.label);
        assert_eq!(
            points, rows,
            "{}: the data table lists every point",
            t.label
        );
        assert!(b.contains("<caption id=\"plot-table-caption\">"));
        assert!(b.contains("scope=\"col\""));
        // Per theme: counts, quotes that link to their fragment, comparison (none before 2025).
        assert!(b.contains("Wat gaat goed") && b.contains("Wat kan beter"));
        assert!(b.contains("<blockquote>"), "{}: quotes shown", t.label);
        assert!(b.contains("Er is geen eerdere ronde"));
        // The positive count of food & drink from family matches the fragments in the database.
        let food_family_pos = count(
            &t.db,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM fragments f JOIN conversations c ON c.id = f.conversation_id
             JOIN triads t ON t.id = c.triad_id JOIN fragment_themes ft ON ft.fragment_id = f.id
             JOIN themes th ON th.id = ft.theme_id
             WHERE t.ward_id = $1 AND t.round_id = $2 AND c.perspective = 'family' AND f.valence = 'positive' AND th.key = 'food_drink'",
            &ward,
            &r2025,
        )
        .await;
        let food = &b[b.find("id=\"theme-food_drink\"").expect("food theme")..];
        let family_row = &food[food.find("<th scope=\"row\">Naaste</th>").unwrap()..];
        assert!(
            family_row.starts_with(&format!(
                "<th scope=\"row\">Naaste</th>\n        \n        <td>{food_family_pos}</td>"
            )) || family_row.contains("te weinig"),
            "{}: family positive on food: {food_family_pos} expected in {}",
            t.label,
            &family_row[..200]
        );

        // A point opens the triad's fragments; a quote's link lands on its fragment there.
        let start =
            b.find("<a class=\"point\" href=\"").unwrap() + "<a class=\"point\" href=\"".len();
        let href = &b[start..start + b[start..].find('"').unwrap()];
        let triad = c.get(href).await;
        assert_eq!(triad.status, StatusCode::OK, "{}", t.label);
        assert!(triad.body.contains("<li id=\"fragment-"));
        assert!(triad.body.contains("Zorgmedewerker"));
        let q = b.find("<blockquote>").unwrap();
        let qh = b[q..].find("<a href=\"").unwrap() + q + "<a href=\"".len();
        let quote_href = &b[qh..qh + b[qh..].find('"').unwrap()];
        let (page, anchor) = quote_href.split_once('#').unwrap();
        let tp = c.get(page).await;
        assert!(tp.body.contains(&format!("id=\"{anchor}\"")), "{}", t.label);

        // The next round's report compares with 2025.
        let (_, _, r2026) = team_leader_ward(&t.db).await;
        let now = c.get(&format!("/wards/{ward}/rounds/{r2026}/report")).await;
        assert_eq!(now.status, StatusCode::OK);
        assert!(
            now.body.contains("Voorjaar 2025 en nu"),
            "{}: comparison with the previous round",
            t.label
        );
        assert!(now.body.contains("Te weinig triades voor een plot"));
    }
}

#[tokio::test]
async fn small_groups_are_suppressed_in_plot_cells_quotes_and_triad_pages() {
    for t in demo_databases().await {
        let (ward, r2025, _) = team_leader_ward(&t.db).await;
        set_min_group_size(&t.db, &ward, 13).await;
        let mut c = Client::new(&t.db);
        c.login(QO.0, QO.1).await;
        let a = c.get(&format!("/wards/{ward}/rounds/{r2025}/report")).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(!a.body.contains("<svg class=\"triad-plot\""), "{}", t.label);
        assert!(a.body.contains("Te weinig triades voor een plot"));
        assert!(!a.body.contains("<blockquote>"), "{}: no quotes", t.label);
        assert!(
            !a.body.contains("<tr id=\"triad-"),
            "{}: no data table",
            t.label
        );
        assert!(a.body.contains("te weinig"));
        let triad = one(
            &t.db,
            "SELECT id FROM triads WHERE round_id = $1 ORDER BY code LIMIT 1",
            &r2025,
        )
        .await;
        let tp = c.get(&format!("/triads/{triad}/fragments")).await;
        assert_eq!(tp.status, StatusCode::OK);
        assert!(!tp.body.contains("id=\"fragment-"), "{}", t.label);

        // At the default minimum everything comes back.
        set_min_group_size(&t.db, &ward, 5).await;
        let a = c.get(&format!("/wards/{ward}/rounds/{r2025}/report")).await;
        assert!(a.body.contains("<svg class=\"triad-plot\""), "{}", t.label);
        // English.
        c.post("/language", &[("language", "en"), ("back", "/")])
            .await;
        let a = c.get(&format!("/wards/{ward}/rounds/{r2025}/report")).await;
        assert!(a.body.contains("Agree it goes well") && a.body.contains("What goes well"));
    }
}

#[tokio::test]
async fn interviewers_and_students_do_not_reach_reports() {
    for t in demo_databases().await {
        let (ward, r2025, _) = team_leader_ward(&t.db).await;
        let triad = one(
            &t.db,
            "SELECT id FROM triads WHERE round_id = $1 ORDER BY code LIMIT 1",
            &r2025,
        )
        .await;
        for who in [INTERVIEWER, STUDENT] {
            let mut c = Client::new(&t.db);
            c.login(who.0, who.1).await;
            let a = c.get(&format!("/wards/{ward}/rounds/{r2025}/report")).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{} {}", t.label, who.0);
            let a = c.get(&format!("/triads/{triad}/fragments")).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{} {}", t.label, who.0);
        }
    }
}

const CODER: (&str, &str) = ("codeur@demo.driehoek.nl", "demo-coder-2026");

/// A coded demo conversation (family) of the team leader's ward in the finished round.
async fn family_conversation(db: &Db, ward: &str, round: &str) -> String {
    read!(db, |c| sqlx::query_scalar::<_, String>(
        "SELECT c.id FROM conversations c JOIN triads t ON t.id = c.triad_id
         WHERE t.ward_id = $1 AND t.round_id = $2 AND c.perspective = 'family' ORDER BY t.code LIMIT 1"
    )
    .bind(ward)
    .bind(round)
    .fetch_one(c)
    .await)
    .unwrap()
}

async fn fragment_ids(db: &Db, conversation: &str) -> Vec<(String, String)> {
    read!(db, |c| sqlx::query_as::<_, (String, String)>(
        "SELECT id, text FROM fragments WHERE conversation_id = $1 ORDER BY position"
    )
    .bind(conversation)
    .fetch_all(c)
    .await)
    .unwrap()
}

async fn scalar(db: &Db, sql: &'static str, bind: &str) -> i64 {
    read!(db, |c| sqlx::query_scalar::<_, i64>(sql)
        .bind(bind)
        .fetch_one(c)
        .await)
    .unwrap()
}

#[tokio::test]
async fn a_coder_codes_merges_and_splits_fragments_with_forms_and_the_api() {
    for t in demo_databases().await {
        let (ward, r2025, _) = team_leader_ward(&t.db).await;
        let conv = family_conversation(&t.db, &ward, &r2025).await;
        let mut c = Client::new(&t.db);
        c.login(CODER.0, CODER.1).await;

        // The round's coding list shows progress and links the conversation.
        let list = c.get(&format!("/wards/{ward}/rounds/{r2025}/coding")).await;
        assert_eq!(list.status, StatusCode::OK, "{}: {}", t.label, list.body);
        assert!(list.body.contains(&format!("/conversations/{conv}/coding")));
        assert!(list.body.contains("fragmenten gecodeerd"));

        let reads = "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'transcript-read' AND actor_email = $1";
        let before = scalar(&t.db, reads, CODER.0).await;
        let page = c.get(&format!("/conversations/{conv}/coding")).await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", t.label, page.body);
        assert_eq!(
            scalar(&t.db, reads, CODER.0).await,
            before + 1,
            "{}: the read is audited",
            t.label
        );
        assert!(page.body.contains("<script src=\"/assets/coding.js\""));
        assert!(page.body.contains("<kbd>j</kbd>"));
        let frags = fragment_ids(&t.db, &conv).await;
        let total = frags.len();
        assert!(
            page.body
                .contains(&format!("{total} van {total} fragmenten gecodeerd")),
            "{}",
            t.label
        );
        assert!(
            page.body
                .contains(&format!("id=\"fragment-{}\"", frags[0].0))
        );

        // A form post codes a fragment and returns to it.
        let (f0, _) = &frags[0];
        let a = c
            .post(
                &format!("/fragments/{f0}/code"),
                &[
                    ("valence", "negative"),
                    ("theme-food_drink", "on"),
                    ("theme-safety", "on"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);
        assert_eq!(
            a.location(),
            format!("/conversations/{conv}/coding#fragment-{f0}")
        );
        let themes = scalar(
            &t.db,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM fragment_themes WHERE fragment_id = $1",
            f0,
        )
        .await;
        assert_eq!(themes, 2);
        let v: Option<String> = read!(&t.db, |x| sqlx::query_scalar(
            "SELECT valence FROM fragments WHERE id = $1"
        )
        .bind(f0)
        .fetch_one(x)
        .await)
        .unwrap();
        assert_eq!(v.as_deref(), Some("negative"));

        // Bad input names its field; nothing changes.
        let bad = c
            .post(&format!("/fragments/{f0}/code"), &[("valence", "great")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Valentie"), "{}", t.label);

        // The JSON API, as coding.js uses it.
        let (f1, _) = &frags[1];
        let a = c
            .json(
                axum::http::Method::PUT,
                &format!("/api/v1/fragments/{f1}"),
                serde_json::json!({"valence": "positive", "themes": ["care_health"]}),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", t.label, a.body);
        let j = a.json();
        assert_eq!(j["valence"], "positive");
        assert_eq!(j["themes"], serde_json::json!(["care_health"]));
        assert_eq!(j["progress"]["total"], total);
        let a = c
            .json(
                axum::http::Method::PUT,
                &format!("/api/v1/fragments/{f1}"),
                serde_json::json!({"valence": "positive", "themes": ["no_such_theme"]}),
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(a.json()["errors"][0]["field"], "themes");
        let a = c
            .get(&format!("/api/v1/conversations/{conv}/fragments"))
            .await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.json()["fragments"].as_array().unwrap().len(), total);

        // Merge the first two: one fragment fewer, texts joined, needs coding again.
        let a = c.post(&format!("/fragments/{f0}/merge"), &[]).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);
        let after = fragment_ids(&t.db, &conv).await;
        assert_eq!(after.len(), total - 1);
        assert_eq!(after[0].1, format!("{} {}", frags[0].1, frags[1].1));
        let status: String = read!(&t.db, |x| sqlx::query_scalar(
            "SELECT status FROM conversations WHERE id = $1"
        )
        .bind(&conv)
        .fetch_one(x)
        .await)
        .unwrap();
        assert_eq!(
            status, "checked",
            "{}: a merged fragment needs coding again",
            t.label
        );
        let page = c.get(&format!("/conversations/{conv}/coding")).await;
        assert!(
            page.body.contains(&format!(
                "{} van {} fragmenten gecodeerd",
                total - 2,
                total - 1
            )),
            "{}",
            t.label
        );

        // Split it again after its first sentence.
        let first_len = frags[0].1.chars().count();
        let a = c
            .post(
                &format!("/fragments/{f0}/split"),
                &[("at", &first_len.to_string())],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);
        let split = fragment_ids(&t.db, &conv).await;
        assert_eq!(split.len(), total);
        assert_eq!(split[0].1, frags[0].1.trim());
        assert_eq!(split[1].1, frags[1].1.trim());
        assert_eq!(
            split[2].1, frags[2].1,
            "{}: later fragments keep their order",
            t.label
        );
        let bad = c
            .post(&format!("/fragments/{f0}/split"), &[("at", "0")])
            .await;
        assert_eq!(bad.status, StatusCode::CONFLICT);

        // Coding the open fragments makes the conversation coded again.
        for (id, _) in split.iter().take(2) {
            let a = c
                .post(&format!("/fragments/{id}/code"), &[("valence", "none")])
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER);
        }
        let status: String = read!(&t.db, |x| sqlx::query_scalar(
            "SELECT status FROM conversations WHERE id = $1"
        )
        .bind(&conv)
        .fetch_one(x)
        .await)
        .unwrap();
        assert_eq!(status, "coded", "{}", t.label);
    }
}

#[tokio::test]
async fn a_checked_transcript_is_segmented_on_first_opening_and_unchecked_ones_wait() {
    for t in demo_databases().await {
        let (ward, _, r2026) = team_leader_ward(&t.db).await;
        let conv = family_conversation(&t.db, &ward, &r2026).await;
        let mut c = Client::new(&t.db);
        c.login(QO.0, QO.1).await;
        let a = c.get(&format!("/conversations/{conv}/coding")).await;
        assert_eq!(
            a.status,
            StatusCode::CONFLICT,
            "{}: not checked yet",
            t.label
        );
        driehoek_storage::write!(&t.db, |x| sqlx::query(
            "UPDATE conversations SET status = 'checked', transcript = $1 WHERE id = $2"
        )
        .bind("I: Hoe gaat het met uw moeder?\nNaaste: Goed. De verzorgenden kennen haar verhaal.\nI: En het eten?\nNaaste: Dat is vaak koud.\n")
        .bind(&conv)
        .execute(x)
        .await
        .map(|r| r.rows_affected()))
        .unwrap();
        let a = c.get(&format!("/conversations/{conv}/coding")).await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", t.label, a.body);
        let frags = fragment_ids(&t.db, &conv).await;
        let texts: Vec<&str> = frags.iter().map(|f| f.1.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Hoe gaat het met uw moeder?",
                "Goed. De verzorgenden kennen haar verhaal.",
                "En het eten?",
                "Dat is vaak koud."
            ]
        );
        assert!(
            a.body.contains("0 van 4 fragmenten gecodeerd"),
            "{}",
            t.label
        );
        // Participant fragments get a suggestion learned from the network's coded fragments,
        // with its confidence; nothing is applied.
        assert_eq!(
            a.body
                .matches("<p class=\"suggestion\">Suggestie: ")
                .count(),
            2,
            "{}",
            t.label
        );
        assert!(a.body.contains("%)"));
        let applied: i64 = scalar(
            &t.db,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM fragments WHERE conversation_id = $1 AND (valence IS NOT NULL OR coded_at IS NOT NULL)",
            &conv,
        )
        .await;
        assert_eq!(applied, 0, "{}: suggestions are never applied", t.label);
        // Opening again does not segment twice.
        c.get(&format!("/conversations/{conv}/coding")).await;
        assert_eq!(fragment_ids(&t.db, &conv).await.len(), 4);
    }
}

#[tokio::test]
async fn only_coders_and_quality_officers_code() {
    for t in demo_databases().await {
        let (ward, r2025, _) = team_leader_ward(&t.db).await;
        let conv = family_conversation(&t.db, &ward, &r2025).await;
        let frag = fragment_ids(&t.db, &conv).await.remove(0).0;
        for who in [TEAM_LEADER, INTERVIEWER, STUDENT] {
            let mut c = Client::new(&t.db);
            c.login(who.0, who.1).await;
            for path in [
                format!("/conversations/{conv}/coding"),
                format!("/api/v1/conversations/{conv}/fragments"),
                format!("/wards/{ward}/rounds/{r2025}/coding"),
            ] {
                assert_eq!(
                    c.get(&path).await.status,
                    StatusCode::NOT_FOUND,
                    "{} {} {path}",
                    t.label,
                    who.0
                );
            }
            let a = c
                .post(
                    &format!("/fragments/{frag}/code"),
                    &[("valence", "positive")],
                )
                .await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{} {}", t.label, who.0);
        }
        let mut qo = Client::new(&t.db);
        qo.login(QO.0, QO.1).await;
        assert_eq!(
            qo.get(&format!("/conversations/{conv}/coding"))
                .await
                .status,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn double_coding_blind_second_codes_kappa_and_consensus() {
    for t in demo_databases().await {
        let (ward, r2025, _) = team_leader_ward(&t.db).await;
        let conv = family_conversation(&t.db, &ward, &r2025).await;
        let mut qo = Client::new(&t.db);
        qo.login(QO.0, QO.1).await;
        let mut coder = Client::new(&t.db);
        coder.login(CODER.0, CODER.1).await;

        // Not picked while the round asks for no double coding.
        let a = coder
            .get(&format!("/conversations/{conv}/second-coding"))
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", t.label);
        // Only those who manage the organisation set the share; then every conversation is picked.
        let a = coder
            .post(
                &format!("/wards/{ward}/rounds/{r2025}/double-coding"),
                &[("percent", "100")],
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}: {}", t.label, a.body);
        let a = qo
            .post(
                &format!("/wards/{ward}/rounds/{r2025}/double-coding"),
                &[("percent", "101")],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        let a = qo
            .post(
                &format!("/wards/{ward}/rounds/{r2025}/double-coding"),
                &[("percent", "100")],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);

        // Blind: the second coder's page shows no code of the first coder.
        let a = coder
            .get(&format!("/conversations/{conv}/second-coding"))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", t.label, a.body);
        assert!(
            !a.body.contains(" checked"),
            "{}: nothing pre-filled",
            t.label
        );

        let twice: Vec<(String, Option<String>)> = read!(&t.db, |x| sqlx::query_as(
            "SELECT id, valence FROM fragments WHERE conversation_id = $1 AND valence IS NOT NULL ORDER BY position LIMIT 3"
        )
        .bind(&conv)
        .fetch_all(x)
        .await)
        .unwrap();
        let themes_of = async |id: &str| -> Vec<String> {
            read!(&t.db, |x| sqlx::query_scalar(
                "SELECT th.key FROM fragment_themes ft JOIN themes th ON th.id = ft.theme_id WHERE ft.fragment_id = $1 ORDER BY th.position"
            )
            .bind(id)
            .fetch_all(x)
            .await)
            .unwrap()
        };
        // The first two agree with the main code; the third gets the other valence.
        for (i, (id, valence)) in twice.iter().enumerate() {
            let v = valence.clone().unwrap();
            let v = if i == 2 {
                if v == "positive" {
                    "negative".to_string()
                } else {
                    "positive".to_string()
                }
            } else {
                v
            };
            let keys = themes_of(id).await;
            let mut fields: Vec<(String, String)> = vec![("valence".into(), v)];
            fields.extend(
                keys.iter()
                    .map(|k| (format!("theme-{k}"), "on".to_string())),
            );
            let f: Vec<(&str, &str)> = fields
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            let a = coder
                .post(&format!("/fragments/{id}/second-code"), &f)
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);
        }
        // Nor may they change the first coding meanwhile: a save is refused and changes nothing.
        let (id, valence) = &twice[0];
        let a = coder
            .json(
                axum::http::Method::PUT,
                &format!("/api/v1/fragments/{id}"),
                serde_json::json!({"valence": "none", "themes": []}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}: {}", t.label, a.body);
        let kept: Option<String> = read!(&t.db, |x| sqlx::query_scalar(
            "SELECT valence FROM fragments WHERE id = $1"
        )
        .bind(id)
        .fetch_one(x)
        .await)
        .unwrap();
        assert_eq!(&kept, valence, "{}", t.label);
        // Until the second coder has finished, the first coding stays hidden from them: the
        // coding page, the triad, the ward report and the exports say why instead.
        let triad = one(
            &t.db,
            "SELECT triad_id FROM conversations WHERE id = $1",
            &conv,
        )
        .await;
        for path in [
            format!("/conversations/{conv}/coding"),
            format!("/triads/{triad}/fragments"),
            format!("/wards/{ward}/rounds/{r2025}/report"),
            format!("/wards/{ward}/rounds/{r2025}/export?what=fragments&format=csv"),
        ] {
            let a = coder.get(&path).await;
            assert_eq!(a.status, StatusCode::CONFLICT, "{}: {path}", t.label);
            assert!(
                a.body.contains("blind als tweede codeur"),
                "{}: {path}: {}",
                t.label,
                a.body
            );
        }
        let a = qo.get(&format!("/conversations/{conv}/coding")).await;
        assert_eq!(a.status, StatusCode::OK, "{}: others still see it", t.label);

        let a = coder
            .get(&format!("/wards/{ward}/rounds/{r2025}/agreement"))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", t.label, a.body);
        assert!(a.body.contains("<th scope=\"row\">Valentie</th>"));
        assert!(
            a.body.contains("over 3 dubbel gecodeerde fragmenten"),
            "{}",
            t.label
        );
        let disagreeing = &twice[2].0;
        assert!(
            a.body.contains(&format!("id=\"fragment-{disagreeing}\"")),
            "{}",
            t.label
        );
        assert!(!a.body.contains(&format!("id=\"fragment-{}\"", twice[0].0)));

        // The consensus becomes the main code; kappa still compares the original codings.
        let a = qo
            .post(
                &format!("/fragments/{disagreeing}/consensus"),
                &[("valence", "none")],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);
        let v: Option<String> = read!(&t.db, |x| sqlx::query_scalar(
            "SELECT valence FROM fragments WHERE id = $1"
        )
        .bind(disagreeing)
        .fetch_one(x)
        .await)
        .unwrap();
        assert_eq!(v, None, "{}: valence none is stored as no valence", t.label);
        let a = qo
            .get(&format!("/wards/{ward}/rounds/{r2025}/agreement"))
            .await;
        assert!(
            !a.body.contains(&format!("id=\"fragment-{disagreeing}\"")),
            "{}",
            t.label
        );
        assert!(a.body.contains("(1 al besproken"), "{}", t.label);

        // Once every participant fragment has a second code, the first coding is visible again.
        let open: Vec<String> = read!(&t.db, |x| sqlx::query_scalar(
            "SELECT f.id FROM fragments f LEFT JOIN second_codes s ON s.fragment_id = f.id \
             WHERE f.conversation_id = $1 AND f.speaker = 'participant' AND s.fragment_id IS NULL"
        )
        .bind(&conv)
        .fetch_all(x)
        .await)
        .unwrap();
        for id in &open {
            let a = coder
                .post(
                    &format!("/fragments/{id}/second-code"),
                    &[("valence", "none")],
                )
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);
        }
        let a = coder.get(&format!("/conversations/{conv}/coding")).await;
        assert_eq!(a.status, StatusCode::OK, "{}: finished, not blind", t.label);

        // Whoever coded a conversation cannot be its second coder.
        let f0 = fragment_ids(&t.db, &conv).await.remove(0).0;
        qo.post(&format!("/fragments/{f0}/code"), &[("valence", "positive")])
            .await;
        let a = qo
            .get(&format!("/conversations/{conv}/second-coding"))
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", t.label);

        // Team leaders do not reach any of it.
        let mut tl = Client::new(&t.db);
        tl.login(TEAM_LEADER.0, TEAM_LEADER.1).await;
        assert_eq!(
            tl.get(&format!("/wards/{ward}/rounds/{r2025}/agreement"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            tl.get(&format!("/conversations/{conv}/second-coding"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}

const COORDINATOR: (&str, &str) = (
    "coordinator@demo.driehoek.nl",
    "demo-network-coordinator-2026",
);

#[tokio::test]
async fn theme_sets_built_in_and_a_networks_own_versioned() {
    for t in demo_databases().await {
        let network = one(
            &t.db,
            "SELECT id FROM networks WHERE id IN (SELECT network_id FROM users WHERE email = $1)",
            COORDINATOR.0,
        )
        .await;
        let mut c = Client::new(&t.db);
        c.login(COORDINATOR.0, COORDINATOR.1).await;
        let url = format!("/networks/{network}/theme-sets");
        let a = c.get(&url).await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", t.label, a.body);
        assert!(a.body.contains("Positieve Gezondheid"), "{}", t.label);
        assert!(a.body.contains("Eten en drinken"));
        assert!(
            c.get(&format!("/networks/{network}"))
                .await
                .body
                .contains(&url)
        );

        let lines = "eten; Eten en drinken; Food and drink; kitchen\n; Schoon wonen; Clean living; cleaning, facility";
        let a = c
            .post(
                &url,
                &[
                    ("name_nl", "Onze thema's"),
                    ("name_en", "Our themes"),
                    ("themes", lines),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);
        let a = c.get(&url).await;
        assert!(
            a.body.contains("Schoon wonen") && a.body.contains("schoonmaak, facilitair"),
            "{}",
            t.label
        );
        assert!(a.body.contains("versie 1"));
        // Editing makes version 2; version 1 stays.
        let a = c
            .post(
                &url,
                &[
                    ("key", "onze_thema_s"),
                    ("name_nl", "Onze thema's"),
                    ("name_en", "Our themes"),
                    ("themes", "eten; Eten; Food; kitchen"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);
        let versions: i64 = read!(&t.db, |x| sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM theme_sets WHERE network_id = $1 AND key = 'onze_thema_s'"
        )
        .bind(&network)
        .fetch_one(x)
        .await)
        .unwrap();
        assert_eq!(versions, 2, "{}", t.label);
        assert!(c.get(&url).await.body.contains("versie 2"));
        // A bad line is named; nothing is stored.
        let a = c
            .post(
                &url,
                &[
                    ("name_nl", "X"),
                    ("name_en", "X"),
                    ("themes", "a; A; A\nb; B; B; bakkerij"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(a.body.contains("regel 2"), "{}: {}", t.label, a.body);
        // A quality officer reads but does not make network sets.
        let mut qo = Client::new(&t.db);
        qo.login(QO.0, QO.1).await;
        assert_eq!(qo.get(&url).await.status, StatusCode::OK);
        let a = qo
            .post(
                &url,
                &[("name_nl", "Y"), ("name_en", "Y"), ("themes", "a; A; A")],
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", t.label);
    }
}

#[tokio::test]
async fn exports_csv_for_dutch_excel_and_xlsx_are_audited() {
    for t in demo_databases().await {
        let (ward, r2025, _) = team_leader_ward(&t.db).await;
        let conv = family_conversation(&t.db, &ward, &r2025).await;
        // A fragment that would run as a formula in a spreadsheet.
        let evil = fragment_ids(&t.db, &conv).await.remove(0).0;
        driehoek_storage::write!(&t.db, |x| sqlx::query(
            "UPDATE fragments SET text = '=HYPERLINK(\"http://x\")' WHERE id = $1"
        )
        .bind(&evil)
        .execute(x)
        .await
        .map(|r| r.rows_affected()))
        .unwrap();
        let mut c = Client::new(&t.db);
        c.login(CODER.0, CODER.1).await;
        let base = format!("/wards/{ward}/rounds/{r2025}/export");
        let exports = "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'export' AND actor_email = $1";
        let before = scalar(&t.db, exports, CODER.0).await;

        let a = c
            .get(&format!("{base}?what=fragments&format=csv&sep=semicolon"))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", t.label, a.body);
        assert!(
            a.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        assert!(a.body.starts_with('\u{feff}'), "{}: BOM", t.label);
        assert!(
            a.body
                .contains("triad;perspective;position;speaker;valence;coded;themes;text\r\n")
        );
        assert!(
            a.body.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
            "{}: formula defused",
            t.label
        );
        let lines = a.body.matches("\r\n").count();
        let fragments = count(
            &t.db,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM fragments f JOIN conversations c ON c.id = f.conversation_id JOIN triads t ON t.id = c.triad_id WHERE t.ward_id = $1 AND t.round_id = $2",
            &ward,
            &r2025,
        )
        .await;
        assert_eq!(
            lines as i64,
            fragments + 1,
            "{}: one line per fragment",
            t.label
        );

        let a = c
            .get(&format!("{base}?what=scores&format=csv&sep=semicolon"))
            .await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains(
            "triad;resident;family;staff;valence;valence_label;agreement;agreement_level"
        ));
        assert!(
            a.body
                .lines()
                .skip(1)
                .any(|l| l.split(';').nth(4).is_some_and(|v| v.contains(','))),
            "{}: decimal commas",
            t.label
        );
        let a = c.get(&format!("{base}?what=scores&format=csv")).await;
        assert!(a.body.contains("triad,resident,family"));

        let a = c.get(&format!("{base}?what=fragments&format=xlsx")).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(
            a.headers["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
        assert!(
            a.headers["content-disposition"]
                .to_str()
                .unwrap()
                .ends_with(".xlsx\"")
        );
        let a = c.get(&format!("{base}?what=passwords&format=csv")).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            scalar(&t.db, exports, CODER.0).await,
            before + 4,
            "{}: every export audited",
            t.label
        );

        let mut tl = Client::new(&t.db);
        tl.login(TEAM_LEADER.0, TEAM_LEADER.1).await;
        assert_eq!(
            tl.get(&format!("{base}?what=fragments&format=csv"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}

/// The location overview shows totals per ward, round and perspective, computed from the coded
/// fragments, only for wards whose results the user reads, and hides small groups.
#[tokio::test]
async fn location_overview_totals_only() {
    for t in demo_databases().await {
        let (ward, r2025, _) = team_leader_ward(&t.db).await;
        let location = one(&t.db, "SELECT location_id FROM wards WHERE id = $1", &ward).await;
        let ward_name = one(&t.db, "SELECT name FROM wards WHERE id = $1", &ward).await;
        let (pos, neg): (i64, i64) = read!(&t.db, |c| sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN f.valence = 'positive' THEN 1 ELSE 0 END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN f.valence = 'negative' THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM fragments f JOIN conversations c ON c.id = f.conversation_id
             JOIN triads t ON t.id = c.triad_id
             WHERE t.ward_id = $1 AND t.round_id = $2 AND c.perspective = 'family'"
        )
        .bind(&ward)
        .bind(&r2025)
        .fetch_one(c)
        .await)
        .unwrap();
        let family = driehoek_domain::scores::Percent::of(pos as u64, (pos + neg) as u64)
            .unwrap()
            .rounded();

        let mut qo = Client::new(&t.db);
        qo.login(QO.0, QO.1).await;
        let page = qo.get(&format!("/locations/{location}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", t.label);
        let body = &page.body;
        assert!(
            body.contains(&format!("/locations/{location}/quality-picture")),
            "{}: the quality officer is offered the kwaliteitsbeeld",
            t.label
        );
        let start = body.find("Overzicht van de locatie").expect("the overview");
        let table = &body[start..];
        let row_2025 = table
            .split("<tr>")
            .find(|r| r.contains(&format!("/wards/{ward}\"")) && r.contains("Voorjaar 2025"))
            .unwrap_or_else(|| panic!("{}: no 2025 row for the ward: {table}", t.label));
        let cells: Vec<&str> = row_2025
            .split("<td>")
            .skip(1)
            .map(|c| c.split("</td>").next().unwrap())
            .collect();
        assert_eq!(cells[1], "12", "{}: triads in {row_2025}", t.label);
        assert_eq!(cells[3], family.to_string(), "{}: family share", t.label);
        // Two wards of the location, two rounds each; never a triad code.
        assert_eq!(table.matches("Voorjaar 2025").count(), 2, "{}", t.label);
        assert!(
            !table.contains("T-"),
            "{}: a triad code in the overview",
            t.label
        );

        // The team leader reads only their own ward's results.
        let mut tl = Client::new(&t.db);
        tl.login(TEAM_LEADER.0, TEAM_LEADER.1).await;
        let page = tl.get(&format!("/locations/{location}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", t.label);
        assert!(page.body.contains(&ward_name));
        assert!(
            !page.body.contains("/quality-picture"),
            "{}: a single ward's team leader is not offered the location's kwaliteitsbeeld",
            t.label
        );
        assert_eq!(
            page.body.matches("Voorjaar 2025").count(),
            1,
            "{}: only the own ward",
            t.label
        );

        // Rounds with fewer triads than the network's minimum are not shown.
        write!(&t.db, |c| sqlx::query(
            "UPDATE networks SET min_group_size = 7"
        )
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
        .unwrap();
        let page = qo.get(&format!("/locations/{location}")).await;
        let table = &page.body[page.body.find("Overzicht van de locatie").unwrap()..];
        let row_2026 = table
            .split("<tr>")
            .find(|r| r.contains(&format!("/wards/{ward}\"")) && r.contains("Voorjaar 2026"))
            .unwrap();
        assert_eq!(
            row_2026.matches("te weinig triades").count(),
            3,
            "{}: {row_2026}",
            t.label
        );
    }
}
