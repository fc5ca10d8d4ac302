//! HTTP tests of Act on SQLite and PostgreSQL: planning the evaluation meeting (with the warning
//! when only staff are invited), agreements that become improvement actions, the status rules,
//! overdue actions on the boards, the support service's own list, the follow-up section of the
//! next round's report, story cards, and bad input that saves nothing.

mod support;

use axum::http::{Method, StatusCode};
use driehoek_storage::{Db, read};
use support::{Client, demo_databases};

const QO_HL: (&str, &str) = ("kwaliteit.hl@demo.driehoek.nl", "demo-quality-officer-2026");
const TEAM_LEADER_HL: (&str, &str) = ("teamleider.hl@demo.driehoek.nl", "demo-team-leader-2026");
const KITCHEN_HL: (&str, &str) = ("keuken.hl@demo.driehoek.nl", "demo-support-service-2026");
const COUNCIL_HL: (&str, &str) = (
    "clientenraad.hl@demo.driehoek.nl",
    "demo-client-council-2026",
);

async fn one(db: &Db, sql: &'static str, arg: &str) -> String {
    read!(db, |c| sqlx::query_scalar(sql).bind(arg).fetch_one(c).await)
        .unwrap_or_else(|e| panic!("{sql} {arg}: {e}"))
}

async fn num(db: &Db, sql: &'static str, arg: &str) -> i64 {
    read!(db, |c| sqlx::query_scalar(sql).bind(arg).fetch_one(c).await)
        .unwrap_or_else(|e| panic!("{sql} {arg}: {e}"))
}

/// The team leader's ward and its finished and current rounds.
struct Ward {
    id: String,
    finished: String,
    current: String,
}

async fn leader_ward(db: &Db) -> Ward {
    let id = one(
        db,
        "SELECT ra.ward_id FROM role_assignments ra JOIN users u ON u.id = ra.user_id WHERE u.email = $1",
        TEAM_LEADER_HL.0,
    )
    .await;
    let finished = one(
        db,
        "SELECT r.id FROM rounds r JOIN round_wards rw ON rw.round_id = r.id WHERE rw.ward_id = $1 AND r.status = 'closed'",
        &id,
    )
    .await;
    let current = one(
        db,
        "SELECT r.id FROM rounds r JOIN round_wards rw ON rw.round_id = r.id WHERE rw.ward_id = $1 AND r.status <> 'closed'",
        &id,
    )
    .await;
    Ward {
        id,
        finished,
        current,
    }
}

fn staff_only() -> Vec<(&'static str, &'static str)> {
    vec![
        ("held_on", "2026-11-30"),
        ("place", "Huiskamer"),
        ("invited_care_staff", "6"),
        ("invited_team_leader", "1"),
        ("invited_resident", "0"),
        ("agenda", "1. Welkom"),
        ("status", "planned"),
    ]
}

