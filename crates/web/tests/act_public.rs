//! The ward's public "jij zei, wij doen" page, its poster and the kwaliteitsbeeld, on SQLite and
//! PostgreSQL: the public page leaks nothing beyond what the ward chose to publish (proved
//! against the demo data), sets no cookie and answers 404 until published; the PDF is a real PDF
//! with vector charts whose text holds the location, the year and an action.

#![allow(clippy::many_single_char_names)]

mod support;

use axum::http::{StatusCode, header};
use driehoek_storage::{Db, read, write};
use driehoek_web::{AppState, Config, app};
use support::{Client, demo_databases};

const QO_A: (&str, &str) = ("kwaliteit.hl@demo.driehoek.nl", "demo-quality-officer-2026");
const QO_B: (&str, &str) = ("kwaliteit.md@demo.driehoek.nl", "demo-quality-officer-2026");
const TEAM_LEADER_A: (&str, &str) = ("teamleider.hl@demo.driehoek.nl", "demo-team-leader-2026");
const COUNCIL_A: (&str, &str) = (
    "clientenraad.hl@demo.driehoek.nl",
    "demo-client-council-2026",
);

async fn one(db: &Db, sql: &'static str, arg: &str) -> String {
    read!(db, |c| sqlx::query_scalar(sql).bind(arg).fetch_one(c).await)
        .unwrap_or_else(|e| panic!("{sql} {arg}: {e}"))
}

async fn strings(db: &Db, sql: &'static str, arg: &str) -> Vec<String> {
    read!(db, |c| sqlx::query_scalar(sql).bind(arg).fetch_all(c).await).unwrap()
}

