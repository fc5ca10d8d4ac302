//! Act in headless Chromium, with axe-core on every page, on SQLite and PostgreSQL.
//!
//! As the team leader of a ward: plan the evaluation meeting of the round in progress inviting
//! staff only (a warning shows), invite residents and families too and mark it held (the warning
//! goes), record an agreement and turn it into a public improvement action. Publish the ward's
//! "jij zei, wij doen" page and open its poster. Then, signed out and without any cookie, follow
//! the poster's QR link target to the public page and find the action there (and no cookie set).
//! As the quality officer: open the location's kwaliteitsbeeld for the year, download its PDF and
//! check that its text holds the location, the year and the action.

mod common;

use common::{Browser, Finding};
use driehoek_storage::{Db, read};
use serde_json::json;

const TEAM_LEADER: (&str, &str) = ("teamleider.hl@demo.driehoek.nl", "demo-team-leader-2026");
const QO: (&str, &str) = ("kwaliteit.hl@demo.driehoek.nl", "demo-quality-officer-2026");
const AGREEMENT: &str = "Een vaste gastvrouw bij het avondeten in elke huiskamer";

async fn one(db: &Db, sql: &'static str, arg: &str) -> String {
    read!(db, |c| sqlx::query_scalar(sql).bind(arg).fetch_one(c).await)
        .unwrap_or_else(|e| panic!("{sql} {arg}: {e}"))
}

/// The text of a PDF: pdftotext when installed, else the strings of its (uncompressed) content
/// streams, which Driehoek writes in WinAnsiEncoding.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = common::TempDir::new("pdf");
    let file = dir.0.join("kwaliteitsbeeld.pdf");
    std::fs::write(&file, bytes).expect("the PDF is written");
    if let Ok(out) = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
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

