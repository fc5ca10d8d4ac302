//! `driehoek-bench`: drives a running Driehoek like real users and prints one JSON object per
//! line (`{"name", "value", "unit"}`) plus a readable table on standard error. Started by
//! `bench/run`; every loop is bounded in count and time, and it only talks to 127.0.0.1.

mod http;

use http::Session;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Args {
    driehoek: String,
    database_url: String,
    requests: usize,
    import_rows: usize,
    /// `--only report,coding`: just these parts (for profiling one of them); all when empty.
    only: Vec<String>,
}

impl Args {
    fn wants(&self, part: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|p| p == part)
    }
}

/// The parts `--only` can name.
const PARTS: [&str; 6] = ["report", "overview", "coding", "bare", "scores", "import"];

fn args() -> Result<Args, String> {
    let mut a = Args {
        driehoek: String::new(),
        database_url: String::new(),
        requests: 400,
        import_rows: 1_000_000,
        only: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--driehoek" => a.driehoek = value()?,
            "--database-url" => a.database_url = value()?,
            "--requests" => {
                a.requests = value()?.parse().map_err(|_| "--requests: a whole number")?;
            }
            "--import-rows" => {
                a.import_rows = value()?
                    .parse()
                    .map_err(|_| "--import-rows: a whole number")?;
            }
            "--only" => {
                for part in value()?.split(',') {
                    if !PARTS.contains(&part) {
                        return Err(format!("--only: {part}? use {}", PARTS.join(",")));
                    }
                    a.only.push(part.to_owned());
                }
            }
            other => {
                return Err(format!(
                    "unknown flag {other}; use --driehoek PATH --database-url URL [--requests N] [--import-rows N] [--only PART,...]"
                ));
            }
        }
    }
    if a.driehoek.is_empty() || a.database_url.is_empty() {
        return Err("--driehoek PATH and --database-url URL are required".into());
    }
    Ok(a)
}

