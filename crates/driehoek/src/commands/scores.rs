//! `driehoek scores --round NAME`: the scores of every triad of a round, as JSON or CSV.

use super::CliError;
use driehoek_storage::rounds::{self, TriadScoreRow};
use driehoek_storage::{Db, StoreError};
use std::io::Write;

/// How to print the scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

pub async fn run(db: &Db, round: &str, format: Format) -> Result<(), CliError> {
    let rows = rounds::scores_by_round_name(db, round)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                CliError::Usage(format!("--round: there is no round named \"{round}\""))
            }
            other => other.into(),
        })?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &rows).map_err(std::io::Error::other)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(&mut out, &rows)?,
    }
    out.flush()?;
    Ok(())
}

/// A header with the JSON keys, then one line per triad; an empty cell where JSON has null.
fn write_csv(out: &mut impl Write, rows: &[TriadScoreRow]) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(TriadScoreRow::KEYS)?;
    let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    for r in rows {
        w.write_record([
            r.triad.clone(),
            r.ward.clone(),
            number(r.resident),
            number(r.family),
            number(r.staff),
            number(r.valence),
            r.valence_label
                .map(|l| l.key().to_owned())
                .unwrap_or_default(),
            number(r.agreement),
            r.agreement_level
                .map(|l| l.key().to_owned())
                .unwrap_or_default(),
        ])?;
    }
    w.flush()
}
