//! Listen in headless Chromium, with axe-core on every page, on SQLite and PostgreSQL.
//!
//! As the quality officer of Zorggroep Heuvelland: plan a round, add a triad, try to assign an
//! interviewer of the own organisation (refused, the rule is shown), assign one of Stichting
//! Maasdal, record consent and mark the conversation held. As that interviewer: see only the
//! conversations assigned to them (not the triad's other slots), open the guide, upload a `.docx`
//! transcript made here with the `zip` crate, review the proposed replacements, save only the
//! pseudonymised text and mark it checked. The harness (chromedriver, axe, skipping without a
//! browser) is `common/mod.rs`.

mod common;

use common::{Browser, Finding};
use driehoek_storage::{Db, read};
use fantoccini::Locator;
use std::io::Write as _;

const QO: (&str, &str) = ("kwaliteit.hl@demo.driehoek.nl", "demo-quality-officer-2026");
const IV_OWN: &str = "interviewer.hl@demo.driehoek.nl";
const IV: (&str, &str) = ("interviewer.md@demo.driehoek.nl", "demo-interviewer-2026");
const RULE: &str = "Een interviewer voert nooit gesprekken in een huis van de eigen werkgever";

/// A minimal .docx: just `word/document.xml` with one paragraph per line.
fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
    );
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
    .expect("zip entry");
    z.write_all(xml.as_bytes()).expect("zip write");
    z.finish().expect("zip finish");
    buf.into_inner()
}

async fn count(db: &Db, sql: &'static str, arg: &str) -> i64 {
    read!(db, |c| sqlx::query_scalar(sql).bind(arg).fetch_one(c).await).expect("count")
}

async fn text_of(db: &Db, sql: &'static str, arg: &str) -> Option<String> {
    read!(db, |c| sqlx::query_scalar(sql).bind(arg).fetch_one(c).await).expect("query")
}