/// One measured figure, printed as a JSON line at once.
struct Figures(Vec<(String, f64, &'static str)>);

impl Figures {
    fn add(&mut self, name: &str, value: f64, unit: &'static str) {
        let v = (value * 100.0).round() / 100.0;
        println!(
            "{}",
            serde_json::json!({"name": name, "value": v, "unit": unit})
        );
        self.0.push((name.to_string(), v, unit));
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Peak resident memory of the server so far, from the kernel's high-water mark.
    fn peak_rss_mb(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    // `--count-networks --database-url URL`: how many networks the dataset has (for bench/run).
    let argv: Vec<String> = std::env::args().collect();
    if argv.get(1).is_some_and(|a| a == "--count-networks") {
        let url = argv.get(3).ok_or("--count-networks --database-url URL")?;
        println!("{}", sample::networks(url).await?);
        return Ok(());
    }
    let a = args()?;
    let mut figures = Figures(Vec::new());
    let ids = sample::load(&a.database_url).await?;

    // Cold start: process start to the first 200 from /healthz on the full dataset.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let server = Server {
        child: Command::new(&a.driehoek)
            .args([
                "--database-url",
                &a.database_url,
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .env("DRIEHOEK_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", a.driehoek))?,
    };
    let client = http::client();
    loop {
        if http::get_status(&client, &format!("{base}/healthz")).await == Some(200) {
            break;
        }
        if started.elapsed() > Duration::from_mins(1) {
            return Err("the server did not become healthy within 60 s".into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    figures.add(
        "cold_start_ms",
        started.elapsed().as_secs_f64() * 1000.0,
        "ms",
    );

    let login = |n: usize| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let mut out = Vec::new();
            for _ in 0..n {
                out.push(
                    Session::login(
                        client.clone(),
                        &base,
                        driehoek_storage::scale::BENCH_CODER,
                        driehoek_storage::scale::BENCH_PASSWORD,
                    )
                    .await?,
                );
            }
            Ok::<_, String>(out)
        }
    };

    let sessions = login(8).await?;
    if a.wants("report") {
        // 1. Ward report of a random ward's latest round, 8 clients.
        let report_paths: Vec<String> = ids
            .ward_rounds
            .iter()
            .map(|(w, r)| format!("/wards/{w}/rounds/{r}/report"))
            .collect();
        let probe = sessions[0].get(&report_paths[0]).await?;
        let (report_paths, label) = if probe.0 == 200 {
            (report_paths, "ward report")
        } else {
            eprintln!(
                "bench: the ward report answered {} — measuring the ward page instead",
                probe.0
            );
            (
                ids.ward_rounds
                    .iter()
                    .map(|(w, _)| format!("/wards/{w}"))
                    .collect(),
                "ward page",
            )
        };
        let lat = load(&sessions, &report_paths, a.requests, http::Kind::Get).await?;
        eprintln!("bench: {label}: {} requests", lat.len());
        figures.add("ward_report_p50_ms", percentile(&lat, 0.5), "ms");
        figures.add("ward_report_p99_ms", percentile(&lat, 0.99), "ms");
    }

    if a.wants("overview") {
        // 2. Network overview.
        let overview = vec![format!("/networks/{}", ids.network)];
        let lat = load(
            &sessions[..1],
            &overview,
            (a.requests / 10).max(20),
            http::Kind::Get,
        )
        .await?;
        figures.add("network_overview_p50_ms", percentile(&lat, 0.5), "ms");
    }

    // 3. Coding saves over HTTP with sessions and CSRF, 32 clients.
    let coders = login(32).await?;
    let mut coding_rate = None;
    if a.wants("coding") {
        let saves: Vec<String> = ids
            .fragments
            .iter()
            .map(|f| format!("/api/v1/fragments/{f}"))
            .collect();
        let probe = coders[0].put_json(&saves[0], &coding_body(0)).await?;
        if probe.0 / 100 == 2 {
            let t = Instant::now();
            let lat = load(&coders, &saves, a.requests * 4, http::Kind::CodingSave).await?;
            let rate = lat.len() as f64 / t.elapsed().as_secs_f64();
            figures.add("coding_saves_per_s", rate, "1/s");
            figures.add("coding_save_p99_ms", percentile(&lat, 0.99), "ms");
            coding_rate = Some(rate);
        } else {
            eprintln!(
                "bench: saving a code answered {} ({}): coding saves not measured",
                probe.0,
                probe.1.chars().take(200).collect::<String>()
            );
        }
    }

    if a.wants("bare") {
        // 4. A trivial route of the same server in the same run.
        let trivial = vec!["/assets/driehoek.css".to_string()];
        let t = Instant::now();
        let lat = load(&coders, &trivial, a.requests * 4, http::Kind::Get).await?;
        let bare_rate = lat.len() as f64 / t.elapsed().as_secs_f64();
        figures.add("bare_requests_per_s", bare_rate, "1/s");
        if let Some(rate) = coding_rate {
            figures.add("coding_vs_bare_ratio", rate / bare_rate, "ratio");
        }
    }
    let rss = server.peak_rss_mb();
    drop(server);

    if a.wants("scores") {
        // 5. Recomputing every triad score of one network round (the scores command).
        let t = Instant::now();
        let out = Command::new(&a.driehoek)
            .args([
                "--database-url",
                &a.database_url,
                "scores",
                "--round",
                &ids.latest_round_name,
                "--format",
                "json",
            ])
            .env("DRIEHOEK_LOG", "error")
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            figures.add(
                "scores_network_round_ms",
                t.elapsed().as_secs_f64() * 1000.0,
                "ms",
            );
        } else {
            eprintln!(
                "bench: scores failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    // 6. Import of a generated CSV into an empty database.
    if a.import_rows > 0 && a.wants("import") {
        let target = match import::fresh_database(&a.database_url).await {
            Ok(url) => url,
            Err(e) => {
                eprintln!("bench: no database for the import: {e}");
                String::new()
            }
        };
        match import::measure(&a.driehoek, &target, a.import_rows) {
            Ok(rate) => figures.add("import_rows_per_s", rate, "1/s"),
            Err(e) => eprintln!("bench: import not measured: {e}"),
        }
    }
    if let Some(mb) = rss {
        figures.add("server_peak_rss_mb", mb, "MB");
    }

    eprintln!("\n{:<28} {:>12}  unit", "figure", "value");
    for (n, v, u) in &figures.0 {
        eprintln!("{n:<28} {v:>12.2}  {u}");
    }
    Ok(())
}

fn coding_body(i: usize) -> String {
    let valence = if i.is_multiple_of(3) {
        "negative"
    } else {
        "positive"
    };
    serde_json::json!({"valence": valence}).to_string()
}

/// Runs `total` requests spread over the sessions (one task per session), cycling through the
/// paths; returns the sorted latencies. Stops early after 60 s.
async fn load(
    sessions: &[Session],
    paths: &[String],
    total: usize,
    kind: http::Kind,
) -> Result<Vec<Duration>, String> {
    let per = total.div_ceil(sessions.len());
    let deadline = Instant::now() + Duration::from_mins(1);
    let mut tasks = Vec::new();
    for (si, s) in sessions.iter().enumerate() {
        let s = s.clone();
        let paths = paths.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per);
            for i in 0..per {
                if Instant::now() > deadline {
                    break;
                }
                let n = (si * 7919 + i * 104_729) % paths.len();
                let t = Instant::now();
                let (status, body) = match kind {
                    http::Kind::Get => s.get(&paths[n]).await?,
                    http::Kind::CodingSave => s.put_json(&paths[n], &coding_body(i)).await?,
                };
                if status / 100 != 2 {
                    return Err(format!(
                        "{} answered {status}: {}",
                        paths[n],
                        body.chars().take(200).collect::<String>()
                    ));
                }
                lat.push(t.elapsed());
            }
            Ok(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    all.sort();
    Ok(all)
}

mod sample {
    //! Picks what to request: random wards with their latest round, a network, fragments.
    use driehoek_storage::{Db, read};

    pub struct Ids {
        pub network: String,
        pub ward_rounds: Vec<(String, String)>,
        pub fragments: Vec<String>,
        pub latest_round_name: String,
    }

    pub async fn networks(url: &str) -> Result<i64, String> {
        let db = Db::connect(url).await.map_err(|e| e.to_string())?;
        let n = read!(&db, |c| sqlx::query_scalar("SELECT COUNT(*) FROM networks")
            .fetch_one(c)
            .await)
        .map_err(|e| e.to_string())?;
        db.close().await;
        Ok(n)
    }

    pub async fn load(url: &str) -> Result<Ids, String> {
        let db = Db::connect(url).await.map_err(|e| e.to_string())?;
        let e = |e: sqlx::Error| e.to_string();
        // Only the generated network: the import measurement on PostgreSQL, or anything else in
        // the database, must not change what is measured.
        let network: String = read!(&db, |c| sqlx::query_scalar(
            "SELECT id FROM networks WHERE name = $1"
        )
        .bind(driehoek_storage::scale::BENCH_NETWORK)
        .fetch_one(c)
        .await)
        .map_err(e)?;
        let latest: String = read!(&db, |c| sqlx::query_scalar(
            "SELECT r.name FROM rounds r JOIN organisations o ON o.id = r.organisation_id
             WHERE o.network_id = $1 ORDER BY r.period_start DESC LIMIT 1"
        )
        .bind(&network)
        .fetch_one(c)
        .await)
        .map_err(e)?;
        let ward_rounds: Vec<(String, String)> = read!(&db, |c| sqlx::query_as(
            "SELECT DISTINCT t.ward_id, r.id FROM triads t JOIN rounds r ON r.id = t.round_id
             JOIN organisations o ON o.id = r.organisation_id
             WHERE r.name = $1 AND o.network_id = $2 LIMIT 200"
        )
        .bind(&latest)
        .bind(&network)
        .fetch_all(c)
        .await)
        .map_err(e)?;
        let fragments: Vec<String> = read!(&db, |c| sqlx::query_scalar(
            "SELECT f.id FROM fragments f JOIN conversations c ON c.id = f.conversation_id JOIN triads t ON t.id = c.triad_id
             JOIN rounds r ON r.id = t.round_id JOIN organisations o ON o.id = r.organisation_id
             WHERE r.name = $1 AND o.network_id = $2 AND f.speaker = 'participant' LIMIT 5000"
        ).bind(&latest).bind(&network).fetch_all(c).await).map_err(e)?;
        db.close().await;
        if ward_rounds.is_empty() || fragments.is_empty() {
            return Err(
                "the database has no generated network: run `driehoek demo --scale network` first"
                    .into(),
            );
        }
        Ok(Ids {
            network,
            ward_rounds,
            fragments,
            latest_round_name: latest,
        })
    }
}

mod import {
    //! `import_rows_per_s`: a generated CSV imported into an empty database of the same kind as
    //! the dataset: a temporary SQLite file, or on PostgreSQL the database `<name>_import` on the
    //! same server, dropped and made anew for every run (so runs can be repeated and the
    //! generated network stays as it was).
    use driehoek_storage::{Db, write};
    use std::io::Write;
    use std::process::Command;
    use std::time::Instant;

    /// The URL to import into: empty for SQLite (a temporary file is made), a fresh
    /// `<name>_import` database for PostgreSQL.
    pub async fn fresh_database(dataset_url: &str) -> Result<String, String> {
        if dataset_url.starts_with("sqlite") {
            return Ok(String::new());
        }
        let (base, query) = dataset_url
            .split_once('?')
            .map_or((dataset_url, ""), |(b, q)| (b, q));
        let (server, name) = base.rsplit_once('/').ok_or("no database name in the URL")?;
        let import = format!("{name}_import");
        if !import
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(format!(
                "database name {name:?}: letters, digits and _ only"
            ));
        }
        let db = Db::connect(dataset_url).await.map_err(|e| e.to_string())?;
        for sql in [
            format!("DROP DATABASE IF EXISTS {import}"),
            format!("CREATE DATABASE {import}"),
        ] {
            write!(&db, |c| sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(c)
                .await
                .map(|_| ()))
            .map_err(|e| e.to_string())?;
        }
        db.close().await;
        // Connection settings (sslmode, …) carry over; `options` (such as a search_path to a
        // schema of the dataset's database) do not: the new database has only `public`.
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("options="))
            .collect();
        let query = if kept.is_empty() {
            String::new()
        } else {
            format!("?{}", kept.join("&"))
        };
        Ok(format!("{server}/{import}{query}"))
    }

    /// Imports a generated CSV of `rows` rows into `url` (empty: a temporary SQLite file).
    pub fn measure(driehoek: &str, url: &str, rows: usize) -> Result<f64, String> {
        let dir =
            std::env::temp_dir().join(format!("driehoek-bench-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let csv = dir.join("coded.csv");
        let mut f =
            std::io::BufWriter::new(std::fs::File::create(&csv).map_err(|e| e.to_string())?);
        writeln!(
            f,
            "organisation,location,ward,round,triad,role,fragment,valence,themes"
        )
        .map_err(|e| e.to_string())?;
        let roles = ["resident", "family", "staff"];
        for i in 0..rows {
            let triad = i / 180;
            let ward = triad / 12;
            writeln!(
                f,
                "Import Zorg {},Locatie {},Afdeling {},Import {},T-{:06},{},\"Fragment {i}: het eten was {} vandaag\",{},food_drink|attention_respect",
                ward / 32,
                ward / 4,
                ward,
                2026,
                triad,
                roles[(i / 60) % 3],
                if i % 3 == 0 { "koud" } else { "lekker" },
                if i % 3 == 0 { "negative" } else { "positive" },
            )
            .map_err(|e| e.to_string())?;
        }
        f.flush().map_err(|e| e.to_string())?;
        drop(f);
        let url = if url.is_empty() {
            format!("sqlite://{}", dir.join("import.db").display())
        } else {
            url.to_string()
        };
        let t = Instant::now();
        let out = Command::new(driehoek)
            .args([
                "--database-url",
                &url,
                "import-coded",
                csv.to_str().unwrap_or_default(),
                "--network",
                "Import benchmark",
            ])
            .env("DRIEHOEK_LOG", "error")
            .output()
            .map_err(|e| e.to_string())?;
        let secs = t.elapsed().as_secs_f64();
        let _ = std::fs::remove_dir_all(&dir);
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(rows as f64 / secs)
    }
}