async fn exec(db: &Db, sql: &'static str, args: &[&str]) {
    write!(db, |c| {
        let mut q = sqlx::query(sql);
        for a in args {
            q = q.bind(*a);
        }
        q.execute(c).await.map(|_| ())
    })
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The team leader's ward (organisation A) and its finished round.
async fn ward_a(db: &Db) -> (String, String) {
    let tl = one(
        db,
        "SELECT r.ward_id FROM role_assignments r JOIN users u ON u.id = r.user_id WHERE u.email = $1",
        TEAM_LEADER_A.0,
    )
    .await;
    let round = one(
        db,
        "SELECT r.id FROM rounds r JOIN triads t ON t.round_id = r.id WHERE t.ward_id = $1 AND r.status = 'closed' LIMIT 1",
        &tl,
    )
    .await;
    (tl, round)
}

/// Actions on the ward: one public, one not, one public but dropped. Made directly in the
/// database so that this test does not depend on the action pages.
async fn actions_fixture(db: &Db, ward: &str, round: &str) {
    let now = "2025-07-01T10:00:00Z";
    for (id, title, status, public) in [
        (
            "act-public-1",
            "Vaste gezichten in de avonddienst",
            "in_progress",
            "1",
        ),
        (
            "act-secret-1",
            "Geheime interne actie over roosters",
            "agreed",
            "0",
        ),
        ("act-dropped-1", "Afgevallen openbare actie", "dropped", "1"),
    ] {
        write!(db, |c| sqlx::query(
            "INSERT INTO actions (id, ward_id, round_id, agreement_id, title, why, owner_kind, owner_user_id, owner_service, due_on, status, drop_reason, public, created_at, updated_at)
             VALUES ($1, $2, $3, NULL, $4, 'waarom', 'ward_team', NULL, NULL, '2025-12-01', $5, '', $6, $7, $7)"
        )
        .bind(format!("{id}-{ward}"))
        .bind(ward)
        .bind(round)
        .bind(title)
        .bind(status)
        .bind(public.parse::<i64>().unwrap())
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
        .unwrap();
    }
}

fn no_cookie(a: &support::Answer, what: &str) {
    assert!(
        a.headers.get(header::SET_COOKIE).is_none(),
        "{what} set a cookie: {:?}",
        a.headers.get(header::SET_COOKIE)
    );
}

#[tokio::test]
async fn the_public_page_shows_only_what_the_ward_published() {
    for t in demo_databases().await {
        let db = &t.db;
        let (ward, round) = ward_a(db).await;
        actions_fixture(db, &ward, &round).await;

        // Nothing published yet: any public id is "not found", and sets no cookie.
        let mut anon = Client::new(db);
        let a = anon.get("/p/0123456789abcdef0123456789abcdef").await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", t.label);
        no_cookie(&a, "a 404 of the public page");

        // The demo's finished round has no consent records; give its conversations consent for
        // the conversation and for quotes (no audio), as the interviewers would have recorded.
        exec(
            db,
            "INSERT INTO consents (conversation_id, given_by, given_on, for_conversation, for_audio, for_quotes, recorded_by, recorded_at, withdrawn_at)
             SELECT c.id, 'participant', '2025-03-01', TRUE, FALSE, TRUE, 'test', '2025-03-01T09:00:00Z', NULL
             FROM conversations c JOIN triads t ON t.id = c.triad_id
             WHERE t.ward_id = $1 AND t.round_id = $2
               AND NOT EXISTS (SELECT 1 FROM consents k WHERE k.conversation_id = c.id)",
            &[&ward, &round],
        )
        .await;

        // The team leader withdraws whatever the demo published (the page is gone), publishes
        // again (audited) and chooses two quotes: one positive, one negative.
        let mut tl = Client::new(db);
        tl.login(TEAM_LEADER_A.0, TEAM_LEADER_A.1).await;
        let w = tl
            .post(&format!("/wards/{ward}/public"), &[("published", "0")])
            .await;
        assert_eq!(w.status, StatusCode::SEE_OTHER, "{}", w.body);
        let settings = tl.get(&format!("/wards/{ward}/public")).await;
        assert_eq!(settings.status, StatusCode::OK, "{}", settings.body);
        assert!(settings.body.contains("Niet gepubliceerd"));
        let public_id = one(
            db,
            "SELECT public_id FROM ward_publications WHERE ward_id = $1",
            &ward,
        )
        .await;
        let hidden = anon.get(&format!("/p/{public_id}")).await;
        assert_eq!(
            hidden.status,
            StatusCode::NOT_FOUND,
            "{}: unpublished page answers",
            t.label
        );
        no_cookie(&hidden, "an unpublished page");
        let p = tl
            .post(&format!("/wards/{ward}/public"), &[("published", "1")])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        assert_eq!(
            one(
                db,
                "SELECT public_id FROM ward_publications WHERE ward_id = $1",
                &ward
            )
            .await,
            public_id,
            "the address stays the same, so printed posters keep working"
        );
        assert_eq!(public_id.len(), 32);
        let candidates: Vec<(String, String, String, String)> = read!(db, |c| sqlx::query_as(
            "SELECT f.id, f.valence, f.text, c.id FROM fragments f JOIN conversations c ON c.id = f.conversation_id
             JOIN triads t ON t.id = c.triad_id
             WHERE t.ward_id = $1 AND t.round_id = $2 AND f.valence IN ('positive', 'negative') AND f.speaker <> 'interviewer'
             ORDER BY f.id"
        )
        .bind(&ward)
        .bind(&round)
        .fetch_all(c)
        .await)
        .unwrap();
        let chosen_pos = candidates.iter().find(|c| c.1 == "positive").unwrap();
        let chosen_neg = candidates.iter().find(|c| c.1 == "negative").unwrap();
        let q = tl
            .post(
                &format!("/wards/{ward}/public/quotes"),
                &[
                    ("round", round.as_str()),
                    ("fragment", chosen_pos.0.as_str()),
                    ("fragment", chosen_neg.0.as_str()),
                ],
            )
            .await;
        assert_eq!(q.status, StatusCode::SEE_OTHER, "{}", q.body);
        // A fragment whose conversation has no consent for quotes cannot become publishable,
        // and one marked publishable behind the page's back still does not show.
        let no_consent = candidates
            .iter()
            .rev()
            .find(|c| c.3 != chosen_pos.3 && c.3 != chosen_neg.3)
            .unwrap();
        exec(
            db,
            "UPDATE consents SET for_quotes = FALSE WHERE conversation_id = (SELECT conversation_id FROM fragments WHERE id = $1)",
            &[&no_consent.0],
        )
        .await;
        let q = tl
            .post(
                &format!("/wards/{ward}/public/quotes"),
                &[
                    ("round", round.as_str()),
                    ("fragment", chosen_pos.0.as_str()),
                    ("fragment", chosen_neg.0.as_str()),
                    ("fragment", no_consent.0.as_str()),
                ],
            )
            .await;
        assert_eq!(q.status, StatusCode::SEE_OTHER);
        assert_eq!(
            one(
                db,
                "SELECT CAST(publishable AS TEXT) FROM fragments WHERE id = $1",
                &no_consent.0
            )
            .await,
            "0",
            "{}: a fragment without quote consent became publishable",
            t.label
        );
        exec(
            db,
            "UPDATE fragments SET publishable = 1 WHERE id = $1",
            &[&no_consent.0],
        )
        .await;

        // The page, without login, in Dutch.
        let mut anon = Client::new(db);
        let page = anon.get(&format!("/p/{public_id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", t.label, page.body);
        no_cookie(&page, "the public page");
        let css = anon.get("/assets/public.css").await;
        assert_eq!(css.status, StatusCode::OK);
        no_cookie(&css, "the public page's style sheet");
        assert!(anon.cookies.is_empty());
        let body = &page.body;
        assert!(body.contains("<html lang=\"nl\">") && body.contains("Jij zei, wij doen"));
        assert!(body.contains("Wat u ons vertelde") && body.contains("Dit gaat goed"));
        assert!(
            body.contains("Vaste gezichten in de avonddienst"),
            "public action"
        );
        assert!(body.contains("Wij zijn bezig"), "its status");
        let html_text = |s: &str| {
            s.replace('&', "&amp;")
                .replace('\'', "&#39;")
                .replace('"', "&quot;")
        };
        // Every action of the ward (the demo's and this test's): shown exactly when public and
        // not dropped.
        let titles: Vec<(String, i64, String)> = read!(db, |c| sqlx::query_as(
            "SELECT title, public, status FROM actions WHERE ward_id = $1"
        )
        .bind(&ward)
        .fetch_all(c)
        .await)
        .unwrap();
        assert!(titles.len() >= 3);
        for (title, public, status) in &titles {
            let shown = body.contains(&html_text(title));
            if *public != 0 && status != "dropped" {
                assert!(shown, "{}: public action {title:?} missing", t.label);
            } else {
                assert!(
                    !shown,
                    "{}: action {title:?} (public {public}, {status}) shows",
                    t.label
                );
            }
        }
        assert!(
            body.contains(&html_text(&chosen_pos.2)) && body.contains(&html_text(&chosen_neg.2)),
            "{}: the chosen quotes are missing: {:?} {:?}",
            t.label,
            chosen_pos.2,
            chosen_neg.2,
        );
        assert!(
            !body.contains(&html_text(&no_consent.2)),
            "{}: a quote without consent shows",
            t.label
        );
        // No other fragment of the ward's stories appears.
        for c in &candidates {
            if c.0 != chosen_pos.0 && c.0 != chosen_neg.0 {
                assert!(
                    !body.contains(&html_text(&c.2)),
                    "{}: unpublished fragment shows: {}",
                    t.label,
                    c.2
                );
            }
        }
        // No triad codes, no names or e-mail addresses of users, no internal ids, nothing
        // unpublished; fragment ids of the candidates neither.
        assert_leaks_nothing(db, t.label, &ward, body).await;
        for c in &candidates {
            assert!(
                !body.contains(c.0.as_str()),
                "{}: fragment id shows",
                t.label
            );
        }

        // English by link and by Accept-Language; still no cookie.
        let en = anon.get(&format!("/p/{public_id}?lang=en")).await;
        assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("You said, we did"));
        assert!(en.body.contains("We are working on it"));
        no_cookie(&en, "the English page");
        let mut english = Client::new(db);
        english.accept_language = Some("en-GB,en;q=0.9".into());
        assert!(
            english
                .get(&format!("/p/{public_id}"))
                .await
                .body
                .contains("You said, we did")
        );

        // Even a signed-in visitor gets no cookie from the public page.
        let signed_in = tl.get(&format!("/p/{public_id}")).await;
        assert_eq!(signed_in.status, StatusCode::OK);
        no_cookie(&signed_in, "the public page for a signed-in user");

        // Small-group suppression: with a minimum above the ward's triads nothing is counted
        // and no quote shows.
        let network = one(db, "SELECT network_id FROM organisations WHERE id = (SELECT l.organisation_id FROM locations l JOIN wards w ON w.location_id = l.id WHERE w.id = $1)", &ward).await;
        exec(
            db,
            "UPDATE networks SET min_group_size = 50 WHERE id = $1",
            &[&network],
        )
        .await;
        let small = anon.get(&format!("/p/{public_id}")).await;
        assert!(small.body.contains("Niet genoeg verhalen"), "{}", t.label);
        assert!(
            !small.body.contains("goede en"),
            "{}: counts of a small group show",
            t.label
        );
        assert!(
            !small.body.contains(&html_text(&chosen_pos.2)),
            "{}: a quote of a small group shows",
            t.label
        );
        exec(
            db,
            "UPDATE networks SET min_group_size = 5 WHERE id = $1",
            &[&network],
        )
        .await;

        // Another organisation cannot publish or read the settings (NotFound).
        let mut b = Client::new(db);
        b.login(QO_B.0, QO_B.1).await;
        assert_eq!(
            b.get(&format!("/wards/{ward}/public")).await.status,
            StatusCode::NOT_FOUND
        );
        let w = b
            .post(&format!("/wards/{ward}/public"), &[("published", "0")])
            .await;
        assert_eq!(w.status, StatusCode::NOT_FOUND);

        // Withdrawn: 404 again, for everyone; published again: the same address works.
        let w = tl
            .post(&format!("/wards/{ward}/public"), &[("published", "0")])
            .await;
        assert_eq!(w.status, StatusCode::SEE_OTHER);
        let gone = anon.get(&format!("/p/{public_id}")).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        no_cookie(&gone, "a withdrawn page");
        tl.post(&format!("/wards/{ward}/public"), &[("published", "1")])
            .await;
        assert_eq!(
            anon.get(&format!("/p/{public_id}")).await.status,
            StatusCode::OK
        );

        let audited = strings(
            db,
            "SELECT action FROM audit_log WHERE subject = (SELECT name FROM wards WHERE id = $1)",
            &ward,
        )
        .await;
        for a in [
            "ward-page-published",
            "ward-page-withdrawn",
            "public-quotes-chosen",
        ] {
            assert!(
                audited.iter().any(|x| x == a),
                "{}: {a} not audited",
                t.label
            );
        }
    }
}

#[tokio::test]
async fn the_poster_has_a_qr_code_of_the_public_address() {
    for t in demo_databases().await {
        let db = &t.db;
        let (ward, _) = ward_a(db).await;
        let mut tl = Client::new(db);
        tl.router = app(AppState::new(
            db.clone(),
            Config {
                public_url: Some("https://zorg.example.nl/".into()),
                ..Config::default()
            },
        ));
        tl.login(TEAM_LEADER_A.0, TEAM_LEADER_A.1).await;
        // No publication yet (the demo may have published it): no poster.
        exec(
            db,
            "DELETE FROM ward_publications WHERE ward_id = $1",
            &[&ward],
        )
        .await;
        assert_eq!(
            tl.get(&format!("/wards/{ward}/poster")).await.status,
            StatusCode::NOT_FOUND
        );
        tl.post(&format!("/wards/{ward}/public"), &[("published", "1")])
            .await;
        let id = one(
            db,
            "SELECT public_id FROM ward_publications WHERE ward_id = $1",
            &ward,
        )
        .await;
        let poster = tl.get(&format!("/wards/{ward}/poster")).await;
        assert_eq!(poster.status, StatusCode::OK, "{}", poster.body);
        let url = format!("https://zorg.example.nl/p/{id}");
        assert!(
            poster.body.contains(&format!("href=\"{url}\"")),
            "{}",
            poster.body
        );
        assert!(poster.body.contains("<svg") && poster.body.contains("class=\"qr\""));
        assert!(poster.body.contains("@page") || poster.body.contains("/assets/poster.css"));
        let (_, dark) = driehoek_web::qr::matrix(&url).unwrap();
        assert_eq!(
            poster.body.matches("h1v1h-1z").count(),
            dark.iter().filter(|d| **d).count(),
            "the poster draws the QR code of the public address"
        );
        // Without a configured address the request's host is used.
        let mut plain = Client::new(db);
        plain.login(TEAM_LEADER_A.0, TEAM_LEADER_A.1).await;
        let p = plain.get(&format!("/wards/{ward}/poster")).await;
        assert!(
            p.body.contains(&format!("http://localhost/p/{id}")),
            "{}",
            t.label
        );
    }
}

/// The text of a PDF: pdftotext when installed, else the strings of its (uncompressed) content
/// streams decoded from WinAnsi.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("driehoek-pdf-{}", uuid_like()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("k.pdf");
    std::fs::write(&file, bytes).unwrap();
    if let Ok(out) = std::process::Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&file)
        .arg("-")
        .output()
        && out.status.success()
    {
        return String::from_utf8_lossy(&out.stdout).into_owned();
    }
    eprintln!("note: pdftotext not installed; reading the PDF's own strings");
    driehoek_web::pdf::shown_text(bytes)
}

