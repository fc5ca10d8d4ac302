//! The browser harness shared by the browser tests: chromedriver + headless Chromium, the app
//! served in-process on a random port per test database (filled with the demo network), WebDriver
//! steps with timeouts and helpful failures, and axe-core on every page (serious and critical
//! violations fail the test).
//!
//! `walk(scenario)` runs a scenario once per test database; without chromium/chromedriver it skips
//! with a note, unless `DRIEHOEK_REQUIRE_BROWSER=1`.

#![allow(dead_code)]

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::future::Future;
use std::net::SocketAddr;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::time::timeout;

/// axe-core 4.14.1 (npm `axe-core`), minified.
pub const AXE_SOURCE: &str = include_str!("../../vendor/axe.min.js");
pub const AXE_TAGS: [&str; 6] = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const COORDINATOR: (&str, &str) = (
    "coordinator@demo.driehoek.nl",
    "demo-network-coordinator-2026",
);
pub const ORGANISATION: &str = "Zorggroep Heuvelland";
/// Longest wait for one element or page.
pub const WAIT: Duration = Duration::from_secs(20);
/// Longest time for one step (a WebDriver command, a wait, an axe run).
pub const STEP: Duration = Duration::from_secs(45);

pub fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v == "1" || v == "true")
}

/// The first executable named `name` on `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A directory removed again when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(what: &str) -> TempDir {
        static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!(
            "driehoek-e2e-{what}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `chromedriver`, in a process group of its own with the browsers it starts; the whole
/// group is killed when this is dropped, also when the test fails.
pub struct Chromedriver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Chromedriver {
    pub async fn start(binary: &Path, dir: &Path) -> Chromedriver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port for chromedriver")
            .port();
        let log = dir.join("chromedriver.log");
        let out = std::fs::File::create(&log).expect("chromedriver log file");
        let err = out.try_clone().expect("chromedriver log file");
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let mut driver = Chromedriver { child, port, log };
        driver.wait_until_ready().await;
        driver
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Polls `/status` until chromedriver says it is ready.
    pub async fn wait_until_ready(&mut self) {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "chromedriver exited ({status}) before it was ready:\n{}",
                    self.log_tail()
                );
            }
            if let Ok(Ok(true)) = timeout(Duration::from_secs(2), ready(self.port)).await {
                return;
            }
            assert!(
                start.elapsed() < WAIT,
                "chromedriver did not answer on port {} within {WAIT:?}:\n{}",
                self.port,
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Whether chromedriver's `/status` says it is ready. It keeps the connection open after
/// answering, so this reads until the answer says so or the connection ends.
pub async fn ready(port: u16) -> std::io::Result<bool> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    stream
        .write_all(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await?;
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(false);
        }
        answer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&answer).replace(' ', "");
        if text.contains("\"ready\":true") {
            return Ok(true);
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The negative id names chromedriver's own process group: it and the browsers it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The browser on one running app.
#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    pub base: String,
    pub db: &'static str,
}

/// One axe finding, already formatted for the failure message.
pub type Finding = String;

impl Browser {
    /// Fails the test with what was being done, the current URL and an excerpt of the page.
    pub async fn fail<T>(&self, what: &str, why: &str) -> T {
        let url = match timeout(Duration::from_secs(5), self.client.current_url()).await {
            Ok(Ok(u)) => u.to_string(),
            _ => "(unknown)".to_string(),
        };
        let source = match timeout(Duration::from_secs(5), self.client.source()).await {
            Ok(Ok(s)) => s,
            _ => "(no page source)".to_string(),
        };
        let from = source.find("<main").unwrap_or(0);
        let excerpt: String = source[from..].chars().take(2500).collect();
        panic!(
            "[{}] {what}: {why}\n  current URL: {url}\n  page source from <main> (excerpt):\n{excerpt}",
            self.db
        )
    }

    /// Runs one WebDriver step within [`STEP`].
    pub async fn step<T>(&self, what: &str, fut: impl Future<Output = Result<T, CmdError>>) -> T {
        match timeout(STEP, fut).await {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => self.fail(what, &e.to_string()).await,
            Err(_) => self.fail(what, &format!("no answer within {STEP:?}")).await,
        }
    }

    pub async fn check(&self, what: &str, ok: bool, detail: &str) {
        if !ok {
            self.fail::<()>(what, detail).await;
        }
    }

    /// Waits for the element matching `css`.
    pub async fn find(&self, css: &str) -> Element {
        self.step(
            &format!("waiting for `{css}`"),
            self.client
                .wait()
                .at_most(WAIT)
                .for_element(Locator::Css(css)),
        )
        .await
    }

    pub async fn text(&self, css: &str) -> String {
        let el = self.find(css).await;
        self.step(&format!("reading the text of `{css}`"), el.text())
            .await
    }

    pub async fn exists(&self, css: &str) -> bool {
        !self
            .step(
                &format!("looking for `{css}`"),
                self.client.find_all(Locator::Css(css)),
            )
            .await
            .is_empty()
    }

    pub async fn path(&self) -> String {
        self.step("reading the current URL", self.client.current_url())
            .await
            .path()
            .to_string()
    }

    /// Waits until the browser shows a page at `path` whose document has loaded.
    pub async fn wait_for_path(&self, path: &str) {
        let start = Instant::now();
        loop {
            let url = self
                .step("reading the current URL", self.client.current_url())
                .await;
            if url.path() == path {
                let state = self
                    .step(
                        "reading document.readyState",
                        self.client.execute("return document.readyState;", vec![]),
                    )
                    .await;
                if state == "complete" {
                    return;
                }
            }
            if start.elapsed() > WAIT {
                self.fail::<()>(
                    &format!("waiting for the page {path}"),
                    &format!("still at {url} after {WAIT:?}"),
                )
                .await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks a form's submit button and waits until the page the form leads to has loaded at
    /// `path`, also when that is the page the form is on (a redirect back to it): there
    /// [`Browser::wait_for_path`] alone could return before the new page arrived, and the next
    /// step would read the old page while it goes away.
    pub async fn submit_to(&self, css: &str, path: &str) {
        self.step(
            "marking the page before submitting",
            self.client
                .execute("window.__driehoekOld = true; return true;", vec![]),
        )
        .await;
        self.click(css).await;
        let start = Instant::now();
        loop {
            // A new document has no marker; while it loads, the script may fail: try again.
            let fresh = self
                .client
                .execute("return window.__driehoekOld === undefined;", vec![])
                .await;
            if matches!(fresh, Ok(Value::Bool(true))) {
                break;
            }
            if start.elapsed() > WAIT {
                self.fail::<()>(
                    &format!("submitting `{css}`"),
                    &format!("no new page after {WAIT:?}"),
                )
                .await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.wait_for_path(path).await;
    }

    /// Clicks a link and waits until the page it points to has loaded; returns the link's text.
    pub async fn follow(&self, what: &str, link: &Element) -> String {
        let text = self
            .step(&format!("reading the {what} link"), link.text())
            .await;
        let href = self
            .step(
                &format!("reading the {what} link's href"),
                link.prop("href"),
            )
            .await;
        let Some(href) = href else {
            return self.fail(what, "the link has no href").await;
        };
        let path = href.strip_prefix(&self.base).unwrap_or(&href).to_string();
        self.step(&format!("clicking the {what} link"), link.click())
            .await;
        self.wait_for_path(&path).await;
        text
    }

    /// Opens `path` on the app and waits until it has loaded.
    pub async fn goto(&self, path: &str) {
        self.step(
            &format!("opening {path}"),
            self.client.goto(&format!("{}{path}", self.base)),
        )
        .await;
        self.wait_for_path(path.split('?').next().unwrap_or(path))
            .await;
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        self.step(&format!("clicking `{css}`"), el.click()).await;
    }

    /// Types `text` into the (cleared) field matching `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.step(&format!("clearing `{css}`"), el.clear()).await;
        self.step(&format!("typing into `{css}`"), el.send_keys(text))
            .await;
    }

    /// Sets a field's value by script (date and time inputs take typed keys in the browser's
    /// locale format; this sets the ISO value a form sends).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.find(css).await;
        self.step(
            &format!("setting `{css}`"),
            self.client.execute(
                "document.querySelector(arguments[0]).value = arguments[1]; return true;",
                vec![json!(css), json!(value)],
            ),
        )
        .await;
    }

    /// Waits until the current page's path satisfies `ok` and the document has loaded; returns
    /// the path.
    pub async fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let url = self
                .step("reading the current URL", self.client.current_url())
                .await;
            if ok(url.path()) {
                let state = self
                    .step(
                        "reading document.readyState",
                        self.client.execute("return document.readyState;", vec![]),
                    )
                    .await;
                if state == "complete" {
                    return url.path().to_string();
                }
            }
            if start.elapsed() > WAIT {
                return self
                    .fail(what, &format!("still at {url} after {WAIT:?}"))
                    .await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The text of `<main>`.
    pub async fn main_text(&self) -> String {
        self.text("main").await
    }

    /// Logs in through the form and waits for the home page.
    pub async fn login(&self, email: &str, password: &str) {
        self.goto("/login").await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.click("form[action='/login'] button[type='submit']")
            .await;
        self.wait_for_path("/").await;
    }

    /// Logs out through the header button.
    pub async fn logout(&self) {
        self.click("form[action='/logout'] button[type='submit']")
            .await;
        self.wait_for_path("/login").await;
    }

    /// Runs axe-core on the current page; returns its serious and critical violations.
    pub async fn axe(&self, page: &str) -> Vec<Finding> {
        let inject = format!("{AXE_SOURCE}\n;return typeof window.axe === 'object';");
        let injected = self
            .step(
                &format!("injecting axe-core on the {page} page"),
                self.client.execute(&inject, vec![]),
            )
            .await;
        self.check(
            &format!("injecting axe-core on the {page} page"),
            injected == Value::Bool(true),
            "window.axe is missing after the script ran (blocked by the Content-Security-Policy?)",
        )
        .await;
        let run = r"
            const [tags, done] = arguments;
            axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] })
              .then(r => {
                const keep = vs => vs
                  .filter(v => v.impact === 'serious' || v.impact === 'critical')
                  .map(v => ({ id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
                    nodes: v.nodes.map(n => ({ target: n.target, html: n.html, summary: n.failureSummary })) }));
                done({ ok: true, passes: r.passes.length, violations: keep(r.violations), incomplete: keep(r.incomplete) });
              })
              .catch(e => done({ ok: false, error: String(e && e.stack || e) }));
        ";
        let result = self
            .step(
                &format!("running axe-core on the {page} page"),
                self.client.execute_async(run, vec![json!(AXE_TAGS)]),
            )
            .await;
        if result["ok"] != Value::Bool(true) {
            return self
                .fail(
                    &format!("running axe-core on the {page} page"),
                    &result["error"].to_string(),
                )
                .await;
        }
        // A run that checked nothing (wrong tags, an empty page) must not pass as clean.
        let passes = result["passes"].as_u64().unwrap_or(0);
        self.check(
            &format!("running axe-core on the {page} page"),
            passes > 0,
            &format!("axe passed no rule at all: {result}"),
        )
        .await;
        let findings = describe(self.db, page, &result["violations"]);
        for line in describe(self.db, page, &result["incomplete"]) {
            eprintln!("note: axe could not decide (needs review): {line}");
        }
        eprintln!(
            "[{}] axe on the {page} page: {passes} rules passed, {} serious/critical violation(s)",
            self.db,
            count(&result["violations"])
        );
        for f in &findings {
            eprintln!("{f}");
        }
        findings
    }
}

pub fn count(list: &Value) -> usize {
    list.as_array().map_or(0, Vec::len)
}

pub fn describe(db: &str, page: &str, list: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    for v in list.as_array().into_iter().flatten() {
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        let mut line = format!(
            "[{db}] {page} page: {} ({}): {} <{}>",
            s("id"),
            s("impact"),
            s("help"),
            s("url")
        );
        for n in v["nodes"].as_array().into_iter().flatten() {
            let summary = n["summary"].as_str().unwrap_or("").replace('\n', " ");
            let _ = write!(
                line,
                "\n    - {} {}\n      {summary}",
                n["target"],
                n["html"].as_str().unwrap_or("")
            );
        }
        out.push(line);
    }
    out
}

pub fn capabilities(profile: &Path) -> serde_json::Map<String, Value> {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1280,1000",
        "--lang=nl-NL",
        &format!("--user-data-dir={}", profile.display()),
    ];
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": args,
            // The app picks its language from Accept-Language until the user chooses one.
            "prefs": { "intl.accept_languages": "nl-NL,nl" },
        },
    });
    let Value::Object(map) = caps else {
        unreachable!()
    };
    map
}

