//! `driehoek pseudonymise`: the detector on a file, for checking and for comparison with other tools.

use super::CliError;
use driehoek_domain::pseudonymise::{self, KnownNames};
use std::io::Write;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(format: Format, file: &std::path::Path) -> Result<(), CliError> {
    let bytes =
        std::fs::read(file).map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        CliError::Usage(format!(
            "{}: not UTF-8 text (first bad byte at offset {})",
            file.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    let spans = pseudonymise::detect(&text, &KnownNames::default());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Text => out.write_all(pseudonymise::apply(&text, &spans).as_bytes())?,
        Format::Json => {
            serde_json::to_writer(&mut out, &pseudonymise::to_json(&text, &spans))
                .map_err(std::io::Error::other)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(())
}
