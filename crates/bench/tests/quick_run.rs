//! `bench/run --quick` works end to end (on SQLite and PostgreSQL): it generates a tiny network,
//! drives the server and prints only JSON figures on standard output. Timings are not asserted.

use std::process::Command;

fn run_quick(extra: &[&str]) -> Vec<serde_json::Value> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = Command::new(format!("{root}/bench/run"))
        .arg("--quick")
        .args(extra)
        .env("BENCH_PROFILE", "debug")
        .env("DRIEHOEK_LOG", "error")
        .current_dir(root)
        .output()
        .expect("bench/run starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "bench/run failed:\n{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}\n{stderr}"))
        })
        .collect()
}

fn check(figures: &[serde_json::Value]) {
    let names: Vec<&str> = figures
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for f in figures {
        assert!(f["value"].is_number() && f["unit"].is_string(), "{f}");
    }
    for must in [
        "cold_start_ms",
        "ward_report_p50_ms",
        "ward_report_p99_ms",
        "network_overview_p50_ms",
        "bare_requests_per_s",
        "scores_network_round_ms",
        "import_rows_per_s",
        "server_peak_rss_mb",
    ] {
        assert!(names.contains(&must), "{must} missing from {names:?}");
    }
}

#[tokio::test]
async fn the_benchmark_runs_on_sqlite_and_postgres() {
    check(&run_quick(&[]));
    if let Some(pg) = driehoek_storage::testing::postgres().await {
        pg.db.close().await;
        check(&run_quick(&["--postgres", &pg.url]));
    }
}
