//! HTTP tests of Listen on SQLite and PostgreSQL: planning rounds and triads, the
//! cross-organisation interviewer rule on every route, consent and real withdrawal, the
//! interviewer's own view and calendar, the transcript review (only pseudonymised text stored),
//! audio streaming, and the conversation guide.

mod support;

use axum::http::{Method, StatusCode};
use driehoek_domain::access::Tenant;
use driehoek_storage::listen::interviewers::{self, Assigner, InterviewerRef};
use driehoek_storage::{Db, StoreError, accounts, read, rounds as scored};
use driehoek_web::{AppState, Config, app};
use std::io::Write as _;
use support::{COORDINATOR, Client, demo_databases};

const QO_HL: (&str, &str) = ("kwaliteit.hl@demo.driehoek.nl", "demo-quality-officer-2026");
const IV_HL: &str = "interviewer.hl@demo.driehoek.nl";
const IV_MD: (&str, &str) = ("interviewer.md@demo.driehoek.nl", "demo-interviewer-2026");
const TEAM_LEADER_HL: (&str, &str) = ("teamleider.hl@demo.driehoek.nl", "demo-team-leader-2026");

async fn one(db: &Db, sql: &'static str, arg: &str) -> String {
    read!(db, |c| sqlx::query_scalar(sql).bind(arg).fetch_one(c).await)
        .unwrap_or_else(|e| panic!("{sql} {arg}: {e}"))
}

async fn opt(db: &Db, sql: &'static str, arg: &str) -> Option<String> {
    read!(db, |c| sqlx::query_scalar(sql).bind(arg).fetch_one(c).await)
        .unwrap_or_else(|e| panic!("{sql} {arg}: {e}"))
}

async fn num(db: &Db, sql: &'static str, arg: &str) -> i64 {
    read!(db, |c| sqlx::query_scalar(sql).bind(arg).fetch_one(c).await)
        .unwrap_or_else(|e| panic!("{sql} {arg}: {e}"))
}

async fn org(db: &Db, name: &str) -> String {
    one(db, "SELECT id FROM organisations WHERE name = $1", name).await
}

/// An unscheduled, unassigned conversation of Heuvelland's round in progress.
async fn hl_unscheduled(db: &Db) -> String {
    let hl = org(db, "Zorggroep Heuvelland").await;
    one(
        db,
        "SELECT c.id FROM conversations c JOIN triads t ON t.id = c.triad_id JOIN rounds r ON r.id = t.round_id
         WHERE r.organisation_id = $1 AND r.status = 'collecting' AND c.status = 'unscheduled'
         ORDER BY t.code, c.perspective LIMIT 1",
        &hl,
    )
    .await
}

fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----driehoektestgrens";
    let mut body = Vec::new();
    for (name, file, data) in parts {
        write!(body, "--{boundary}\r\n").unwrap();
        match file {
            Some(f) => write!(
                body,
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .unwrap(),
            None => write!(body, "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").unwrap(),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    write!(body, "--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let mut xml = String::from("<?xml version=\"1.0\"?><w:document><w:body>");
    for p in paragraphs {
        xml.push_str("<w:p><w:r><w:t xml:space=\"preserve\">");
        xml.push_str(p);
        xml.push_str("</w:t></w:r></w:p>");
    }
    xml.push_str("</w:body></w:document>");
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    z.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(xml.as_bytes()).unwrap();
    z.finish().unwrap();
    buf.into_inner()
}

#[tokio::test]
async fn a_quality_officer_plans_a_round_and_adds_triads() {
    for t in demo_databases().await {
        let mut c = Client::new(&t.db);
        c.login(QO_HL.0, QO_HL.1).await;
        let page = c.get("/rounds").await;
        assert_eq!(page.status, StatusCode::OK, "{}", t.label);
        assert!(page.body.contains("Voorjaar 2026") && page.body.contains("Ronde plannen"));
        let hl = org(&t.db, "Zorggroep Heuvelland").await;
        let ward = one(
            &t.db,
            "SELECT w.id FROM wards w JOIN locations l ON l.id = w.location_id WHERE l.organisation_id = $1 ORDER BY w.name LIMIT 1",
            &hl,
        )
        .await;
        let guide = one(&t.db, "SELECT id FROM conversation_guides WHERE network_id IS NULL AND version = CAST($1 AS BIGINT)", "1").await;
        let themes = one(
            &t.db,
            "SELECT id FROM theme_sets WHERE key = $1",
            "driehoek_default",
        )
        .await;
        let form = [
            ("organisation", hl.as_str()),
            ("name", "Najaar 2026"),
            ("period_start", "2026-09-01"),
            ("period_end", "2026-12-15"),
            ("guide", guide.as_str()),
            ("theme_set", themes.as_str()),
            ("wards", ward.as_str()),
        ];
        let a = c.post("/rounds", &form).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);
        let round_url = a.location().to_string();
        let round = round_url.trim_start_matches("/rounds/").to_string();
        assert_eq!(
            opt(&t.db, "SELECT status FROM rounds WHERE id = $1", &round)
                .await
                .as_deref(),
            Some("planning")
        );
        // A period that ends before it starts is refused with the field named.
        let mut bad = form;
        bad[1] = ("name", "Verkeerd");
        bad[3] = ("period_end", "2026-01-01");
        let a = c.post("/rounds", &bad).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(a.body.contains("Einde van de periode"), "{}", a.body);

        // Status: one step at a time.
        let skip = c
            .post(&format!("{round_url}/status"), &[("status", "coding")])
            .await;
        assert_eq!(skip.status, StatusCode::CONFLICT);
        assert!(skip.body.contains("één stap"));
        let on = c
            .post(&format!("{round_url}/status"), &[("status", "collecting")])
            .await;
        assert_eq!(on.status, StatusCode::SEE_OTHER);

        // A triad: generated code, three slots; without the resident two.
        let a = c
            .post(&format!("{round_url}/triads"), &[("ward", ward.as_str())])
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let triad = a.location().trim_start_matches("/triads/").to_string();
        let code = one(&t.db, "SELECT code FROM triads WHERE id = $1", &triad).await;
        assert!(code.starts_with("T-") && code.len() == 8, "{code}");
        assert_eq!(
            num(
                &t.db,
                "SELECT COUNT(*) FROM conversations WHERE triad_id = $1 AND status = 'unscheduled'",
                &triad
            )
            .await,
            3
        );
        let a = c
            .post(
                &format!("{round_url}/triads"),
                &[("ward", ward.as_str()), ("resident_cannot_take_part", "on")],
            )
            .await;
        let absent = a.location().trim_start_matches("/triads/").to_string();
        assert_eq!(
            num(
                &t.db,
                "SELECT COUNT(*) FROM conversations WHERE triad_id = $1",
                &absent
            )
            .await,
            2
        );
        assert_eq!(
            num(&t.db, "SELECT COUNT(*) FROM conversations WHERE triad_id = $1 AND perspective = 'resident'", &absent).await,
            0
        );
        let page = c.get(&round_url).await;
        assert!(page.body.contains(&code), "{}", t.label);
        assert!(
            page.body.contains("0 van 2 triades compleet"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("niet ingepland: <strong>5</strong>"),
            "{}",
            page.body
        );
        let triad_page = c.get(&format!("/triads/{absent}")).await;
        assert!(triad_page.body.contains("neemt niet deel"));

        // The API lists the round and shows the same counts.
        let api = c.get(&format!("/api/v1/rounds/{round}")).await.json();
        assert_eq!(api["wards"][0]["counts"][0], 5);
        assert_eq!(api["round"]["status"], "collecting");

        // A team leader reads the round but may not add triads.
        let mut tl = Client::new(&t.db);
        tl.login(TEAM_LEADER_HL.0, TEAM_LEADER_HL.1).await;
        let tl_form = tl
            .post(&format!("{round_url}/triads"), &[("ward", ward.as_str())])
            .await;
        assert!(
            matches!(
                tl_form.status,
                StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
            ),
            "{}: {}",
            t.label,
            tl_form.status
        );
        assert_eq!(
            num(
                &t.db,
                "SELECT COUNT(*) FROM triads WHERE round_id = $1",
                &round
            )
            .await,
            2
        );
    }
}

#[tokio::test]
async fn an_interviewer_never_works_for_their_own_employer_on_any_route() {
    for t in demo_databases().await {
        let conv = hl_unscheduled(&t.db).await;
        let mut c = Client::new(&t.db);
        c.login(QO_HL.0, QO_HL.1).await;
        // The page proposes only interviewers of other organisations, with their load.
        let page = c.get(&format!("/conversations/{conv}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Mark Dassen") && page.body.contains("Petra Ortmans"),
            "{}",
            t.label
        );
        assert!(
            !page.body.contains("Ilse Hermans"),
            "own organisation's interviewer proposed"
        );
        assert!(page.body.contains("open gesprekken"));

        // Interface: refused with the rule named.
        let a = c
            .post(
                &format!("/conversations/{conv}/interviewer"),
                &[("interviewer_email", IV_HL)],
            )
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", t.label);
        assert!(
            a.body.contains(
                "Een interviewer voert nooit gesprekken in een huis van de eigen werkgever"
            ),
            "{}",
            a.body
        );
        // The same by account id.
        let hl_id = one(&t.db, "SELECT id FROM users WHERE email = $1", IV_HL).await;
        let a = c
            .post(
                &format!("/conversations/{conv}/interviewer"),
                &[("interviewer", hl_id.as_str())],
            )
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT);
        // API.
        let a = c
            .json(
                Method::PUT,
                &format!("/api/v1/conversations/{conv}/interviewer"),
                serde_json::json!({"interviewer_email": IV_HL}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT);
        assert!(
            a.json()["detail"]
                .as_str()
                .unwrap()
                .contains("eigen werkgever")
        );
        // Command line (the same storage function).
        let e = interviewers::assign(
            &t.db,
            Assigner::CommandLine,
            &conv,
            InterviewerRef::Email(IV_HL),
        )
        .await;
        assert!(
            matches!(e, Err(StoreError::Conflict("error-own-employer"))),
            "{e:?}"
        );
        assert_eq!(
            opt(
                &t.db,
                "SELECT interviewer_id FROM conversations WHERE id = $1",
                &conv
            )
            .await,
            None
        );

        // Another organisation's interviewer is fine, and their load goes up.
        let md_id = one(&t.db, "SELECT id FROM users WHERE email = $1", IV_MD.0).await;
        let load = |list: serde_json::Value| {
            list.as_array()
                .unwrap()
                .iter()
                .find(|i| i["id"] == md_id.as_str())
                .unwrap()["load"]
                .as_i64()
                .unwrap()
        };
        let before = load(
            c.get(&format!("/api/v1/conversations/{conv}/interviewers"))
                .await
                .json(),
        );
        let a = c
            .post(
                &format!("/conversations/{conv}/interviewer"),
                &[("interviewer", md_id.as_str())],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        assert_eq!(
            opt(
                &t.db,
                "SELECT interviewer_id FROM conversations WHERE id = $1",
                &conv
            )
            .await
            .as_deref(),
            Some(md_id.as_str())
        );
        let after = load(
            c.get(&format!("/api/v1/conversations/{conv}/interviewers"))
                .await
                .json(),
        );
        assert_eq!(after, before + 1);
        assert_eq!(
            num(&t.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'interviewer-assigned' AND detail = $1", IV_MD.0).await,
            1
        );
        // A team leader sees the conversation but may not assign.
        let mut tl = Client::new(&t.db);
        tl.login(TEAM_LEADER_HL.0, TEAM_LEADER_HL.1).await;
        let a = tl
            .post(
                &format!("/conversations/{conv}/interviewer"),
                &[("interviewer", md_id.as_str())],
            )
            .await;
        assert!(
            matches!(a.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{}",
            a.status
        );
    }
}

#[tokio::test]
async fn held_needs_consent_and_withdrawal_really_deletes() {
    for t in demo_databases().await {
        let conv = hl_unscheduled(&t.db).await;
        let mut c = Client::new(&t.db);
        c.login(QO_HL.0, QO_HL.1).await;
        let held = [
            ("date", "2026-04-02"),
            ("time", "10:30"),
            ("place", "Huiskamer"),
            ("status", "held"),
        ];
        let a = c
            .post(&format!("/conversations/{conv}/schedule"), &held)
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", t.label);
        assert!(a.body.contains("toestemming"), "{}", a.body);
        let a = c
            .post(
                &format!("/conversations/{conv}/consent"),
                &[
                    ("given_by", "representative"),
                    ("given_on", "2026-03-30"),
                    ("for_conversation", "on"),
                    ("for_quotes", "on"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let a = c
            .post(&format!("/conversations/{conv}/schedule"), &held)
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        assert_eq!(
            opt(
                &t.db,
                "SELECT status FROM conversations WHERE id = $1",
                &conv
            )
            .await
            .as_deref(),
            Some("held")
        );

        // Withdrawal in the finished round: the coded conversation's content goes for real and
        // the triad's scores change.
        let hl = org(&t.db, "Zorggroep Heuvelland").await;
        let (ward, round): (String, String) = read!(&t.db, |x| sqlx::query_as(
            "SELECT t.ward_id, t.round_id FROM triads t JOIN rounds r ON r.id = t.round_id WHERE r.organisation_id = $1 AND r.status = 'closed' ORDER BY t.code LIMIT 1"
        )
        .bind(&hl)
        .fetch_one(x)
        .await)
        .unwrap();
        let qo_user = one(&t.db, "SELECT id FROM users WHERE email = $1", QO_HL.0).await;
        let tenant: Tenant = accounts::tenant_of(&t.db, &qo_user).await.unwrap();
        let before = scored::scored_triads(&t.db, &tenant, &ward, &round)
            .await
            .unwrap();
        let target = before
            .iter()
            .find(|s| s.scores.valence.is_some())
            .expect("a scored triad");
        let coded = one(
            &t.db,
            "SELECT id FROM conversations WHERE triad_id = $1 AND perspective = 'family'",
            &target.id,
        )
        .await;
        assert!(
            num(
                &t.db,
                "SELECT COUNT(*) FROM fragments WHERE conversation_id = $1",
                &coded
            )
            .await
                > 0
        );
        let a = c
            .post(&format!("/conversations/{coded}/consent/withdraw"), &[])
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        assert_eq!(
            num(
                &t.db,
                "SELECT COUNT(*) FROM fragments WHERE conversation_id = $1",
                &coded
            )
            .await,
            0
        );
        assert_eq!(
            num(&t.db, "SELECT COUNT(*) FROM fragment_themes ft JOIN fragments f ON f.id = ft.fragment_id WHERE f.conversation_id = $1", &coded).await,
            0
        );
        assert_eq!(
            opt(
                &t.db,
                "SELECT transcript FROM conversations WHERE id = $1",
                &coded
            )
            .await,
            None
        );
        assert_eq!(
            opt(
                &t.db,
                "SELECT status FROM conversations WHERE id = $1",
                &coded
            )
            .await
            .as_deref(),
            Some("withdrawn")
        );
        let after = scored::scored_triads(&t.db, &tenant, &ward, &round)
            .await
            .unwrap();
        let changed = after.iter().find(|s| s.id == target.id).unwrap();
        assert_ne!(
            changed.scores.valence, target.scores.valence,
            "{}: scores did not change",
            t.label
        );
        assert_eq!(changed.coded[1], Some(0));
        let subject = format!("{} family", target.code);
        assert_eq!(
            num(&t.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'consent-withdrawn' AND subject = $1", &subject).await,
            1
        );
        // A second withdrawal is refused; the page says it was withdrawn.
        assert_eq!(
            c.post(&format!("/conversations/{coded}/consent/withdraw"), &[])
                .await
                .status,
            StatusCode::CONFLICT
        );
        assert!(
            c.get(&format!("/conversations/{coded}"))
                .await
                .body
                .contains("ingetrokken")
        );
    }
}

#[tokio::test]
async fn an_interviewer_sees_only_their_own_conversations() {
    for t in demo_databases().await {
        let md_id = one(&t.db, "SELECT id FROM users WHERE email = $1", IV_MD.0).await;
        let mine = num(
            &t.db,
            "SELECT COUNT(*) FROM conversations WHERE interviewer_id = $1",
            &md_id,
        )
        .await;
        assert!(mine > 0, "the demo assigns conversations to {}", IV_MD.0);
        let scheduled = num(
            &t.db,
            "SELECT COUNT(*) FROM conversations WHERE interviewer_id = $1 AND scheduled_date IS NOT NULL",
            &md_id,
        )
        .await;
        let own = one(
            &t.db,
            "SELECT id FROM conversations WHERE interviewer_id = $1 ORDER BY id LIMIT 1",
            &md_id,
        )
        .await;
        let (triad, other): (String, String) = read!(&t.db, |x| sqlx::query_as(
            "SELECT c.triad_id, o.id FROM conversations c JOIN conversations o ON o.triad_id = c.triad_id AND o.id <> c.id
             WHERE c.id = $1 AND (o.interviewer_id IS NULL OR o.interviewer_id <> $2) LIMIT 1"
        )
        .bind(&own)
        .bind(&md_id)
        .fetch_one(x)
        .await)
        .unwrap();
        let round = one(&t.db, "SELECT round_id FROM triads WHERE id = $1", &triad).await;

        let mut c = Client::new(&t.db);
        c.login(IV_MD.0, IV_MD.1).await;
        let list = c.get("/api/v1/my/conversations").await.json();
        assert_eq!(list.as_array().unwrap().len() as i64, mine, "{}", t.label);
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|x| x["interviewer_id"] == md_id.as_str())
        );
        let page = c.get("/my/conversations").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&format!("/conversations/{own}")));
        assert_eq!(
            c.get(&format!("/conversations/{own}")).await.status,
            StatusCode::OK
        );
        let guide = c.get(&format!("/conversations/{own}/guide")).await;
        assert!(
            guide.body.contains("dementie") && guide.body.contains("Een gewone dag"),
            "{}",
            t.label
        );
        // Not the triad's other slots, not the triad, not the round.
        assert_eq!(
            c.get(&format!("/conversations/{other}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.get(&format!("/api/v1/conversations/{other}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.get(&format!("/conversations/{other}/transcript"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.get(&format!("/triads/{triad}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.get(&format!("/rounds/{round}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.post(
                &format!("/conversations/{other}/consent"),
                &[("given_by", "participant"), ("given_on", "2026-04-01")]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );

        // The calendar: RFC 5545 with CRLF and one UID per scheduled conversation.
        let ics = c.get("/my/conversations.ics").await;
        assert_eq!(ics.status, StatusCode::OK);
        assert!(
            ics.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/calendar")
        );
        assert!(ics.body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(!ics.body.replace("\r\n", "").contains('\n'));
        assert_eq!(ics.body.matches("\r\nUID:").count() as i64, scheduled);
        assert!(ics.body.contains(&format!("UID:{own}@driehoek")) || scheduled < mine);
    }
}

#[tokio::test]
async fn a_transcript_is_reviewed_and_only_the_pseudonymised_text_is_stored() {
    for t in demo_databases().await {
        let md_id = one(&t.db, "SELECT id FROM users WHERE email = $1", IV_MD.0).await;
        let conv = one(
            &t.db,
            "SELECT c.id FROM conversations c JOIN consents k ON k.conversation_id = c.id
             WHERE c.interviewer_id = $1 AND c.status = 'held' ORDER BY c.id LIMIT 1",
            &md_id,
        )
        .await;
        let mut c = Client::new(&t.db);
        c.login(IV_MD.0, IV_MD.1).await;
        let csrf = c.csrf();
        let url = format!("/conversations/{conv}/transcript?csrf={csrf}");
        // Other file types are refused with a clear message.
        let (ct, body) = multipart(&[("file", Some("verslag.pdf"), b"%PDF-1.4")]);
        let a = c.send(Method::POST, &url, Some(&ct), body).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        assert!(a.body.contains(".txt- of .docx-bestand"), "{}", a.body);

        let file = docx(&[
            "Interviewer: Hoe gaat het hier, mevrouw Jansen?",
            "Bewoner: Goed hoor. Zuster Petra komt elke ochtend op kamer 12.",
            "Bewoner: Mijn dochter Ans belt op 06-12345678.",
        ]);
        let (ct, body) = multipart(&[
            ("file", Some("gesprek.docx"), &file),
            ("family_names", None, b"Ans"),
        ]);
        let review = c.send(Method::POST, &url, Some(&ct), body).await;
        assert_eq!(
            review.status,
            StatusCode::OK,
            "{}: {}",
            t.label,
            review.body
        );
        assert!(
            review.body.contains("<mark>Jansen</mark>"),
            "{}",
            review.body
        );
        assert!(review.body.contains("<mark>Ans</mark>"));
        assert!(review.body.contains("[naaste]"));
        // Nothing stored yet.
        assert_eq!(
            opt(
                &t.db,
                "SELECT transcript FROM conversations WHERE id = $1",
                &conv
            )
            .await,
            None
        );

        // The review form round trip: accept all proposals, add "Goed" (made up) as [detail].
        let raw = "Interviewer: Hoe gaat het hier, mevrouw Jansen?\nBewoner: Goed hoor. Zuster Petra komt elke ochtend op kamer 12.\nBewoner: Mijn dochter Ans belt op 06-12345678.";
        let proposal = c
            .json(
                Method::POST,
                &format!("/api/v1/conversations/{conv}/transcript/proposal"),
                serde_json::json!({"text": raw, "family_names": "Ans"}),
            )
            .await
            .json();
        let spans = proposal["spans"].as_array().unwrap().clone();
        assert!(spans.len() >= 4, "{proposal}");
        let mut fields: Vec<(String, String)> =
            vec![("raw".into(), raw.into()), ("action".into(), "save".into())];
        for (i, s) in spans.iter().enumerate() {
            fields.push((
                "span".into(),
                format!(
                    "{}:{}:kind-{}",
                    s["start"],
                    s["end"],
                    s["kind"].as_str().unwrap()
                ),
            ));
            fields.push((
                format!("token-{i}"),
                s["replacement"].as_str().unwrap().into(),
            ));
            fields.push(("accept".into(), i.to_string()));
        }
        fields.push(("add_text".into(), "ochtend".into()));
        fields.push(("add_token".into(), "[detail]".into()));
        let f: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let a = c
            .post(&format!("/conversations/{conv}/transcript/review"), &f)
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let stored = opt(
            &t.db,
            "SELECT transcript FROM conversations WHERE id = $1",
            &conv,
        )
        .await
        .unwrap();
        for secret in ["Jansen", "Petra", "Ans", "06-12345678", "ochtend", "12."] {
            assert!(
                !stored.contains(secret),
                "{}: {secret} stored in {stored}",
                t.label
            );
        }
        assert!(
            stored.contains("[detail]") && stored.contains("[naaste]"),
            "{stored}"
        );
        assert_eq!(
            opt(
                &t.db,
                "SELECT status FROM conversations WHERE id = $1",
                &conv
            )
            .await
            .as_deref(),
            Some("transcribed")
        );
        // The raw text is nowhere in the database's audit log either.
        assert_eq!(num(&t.db, "SELECT COUNT(*) FROM audit_log WHERE subject LIKE '%' || $1 || '%' OR detail LIKE '%' || $1 || '%'", "Jansen").await, 0);

        // Every read is audited; the team leader of another ward cannot read it.
        let reads =
            "SELECT COUNT(*) FROM audit_log WHERE action = 'transcript-read' AND actor_email = $1";
        let page = c.get(&format!("/conversations/{conv}/transcript")).await;
        assert!(page.body.contains("[naaste]"));
        c.get(&format!("/api/v1/conversations/{conv}/transcript"))
            .await;
        assert_eq!(num(&t.db, reads, IV_MD.0).await, 2);

        // Checked.
        let a = c.post(&format!("/conversations/{conv}/checked"), &[]).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(
            opt(
                &t.db,
                "SELECT status FROM conversations WHERE id = $1",
                &conv
            )
            .await
            .as_deref(),
            Some("checked")
        );
        // After checking, no more uploads.
        let (ct, body) = multipart(&[("text", None, b"nieuw")]);
        assert_eq!(
            c.send(Method::POST, &url, Some(&ct), body).await.status,
            StatusCode::CONFLICT
        );
    }
}

fn client_with(db: &Db, config: Config) -> Client {
    let mut c = Client::new(db);
    c.router = app(AppState::new(db.clone(), config));
    c
}

#[tokio::test]
async fn audio_is_streamed_limited_needs_consent_and_is_deleted() {
    for t in demo_databases().await {
        let dir = std::env::temp_dir().join(format!("driehoek-audio-{}", uuid::Uuid::now_v7()));
        let config = Config {
            audio_dir: dir.clone(),
            audio_max_bytes: 1000,
            audio_keep_days: 7,
            ..Config::default()
        };
        let md_id = one(&t.db, "SELECT id FROM users WHERE email = $1", IV_MD.0).await;
        let with_audio = one(
            &t.db,
            "SELECT c.id FROM conversations c JOIN consents k ON k.conversation_id = c.id
             WHERE c.interviewer_id = $1 AND c.status = 'held' AND k.for_audio ORDER BY c.id LIMIT 1",
            &md_id,
        )
        .await;
        let without = one(
            &t.db,
            "SELECT c.id FROM conversations c JOIN consents k ON k.conversation_id = c.id
             WHERE c.interviewer_id = $1 AND c.status = 'held' AND NOT k.for_audio ORDER BY c.id LIMIT 1",
            &md_id,
        )
        .await;
        let mut c = client_with(&t.db, config.clone());
        c.login(IV_MD.0, IV_MD.1).await;
        let csrf = c.csrf();
        let files = || std::fs::read_dir(&dir).map_or(0, Iterator::count);

        let (ct, body) = multipart(&[("audio", Some("gesprek.m4a"), &[7u8; 500])]);
        let a = c
            .send(
                Method::POST,
                &format!("/conversations/{without}/audio?csrf={csrf}"),
                Some(&ct),
                body,
            )
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", t.label);
        assert!(a.body.contains("toestemming"));

        let (ct, body) = multipart(&[("audio", Some("gesprek.m4a"), &[7u8; 2000])]);
        let a = c
            .send(
                Method::POST,
                &format!("/conversations/{with_audio}/audio?csrf={csrf}"),
                Some(&ct),
                body,
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
        assert_eq!(files(), 0, "the partial file was left behind");

        let (ct, body) = multipart(&[("audio", Some("gesprek.m4a"), &[7u8; 500])]);
        let a = c
            .send(
                Method::POST,
                &format!("/conversations/{with_audio}/audio?csrf={csrf}"),
                Some(&ct),
                body,
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let name = opt(
            &t.db,
            "SELECT audio_file FROM conversations WHERE id = $1",
            &with_audio,
        )
        .await
        .unwrap();
        assert_eq!(std::fs::metadata(dir.join(&name)).unwrap().len(), 500);

        // The sweep deletes audio older than the configured days.
        driehoek_storage::write!(&t.db, |x| sqlx::query(
            "UPDATE conversations SET audio_uploaded_at = $1 WHERE id = $2"
        )
        .bind("2020-01-01T00:00:00.000Z")
        .bind(&with_audio)
        .execute(x)
        .await
        .map(|r| r.rows_affected()))
        .unwrap();
        let state = AppState::new(t.db.clone(), config.clone());
        assert_eq!(driehoek_web::pages::listen::audio::sweep(&state).await, 1);
        assert!(!dir.join(&name).exists());
        assert_eq!(
            opt(
                &t.db,
                "SELECT audio_file FROM conversations WHERE id = $1",
                &with_audio
            )
            .await,
            None
        );

        // Upload again, then checking the transcript deletes it.
        let (ct, body) = multipart(&[("audio", Some("gesprek.wav"), &[1u8; 300])]);
        let a = c
            .send(
                Method::POST,
                &format!("/api/v1/conversations/{with_audio}/audio?csrf={csrf}"),
                Some(&ct),
                body,
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let name = opt(
            &t.db,
            "SELECT audio_file FROM conversations WHERE id = $1",
            &with_audio,
        )
        .await
        .unwrap();
        let saved = c
            .json(
                Method::PUT,
                &format!("/api/v1/conversations/{with_audio}/transcript"),
                serde_json::json!({"text": "Bewoner: prima.", "replacements": []}),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let a = c
            .json(
                Method::POST,
                &format!("/api/v1/conversations/{with_audio}/checked"),
                serde_json::json!({}),
            )
            .await;
        assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
        assert!(
            !dir.join(&name).exists(),
            "{}: audio not deleted when checked",
            t.label
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[tokio::test]
async fn the_coordinator_edits_the_guide_and_interviewers_fill_the_checklist() {
    for t in demo_databases().await {
        let network = one(
            &t.db,
            "SELECT network_id FROM users WHERE email = $1",
            COORDINATOR.0,
        )
        .await;
        let mut co = Client::new(&t.db);
        co.login(COORDINATOR.0, COORDINATOR.1).await;
        let page = co.get(&format!("/networks/{network}/guide")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Driehoek gespreksleidraad"));
        let a = co
            .post(
                &format!("/networks/{network}/guide"),
                &[
                    ("title_nl", "Leidraad Limburg"),
                    ("title_en", "Limburg guide"),
                    ("intro_nl", "Open gesprek."),
                    ("intro_en", "Open conversation."),
                    ("guidance_nl", "Stop bij onrust."),
                    ("guidance_en", "Stop on distress."),
                    (
                        "topics_nl",
                        "Eten\nWat eet u graag?\n\nBuiten\nGaat u naar buiten?",
                    ),
                    (
                        "topics_en",
                        "Food\nWhat do you like to eat?\n\nOutside\nDo you go outside?",
                    ),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);
        let guides = co
            .get(&format!("/api/v1/networks/{network}/guides"))
            .await
            .json();
        assert_eq!(guides[0]["version"], 2);
        assert_eq!(guides[0]["topics"].as_array().unwrap().len(), 2);
        // Unequal topic lists are refused; a quality officer may not edit the network's guide.
        let a = co
            .post(
                &format!("/networks/{network}/guide"),
                &[
                    ("title_nl", "x"),
                    ("title_en", "x"),
                    ("topics_nl", "A\n\nB"),
                    ("topics_en", "A"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        let mut qo = Client::new(&t.db);
        qo.login(QO_HL.0, QO_HL.1).await;
        let a = qo
            .post(
                &format!("/networks/{network}/guide"),
                &[
                    ("title_nl", "x"),
                    ("title_en", "x"),
                    ("topics_nl", "A"),
                    ("topics_en", "A"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);

        // The checklist after a held conversation.
        let md_id = one(&t.db, "SELECT id FROM users WHERE email = $1", IV_MD.0).await;
        let conv = one(&t.db, "SELECT id FROM conversations WHERE interviewer_id = $1 AND status = 'held' ORDER BY id LIMIT 1", &md_id).await;
        let mut iv = Client::new(&t.db);
        iv.login(IV_MD.0, IV_MD.1).await;
        let a = iv
            .post(
                &format!("/conversations/{conv}/adherence"),
                &[
                    ("topic", "0"),
                    ("topic", "3"),
                    ("topic", "99"),
                    ("open_questions", "on"),
                    ("stopped_on_distress", "on"),
                    ("note", "Pauze na tien minuten."),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let api = iv
            .get(&format!("/api/v1/conversations/{conv}"))
            .await
            .json();
        assert_eq!(api["access"], "assigned");
        assert_eq!(api["adherence"]["topics_covered"], "0,3");
        assert_eq!(api["adherence"]["stopped_on_distress"], true);
        let page = iv.get(&format!("/conversations/{conv}")).await;
        assert!(page.body.contains("Pauze na tien minuten."));

        // Training status by the interviewer's own quality officer.
        let mut md_qo = Client::new(&t.db);
        md_qo
            .login("kwaliteit.md@demo.driehoek.nl", "demo-quality-officer-2026")
            .await;
        let a = md_qo
            .post(
                &format!("/interviewers/{md_id}/training"),
                &[("training_status", "refresher_due")],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        assert!(
            md_qo
                .get("/interviewers")
                .await
                .body
                .contains("opfrissing nodig")
        );
        // Not by another organisation's quality officer.
        assert_eq!(
            qo.post(
                &format!("/interviewers/{md_id}/training"),
                &[("training_status", "trained")]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
    }
}

/// An hour of audio over a care home's wifi takes longer than a page: the audio upload routes, and
/// only they, get the long time limit.
#[test]
fn audio_uploads_get_the_long_time_limit() {
    let mut audio = 0;
    for (spec, _) in driehoek_web::routes() {
        let path = spec
            .path
            .replace("{conversation}", "0193a2b4-0000-7000-8000-000000000000");
        let limit = driehoek_web::time_limit_for(&spec.method, &path);
        if spec.path.ends_with("/audio") && spec.method == axum::http::Method::POST {
            audio += 1;
            assert_eq!(limit, driehoek_web::AUDIO_UPLOAD_TIME_LIMIT, "{path}");
        } else {
            assert_eq!(
                limit,
                driehoek_web::REQUEST_TIME_LIMIT,
                "{} {path}",
                spec.method
            );
        }
    }
    assert_eq!(audio, 2, "the page and the API upload");
}