#[tokio::test]
async fn planning_a_meeting_warns_when_only_staff_are_invited() {
    for t in demo_databases().await {
        let w = leader_ward(&t.db).await;
        let mut c = Client::new(&t.db);
        c.login(TEAM_LEADER_HL.0, TEAM_LEADER_HL.1).await;
        let path = format!("/wards/{}/rounds/{}/meeting", w.id, w.current);
        let page = c.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", t.label, page.body);
        assert!(page.body.contains("Welkom"), "{}: agenda proposed", t.label);
        assert!(!page.body.contains("staff-only-warning"));

        let saved = c.post(&path, &staff_only()).await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            t.label,
            saved.body
        );
        let page = c.get(&path).await;
        assert!(
            page.body.contains("staff-only-warning")
                && page.body.contains("geen bewoner en geen naaste"),
            "{}: the warning is shown in words",
            t.label
        );
        let api = c.get(&format!("/api/v1{path}")).await.json();
        assert_eq!(api["warning"], "staff_only");
        assert_eq!(api["invited"]["care_staff"], 6);

        let mut with_family = staff_only();
        with_family.push(("invited_family", "3"));
        c.post(&path, &with_family).await;
        let page = c.get(&path).await;
        assert!(!page.body.contains("staff-only-warning"), "{}", t.label);
        let api = c.get(&format!("/api/v1{path}")).await.json();
        assert!(api["warning"].is_null());
        assert_eq!(api["invited"]["family"], 3);
        assert_eq!(
            num(
                &t.db,
                "SELECT COUNT(*) FROM meetings WHERE ward_id = $1",
                &w.id
            )
            .await,
            2,
            "{}: one meeting per ward and round (the demo's and this one)",
            t.label
        );

        // The API plans with JSON too; bad input answers 422 per field and changes nothing.
        let bad = c
            .json(
                Method::PUT,
                &format!("/api/v1{path}"),
                serde_json::json!({"held_on": "31-11-2026", "invited_family": -2, "status": "maybe"}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        let fields: Vec<String> = bad.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert!(fields.contains(&"held_on".to_string()), "{fields:?}");
        assert!(fields.contains(&"invited_family".to_string()), "{fields:?}");
        let api = c.get(&format!("/api/v1{path}")).await.json();
        assert_eq!(api["invited"]["family"], 3, "{}: nothing saved", t.label);

        // The client council reads the meeting but may not change it.
        let mut council = Client::new(&t.db);
        council.login(COUNCIL_HL.0, COUNCIL_HL.1).await;
        assert_eq!(council.get(&path).await.status, StatusCode::OK);
        assert_eq!(
            council.post(&path, &staff_only()).await.status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn an_agreement_becomes_an_action() {
    for t in demo_databases().await {
        let w = leader_ward(&t.db).await;
        let mut c = Client::new(&t.db);
        c.login(TEAM_LEADER_HL.0, TEAM_LEADER_HL.1).await;
        let path = format!("/wards/{}/rounds/{}/meeting", w.id, w.current);
        // No agreement before the meeting is planned.
        let early = c
            .post(&format!("{path}/agreements"), &[("agreement", "Iets")])
            .await;
        assert_eq!(early.status, StatusCode::CONFLICT, "{}", t.label);
        let mut plan = staff_only();
        plan.push(("invited_resident", "2"));
        c.post(&path, &plan).await;
        let added = c
            .post(
                &format!("{path}/agreements"),
                &[("agreement", "Het avondeten komt een uur later")],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", t.label);
        let agreement = one(
            &t.db,
            "SELECT g.id FROM agreements g JOIN meetings m ON m.id = g.meeting_id WHERE m.round_id = $1 AND g.text LIKE 'Het avondeten%'",
            &w.current,
        )
        .await;
        let page = c.get(&path).await;
        let new_href = format!("/wards/{}/actions/new?agreement={agreement}", w.id);
        assert!(page.body.contains(&new_href), "{}", t.label);
        let form = c.get(&new_href).await;
        assert_eq!(form.status, StatusCode::OK, "{}", t.label);
        assert!(form.body.contains("Het avondeten komt een uur later"));

        let made = c
            .post(
                &format!("/wards/{}/actions", w.id),
                &[
                    ("title", "Avondeten later"),
                    ("why", "Bewoners eten liever later"),
                    ("agreement_id", &agreement),
                    ("themes", "food_drink"),
                    ("owner_kind", "support_service"),
                    ("owner_service", "kitchen"),
                    ("due_on", "2027-01-31"),
                    ("status", "agreed"),
                    ("public", "on"),
                ],
            )
            .await;
        assert_eq!(
            made.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            t.label,
            made.body
        );
        let id = made.location().trim_start_matches("/actions/").to_string();
        let round = one(&t.db, "SELECT round_id FROM actions WHERE id = $1", &id).await;
        assert_eq!(
            round, w.current,
            "the action belongs to the meeting's round"
        );
        let shown = c.get(&format!("/actions/{id}")).await;
        assert!(shown.body.contains("Avondeten later") && shown.body.contains("keuken"));
        let page = c.get(&path).await;
        assert!(
            page.body.contains(&format!("/actions/{id}")),
            "{}: the agreement links to its action",
            t.label
        );
        let api = c.get(&format!("/api/v1/actions/{id}")).await.json();
        assert_eq!(api["action"]["owner_service"], "kitchen");
        assert_eq!(api["themes"][0], "food_drink");
        assert_eq!(api["overdue"], false);
    }
}

#[tokio::test]
async fn status_rules_and_bad_input_save_nothing() {
    for t in demo_databases().await {
        let w = leader_ward(&t.db).await;
        let mut c = Client::new(&t.db);
        c.login(QO_HL.0, QO_HL.1).await;
        let count = || {
            num(
                &t.db,
                "SELECT COUNT(*) FROM actions WHERE ward_id = $1",
                &w.id,
            )
        };
        let before = count().await;
        let foreign_fragment = one(
            &t.db,
            "SELECT f.id FROM fragments f JOIN conversations c ON c.id = f.conversation_id JOIN triads t ON t.id = c.triad_id JOIN rounds r ON r.id = t.round_id JOIN organisations o ON o.id = r.organisation_id WHERE o.name = $1 LIMIT 1",
            "Stichting Maasdal",
        )
        .await;
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (
                vec![
                    ("title", "Weg"),
                    ("owner_kind", "ward_team"),
                    ("status", "dropped"),
                ],
                "drop_reason",
            ),
            (
                vec![
                    ("title", "Datum"),
                    ("owner_kind", "ward_team"),
                    ("due_on", "2026-02-30"),
                ],
                "due_on",
            ),
            (
                vec![("title", "Niemand"), ("owner_kind", "person")],
                "owner_user_id",
            ),
            (
                vec![
                    ("title", "Dienst"),
                    ("owner_kind", "support_service"),
                    ("owner_service", "bakery"),
                ],
                "owner_service",
            ),
            (
                vec![
                    ("title", "Vreemd"),
                    ("owner_kind", "ward_team"),
                    ("fragments", foreign_fragment.as_str()),
                ],
                "fragments",
            ),
            (
                vec![
                    ("title", "Thema"),
                    ("owner_kind", "ward_team"),
                    ("themes", "nonsense"),
                ],
                "themes",
            ),
            (vec![("title", ""), ("owner_kind", "ward_team")], "title"),
        ];
        for (fields, field) in cases {
            let a = c.post(&format!("/wards/{}/actions", w.id), &fields).await;
            assert_eq!(
                a.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}: {fields:?} {}",
                t.label,
                a.body
            );
            let api_body: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .map(|(k, v)| ((*k).to_string(), serde_json::Value::from(*v)))
                .collect();
            let api = c
                .json(
                    Method::POST,
                    &format!("/api/v1/wards/{}/actions", w.id),
                    serde_json::Value::Object(api_body),
                )
                .await;
            assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
            assert!(
                api.json()["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["field"] == field),
                "{}: {field} named in {}",
                t.label,
                api.body
            );
        }
        assert_eq!(count().await, before, "{}: nothing saved", t.label);

        // Dropping with a reason works; a dropped action cannot become "proposed" again.
        let id = one(
            &t.db,
            "SELECT id FROM actions WHERE ward_id = $1 AND status = 'agreed'",
            &w.id,
        )
        .await;
        let drop = c
            .post(
                &format!("/actions/{id}"),
                &[
                    ("title", "Vaste gezichten in het weekend"),
                    ("owner_kind", "ward_team"),
                    ("status", "dropped"),
                    ("drop_reason", "Rooster is al aangepast"),
                ],
            )
            .await;
        assert_eq!(
            drop.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            t.label,
            drop.body
        );
        let back = c
            .post(
                &format!("/actions/{id}"),
                &[
                    ("title", "Vaste gezichten in het weekend"),
                    ("owner_kind", "ward_team"),
                    ("status", "proposed"),
                ],
            )
            .await;
        assert_eq!(back.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        assert_eq!(
            one(&t.db, "SELECT status FROM actions WHERE id = $1", &id).await,
            "dropped"
        );
        assert_eq!(
            one(&t.db, "SELECT drop_reason FROM actions WHERE id = $1", &id).await,
            "Rooster is al aangepast"
        );
        // A note needs a date.
        let note = c
            .post(
                &format!("/actions/{id}/notes"),
                &[("noted_on", ""), ("note", "x")],
            )
            .await;
        assert_eq!(note.status, StatusCode::UNPROCESSABLE_ENTITY);
        let note = c
            .post(
                &format!("/actions/{id}/notes"),
                &[
                    ("noted_on", "2026-11-01"),
                    ("note", "Besproken in teamoverleg"),
                ],
            )
            .await;
        assert_eq!(note.status, StatusCode::SEE_OTHER);
        assert!(
            c.get(&format!("/actions/{id}"))
                .await
                .body
                .contains("Besproken in teamoverleg")
        );
    }
}

#[tokio::test]
async fn boards_show_overdue_actions_and_stay_within_reach() {
    for t in demo_databases().await {
        let w = leader_ward(&t.db).await;
        let mut c = Client::new(&t.db);
        c.login(TEAM_LEADER_HL.0, TEAM_LEADER_HL.1).await;
        let board = c.get(&format!("/wards/{}/actions", w.id)).await;
        assert_eq!(board.status, StatusCode::OK, "{}", t.label);
        // The kitchen's action was due on 2025-12-01 and is in progress: overdue, in words.
        assert!(board.body.contains("Warme maaltijd"));
        assert!(board.body.contains("class=\"overdue\""), "{}", t.label);
        assert!(board.body.contains("⚠ Over de datum"), "{}", t.label);
        // Done and dropped actions with a passed date are not overdue.
        assert_eq!(
            board.body.matches("⚠ Over de datum").count(),
            1,
            "{}",
            t.label
        );
        let api = c
            .get(&format!("/api/v1/wards/{}/actions", w.id))
            .await
            .json();
        let overdue: Vec<&str> = api
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["overdue"] == true)
            .map(|a| a["title"].as_str().unwrap())
            .collect();
        assert_eq!(overdue.len(), 1, "{overdue:?}");
        assert!(overdue[0].starts_with("Warme maaltijd"));

        // The team leader's location board shows only their own ward's actions.
        let location = one(&t.db, "SELECT location_id FROM wards WHERE id = $1", &w.id).await;
        let siblings = num(
            &t.db,
            "SELECT COUNT(*) FROM wards WHERE location_id = $1",
            &location,
        )
        .await;
        let loc_board = c.get(&format!("/locations/{location}/actions")).await;
        assert_eq!(loc_board.status, StatusCode::OK);
        let ward_name = one(&t.db, "SELECT name FROM wards WHERE id = $1", &w.id).await;
        let other: Option<String> = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT name FROM wards WHERE location_id = $1 AND id <> $2 LIMIT 1"
        )
        .bind(&location)
        .bind(&w.id)
        .fetch_optional(c)
        .await)
        .unwrap();
        assert!(loc_board.body.contains(&ward_name));
        if let Some(other) = other {
            assert!(siblings > 1);
            assert!(
                !loc_board.body.contains(&other),
                "{}: sibling ward leaked",
                t.label
            );
        }

        // The quality officer sees every ward on the organisation board.
        let mut qo = Client::new(&t.db);
        qo.login(QO_HL.0, QO_HL.1).await;
        let org = one(
            &t.db,
            "SELECT id FROM organisations WHERE name = $1",
            "Zorggroep Heuvelland",
        )
        .await;
        let org_board = qo.get(&format!("/organisations/{org}/actions")).await;
        let wards = num(
            &t.db,
            "SELECT COUNT(*) FROM wards w JOIN locations l ON l.id = w.location_id WHERE l.organisation_id = $1",
            &org,
        )
        .await;
        assert_eq!(
            i64::try_from(org_board.body.matches("⚠ Over de datum").count()).unwrap(),
            wards,
            "{}: one overdue action per ward",
            t.label
        );
    }
}

#[tokio::test]
async fn a_support_service_sees_the_actions_it_owns() {
    for t in demo_databases().await {
        let w = leader_ward(&t.db).await;
        let mut k = Client::new(&t.db);
        k.login(KITCHEN_HL.0, KITCHEN_HL.1).await;
        let mine = k.get("/my/actions").await;
        assert_eq!(mine.status, StatusCode::OK, "{}", t.label);
        assert!(mine.body.contains("Warme maaltijd"), "{}", t.label);
        assert!(
            mine.body
                .contains("href=\"/my/actions\" aria-current=\"page\""),
            "{}: the navigation leads a support service to its actions",
            t.label
        );
        assert!(!mine.body.contains("Levensverhaal"), "{}", t.label);
        assert!(!mine.body.contains("Stichting Maasdal"));
        let kitchen_action = one(
            &t.db,
            "SELECT id FROM actions WHERE ward_id = $1 AND owner_service = 'kitchen'",
            &w.id,
        )
        .await;
        let team_action = one(
            &t.db,
            "SELECT id FROM actions WHERE ward_id = $1 AND owner_kind = 'ward_team' AND status = 'done'",
            &w.id,
        )
        .await;
        let page = k.get(&format!("/actions/{kitchen_action}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.body.contains("name=\"title\""),
            "no edit form for a service"
        );
        assert_eq!(
            k.post(
                &format!("/actions/{kitchen_action}/notes"),
                &[("noted_on", "2026-11-20"), ("note", "Proef loopt")]
            )
            .await
            .status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            k.post(
                &format!("/actions/{kitchen_action}/status"),
                &[("status", "done")]
            )
            .await
            .status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            one(
                &t.db,
                "SELECT status FROM actions WHERE id = $1",
                &kitchen_action
            )
            .await,
            "done"
        );
        assert_eq!(
            k.post(
                &format!("/actions/{kitchen_action}"),
                &[("title", "Anders"), ("owner_kind", "ward_team")]
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            k.get(&format!("/actions/{team_action}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            k.get(&format!("/wards/{}/actions", w.id)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            k.get(&format!("/wards/{}/rounds/{}/meeting", w.id, w.finished))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}

/// Positive and negative fragments of a theme per perspective on a ward in a round, and the
/// distinct triads behind them.
async fn cell(db: &Db, ward: &str, round: &str, theme: &str, perspective: &str) -> (i64, i64, i64) {
    read!(db, |c| sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN f.valence = 'positive' THEN 1 ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN f.valence = 'negative' THEN 1 ELSE 0 END), 0) AS BIGINT),
                CAST(COUNT(DISTINCT t.id) AS BIGINT)
         FROM fragments f JOIN conversations c ON c.id = f.conversation_id JOIN triads t ON t.id = c.triad_id
         JOIN fragment_themes ft ON ft.fragment_id = f.id JOIN themes th ON th.id = ft.theme_id
         WHERE t.ward_id = $1 AND t.round_id = $2 AND th.key = $3 AND c.perspective = $4
           AND f.valence IN ('positive', 'negative')"
    )
    .bind(ward)
    .bind(round)
    .bind(theme)
    .bind(perspective)
    .fetch_one(c)
    .await)
    .unwrap()
}

fn expected(p: i64, n: i64, triads: i64) -> String {
    if p + n == 0 {
        "geen fragmenten".into()
    } else if triads < 5 {
        "te weinig".into()
    } else {
        // Half-up rounding of p / (p + n) × 100.
        format!("{}%", (200 * p + (p + n)) / (2 * (p + n)))
    }
}

#[tokio::test]
async fn the_next_report_follows_up_earlier_actions() {
    for t in demo_databases().await {
        let w = leader_ward(&t.db).await;
        // Code the current round a little: every family conversation gets one positive fragment
        // on food and drink (six triads: enough to be shown).
        let family: Vec<String> = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT c.id FROM conversations c JOIN triads t ON t.id = c.triad_id WHERE t.ward_id = $1 AND t.round_id = $2 AND c.perspective = 'family'"
        )
        .bind(&w.id)
        .bind(&w.current)
        .fetch_all(c)
        .await)
        .unwrap();
        assert!(family.len() >= 5, "{}", t.label);
        let food = one(
            &t.db,
            "SELECT th.id FROM themes th JOIN rounds r ON r.theme_set_id = th.theme_set_id WHERE r.id = $1 AND th.key = 'food_drink'",
            &w.current,
        )
        .await;
        for (i, conv) in family.iter().enumerate() {
            let f = uuid::Uuid::now_v7().to_string();
            driehoek_storage::write!(&t.db, |c| sqlx::query(
                "INSERT INTO fragments (id, conversation_id, position, speaker, text, valence) VALUES ($1, $2, $3, 'participant', 'Het eten is nu lekker warm.', 'positive')"
            )
            .bind(&f)
            .bind(conv)
            .bind(i64::try_from(1000 + i).unwrap())
            .execute(c)
            .await
            .map(|_| ()))
            .unwrap();
            driehoek_storage::write!(&t.db, |c| sqlx::query(
                "INSERT INTO fragment_themes (fragment_id, theme_id) VALUES ($1, $2)"
            )
            .bind(&f)
            .bind(&food)
            .execute(c)
            .await
            .map(|_| ()))
            .unwrap();
        }
        let mut c = Client::new(&t.db);
        c.login(TEAM_LEADER_HL.0, TEAM_LEADER_HL.1).await;
        let report = c
            .get(&format!("/wards/{}/rounds/{}/report", w.id, w.current))
            .await;
        assert_eq!(report.status, StatusCode::OK, "{}", t.label);
        let body = &report.body;
        let section = &body[body.find("id=\"follow-up\"").expect("follow-up section")..];
        assert!(section.contains("Warme maaltijd"), "{}", t.label);
        let food_table = &section[section.find("Warme maaltijd").unwrap()..];
        for (perspective, label) in [
            ("resident", "Bewoner"),
            ("family", "Naaste"),
            ("staff", "Zorgmedewerker"),
        ] {
            let (p, n, triads) = cell(&t.db, &w.id, &w.finished, "food_drink", perspective).await;
            let before = expected(p, n, triads);
            let (p2, n2, triads2) = cell(&t.db, &w.id, &w.current, "food_drink", perspective).await;
            let after = expected(p2, n2, triads2);
            let row = format!("<th scope=\"row\">{label}</th><td>{before}</td><td>{after}</td>");
            assert!(
                food_table.contains(&row),
                "{}: expected {row} in {}",
                t.label,
                &food_table[..food_table.len().min(1500)]
            );
        }
        assert!(
            food_table.contains("<td>100%</td>"),
            "{}: family now all positive",
            t.label
        );
        // The finished round's own report has no earlier actions to follow up.
        let first = c
            .get(&format!("/wards/{}/rounds/{}/report", w.id, w.finished))
            .await;
        assert!(
            first
                .body
                .contains("geen verbeteracties uit eerdere rondes"),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn story_cards_show_the_rounds_coded_fragments() {
    for t in demo_databases().await {
        let w = leader_ward(&t.db).await;
        let mut c = Client::new(&t.db);
        c.login(TEAM_LEADER_HL.0, TEAM_LEADER_HL.1).await;
        let cards = c
            .get(&format!(
                "/wards/{}/rounds/{}/story-cards",
                w.id, w.finished
            ))
            .await;
        assert_eq!(cards.status, StatusCode::OK, "{}", t.label);
        let expected = num(
            &t.db,
            "SELECT COUNT(*) FROM fragments f JOIN conversations c ON c.id = f.conversation_id JOIN triads t ON t.id = c.triad_id JOIN rounds r ON r.id = t.round_id WHERE t.ward_id = $1 AND r.status = 'closed' AND c.status = 'coded' AND f.valence IN ('positive', 'negative')",
            &w.id,
        )
        .await;
        assert!(expected > 0);
        assert_eq!(
            i64::try_from(cards.body.matches("<li class=\"story-card").count()).unwrap(),
            expected,
            "{}",
            t.label
        );
        // The round in progress has nothing coded yet.
        let none = c
            .get(&format!("/wards/{}/rounds/{}/story-cards", w.id, w.current))
            .await;
        assert_eq!(none.body.matches("<li class=\"story-card").count(), 0);
    }
}

#[tokio::test]
async fn the_quality_officer_decides_which_service_an_account_works_for() {
    for t in demo_databases().await {
        let w = leader_ward(&t.db).await;
        let kitchen_user = one(&t.db, "SELECT id FROM users WHERE email = $1", KITCHEN_HL.0).await;
        let kitchen_action = one(
            &t.db,
            "SELECT id FROM actions WHERE ward_id = $1 AND owner_service = 'kitchen'",
            &w.id,
        )
        .await;
        let mut k = Client::new(&t.db);
        k.login(KITCHEN_HL.0, KITCHEN_HL.1).await;
        // The service moves the status through the API; dropping needs a reason.
        let path = format!("/api/v1/actions/{kitchen_action}/status");
        let bad = k
            .json(Method::PUT, &path, serde_json::json!({"status": "dropped"}))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        assert_eq!(bad.json()["errors"][0]["field"], "drop_reason");
        let ok = k
            .json(Method::PUT, &path, serde_json::json!({"status": "done"}))
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}: {}", t.label, ok.body);
        assert_eq!(ok.json()["action"]["status"], "done");
        // Nobody but a manager of the account sets its services.
        assert_eq!(
            k.get(&format!("/users/{kitchen_user}/services"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        let mut qo = Client::new(&t.db);
        qo.login(QO_HL.0, QO_HL.1).await;
        let page = qo.get(&format!("/users/{kitchen_user}/services")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", t.label);
        assert!(
            page.body.contains("value=\"kitchen\" checked"),
            "{}",
            t.label
        );
        let bad = qo
            .post(
                &format!("/users/{kitchen_user}/services"),
                &[("services", "bakery")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let moved = qo
            .post(
                &format!("/users/{kitchen_user}/services"),
                &[("services", "cleaning")],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER);
        assert_eq!(
            num(
                &t.db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'support-services-set' AND subject = $1",
                KITCHEN_HL.0
            )
            .await,
            1,
            "{}: the change is in the audit log",
            t.label
        );
        let mine = k.get("/my/actions").await;
        assert!(
            !mine.body.contains("Warme maaltijd"),
            "{}: no longer the kitchen",
            t.label
        );
        assert_eq!(
            k.get(&format!("/actions/{kitchen_action}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
}