/// Serves the app on `db` and runs `scenario` in a fresh browser session (it gets the database
/// too, to check what the pages did).
pub async fn run_on<F, Fut>(
    driver: &Chromedriver,
    label: &'static str,
    db: &driehoek_storage::Db,
    scenario: F,
) -> Vec<Finding>
where
    F: FnOnce(Browser, driehoek_storage::Db) -> Fut,
    Fut: Future<Output = Vec<Finding>> + Send + 'static,
{
    let start = Instant::now();
    let router = driehoek_web::app(driehoek_web::AppState::new(
        db.clone(),
        driehoek_web::Config::default(),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port for the app");
    let base = format!(
        "http://{}",
        listener.local_addr().expect("the app's address")
    );
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("the app serves");
    });

    let profile = TempDir::new("profile");
    let client = match timeout(
        STEP,
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities(&profile.0))
            .connect(&driver.url()),
    )
    .await
    {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => panic!(
            "[{label}] chromedriver did not start a Chromium session: {e}\n{}",
            driver.log_tail()
        ),
        Err(elapsed) => panic!(
            "[{label}] chromedriver did not start a Chromium session within {STEP:?} ({elapsed})\n{}",
            driver.log_tail()
        ),
    };
    let browser = Browser {
        client: client.clone(),
        base,
        db: label,
    };
    // In a task of its own, so that the session is closed even when the walk fails.
    let walk = tokio::spawn(scenario(browser, db.clone())).await;
    let _ = timeout(Duration::from_secs(10), client.close()).await;
    server.abort();
    match walk {
        Ok(findings) => {
            eprintln!(
                "[{label}] browser walk done in {:.1} s",
                start.elapsed().as_secs_f64()
            );
            findings
        }
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("[{label}] the browser walk did not finish: {e}"),
    }
}