fn uuid_like() -> String {
    format!(
        "{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

#[tokio::test]
async fn the_quality_picture_page_and_pdf() {
    for t in demo_databases().await {
        let db = &t.db;
        let (ward, round) = ward_a(db).await;
        actions_fixture(db, &ward, &round).await;
        let location = one(db, "SELECT location_id FROM wards WHERE id = $1", &ward).await;
        let location_name = one(db, "SELECT name FROM locations WHERE id = $1", &location).await;
        let org = one(
            db,
            "SELECT organisation_id FROM locations WHERE id = $1",
            &location,
        )
        .await;
        let mut qo = Client::new(db);
        qo.login(QO_A.0, QO_A.1).await;

        // The reflection (with Dutch accents) and the council's sign-off.
        let base = format!("/locations/{location}/quality-picture");
        let r = qo
            .post(
                &format!("{base}/reflection"),
                &[
                    ("year", "2025"),
                    ("reflection", "Wij leerden veel: ideeën van naasten, een café-middag en naïeve vragen die ertoe deden."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", t.label, r.body);
        let bad = qo
            .post(
                &format!("{base}/sign-off"),
                &[
                    ("year", "2025"),
                    ("signed_on", "gisteren"),
                    ("signed_by", ""),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        let mut council = Client::new(db);
        council.login(COUNCIL_A.0, COUNCIL_A.1).await;
        let s = council
            .post(
                &format!("{base}/sign-off"),
                &[
                    ("year", "2025"),
                    ("signed_on", "2026-01-15"),
                    ("signed_by", "Voorzitter cliëntenraad"),
                ],
            )
            .await;
        assert_eq!(s.status, StatusCode::SEE_OTHER, "{}: {}", t.label, s.body);
        // The council may not write the reflection.
        let no = council
            .post(
                &format!("{base}/reflection"),
                &[("year", "2025"), ("reflection", "x")],
            )
            .await;
        assert_eq!(no.status, StatusCode::FORBIDDEN);

        // The page (streamed per location).
        let page = qo.get(&format!("{base}?year=2025")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let b = &page.body;
        assert!(b.contains(&location_name) && b.contains("Kwaliteitsbeeld 2025"));
        assert!(b.contains("Locatie 1 van 1") && b.contains("Het kwaliteitsbeeld is compleet"));
        assert!(
            b.contains("class=\"qp-plot\""),
            "{}: no triad plot",
            t.label
        );
        assert!(b.contains("class=\"qp-bars\""));
        assert!(b.contains("Vaste gezichten in de avonddienst"));
        assert!(b.contains("Ondertekend door Voorzitter cliëntenraad op 2026-01-15"));
        assert!(b.contains("café-middag"));
        for code in strings(db, "SELECT code FROM triads WHERE ward_id = $1", &ward).await {
            assert!(
                !b.contains(&code),
                "{}: triad code {code} in the kwaliteitsbeeld",
                t.label
            );
        }

        // The PDF: a real PDF, vector only, with the location, year, action and accents.
        let pdf = qo.get(&format!("{base}.pdf?year=2025")).await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
        let raw = read_raw(&mut qo, &format!("{base}.pdf?year=2025")).await;
        assert!(raw.starts_with(b"%PDF-"));
        let as_text = String::from_utf8_lossy(&raw);
        assert!(
            !as_text.contains("/Subtype /Image"),
            "charts must be vector"
        );
        assert!(
            as_text.contains(" re\n") || as_text.contains(" c\n"),
            "charts are drawn as paths"
        );
        // Table cells wrap: compare with the line breaks as spaces.
        let text = pdf_text(&raw)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for needle in [
            location_name.as_str(),
            "2025",
            "Vaste gezichten in de avonddienst",
            "ideeën",
            "café-middag",
            "naïeve",
            "Voorzitter cliëntenraad",
        ] {
            assert!(
                text.contains(needle),
                "{}: PDF text lacks {needle:?}:\n{text}",
                t.label
            );
        }
        let exports = strings(
            db,
            "SELECT detail FROM audit_log WHERE action = 'export' AND actor_email = $1",
            QO_A.0,
        )
        .await;
        assert!(
            exports.iter().any(|d| d == "pdf"),
            "{}: the PDF export is not audited",
            t.label
        );

        // The organisation's picture has every location.
        let org_page = qo
            .get(&format!("/organisations/{org}/quality-picture?year=2025"))
            .await;
        assert_eq!(org_page.status, StatusCode::OK);
        assert!(org_page.body.contains("Locatie 2 van 2"), "{}", t.label);
        let org_pdf = read_raw(
            &mut qo,
            &format!("/organisations/{org}/quality-picture.pdf?year=2025"),
        )
        .await;
        assert!(org_pdf.starts_with(b"%PDF-"));

        // A bad year is a field message, not a 500; another organisation sees nothing.
        let bad = qo.get(&format!("{base}?year=abc")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The team leader of one ward reads results there, not on the whole location.
        let mut tl = Client::new(db);
        tl.login(TEAM_LEADER_A.0, TEAM_LEADER_A.1).await;
        assert_eq!(
            tl.get(&format!("{base}?year=2025")).await.status,
            StatusCode::NOT_FOUND
        );
        let mut other = Client::new(db);
        other.login(QO_B.0, QO_B.1).await;
        assert_eq!(
            other.get(&format!("{base}?year=2025")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other.get(&format!("{base}.pdf")).await.status,
            StatusCode::NOT_FOUND
        );
        let w = other
            .post(
                &format!("{base}/reflection"),
                &[("year", "2025"), ("reflection", "overgenomen")],
            )
            .await;
        assert_eq!(w.status, StatusCode::NOT_FOUND);
    }
}

/// The raw bytes of a GET (the helper client keeps bodies as text).
async fn read_raw(c: &mut Client, path: &str) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let cookies: Vec<String> = c.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let req = axum::http::Request::builder()
        .uri(path)
        .header(header::COOKIE, cookies.join("; "))
        .body(axum::body::Body::empty())
        .unwrap();
    let res = c.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

/// Everything of a ward that its public page must not show: triad codes, user names and
/// addresses, internal ids, fragments not marked publishable (or without quote consent), actions
/// not public (or dropped).
async fn assert_leaks_nothing(db: &Db, label: &str, ward: &str, body: &str) {
    let html_text = |s: &str| {
        s.replace('&', "&amp;")
            .replace('\'', "&#39;")
            .replace('"', "&quot;")
    };
    for code in strings(db, "SELECT code FROM triads WHERE ward_id = $1", ward).await {
        assert!(!body.contains(&code), "{label}: triad code {code} shows");
    }
    let people: Vec<(String, String)> = read!(db, |c| sqlx::query_as(
        "SELECT display_name, email FROM users"
    )
    .fetch_all(c)
    .await)
    .unwrap();
    for (name, email) in &people {
        assert!(!body.contains(email.as_str()), "{label}: {email} shows");
        if name.chars().count() > 7 {
            assert!(
                !body.contains(&html_text(name)),
                "{label}: the name {name} shows"
            );
        }
    }
    let mut ids = vec![ward.to_string()];
    ids.extend(strings(db, "SELECT id FROM triads WHERE ward_id = $1", ward).await);
    ids.extend(strings(db, "SELECT id FROM actions WHERE ward_id = $1", ward).await);
    ids.extend(
        strings(
            db,
            "SELECT DISTINCT round_id FROM triads WHERE ward_id = $1",
            ward,
        )
        .await,
    );
    for id in &ids {
        assert!(
            !body.contains(id.as_str()),
            "{label}: internal id {id} shows"
        );
    }
    let fragments: Vec<(String, i64, bool)> = read!(db, |c| sqlx::query_as(
        "SELECT f.text, f.publishable, COALESCE(k.for_quotes AND k.withdrawn_at IS NULL, FALSE)
         FROM fragments f JOIN conversations c ON c.id = f.conversation_id
         JOIN triads t ON t.id = c.triad_id
         LEFT JOIN consents k ON k.conversation_id = c.id
         WHERE t.ward_id = $1"
    )
    .bind(ward)
    .fetch_all(c)
    .await)
    .unwrap();
    let allowed: Vec<&str> = fragments
        .iter()
        .filter(|(_, p, consent)| *p != 0 && *consent)
        .map(|(t, _, _)| t.as_str())
        .collect();
    for (text, publishable, consent) in &fragments {
        // Short fragments ("Ja.") could match ordinary words; the same text may also be a
        // fragment that is allowed.
        if text.len() < 25 || allowed.contains(&text.as_str()) {
            continue;
        }
        assert!(
            !body.contains(&html_text(text)),
            "{label}: fragment (publishable {publishable}, consent {consent}) shows: {text}"
        );
    }
    let actions: Vec<(String, i64, String)> = read!(db, |c| sqlx::query_as(
        "SELECT title, public, status FROM actions WHERE ward_id = $1"
    )
    .bind(ward)
    .fetch_all(c)
    .await)
    .unwrap();
    for (title, public, status) in &actions {
        if *public == 0 || status == "dropped" {
            assert!(
                !body.contains(&html_text(title)),
                "{label}: action {title:?} (public {public}, {status}) shows"
            );
        }
    }
    assert!(
        !body.contains("<script"),
        "{label}: a script on the public page"
    );
    assert!(
        !body.contains("<form"),
        "{label}: a form on the public page"
    );
}

/// Every page the demo publishes, as it is: nothing beyond what its ward chose.
#[tokio::test]
async fn every_published_demo_page_leaks_nothing() {
    for t in demo_databases().await {
        let db = &t.db;
        let mut published: Vec<(String, String)> = read!(db, |c| sqlx::query_as(
            "SELECT ward_id, public_id FROM ward_publications WHERE published <> 0"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        if published.is_empty() {
            // A demo without published pages: publish every ward of the first organisation.
            let wards = strings(
                db,
                "SELECT w.id FROM wards w JOIN locations l ON l.id = w.location_id JOIN organisations o ON o.id = l.organisation_id WHERE o.name = $1",
                "Zorggroep Heuvelland",
            )
            .await;
            for w in wards {
                let id = driehoek_storage::publication::publish_unchecked(db, &w)
                    .await
                    .unwrap();
                published.push((w, id));
            }
        }
        assert!(!published.is_empty());
        let mut anon = Client::new(db);
        for (ward, public_id) in &published {
            let page = anon.get(&format!("/p/{public_id}")).await;
            assert_eq!(page.status, StatusCode::OK, "{}", t.label);
            no_cookie(&page, "a demo public page");
            assert!(page.body.contains("Jij zei, wij doen"));
            assert_leaks_nothing(db, t.label, ward, &page.body).await;
            let en = anon.get(&format!("/p/{public_id}?lang=en")).await;
            assert_leaks_nothing(db, t.label, ward, &en.body).await;
        }
        assert!(anon.cookies.is_empty(), "{}: a cookie was set", t.label);
        // A ward of another organisation that did not publish: its id gives nothing.
        let unpublished: Vec<String> = read!(db, |c| sqlx::query_scalar(
            "SELECT public_id FROM ward_publications WHERE published = 0"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        for id in unpublished {
            assert_eq!(
                anon.get(&format!("/p/{id}")).await.status,
                StatusCode::NOT_FOUND
            );
        }
    }
}
