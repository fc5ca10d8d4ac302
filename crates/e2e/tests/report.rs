//! Coding and the ward report in headless Chromium, with axe-core on every page, on SQLite and
//! PostgreSQL.
//!
//! As the network's coder: code a conversation with the keyboard only (`j` next fragment, `p`/`n`
//! valence, digits toggle a theme; every key press is saved at once), and see the codes again
//! after a reload. As the team leader of the ward: open the ward report of the finished round,
//! see the triad plot, open a triad from a point of the plot and read the quotes per theme.

mod common;

use common::{Browser, Finding};
use driehoek_storage::{Db, read, write};
use fantoccini::Locator;
use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};

const CODER: (&str, &str) = ("codeur@demo.driehoek.nl", "demo-coder-2026");
const TEAM_LEADER: (&str, &str) = ("teamleider.hl@demo.driehoek.nl", "demo-team-leader-2026");

/// A short pseudonymised transcript: two interviewer turns and two participant turns, so the
/// segmentation proposes four fragments.
const TRANSCRIPT: &str = "I: Hoe bevalt het eten hier?\n\
B: Het eten is heerlijk, de kok kent mijn lievelingsgerecht en komt soms even vragen hoe het smaakt.\n\
I: En als u 's nachts belt?\n\
B: Dan duurt het soms wel een half uur voordat er iemand komt, dat vind ik eng.\n";

/// The team leader's ward and, in its organisation's round in progress, one conversation of that
/// ward that is made ready for coding (its transcript checked), as the interviewer would leave it.
async fn prepare(db: &Db) -> (String, String) {
    let ward: String = read!(db, |c| sqlx::query_scalar(
        "SELECT r.ward_id FROM role_assignments r JOIN users u ON u.id = r.user_id WHERE u.email = $1"
    )
    .bind(TEAM_LEADER.0)
    .fetch_one(c)
    .await)
    .expect("the demo team leader has a ward");
    let conversation: String = read!(db, |c| sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN triads t ON t.id = c.triad_id \
         JOIN rounds r ON r.id = t.round_id \
         WHERE t.ward_id = $1 AND r.status <> 'closed' AND c.perspective = 'resident' \
         ORDER BY t.code LIMIT 1"
    )
    .bind(&ward)
    .fetch_one(c)
    .await)
    .expect("the demo round in progress has a resident conversation on the ward");
    write!(db, |c| sqlx::query(
        "UPDATE conversations SET transcript = $1, status = 'checked' WHERE id = $2"
    )
    .bind(TRANSCRIPT)
    .bind(&conversation)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .expect("the transcript is stored");
    (ward, conversation)
}

/// Presses the keys one after the other on whatever has the focus, as a keyboard user would.
async fn press(b: &Browser, keys: &str) {
    let mut seq = KeyActions::new("keyboard".into());
    for k in keys.chars() {
        seq = seq
            .then(KeyAction::Down { value: k })
            .then(KeyAction::Up { value: k });
    }
    b.step(&format!("pressing {keys:?}"), b.client.perform_actions(seq))
        .await;
}

/// Valence and number of themes of the fragment at `position`, as stored.
async fn stored_code(db: &Db, conversation: &str, position: i64) -> (Option<String>, i64) {
    read!(db, |c| sqlx::query_as(
        "SELECT f.valence, (SELECT CAST(COUNT(*) AS BIGINT) FROM fragment_themes ft WHERE ft.fragment_id = f.id) \
         FROM fragments f WHERE f.conversation_id = $1 AND f.position = $2"
    )
    .bind(conversation)
    .bind(position)
    .fetch_one(c)
    .await)
    .expect("the fragment exists")
}

