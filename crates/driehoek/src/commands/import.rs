//! `driehoek import-coded FILE`: coded fragments from a CSV file, all or nothing.

use super::CliError;
use driehoek_storage::Db;
use driehoek_storage::import::{self, ImportError};
use std::path::Path;
use std::time::Instant;

pub async fn run(db: &Db, file: &Path, network: Option<&str>) -> Result<(), CliError> {
    let started = Instant::now();
    let shown = file.display();
    let reader = std::fs::File::open(file).map_err(|e| CliError::Usage(format!("{shown}: {e}")))?;
    let failed = |e: ImportError| match e {
        ImportError::Invalid(problems) => CliError::Usage(format!(
            "{shown}: nothing was imported; {} problem(s) to fix first:\n{problems}",
            problems.total
        )),
        ImportError::Read(e) => CliError::Usage(format!("{shown}: {e}")),
        ImportError::Network(message) => {
            CliError::Usage(format!("nothing was imported: {message}"))
        }
        ImportError::Store(e) => CliError::Store(e),
    };
    let coded = import::read_csv(reader).map_err(failed)?;
    let read_in = started.elapsed().as_secs_f64();
    let name = file
        .file_name()
        .map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned());
    let report = import::import(db, &coded, network, &name)
        .await
        .map_err(failed)?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Imported {} rows from {shown} into network \"{}\"{} in {seconds:.2} s ({:.0} rows/s; reading and checking took {read_in:.2} s).",
        report.rows,
        report.network,
        if report.network_created { " (new)" } else { "" },
        report.rows as f64 / seconds.max(1e-9),
    );
    println!(
        "Created {} organisation(s), {} location(s), {} ward(s), {} round(s), {} triad(s) and {} conversation(s); linked {} theme(s) to fragments.",
        report.organisations,
        report.locations,
        report.wards,
        report.rounds,
        report.triads,
        report.conversations,
        report.fragment_themes,
    );
    if let Some(key) = &report.theme_set {
        println!(
            "{} theme name(s) unknown to the rounds' theme sets were added to the new theme set {key} (\"Import {name}\"): {}.",
            report.new_themes.len(),
            report.new_themes.join(", ")
        );
    }
    Ok(())
}
