//! The binary's platform commands, run as a newcomer would run them, on SQLite and PostgreSQL.

use driehoek_storage::testing::{postgres, sqlite};
use std::process::{Command, Output};

fn driehoek(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_driehoek"))
        .args(args)
        .env_remove("DRIEHOEK_DATABASE_URL")
        .env("DRIEHOEK_LOG", "error")
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn every_command_explains_itself() {
    let o = driehoek(&["--help"]);
    assert!(o.status.success());
    for cmd in [
        "serve",
        "migrate",
        "demo",
        "create-admin",
        "backup",
        "pseudonymise",
    ] {
        assert!(text(&o).0.contains(cmd), "--help does not mention {cmd}");
        let sub = driehoek(&[cmd, "--help"]);
        assert!(sub.status.success(), "{cmd} --help failed");
        assert!(
            text(&sub).0.contains("Usage: driehoek"),
            "{cmd} --help: {}",
            text(&sub).0
        );
    }
    assert!(text(&driehoek(&["serve", "--help"])).0.contains("--listen"));
}

#[test]
fn bad_flags_name_the_flag() {
    let o = driehoek(&["--database-url", "mysql://x", "migrate"]);
    assert!(!o.status.success());
    assert!(text(&o).1.contains("--database-url"), "{}", text(&o).1);
    let o = driehoek(&["serve", "--listen", "nowhere"]);
    assert!(!o.status.success());
    assert!(text(&o).1.contains("--listen"), "{}", text(&o).1);
}

#[tokio::test]
async fn migrate_demo_admin_and_backup_on_both_databases() {
    let dir = std::env::temp_dir().join(format!("driehoek-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut urls = vec![format!("sqlite://{}", dir.join("cli.db").display())];
    if let Some(pg) = postgres().await {
        urls.push(pg.url.clone());
    }
    for url in &urls {
        let migrate = driehoek(&["--database-url", url, "migrate"]);
        assert!(migrate.status.success(), "{url}: {}", text(&migrate).1);

        let demo = driehoek(&["--database-url", url, "demo"]);
        let (out, err) = text(&demo);
        assert!(demo.status.success(), "{url}: {err}");
        assert!(
            out.contains("coordinator@demo.driehoek.nl")
                && out.contains("demo-network-coordinator-2026"),
            "{out}"
        );
        let again = driehoek(&["--database-url", url, "demo"]);
        assert!(!again.status.success());
        assert!(text(&again).1.contains("not empty"), "{}", text(&again).1);

        let bad = driehoek(&[
            "--database-url",
            url,
            "create-admin",
            "--email",
            "geen-adres",
            "--name",
            "A",
            "--network",
            "N",
        ]);
        assert!(!bad.status.success());
        assert!(text(&bad).1.contains("--email"), "{}", text(&bad).1);
        let short = driehoek(&[
            "--database-url",
            url,
            "create-admin",
            "--email",
            "a@b.nl",
            "--name",
            "A",
            "--network",
            "N",
            "--password",
            "kort",
        ]);
        assert!(text(&short).1.contains("--password") && text(&short).1.contains("too short"));
        let ok = driehoek(&[
            "--database-url",
            url,
            "create-admin",
            "--email",
            "admin@noord.nl",
            "--name",
            "Admin",
            "--network",
            "Netwerk Noord",
        ]);
        assert!(ok.status.success(), "{}", text(&ok).1);
        assert!(
            text(&ok).0.contains("Password: "),
            "a generated password is printed"
        );
        let dup = driehoek(&[
            "--database-url",
            url,
            "create-admin",
            "--email",
            "admin@noord.nl",
            "--name",
            "Admin",
            "--network",
            "Netwerk Noord",
        ]);
        assert!(!dup.status.success() && text(&dup).1.contains("already has an account"));

        let backup = dir.join(format!(
            "copy-{}.db",
            urls.iter().position(|u| u == url).unwrap()
        ));
        let b = driehoek(&[
            "--database-url",
            url,
            "backup",
            "--to",
            backup.to_str().unwrap(),
        ]);
        assert!(b.status.success(), "{}", text(&b).1);
        if url.starts_with("sqlite") {
            // The copy is a complete database: the demo network and the new one are in it.
            let copy = driehoek_storage::Db::connect(&format!("sqlite://{}", backup.display()))
                .await
                .unwrap();
            let n: i64 = driehoek_storage::read!(&copy, |c| sqlx::query_scalar(
                "SELECT COUNT(*) FROM networks"
            )
            .fetch_one(c)
            .await)
            .unwrap();
            assert_eq!(n, 2);
            let exists = driehoek(&[
                "--database-url",
                url,
                "backup",
                "--to",
                backup.to_str().unwrap(),
            ]);
            assert!(!exists.status.success() && text(&exists).1.contains("exists already"));
        } else {
            assert!(text(&b).0.contains("pg_dump"));
        }
    }
}

#[tokio::test]
async fn serve_answers_health_checks_on_both_databases() {
    let mut dbs = vec![sqlite().await];
    dbs.extend(postgres().await);
    for t in dbs {
        t.db.close().await;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listen = format!("127.0.0.1:{port}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_driehoek"))
            .args([
                "--database-url",
                &t.url,
                "serve",
                "--demo",
                "--listen",
                &listen,
            ])
            .env("DRIEHOEK_LOG", "error")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut answer = String::new();
        for _ in 0..300 {
            if let Ok(mut s) = std::net::TcpStream::connect(&listen) {
                use std::io::{Read, Write};
                s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .unwrap();
                s.read_to_string(&mut answer).unwrap();
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "{}: no healthy answer: {answer}",
            t.label
        );
        assert!(answer.contains("\"ok\""));
    }
}