/// Runs `scenario` once per test database (SQLite, and PostgreSQL when reachable), each filled
/// with the demo network, and fails on any serious or critical axe finding. Skips with a note
/// when Chromium or chromedriver is missing, unless `DRIEHOEK_REQUIRE_BROWSER=1`.
pub async fn walk<F, Fut>(scenario: F)
where
    F: Fn(Browser, driehoek_storage::Db) -> Fut,
    Fut: Future<Output = Vec<Finding>> + Send + 'static,
{
    let required = flag("DRIEHOEK_REQUIRE_BROWSER");
    let chromedriver = on_path("chromedriver");
    let missing: Vec<&str> = [
        chromedriver
            .is_none()
            .then_some("chromedriver (not on PATH)"),
        (!Path::new(CHROMIUM).is_file()).then_some(CHROMIUM),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(chromedriver) = chromedriver.filter(|_| missing.is_empty()) {
        let start = Instant::now();
        let dir = TempDir::new("driver");
        let driver = Chromedriver::start(&chromedriver, &dir.0).await;
        let mut findings = Vec::new();
        for t in driehoek_storage::testing::databases().await {
            driehoek_storage::demo::fill(&t.db, &|p| password_auth::generate_hash(p))
                .await
                .expect("the demo data fills");
            findings.extend(run_on(&driver, t.label, &t.db, &scenario).await);
        }
        drop(driver);
        eprintln!(
            "browser test done in {:.1} s",
            start.elapsed().as_secs_f64()
        );
        assert!(
            findings.is_empty(),
            "axe-core found {} serious or critical accessibility violation(s):\n{}",
            findings.len(),
            findings.join("\n")
        );
    } else {
        let what = missing.join(" and ");
        assert!(
            !required,
            "DRIEHOEK_REQUIRE_BROWSER=1 but {what} is missing: apt-get install -y chromium chromium-driver"
        );
        eprintln!(
            "note: browser test skipped: {what} is missing (apt-get install -y chromium chromium-driver); set DRIEHOEK_REQUIRE_BROWSER=1 to make this an error"
        );
    }
}
