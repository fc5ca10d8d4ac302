//! The demo coordinator's walk through Driehoek in headless Chromium, with axe-core on every page.
//!
//! The app runs in this process on a random port, once per test database (SQLite, and PostgreSQL
//! when reachable), filled with the demo network. `chromedriver` (Debian's `chromium-driver`)
//! drives Debian's `chromium`; each database gets a fresh browser profile, so no cookie carries
//! over. When either program is missing the test is skipped with a note, unless
//! `DRIEHOEK_REQUIRE_BROWSER=1` (as in CI), which makes it fail instead.
//!
//! Every page visited is checked with axe-core (vendored: `vendor/axe.min.js` is axe-core 4.14.1
//! from the npm registry, MPL-2.0, licence beside it) against WCAG 2.0/2.1 A and AA, WCAG 2.2 AA
//! and axe's best practices; a violation of impact `serious` or `critical` fails the test.
mod common;

use common::{Browser, COORDINATOR, Finding, ORGANISATION, WAIT};
use fantoccini::Locator;

/// The walk: log in, home, network, organisation, location, ward, switch to English, log out.
async fn scenario(b: Browser, _db: driehoek_storage::Db) -> Vec<Finding> {
    let mut findings = Vec::new();
    let (email, password) = COORDINATOR;

    b.step(
        "opening /login",
        b.client.goto(&format!("{}/login", b.base)),
    )
    .await;
    b.wait_for_path("/login").await;
    b.find("html[lang='nl']").await;
    findings.extend(b.axe("login").await);
    let field = b.find("#email").await;
    b.step("typing the e-mail address", field.send_keys(email))
        .await;
    let field = b.find("#password").await;
    b.step("typing the password", field.send_keys(password))
        .await;
    let submit = b.find("form[action='/login'] button[type='submit']").await;
    b.step("submitting the login form", submit.click()).await;
    b.wait_for_path("/").await;
    b.check(
        "after logging in",
        b.exists("form[action='/logout']").await,
        "no log-out button: not logged in",
    )
    .await;
    findings.extend(b.axe("home").await);

    let link = b.find("main h2 > a").await;
    let network = b.follow("network", &link).await;
    b.check(
        "on the network page",
        b.path().await.starts_with("/networks/"),
        "not a network page",
    )
    .await;
    let h1 = b.text("main h1").await;
    b.check(
        "on the network page",
        h1.contains(&network),
        &format!("h1 is {h1:?}, expected {network:?}"),
    )
    .await;
    findings.extend(b.axe("network").await);

    let link = b
        .step(
            "finding the organisation link",
            b.client
                .wait()
                .at_most(WAIT)
                .for_element(Locator::LinkText(ORGANISATION)),
        )
        .await;
    b.follow("organisation", &link).await;
    b.check(
        "on the organisation page",
        b.path().await.starts_with("/organisations/"),
        "not an organisation page",
    )
    .await;
    let h1 = b.text("main h1").await;
    b.check(
        "on the organisation page",
        h1.contains(ORGANISATION),
        &format!("h1 is {h1:?}"),
    )
    .await;
    findings.extend(b.axe("organisation").await);

    let link = b.find("main section.card h3 > a").await;
    let location = b.follow("location", &link).await;
    b.check(
        "on the location page",
        b.path().await.starts_with("/locations/"),
        "not a location page",
    )
    .await;
    let h1 = b.text("main h1").await;
    b.check(
        "on the location page",
        h1.contains(&location),
        &format!("h1 is {h1:?}, expected {location:?}"),
    )
    .await;
    findings.extend(b.axe("location").await);

    let link = b.find("main ul.links a").await;
    let ward = b.follow("ward", &link).await;
    let ward_path = b.path().await;
    b.check(
        "on the ward page",
        ward_path.starts_with("/wards/"),
        "not a ward page",
    )
    .await;
    let h1 = b.text("main h1").await;
    b.check(
        "on the ward page",
        h1.contains(&ward),
        &format!("h1 is {h1:?}, expected {ward:?}"),
    )
    .await;
    let caption = b.text("main table caption").await;
    b.check(
        "on the ward page",
        caption.starts_with("Scores per triade:"),
        &format!("caption is {caption:?}"),
    )
    .await;
    b.check(
        "on the ward page",
        b.exists("main table tbody tr").await,
        "the scores table has no rows",
    )
    .await;
    let png = b
        .step(
            "taking a screenshot of the ward page",
            b.client.screenshot(),
        )
        .await;
    for name in ["ward.png".to_string(), format!("ward-{}.png", b.db)] {
        let file = std::env::temp_dir().join(name);
        std::fs::write(&file, &png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()));
    }
    findings.extend(b.axe("ward (Dutch)").await);

    let english = b
        .find("form[action='/language'] button[name='language'][value='en']")
        .await;
    let label = b.step("reading the language button", english.text()).await;
    b.check(
        "in the header",
        label == "English",
        &format!("language button reads {label:?}"),
    )
    .await;
    b.step("clicking English", english.click()).await;
    b.find("html[lang='en']").await;
    b.wait_for_path(&ward_path).await;
    let caption = b.text("main table caption").await;
    b.check(
        "on the English ward page",
        caption.starts_with("Scores per triad:"),
        &format!("caption is {caption:?}"),
    )
    .await;
    findings.extend(b.axe("ward (English)").await);

    let logout = b.find("form[action='/logout'] button[type='submit']").await;
    let label = b.step("reading the log-out button", logout.text()).await;
    b.check(
        "in the header",
        label.starts_with("Log out"),
        &format!("log-out button reads {label:?}"),
    )
    .await;
    b.step("clicking Log out", logout.click()).await;
    b.wait_for_path("/login").await;
    b.find("#email").await;
    b.check(
        "after logging out",
        !b.exists("form[action='/logout']").await,
        "a log-out button is still shown",
    )
    .await;
    findings.extend(b.axe("login (after logout)").await);

    b.step(
        "opening / after logging out",
        b.client.goto(&format!("{}/", b.base)),
    )
    .await;
    b.wait_for_path("/login").await;
    // The log-out page was /login too; only the redirect of `/` carries `next`.
    let url = b
        .step("reading the current URL", b.client.current_url())
        .await;
    b.check(
        "opening / after logging out",
        url.query() == Some("next=%2F"),
        &format!("expected a redirect to /login?next=%2F, got {url}"),
    )
    .await;
    let next = b.find("form[action='/login'] input[name='next']").await;
    let next = b.step("reading the next field", next.prop("value")).await;
    b.check(
        "opening / after logging out",
        next.as_deref() == Some("/"),
        &format!("the login form's next is {next:?}"),
    )
    .await;
    b.check(
        "opening / after logging out",
        !b.exists("form[action='/logout']").await,
        "still logged in",
    )
    .await;
    findings
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_walks_through_the_demo_network_accessibly() {
    common::walk(scenario).await;
}
