//! One function per subcommand.

pub mod import;
pub mod pseudonymise;
pub mod scores;

use crate::{Cli, Command};
use driehoek_domain::access::{NodePath, Role};
use driehoek_domain::validate;
use driehoek_storage::accounts::{self, NewUser};
use driehoek_storage::{Db, DbKind, StoreError, demo, migrate, structure};
use driehoek_web::{AppState, Config};

/// What can go wrong on the command line, said plainly.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    if let Command::Pseudonymise { format, file } = &cli.command {
        return pseudonymise::run(*format, file);
    }
    let db = connect(&cli.database_url).await?;
    // Every command works on an up-to-date schema; `migrate` says what it applied.
    let applied = migrate::run(&db).await?;
    let result = match cli.command {
        Command::Serve {
            listen,
            demo,
            secure_cookies,
            audio_dir,
            audio_max_mb,
            audio_keep_days,
            public_url,
        } => {
            let config = Config {
                secure_cookies,
                audio_dir,
                audio_max_bytes: audio_max_mb * 1024 * 1024,
                audio_keep_days,
                public_url,
            };
            serve(&db, listen, demo, config).await
        }
        Command::AssignInterviewer {
            conversation,
            interviewer,
        } => assign_interviewer(&db, &conversation, &interviewer).await,
        Command::Migrate => {
            println!(
                "Database up to date ({} migration(s) applied).",
                applied.len()
            );
            Ok(())
        }
        Command::Demo {
            scale: Scale::Small,
            ..
        } => fill_demo(&db).await,
        Command::Demo {
            scale: Scale::Network,
            years,
            organisations,
        } => fill_scale(&db, usize::from(years), usize::from(organisations)).await,
        Command::CreateAdmin {
            email,
            name,
            network,
            password,
        } => create_admin(&db, &email, &name, &network, password).await,
        Command::Backup { to } => backup(&db, &cli.database_url, to).await,
        Command::Pseudonymise { .. } => Ok(()),
        Command::ImportCoded { file, network } => import::run(&db, &file, network.as_deref()).await,
        Command::Scores { round, format } => scores::run(&db, &round, format).await,
    };
    db.close().await;
    result
}

async fn connect(url: &str) -> Result<Db, CliError> {
    let db = Db::connect(url).await.map_err(|e| match e {
        StoreError::BadUrl(m) => CliError::Usage(format!("--database-url: {m}")),
        StoreError::Database(e) => {
            CliError::Usage(format!("--database-url: cannot open {}: {e}", redact(url)))
        }
        other => other.into(),
    })?;
    Ok(db)
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

fn hash(password: &str) -> String {
    password_auth::generate_hash(password)
}

async fn fill_demo(db: &Db) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let report = demo::fill(db, &hash).await.map_err(|e| match e {
        StoreError::Conflict(_) => CliError::Usage("the database is not empty; the demo only fills an empty database (use another --database-url)".into()),
        other => other.into(),
    })?;
    println!(
        "Demo network \"{}\" created in {:.1} s: {} triads, {} fragments.",
        report.network,
        started.elapsed().as_secs_f64(),
        report.triads,
        report.fragments
    );
    println!();
    println!("Demo accounts (password next to each):");
    for a in &report.accounts {
        println!(
            "  {:<44} {:<28} {:<20} {}",
            a.email,
            a.password,
            a.role.key(),
            a.scope
        );
    }
    Ok(())
}

/// How big a demo to make.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Scale {
    Small,
    Network,
}

async fn fill_scale(db: &Db, years: usize, organisations: usize) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let spec = driehoek_storage::scale::ScaleSpec {
        organisations,
        ..driehoek_storage::scale::ScaleSpec::network(years)
    };
    let progress = |done: usize, all: usize| {
        eprint!(
            "\rgenerating: {done}/{all} organisation-years ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    };
    let report = driehoek_storage::scale::generate(db, spec, &hash, &progress)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => CliError::Usage(
                "the database is not empty; the generated network only fills an empty database"
                    .into(),
            ),
            other => other.into(),
        })?;
    eprintln!();
    println!(
        "Benchmark network generated in {:.1} s: {} wards, {} triads, {} conversations, {} fragments, {} meetings, {} actions.",
        started.elapsed().as_secs_f64(),
        report.wards,
        report.triads,
        report.conversations,
        report.fragments,
        report.meetings,
        report.actions
    );
    println!(
        "Log in as {} / {}.",
        driehoek_storage::scale::BENCH_COORDINATOR,
        driehoek_storage::scale::BENCH_PASSWORD
    );
    Ok(())
}

