//! Spreadsheet-safe CSV for exports: UTF-8 with a byte-order mark (so Excel reads the accents),
//! a comma or — for Dutch Excel, which expects it — a semicolon between fields, and formula
//! injection defused: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
//! leading `'`, so a spreadsheet shows it as text instead of running it.

/// The byte-order mark that tells Excel the file is UTF-8.
pub const BOM: &str = "\u{feff}";

/// A cell made safe to open in a spreadsheet.
pub fn defuse(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// One field, defused and quoted when it holds the separator, a quote or a line break.
fn field(cell: &str, separator: char) -> String {
    let cell = defuse(cell);
    if cell.contains(separator) || cell.contains('"') || cell.contains('\n') || cell.contains('\r')
    {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

/// A whole CSV document: BOM, header, rows, CRLF line ends (RFC 4180).
pub fn csv<S: AsRef<str>>(header: &[&str], rows: &[Vec<S>], separator: char) -> String {
    let mut out = String::from(BOM);
    let line = |cells: Vec<&str>| {
        cells
            .into_iter()
            .map(|c| field(c, separator))
            .collect::<Vec<_>>()
            .join(&separator.to_string())
    };
    out.push_str(&line(header.to_vec()));
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&line(row.iter().map(AsRef::as_ref).collect()));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        for bad in ["=SUM(A1)", "+31", "-2+3", "@cmd", "\tx", "\rx"] {
            assert!(defuse(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(defuse("Het eten = goed"), "Het eten = goed");
        assert_eq!(defuse(""), "");
    }

    #[test]
    fn bom_separator_quoting_and_line_ends() {
        let rows = vec![
            vec![
                "a;b".to_string(),
                "zei \"ja\"".to_string(),
                "=1+1".to_string(),
            ],
            vec![
                "één".to_string(),
                "twee\nregels".to_string(),
                "x".to_string(),
            ],
        ];
        let s = csv(&["kol1", "kol2", "kol3"], &rows, ';');
        assert!(s.starts_with('\u{feff}'));
        assert_eq!(
            s.trim_start_matches('\u{feff}'),
            "kol1;kol2;kol3\r\n\"a;b\";\"zei \"\"ja\"\"\";'=1+1\r\néén;\"twee\nregels\";x\r\n"
        );
        let c = csv(&["a", "b"], &[vec!["1,5", "2"]], ',');
        assert!(c.ends_with("\"1,5\",2\r\n"));
        let sc = csv(&["a", "b"], &[vec!["1,5", "2"]], ';');
        assert!(sc.ends_with("1,5;2\r\n"));
    }
}
