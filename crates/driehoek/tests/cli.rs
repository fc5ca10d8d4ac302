//! `driehoek import-coded` and `driehoek scores`, run as the real binary on SQLite and PostgreSQL.

use driehoek_storage::testing::{TestDb, postgres, sqlite};
use serde_json::{Value, json};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn driehoek(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_driehoek"))
        .args(args)
        .args(["--database-url", url])
        .env_remove("DRIEHOEK_DATABASE_URL")
        .env("DRIEHOEK_LOG", "error")
        .output()
        .expect("the binary runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("driehoek-cli-import-{}", uuid_like()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}-{nanos}", std::process::id())
}

const HEADER: &str = "organisation,location,ward,round,triad,role,fragment,valence,themes";

/// Rows giving `pos` positive and `neg` negative fragments to one conversation.
fn conversation(s: &mut String, ward: &str, triad: &str, role: &str, pos: usize, neg: usize) {
    for (valence, n) in [("positive", pos), ("negative", neg)] {
        for i in 0..n {
            writeln!(s, "Zorggroep Een,Huis A,{ward},Najaar 2026,{triad},{role},\"{role}, {valence} {i}\",{valence},Safety").unwrap();
        }
    }
}

/// T01 is method.md's worked example (54, 69, 80 → agreement 14, very low; valence 203/300 → 68);
/// T02 has only 4 coded resident fragments (n/a) and no family conversation.
fn good_csv() -> String {
    let mut s = format!("\u{feff}{HEADER}\n");
    conversation(&mut s, "Noord", "T01", "resident", 54, 46);
    conversation(&mut s, "Noord", "T01", "family", 69, 31);
    conversation(&mut s, "Noord", "T01", "staff", 80, 20);
    conversation(&mut s, "Berg", "T02", "resident", 3, 1);
    conversation(&mut s, "Berg", "T02", "staff", 7, 3);
    s
}

async fn databases() -> Vec<TestDb> {
    let mut v = vec![sqlite().await];
    v.extend(postgres().await);
    v
}

fn import(url: &str, file: &Path) -> Output {
    driehoek(url, &["import-coded", file.to_str().unwrap()])
}

#[tokio::test]
async fn import_then_scores_as_json_and_csv() {
    let file = temp_file("coded.csv", &good_csv());
    for t in databases().await {
        let url = t.url.as_str();
        let o = import(url, &file);
        assert!(o.status.success(), "{}: {}", t.label, err(&o));
        assert!(
            out(&o).starts_with("Imported 314 rows from "),
            "{}",
            out(&o)
        );
        assert!(out(&o).contains("1 organisation(s), 1 location(s), 2 ward(s), 1 round(s), 2 triad(s) and 5 conversation(s)"), "{}", out(&o));

        let o = driehoek(
            url,
            &["scores", "--round", "Najaar 2026", "--format", "json"],
        );
        assert!(o.status.success(), "{}: {}", t.label, err(&o));
        let scores: Value =
            serde_json::from_str(&out(&o)).expect("stdout is exactly one JSON document");
        let expected = json!([
            {"triad": "T02", "ward": "Berg", "resident": null, "family": null, "staff": 70,
             "valence": null, "valence_label": null, "agreement": null, "agreement_level": null},
            {"triad": "T01", "ward": "Noord", "resident": 54, "family": 69, "staff": 80,
             "valence": 68, "valence_label": "quite positive", "agreement": 14, "agreement_level": "very low"},
        ]);
        assert_eq!(scores, expected, "{}", t.label);
        for row in scores.as_array().unwrap() {
            let keys: Vec<&str> = row
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let mut want = vec![
                "triad",
                "ward",
                "resident",
                "family",
                "staff",
                "valence",
                "valence_label",
                "agreement",
                "agreement_level",
            ];
            want.sort_unstable();
            assert_eq!(keys, want, "exactly these keys");
        }
        // The JSON keys come out in the documented order too.
        let text = out(&o);
        let positions: Vec<usize> = [
            "\"triad\"",
            "\"ward\"",
            "\"resident\"",
            "\"family\"",
            "\"staff\"",
            "\"valence\"",
            "\"valence_label\"",
            "\"agreement\"",
            "\"agreement_level\"",
        ]
        .iter()
        .map(|k| text.find(k).unwrap())
        .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");

        let o = driehoek(
            url,
            &["scores", "--round", "Najaar 2026", "--format", "csv"],
        );
        assert!(o.status.success(), "{}", err(&o));
        let lines: Vec<String> = out(&o).lines().map(str::to_owned).collect();
        assert_eq!(
            lines,
            [
                "triad,ward,resident,family,staff,valence,valence_label,agreement,agreement_level",
                "T02,Berg,,,70,,,,",
                "T01,Noord,54,69,80,68,quite positive,14,very low",
            ]
        );

        let o = driehoek(url, &["scores", "--round", "Bestaat Niet"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(err(&o).contains("\"Bestaat Niet\""), "{}", err(&o));
        assert!(out(&o).is_empty());
    }
}

#[tokio::test]
async fn a_bad_file_imports_nothing_and_names_the_line() {
    let mut csv = good_csv();
    csv.push_str("Zorggroep Een,Huis A,Berg,Najaar 2026,T03,nurse,tekst,positive,\n");
    conversation(&mut csv, "Berg", "T03", "staff", 5, 0);
    let bad = temp_file("bad.csv", &csv);
    let semicolons = temp_file(
        "puntkomma.csv",
        &format!(
            "{}\nA;B;C;Voorjaar;T9;staff;\"x;y\";none;\n",
            HEADER.replace(',', ";")
        ),
    );
    for t in databases().await {
        let url = t.url.as_str();
        let o = import(url, &bad);
        assert_eq!(o.status.code(), Some(1), "{}", t.label);
        assert!(
            err(&o).contains("line 316: role \"nurse\" is not one of resident, family, staff"),
            "{}",
            err(&o)
        );
        assert!(err(&o).contains("nothing was imported"), "{}", err(&o));
        // Nothing was written: the round does not exist.
        let o = driehoek(url, &["scores", "--round", "Najaar 2026"]);
        assert_eq!(o.status.code(), Some(1), "{}", out(&o));

        let o = import(url, &semicolons);
        assert!(o.status.success(), "{}", err(&o));
        let o = driehoek(url, &["scores", "--round", "Voorjaar"]);
        let scores: Value = serde_json::from_str(&out(&o)).unwrap();
        assert_eq!(scores[0]["triad"], "T9");
        assert_eq!(
            scores[0]["staff"],
            Value::Null,
            "one fragment coded none: n/a"
        );

        let missing = driehoek(url, &["import-coded", "/nonexistent/file.csv"]);
        assert!(!missing.status.success());
        assert!(
            err(&missing).contains("/nonexistent/file.csv"),
            "{}",
            err(&missing)
        );
    }
}

#[test]
fn the_commands_explain_themselves() {
    let o = Command::new(env!("CARGO_BIN_EXE_driehoek"))
        .args(["import-coded", "--help"])
        .output()
        .unwrap();
    assert!(
        out(&o).contains("organisation,location,ward,round,triad,role,fragment,valence,themes"),
        "{}",
        out(&o)
    );
    let o = Command::new(env!("CARGO_BIN_EXE_driehoek"))
        .args(["scores", "--help"])
        .output()
        .unwrap();
    assert!(
        out(&o).contains("--round") && out(&o).contains("--format"),
        "{}",
        out(&o)
    );
}
