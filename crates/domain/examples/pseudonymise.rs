//! Stand-alone form of `driehoek pseudonymise [--format text|json] FILE`, used by
//! `bench/pseudonymise-compare` until the main binary has the subcommand. Same contract: JSON
//! `{"text", "spans": [{"start", "end", "kind", "text"}]}` with code-point offsets, or text only.

use std::io::Write;
use std::process::ExitCode;

use driehoek_domain::pseudonymise::{KnownNames, apply, detect, to_json};

const USAGE: &str = "usage: pseudonymise [--format text|json] FILE";

fn main() -> ExitCode {
    let mut format = "text".to_owned();
    let mut file = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--format" => match args.next() {
                Some(f) if f == "text" || f == "json" => format = f,
                _ => return fail(USAGE),
            },
            _ if arg.starts_with("--format=") => match &arg["--format=".len()..] {
                f @ ("text" | "json") => f.clone_into(&mut format),
                _ => return fail(USAGE),
            },
            _ if file.is_none() && !arg.starts_with("--") => file = Some(arg),
            _ => return fail(USAGE),
        }
    }
    let Some(file) = file else {
        return fail(USAGE);
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) => return fail(&format!("pseudonymise: cannot read {file}: {e}")),
    };
    let spans = detect(&text, &KnownNames::default());
    let output = if format == "json" {
        to_json(&text, &spans).to_string()
    } else {
        apply(&text, &spans)
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
    {
        return fail(&format!("pseudonymise: cannot write output: {e}"));
    }
    ExitCode::SUCCESS
}

fn fail(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(2)
}
