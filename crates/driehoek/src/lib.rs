//! The command line of Driehoek: serve, migrate, demo, create-admin, backup, pseudonymise.

mod commands;

use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::process::ExitCode;

/// Driehoek: listen to resident, family and care worker; look, link, learn; act on what you hear.
///
/// One binary with an embedded SQLite database by default (the file driehoek.db in the current
/// folder) or PostgreSQL. Run `driehoek serve --demo` and open http://127.0.0.1:8080.
#[derive(Debug, Parser)]
#[command(name = "driehoek", version, about, long_about)]
pub struct Cli {
    /// Database: sqlite://PATH (created on first use) or postgres://USER@HOST/DATABASE.
    #[arg(long, global = true, env = "DRIEHOEK_DATABASE_URL", default_value = driehoek_storage::DEFAULT_URL)]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web interface and JSON API (migrates the database first).
    Serve {
        /// Address and port to listen on.
        #[arg(long, env = "DRIEHOEK_LISTEN", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Fill an empty database with the demo learning network first, and print its accounts.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure: set this when Driehoek runs behind HTTPS.
        #[arg(long, env = "DRIEHOEK_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Folder where conversation audio is stored until the transcript is checked.
        #[arg(long, env = "DRIEHOEK_AUDIO_DIR", default_value = "./audio")]
        audio_dir: std::path::PathBuf,
        /// Largest audio upload in MiB.
        #[arg(long, env = "DRIEHOEK_AUDIO_MAX_MB", default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        audio_max_mb: u64,
        /// Audio is deleted at the latest this many days after upload (checked at start and hourly).
        #[arg(long, env = "DRIEHOEK_AUDIO_KEEP_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=365))]
        audio_keep_days: u32,
        /// The address residents and families reach Driehoek at, for the QR codes on ward posters
        /// (e.g. https://zorg.example.nl). Without it, the address the poster was opened at is used.
        #[arg(long, env = "DRIEHOEK_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Assign an interviewer to a conversation. Refused when the interviewer works for the
    /// organisation of the conversation's ward: an interviewer never holds conversations in a
    /// home of their own employer.
    AssignInterviewer {
        /// The conversation's id (shown on its page and in the API).
        #[arg(long)]
        conversation: String,
        /// The interviewer's e-mail address.
        #[arg(long)]
        interviewer: String,
    },
    /// Create or update the database schema, then stop.
    Migrate,
    /// Fill an empty database with the demo learning network and print its accounts.
    ///
    /// `--scale network` instead generates a network at real scale for benchmarks (20
    /// organisations × 8 locations × 4 wards, 12 triads per ward per year, about 60 coded
    /// fragments per conversation).
    Demo {
        /// `small`: the demo network to look around in; `network`: the benchmark network.
        #[arg(long, value_enum, default_value = "small")]
        scale: commands::Scale,
        /// Years of rounds for `--scale network` (1–20).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=20))]
        years: u16,
        /// Organisations for `--scale network` (1–100); the benchmark uses 20.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=100))]
        organisations: u16,
    },
    /// Create a network coordinator (and the network, if it does not exist yet).
    CreateAdmin {
        /// E-mail address to log in with.
        #[arg(long)]
        email: String,
        /// The person's name as shown in the interface.
        #[arg(long)]
        name: String,
        /// Name of the learning network this coordinator runs.
        #[arg(long)]
        network: String,
        /// Password (at least 10 characters). Without it a random one is made and printed.
        #[arg(long, env = "DRIEHOEK_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Make a consistent copy of the database while the server may be running.
    ///
    /// For SQLite this writes a complete copy to FILE. For PostgreSQL it prints how to use
    /// pg_dump, the tool made for that.
    Backup {
        /// Where to write the copy (must not exist yet).
        #[arg(long)]
        to: Option<std::path::PathBuf>,
    },
    /// Propose pseudonyms for a transcript: names, rooms, dates, phone numbers, e-mail addresses,
    /// postcodes, addresses and long numbers.
    Pseudonymise {
        /// `text` prints the pseudonymised text; `json` prints {"text", "spans": [{start, end,
        /// kind, text}]} with start/end in Unicode code points.
        #[arg(long, value_enum, default_value = "text")]
        format: commands::pseudonymise::Format,
        /// A UTF-8 text file.
        file: std::path::PathBuf,
    },
    /// Import coded fragments from a CSV file (all or nothing).
    ///
    /// The file is UTF-8 (a byte order mark is fine), separated by commas or, when the header
    /// uses them, semicolons, with exactly this header:
    /// organisation,location,ward,round,triad,role,fragment,valence,themes. One row is one
    /// fragment; role is resident, family or staff; valence is positive, negative or none; themes
    /// are theme keys or names separated by | (may be empty). Missing organisations, locations,
    /// wards, rounds (closed, starting today) and triads are created; fragments are added after
    /// those already there. A file with any bad row imports nothing and every problem is listed
    /// with its line number.
    ImportCoded {
        /// The CSV file.
        file: std::path::PathBuf,
        /// Name of the network to import into (created when it does not exist yet). Needed
        /// only when the database has several; without it an empty database gets a network
        /// named "Import".
        #[arg(long)]
        network: Option<String>,
    },
    /// Print the valence and agreement scores of every triad of a round (by name, in every
    /// organisation), sorted by ward and triad code.
    ///
    /// Keys: triad, ward, resident, family, staff (%-positive), valence, valence_label,
    /// agreement, agreement_level; whole numbers rounded half-up, null (empty in CSV) when not
    /// available.
    Scores {
        /// The round's name.
        #[arg(long)]
        round: String,
        /// `json`: one array of objects; `csv`: a header line and one line per triad.
        #[arg(long, value_enum, default_value = "json")]
        format: commands::scores::Format,
    },
}

/// Parses the arguments and runs the command; errors are printed, and the exit code says how it went.
pub fn main_with_args<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DRIEHOEK_LOG")
                .unwrap_or_else(|_| "driehoek=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