async fn serve(
    db: &Db,
    listen: std::net::SocketAddr,
    demo_first: bool,
    config: Config,
) -> Result<(), CliError> {
    if demo_first {
        if demo::is_empty(db).await? {
            fill_demo(db).await?;
        } else {
            println!("The database already has data; the demo was not added again.");
        }
    }
    let state = AppState::new(db.clone(), config);
    // Audio older than the configured days goes at start and every hour after.
    let sweeper = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_hours(1));
        loop {
            tick.tick().await;
            let n = driehoek_web::pages::listen::audio::sweep(&sweeper).await;
            if n > 0 {
                tracing::info!(files = n, "expired audio deleted");
            }
        }
    });
    let app = driehoek_web::app(state);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| CliError::Usage(format!("--listen {listen}: {e}")))?;
    println!(
        "Driehoek listens on http://{listen} (database: {}).",
        match db.kind() {
            DbKind::Sqlite => "SQLite",
            DbKind::Postgres => "PostgreSQL",
        }
    );
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

async fn create_admin(
    db: &Db,
    email: &str,
    name: &str,
    network: &str,
    password: Option<String>,
) -> Result<(), CliError> {
    let bad = |p: validate::Problem| {
        CliError::Usage(format!(
            "--{}: {}",
            p.field.replace('_', "-"),
            english(p.key, p.limit)
        ))
    };
    let email = validate::email("email", email).map_err(bad)?;
    let name = validate::name("name", name).map_err(bad)?;
    let network_name = validate::name("network", network).map_err(bad)?;
    let (password, generated) = match password {
        Some(p) => (validate::new_password("password", &p).map_err(bad)?, false),
        None => (driehoek_web::auth::random_token()[..20].to_string(), true),
    };
    let network_id = match structure::network_id_by_name(db, &network_name).await? {
        Some(id) => id,
        None => structure::create_network(db, &network_name, "").await?,
    };
    let home = NodePath {
        network: network_id,
        ..NodePath::default()
    };
    let u = NewUser {
        email: email.clone(),
        display_name: name,
        password_hash: hash(&password),
        language: None,
        home: home.clone(),
    };
    accounts::create_user_unchecked(db, u, Role::NetworkCoordinator, &home)
        .await
        .map_err(|e| match e {
            StoreError::Conflict("conflict-email") => {
                CliError::Usage(format!("--email: {email} already has an account"))
            }
            other => other.into(),
        })?;
    println!("Network coordinator {email} created for \"{network_name}\".");
    if generated {
        println!("Password: {password}");
    }
    Ok(())
}

/// English texts of validation problems for the command line.
fn english(key: &str, limit: Option<usize>) -> String {
    let n = limit.unwrap_or_default();
    match key {
        "error-empty" => "must not be empty".into(),
        "error-too-long" => format!("is too long (at most {n} characters)"),
        "error-email" => "is not a valid e-mail address".into(),
        "error-password-short" => format!("is too short: use at least {n} characters"),
        "error-control-chars" => "contains control characters".into(),
        "error-own-employer" => "refused: an interviewer never holds conversations in a home of their own employer (Een interviewer voert nooit gesprekken in een huis van de eigen werkgever)".into(),
        "error-interviewer-network" => "refused: the interviewer belongs to another learning network".into(),
        "error-not-an-interviewer" => "--interviewer: no account with the Interviewer role has this e-mail address".into(),
        "error-assign-too-late" => "refused: the conversation is withdrawn, checked or coded already".into(),
        other => other.into(),
    }
}

async fn backup(db: &Db, url: &str, to: Option<std::path::PathBuf>) -> Result<(), CliError> {
    match db.kind() {
        DbKind::Postgres => {
            println!("PostgreSQL keeps its own consistent backups. Use pg_dump, for example:");
            println!(
                "  pg_dump --format=custom --file=driehoek-$(date +%F).dump '{}'",
                redact(url)
            );
            println!(
                "and restore with: pg_restore --clean --dbname=DATABASE_URL driehoek-DATE.dump"
            );
            Ok(())
        }
        DbKind::Sqlite => {
            let to =
                to.ok_or_else(|| CliError::Usage("--to FILE: say where to write the copy".into()))?;
            if to.exists() {
                return Err(CliError::Usage(format!(
                    "--to {}: the file exists already; choose a new name",
                    to.display()
                )));
            }
            let target = to
                .to_str()
                .ok_or_else(|| CliError::Usage("--to: the path must be valid UTF-8".into()))?;
            driehoek_storage::backup_sqlite(db, target).await?;
            println!(
                "Backup written to {} (a complete, consistent SQLite database).",
                to.display()
            );
            Ok(())
        }
    }
}

/// `assign-interviewer`: the same storage function as the pages and the API, so the
/// cross-organisation rule holds here too.
async fn assign_interviewer(
    db: &Db,
    conversation: &str,
    interviewer: &str,
) -> Result<(), CliError> {
    use driehoek_storage::listen::interviewers::{self, Assigner, InterviewerRef};
    match interviewers::assign(
        db,
        Assigner::CommandLine,
        conversation.trim(),
        InterviewerRef::Email(interviewer.trim()),
    )
    .await
    {
        Ok(email) => {
            println!("{email} is now the interviewer of conversation {conversation}.");
            Ok(())
        }
        Err(StoreError::NotFound) => Err(CliError::Usage(format!(
            "--conversation: no conversation with id {conversation}"
        ))),
        Err(StoreError::Conflict(key)) => Err(CliError::Usage(english(key, None))),
        Err(e) => Err(e.into()),
    }
}