async fn code_with_keyboard(b: &Browser, db: &Db, conversation: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    b.login(CODER.0, CODER.1).await;
    b.goto(&format!("/conversations/{conversation}/coding"))
        .await;
    let items = b
        .step(
            "finding the fragments",
            b.client.find_all(Locator::Css("li.coding-fragment")),
        )
        .await;
    b.check(
        "on the coding page",
        items.len() == 4,
        &format!("expected 4 proposed fragments, found {}", items.len()),
    )
    .await;
    findings.extend(b.axe("coding").await);

    // Fragment 0 is the interviewer's question: move on, code the answer positive with the
    // first theme, skip the next question, code the last answer negative with the second theme.
    press(b, "jp1jjn2").await;
    let focused = b
        .step("reading the focused element", b.client.active_element())
        .await;
    let focused_id = b
        .step("reading its id", focused.attr("id"))
        .await
        .unwrap_or_default();
    let last_id = b
        .step("reading the last fragment's id", items[3].attr("id"))
        .await
        .unwrap_or_default();
    b.check(
        "after moving with j",
        focused_id == last_id,
        &format!("the focus is on {focused_id:?}, expected the last fragment {last_id:?}"),
    )
    .await;
    let mut saved = false;
    for _ in 0..100 {
        if stored_code(db, conversation, 1).await == (Some("positive".into()), 1)
            && stored_code(db, conversation, 3).await == (Some("negative".into()), 1)
        {
            saved = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let detail = format!(
        "stored: answer 1 {:?}, answer 2 {:?}",
        stored_code(db, conversation, 1).await,
        stored_code(db, conversation, 3).await
    );
    b.check("after coding with the keyboard", saved, &detail)
        .await;

    // What the coder sees after a reload: both answers coded, the questions still open.
    b.goto(&format!("/conversations/{conversation}/coding"))
        .await;
    let coded = b
        .step(
            "finding the coded fragments",
            b.client.find_all(Locator::Css("li.coding-fragment.coded")),
        )
        .await;
    b.check(
        "after a reload",
        coded.len() == 2,
        &format!("{} fragments shown as coded, expected 2", coded.len()),
    )
    .await;
    let checked = b
        .step(
            "reading the valence of the last answer",
            b.client.find(Locator::Css(
                "li.coding-fragment:last-child input[value='negative']",
            )),
        )
        .await;
    let is_checked = b
        .step("reading the radio button", checked.prop("checked"))
        .await;
    b.check(
        "after a reload",
        is_checked.as_deref() == Some("true"),
        "the last answer is not shown as negative",
    )
    .await;
    b.logout().await;
    findings
}

async fn read_report(b: &Browser, db: &Db, ward: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    b.login(TEAM_LEADER.0, TEAM_LEADER.1).await;
    let finished: String = read!(db, |c| sqlx::query_scalar(
        "SELECT r.id FROM rounds r JOIN round_wards rw ON rw.round_id = r.id \
         WHERE rw.ward_id = $1 AND r.status = 'closed'"
    )
    .bind(ward)
    .fetch_one(c)
    .await)
    .expect("the demo ward has a finished round");

    // From the ward page to the report, by its link.
    b.goto(&format!("/wards/{ward}")).await;
    findings.extend(b.axe("ward").await);
    let report_href = format!("/wards/{ward}/rounds/{finished}/report");
    let link = b.find(&format!("a[href='{report_href}']")).await;
    b.follow("the report link", &link).await;
    b.wait_for_path(&report_href).await;
    let h1 = b.text("main h1").await;
    b.check("on the report", h1.contains("Voorjaar 2025"), &h1)
        .await;

    // The plot: one focusable point per triad with all scores, the same triads in the table
    // below it, and the caption saying how many of the 12 triads could not be placed.
    let points = b
        .step(
            "finding the plot's points",
            b.client.find_all(Locator::Css("main svg a.point")),
        )
        .await;
    let rows = b
        .step(
            "finding the plot's table rows",
            b.client
                .find_all(Locator::Css("main .plot-figure + .table-wrap tbody tr")),
        )
        .await;
    b.check(
        "on the report",
        !points.is_empty() && points.len() == rows.len(),
        &format!(
            "{} points in the plot, {} triads in its table",
            points.len(),
            rows.len()
        ),
    )
    .await;
    if points.len() < 12 {
        let caption = b.text("main .plot-figure figcaption").await;
        let unplaced = (12 - points.len()).to_string();
        b.check(
            "on the report",
            caption.contains(&unplaced),
            &format!(
                "the caption does not say that {unplaced} triads are not in the plot: {caption}"
            ),
        )
        .await;
    }

    // Quotes per theme, each with its perspective and a link to its triad.
    let themes = b
        .step(
            "finding the themes",
            b.client.find_all(Locator::Css("main h3[id^='theme-']")),
        )
        .await;
    let quotes = b
        .step(
            "finding the quotes",
            b.client
                .find_all(Locator::Css("main .quote-list blockquote")),
        )
        .await;
    b.check(
        "on the report",
        themes.len() >= 5 && quotes.len() >= themes.len(),
        &format!("{} themes, {} quotes", themes.len(), quotes.len()),
    )
    .await;
    let quote = b.step("reading a quote", quotes[0].text()).await;
    b.check(
        "on the report",
        quote.split_whitespace().count() >= 4,
        &format!("a quote that is not a story: {quote:?}"),
    )
    .await;
    findings.extend(b.axe("report").await);

    // A point of the plot opens its triad.
    let href = b
        .step("reading the first point's link", points[0].attr("href"))
        .await
        .unwrap_or_default();
    b.check(
        "on the report",
        href.starts_with("/triads/") && href.ends_with("/fragments"),
        &format!("a point links to {href:?}"),
    )
    .await;
    b.step("clicking the first point", points[0].click()).await;
    b.wait_for_path(&href).await;
    let main = b.main_text().await;
    b.check(
        "on the triad page",
        main.contains("T-"),
        &main.chars().take(300).collect::<String>(),
    )
    .await;
    findings.extend(b.axe("triad fragments").await);
    findings
}

async fn scenario(b: Browser, db: Db) -> Vec<Finding> {
    let (ward, conversation) = prepare(&db).await;
    let mut findings = code_with_keyboard(&b, &db, &conversation).await;
    findings.extend(read_report(&b, &db, &ward).await);
    findings
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coding_by_keyboard_and_reading_the_ward_report_accessibly() {
    common::walk(scenario).await;
}