async fn scenario(b: Browser, db: Db) -> Vec<Finding> {
    let mut findings = Vec::new();
    let ward = one(
        &db,
        "SELECT r.ward_id FROM role_assignments r JOIN users u ON u.id = r.user_id WHERE u.email = $1",
        TEAM_LEADER.0,
    )
    .await;
    let round = one(
        &db,
        "SELECT r.id FROM rounds r JOIN round_wards rw ON rw.round_id = r.id WHERE rw.ward_id = $1 AND r.status <> 'closed' ORDER BY r.period_start DESC LIMIT 1",
        &ward,
    )
    .await;
    let location = one(&db, "SELECT location_id FROM wards WHERE id = $1", &ward).await;
    let location_name = one(&db, "SELECT name FROM locations WHERE id = $1", &location).await;

    // Plan the meeting with staff only: the warning shows.
    b.login(TEAM_LEADER.0, TEAM_LEADER.1).await;
    let meeting = format!("/wards/{ward}/rounds/{round}/meeting");
    b.goto(&meeting).await;
    findings.extend(b.axe("meeting (new)").await);
    b.set_value("#m-date", "2026-11-20").await;
    b.fill("#m-place", "Huiskamer").await;
    for (field, n) in [
        ("invited_resident", "0"),
        ("invited_family", "0"),
        ("invited_care_staff", "5"),
        ("invited_team_leader", "1"),
    ] {
        b.fill(&format!("input[name='{field}']"), n).await;
    }
    b.click("#m-planned").await;
    b.submit_to(
        &format!("form[action='{meeting}'] button[type='submit']"),
        &meeting,
    )
    .await;
    b.find("#staff-only-warning").await;
    findings.extend(b.axe("meeting with the staff-only warning").await);

    // Invite residents and families, hold it: the warning is gone.
    for (field, n) in [
        ("invited_resident", "3"),
        ("invited_family", "4"),
        ("attended_resident", "2"),
        ("attended_family", "3"),
        ("attended_care_staff", "4"),
        ("attended_team_leader", "1"),
    ] {
        b.fill(&format!("input[name='{field}']"), n).await;
    }
    b.click("#m-held").await;
    b.submit_to(
        &format!("form[action='{meeting}'] button[type='submit']"),
        &meeting,
    )
    .await;
    b.find("#m-held").await;
    let warned = b.exists("#staff-only-warning").await;
    b.check(
        "holding the meeting with residents and families",
        !warned,
        "the staff-only warning still shows",
    )
    .await;

    // An agreement, turned into a public action.
    b.fill("#g-text", AGREEMENT).await;
    b.submit_to(
        &format!("form[action='{meeting}/agreements'] button[type='submit']"),
        &meeting,
    )
    .await;
    let make = b.find("a[href*='/actions/new?agreement=']").await;
    b.step("clicking 'make an action of this agreement'", make.click())
        .await;
    let new_action = format!("/wards/{ward}/actions/new");
    b.wait_until("opening the action form", |p| p == new_action)
        .await;
    findings.extend(b.axe("new action from an agreement").await);
    let title = b
        .step(
            "reading the proposed title",
            b.find("#a-title").await.prop("value"),
        )
        .await
        .unwrap_or_default();
    b.check(
        "the action form takes the agreement",
        title == AGREEMENT,
        &format!("title field holds {title:?}"),
    )
    .await;
    b.click("#ok-ward_team").await;
    b.set_value("#a-due", "2027-02-01").await;
    b.set_value("#a-status", "agreed").await;
    b.click("#a-public").await;
    b.click(&format!(
        "form[action='/wards/{ward}/actions'] button[type='submit']"
    ))
    .await;
    let action = b
        .wait_until("saving the action", |p| {
            p.starts_with("/actions/") && p.len() > "/actions/".len()
        })
        .await;
    findings.extend(b.axe("action").await);
    let public: i64 = read!(&db, |c| sqlx::query_scalar(
        "SELECT public FROM actions WHERE id = $1"
    )
    .bind(action.trim_start_matches("/actions/"))
    .fetch_one(c)
    .await)
    .expect("the action is stored");
    b.check("the action is public", public == 1, "public flag not set")
        .await;

    // Publish the ward's page (unless the demo already did) and open the poster.
    b.goto(&format!("/wards/{ward}/public")).await;
    findings.extend(b.axe("public page settings").await);
    let publish = format!("form[action='/wards/{ward}/public'] input[name='published'][value='1']");
    if b.exists(&publish).await {
        b.submit_to(
            &format!("form[action='/wards/{ward}/public'] button[type='submit']"),
            &format!("/wards/{ward}/public"),
        )
        .await;
    }
    let poster = b.find("#poster-page-link").await;
    b.follow("poster", &poster).await;
    findings.extend(b.axe("poster").await);
    b.find("svg.qr").await;
    let target = b
        .step(
            "reading the QR code's link",
            b.find("#poster-link").await.attr("href"),
        )
        .await
        .unwrap_or_default();
    b.check(
        "the QR code links to the public page on this server",
        target.starts_with(&format!("{}/p/", b.base)),
        &format!("the QR link is {target:?}"),
    )
    .await;

    // Signed out, without any cookie: the public page.
    b.goto("/").await;
    b.logout().await;
    b.step("forgetting every cookie", b.client.delete_all_cookies())
        .await;
    let path = target.strip_prefix(&b.base).unwrap_or(&target).to_string();
    b.goto(&path).await;
    findings.extend(b.axe("public page (jij zei, wij doen)").await);
    let text = b.main_text().await;
    b.check(
        "the public page shows the public action",
        text.contains(AGREEMENT) && text.contains("Wat wij doen"),
        &text,
    )
    .await;
    let cookies = b
        .step("reading the cookies", b.client.get_all_cookies())
        .await;
    b.check(
        "the public page sets no cookie",
        cookies.is_empty(),
        &format!("{cookies:?}"),
    )
    .await;
    let english = b
        .step(
            "reading the language link",
            b.find("a.pub-lang").await.attr("href"),
        )
        .await
        .unwrap_or_default();
    b.check(
        "the public page links to its English version",
        english == "?lang=en",
        &english,
    )
    .await;
    b.goto(&format!("{path}?lang=en")).await;
    let text = b.main_text().await;
    b.check("the English page", text.contains("What we do"), &text)
        .await;
    findings.extend(b.axe("public page in English").await);

    // The kwaliteitsbeeld of the location for 2026 and its PDF.
    b.login(QO.0, QO.1).await;
    let picture = format!("/locations/{location}/quality-picture?year=2026");
    b.goto(&picture).await;
    let text = b.main_text().await;
    b.check(
        "the kwaliteitsbeeld is complete and has the action",
        text.contains("Het kwaliteitsbeeld is compleet") && text.contains(AGREEMENT),
        &text,
    )
    .await;
    findings.extend(b.axe("kwaliteitsbeeld").await);
    let href = b
        .step(
            "reading the PDF link",
            b.find("#quality-picture-pdf").await.attr("href"),
        )
        .await
        .unwrap_or_default();
    let bytes = b
        .step(
            "downloading the PDF",
            b.client.execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(arguments[0], { credentials: 'same-origin' })
                   .then(r => r.arrayBuffer())
                   .then(buf => done(Array.from(new Uint8Array(buf))))
                   .catch(e => done(String(e)));",
                vec![json!(href)],
            ),
        )
        .await;
    let bytes: Vec<u8> = bytes
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
                .collect()
        })
        .unwrap_or_default();
    b.check(
        "the download is a PDF",
        bytes.starts_with(b"%PDF-"),
        &format!("{} bytes", bytes.len()),
    )
    .await;
    // Table cells wrap: compare with the line breaks as spaces.
    let pdf = pdf_text(&bytes)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for needle in [location_name.as_str(), "2026", AGREEMENT] {
        b.check(
            "the PDF's text",
            pdf.contains(needle),
            &format!("no {needle:?} in:\n{pdf}"),
        )
        .await;
    }
    findings
}

#[tokio::test]
async fn meeting_action_public_page_and_kwaliteitsbeeld() {
    common::walk(scenario).await;
}