async fn scenario(b: Browser, db: Db) -> Vec<Finding> {
    let mut findings = Vec::new();
    b.login(QO.0, QO.1).await;

    // Plan a round for the first ward.
    b.goto("/rounds").await;
    findings.extend(b.axe("rounds").await);
    b.fill("form[action='/rounds'] input[name='name']", "Najaar 2026")
        .await;
    b.set_value(
        "form[action='/rounds'] input[name='period_start']",
        "2026-09-01",
    )
    .await;
    b.set_value(
        "form[action='/rounds'] input[name='period_end']",
        "2026-12-15",
    )
    .await;
    b.click("form[action='/rounds'] input[name='wards']").await;
    b.click("form[action='/rounds'] button[type='submit']")
        .await;
    let round = b
        .wait_until("planning the round", |p| {
            p.starts_with("/rounds/") && p.len() > "/rounds/".len()
        })
        .await;
    let h1 = b.text("main h1").await;
    b.check("on the round page", h1.contains("Najaar 2026"), &h1)
        .await;
    findings.extend(b.axe("round").await);

    // Add a triad: Driehoek makes the code.
    b.click("form[action$='/triads'] button[type='submit']")
        .await;
    let triad = b
        .wait_until("adding a triad", |p| p.starts_with("/triads/"))
        .await;
    let h1 = b.text("main h1").await;
    b.check("on the triad page", h1.contains("T-"), &h1).await;
    findings.extend(b.axe("triad").await);
    let links = b
        .step(
            "finding the conversation links",
            b.client.find_all(Locator::Css("main table tbody th a")),
        )
        .await;
    let mut slots = Vec::new();
    for l in &links {
        let href = b.step("reading a conversation link", l.attr("href")).await;
        slots.extend(href);
    }
    b.check(
        "on the triad page",
        slots.len() == 3,
        &format!("expected three conversation slots, found {slots:?}"),
    )
    .await;
    let conversation = slots[0].clone();
    let others = slots[1..].to_vec();
    let _ = (round, triad);

    // The own organisation's interviewer is refused, with the rule named.
    b.goto(&conversation).await;
    findings.extend(b.axe("conversation (quality officer)").await);
    b.fill("#iv-email", IV_OWN).await;
    b.click("form[action$='/interviewer'] button[type='submit']")
        .await;
    b.find("main .notice").await;
    let notice = b.main_text().await;
    b.check(
        "after assigning the own organisation's interviewer",
        notice.contains(RULE),
        &notice,
    )
    .await;
    findings.extend(b.axe("refusal").await);

    // One from another organisation is proposed and accepted.
    b.goto(&conversation).await;
    let label = b
        .step(
            "finding Mark Dassen among the proposals",
            b.client
                .find(Locator::XPath("//label[contains(., 'Mark Dassen')]")),
        )
        .await;
    b.step("choosing Mark Dassen", label.click()).await;
    b.submit_to(
        "form[action$='/interviewer'] button[type='submit']",
        &conversation,
    )
    .await;
    let text = b.text("#h-interviewer + p").await;
    b.check("after assigning", text.contains("Mark Dassen"), &text)
        .await;

    // Consent, then the conversation is held.
    b.click("#c-audio").await;
    b.click("#c-quotes").await;
    b.submit_to(
        "form[action$='/consent'] button[type='submit']",
        &conversation,
    )
    .await;
    let main = b.main_text().await;
    b.check(
        "after recording consent",
        main.contains("Gegeven door de deelnemer"),
        &main,
    )
    .await;
    b.set_value("#s-date", "2026-09-15").await;
    b.set_value("#s-time", "10:30").await;
    b.fill("#s-place", "Stille kamer").await;
    let select = b.find("#s-status").await;
    b.step("choosing held", select.select_by_value("held"))
        .await;
    b.submit_to(
        "form[action$='/schedule'] button[type='submit']",
        &conversation,
    )
    .await;
    let h1 = b.text("main h1").await;
    b.check("after marking held", h1.contains("gehouden"), &h1)
        .await;
    b.logout().await;

    // The interviewer sees only the conversations assigned to them.
    b.login(IV.0, IV.1).await;
    b.goto("/my/conversations").await;
    findings.extend(b.axe("my conversations").await);
    b.check(
        "on my conversations",
        b.exists(&format!("main a[href='{conversation}']")).await,
        "the new conversation is not listed",
    )
    .await;
    let rows = b
        .step(
            "counting my conversations",
            b.client.find_all(Locator::Css("main table tbody tr")),
        )
        .await
        .len() as i64;
    let assigned = count(
        &db,
        "SELECT COUNT(*) FROM conversations c JOIN users u ON u.id = c.interviewer_id WHERE u.email = $1",
        IV.0,
    )
    .await;
    b.check(
        "on my conversations",
        rows == assigned,
        &format!("{rows} rows listed, {assigned} assigned"),
    )
    .await;
    for other in &others {
        b.step(
            "opening another slot of the triad",
            b.client.goto(&format!("{}{other}", b.base)),
        )
        .await;
        b.wait_for_path(other).await;
        let h1 = b.text("main h1").await;
        b.check(
            "opening another slot of the triad",
            h1.contains("niet gevonden") || h1.contains("Niet gevonden"),
            &format!("the interviewer reached {other}: {h1}"),
        )
        .await;
    }
    b.goto(&format!("{conversation}/guide")).await;
    let guide = b.main_text().await;
    b.check("on the guide", guide.contains("dementie"), &guide)
        .await;
    findings.extend(b.axe("guide").await);

    // Upload a .docx transcript and review the proposed replacements.
    b.goto(&conversation).await;
    findings.extend(b.axe("conversation (interviewer)").await);
    let file =
        std::env::temp_dir().join(format!("driehoek-e2e-{}-{}.docx", b.db, std::process::id()));
    std::fs::write(
        &file,
        docx(&[
            "Interviewer: Hoe gaat het hier met u, mevrouw Jansen?",
            "Bewoner: Goed. Zuster Petra komt elke ochtend even langs op kamer 12.",
            "Bewoner: Mijn dochter belt op 06-12345678.",
        ]),
    )
    .expect("the docx file");
    let input = b.find("#t-file").await;
    b.step(
        "choosing the .docx file",
        input.send_keys(&file.display().to_string()),
    )
    .await;
    b.click("form[action*='/transcript'] button[type='submit']")
        .await;
    b.find("main ul.review").await;
    let marks = b.main_text().await;
    b.check(
        "on the review page",
        marks.contains("Jansen") && marks.contains("06-12345678"),
        &marks,
    )
    .await;
    findings.extend(b.axe("review").await);
    let id = conversation.trim_start_matches("/conversations/");
    b.check(
        "before saving the review",
        text_of(
            &db,
            "SELECT transcript FROM conversations WHERE id = $1",
            id,
        )
        .await
        .is_none(),
        "something was stored before the review was saved",
    )
    .await;
    b.submit_to(
        "button[name='action'][value='save']",
        &format!("{conversation}/transcript"),
    )
    .await;
    let stored = b.text("pre.transcript").await;
    b.check(
        "after saving the review",
        !stored.contains("Jansen")
            && !stored.contains("06-12345678")
            && stored.contains("[telefoon]"),
        &stored,
    )
    .await;
    findings.extend(b.axe("transcript").await);
    let in_db = text_of(
        &db,
        "SELECT transcript FROM conversations WHERE id = $1",
        id,
    )
    .await
    .unwrap_or_default();
    b.check(
        "in the database",
        !in_db.contains("Jansen") && !in_db.contains("Petra"),
        &in_db,
    )
    .await;
    b.submit_to(
        "form[action$='/checked'] button[type='submit']",
        &conversation,
    )
    .await;
    let h1 = b.text("main h1").await;
    b.check("after marking checked", h1.contains("gecontroleerd"), &h1)
        .await;
    let _ = std::fs::remove_file(&file);
    findings
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_from_round_to_checked_transcript_accessibly() {
    common::walk(scenario).await;
}
