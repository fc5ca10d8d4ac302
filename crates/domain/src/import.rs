//! Coded fragments from a spreadsheet (`driehoek import-coded`): the file format and the check of
//! every row, before anything touches the database.
//!
//! The format is one fragment per row with the header
//! `organisation,location,ward,round,triad,role,fragment,valence,themes`. [`CodedFile`] collects
//! the rows in memory: it interns the names (a million rows name only a few thousand triads), keeps
//! the fragments in file order and remembers the line where each triad first appears, so a problem
//! found later (in the database) can still name a line.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use thiserror::Error;

use crate::themes::{self, ThemeError};
use crate::validate::MAX_NAME;
use crate::{Perspective, Valence};

/// The columns of the file, in this order.
pub const HEADER: [&str; 9] = [
    "organisation",
    "location",
    "ward",
    "round",
    "triad",
    "role",
    "fragment",
    "valence",
    "themes",
];

/// Longest fragment accepted, in characters: far above any real fragment, low enough to catch a
/// stray quote that swallows the rest of the file.
pub const MAX_FRAGMENT: usize = 20_000;

/// Separates the theme names of one fragment.
pub const THEME_SEPARATOR: char = '|';

/// What is wrong with one line of the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RowProblem {
    #[error("the file is empty; the first line must be the header {}", HEADER.join(","))]
    EmptyFile,
    #[error("the header must be exactly {} (found \"{found}\")", HEADER.join(","))]
    Header { found: String },
    #[error("expected {} fields ({}), found {found}", HEADER.len(), HEADER.join(","))]
    FieldCount { found: usize },
    #[error("{column} is empty")]
    Empty { column: &'static str },
    #[error("{column} is {length} characters long; at most {max} are allowed")]
    TooLong {
        column: &'static str,
        length: usize,
        max: usize,
    },
    #[error("{column} contains control characters")]
    ControlCharacters { column: &'static str },
    #[error("{column} is not valid UTF-8; save the file as UTF-8 CSV")]
    NotUtf8 { column: &'static str },
    #[error("role \"{0}\" is not one of resident, family, staff")]
    Role(String),
    #[error("valence \"{0}\" is not one of positive, negative, none")]
    Valence(String),
    #[error("theme \"{name}\": {error}")]
    Theme { name: String, error: ThemeError },
    /// A triad is one resident's triangle on one ward; the same code on another ward is a mistake.
    #[error(
        "triad \"{}\" of round \"{}\" is on ward \"{}\" of location \"{}\" on line {first_line}; it cannot also be on ward \"{}\" of location \"{}\"",
        .conflict.triad, .conflict.round, .conflict.ward, .conflict.location, .conflict.other_ward, .conflict.other_location
    )]
    TriadOnTwoWards {
        conflict: Box<WardConflict>,
        first_line: u64,
    },
    /// A triad of the file exists in the database already, on another ward.
    #[error(
        "triad \"{}\" of round \"{}\" exists already on ward \"{}\" of location \"{}\"; it cannot also be on ward \"{}\" of location \"{}\"",
        .0.triad, .0.round, .0.ward, .0.location, .0.other_ward, .0.other_location
    )]
    TriadExists(Box<WardConflict>),
    #[error("the file has a header but no rows")]
    NoRows,
    /// The CSV itself is broken (e.g. a quote that is never closed).
    #[error("{0}")]
    Csv(String),
}

/// A triad code on two wards: where it is, and where a row puts it as well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WardConflict {
    pub triad: String,
    pub round: String,
    pub ward: String,
    pub location: String,
    pub other_ward: String,
    pub other_location: String,
}

/// A problem and the line it is on (1-based; the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("line {line}: {problem}")]
pub struct LineError {
    pub line: u64,
    pub problem: RowProblem,
}

/// The delimiter of a file, judged from its header line: `;` when the header uses it (Dutch Excel
/// saves CSV that way), otherwise `,`.
pub fn detect_delimiter(header_line: &[u8]) -> u8 {
    let (mut semicolons, mut commas) = (0_usize, 0_usize);
    for &b in header_line {
        match b {
            b';' => semicolons += 1,
            b',' => commas += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

/// Checks the header; a UTF-8 byte order mark before the first name is accepted.
pub fn check_header<'a, I: IntoIterator<Item = &'a str>>(fields: I) -> Result<(), RowProblem> {
    let fields: Vec<&str> = fields.into_iter().collect();
    let names = fields.iter().enumerate().map(|(i, f)| {
        if i == 0 {
            f.trim_start_matches('\u{feff}')
        } else {
            f
        }
        .trim()
    });
    if fields.len() == HEADER.len() && names.zip(HEADER).all(|(a, b)| a.eq_ignore_ascii_case(b)) {
        Ok(())
    } else {
        Err(RowProblem::Header {
            found: fields.join(","),
        })
    }
}

/// One row, checked, borrowing from the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'a> {
    pub organisation: &'a str,
    pub location: &'a str,
    pub ward: &'a str,
    pub round: &'a str,
    pub triad: &'a str,
    pub role: Perspective,
    pub fragment: &'a str,
    pub valence: Valence,
    /// Theme names as written (trimmed, empty ones dropped).
    pub themes: Vec<&'a str>,
}

fn name<'a>(column: &'static str, raw: &'a str) -> Result<&'a str, RowProblem> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(RowProblem::Empty { column });
    }
    let length = trimmed.chars().count();
    if length > MAX_NAME {
        return Err(RowProblem::TooLong {
            column,
            length,
            max: MAX_NAME,
        });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(RowProblem::ControlCharacters { column });
    }
    Ok(trimmed)
}

fn fragment(raw: &str) -> Result<&str, RowProblem> {
    let column = "fragment";
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(RowProblem::Empty { column });
    }
    let length = trimmed.chars().count();
    if length > MAX_FRAGMENT {
        return Err(RowProblem::TooLong {
            column,
            length,
            max: MAX_FRAGMENT,
        });
    }
    // Line breaks and tabs belong in a fragment; other control characters (NUL above all, which
    // PostgreSQL refuses) do not.
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(RowProblem::ControlCharacters { column });
    }
    Ok(trimmed)
}

/// Parses the `themes` cell: names separated by `|`, trimmed; empty names are skipped.
pub fn theme_names(raw: &str) -> Result<Vec<&str>, RowProblem> {
    raw.split(THEME_SEPARATOR)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            themes::validate_theme_name(t).map_err(|error| RowProblem::Theme {
                name: t.to_owned(),
                error,
            })?;
            if t.chars().any(char::is_control) {
                return Err(RowProblem::ControlCharacters { column: "themes" });
            }
            Ok(t)
        })
        .collect()
}

/// How a theme name is compared with the keys and names of a theme set: trimmed, lower-case.
pub fn theme_match_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Checks one record (the fields of one line after the header).
pub fn parse_row<'a>(fields: &[&'a str]) -> Result<Row<'a>, RowProblem> {
    let &[
        organisation,
        location,
        ward,
        round,
        triad,
        role,
        text,
        valence,
        themes,
    ] = fields
    else {
        return Err(RowProblem::FieldCount {
            found: fields.len(),
        });
    };
    let role_key = role.trim().to_ascii_lowercase();
    let valence_key = valence.trim().to_ascii_lowercase();
    Ok(Row {
        organisation: name("organisation", organisation)?,
        location: name("location", location)?,
        ward: name("ward", ward)?,
        round: name("round", round)?,
        triad: name("triad", triad)?,
        role: Perspective::parse(&role_key).ok_or_else(|| RowProblem::Role(role.trim().into()))?,
        fragment: fragment(text)?,
        valence: Valence::parse(&valence_key)
            .ok_or_else(|| RowProblem::Valence(valence.trim().into()))?,
        themes: theme_names(themes)?,
    })
}

/// A named node under a parent (an index into the parent's list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub parent: usize,
    pub name: String,
}

/// A triad of the file: its code within a round, on one ward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Triad {
    /// Index into [`CodedFile::rounds`].
    pub round: usize,
    /// Index into [`CodedFile::wards`].
    pub ward: usize,
    pub code: String,
    /// The line where the triad first appears.
    pub line: u64,
}

/// One conversation: a triad and a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conversation {
    /// Index into [`CodedFile::triads`].
    pub triad: usize,
    pub role: Perspective,
}

/// One coded fragment in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// Index into [`CodedFile::conversations`].
    pub conversation: u32,
    pub text: String,
    pub valence: Valence,
    /// Range into [`CodedFile::fragment_themes`].
    pub themes: Range<u32>,
}

/// The last row's names and where they led: consecutive rows mostly belong to one conversation.
#[derive(Debug, Default)]
struct Last {
    names: [String; 5],
    role: Option<Perspective>,
    conversation: u32,
}

/// The checked rows of one file, names interned. Build it with [`CodedFile::add_row`]; the lists
/// are in first-seen order.
#[derive(Debug, Default)]
pub struct CodedFile {
    pub organisations: Vec<String>,
    /// Parent: organisation.
    pub locations: Vec<Node>,
    /// Parent: location.
    pub wards: Vec<Node>,
    /// Parent: organisation.
    pub rounds: Vec<Node>,
    pub triads: Vec<Triad>,
    pub conversations: Vec<Conversation>,
    /// Distinct theme names (first spelling), compared by [`theme_match_key`].
    pub themes: Vec<String>,
    pub fragments: Vec<Fragment>,
    /// Indices into [`CodedFile::themes`], per fragment (see [`Fragment::themes`]).
    pub fragment_themes: Vec<u32>,
    organisation_index: HashMap<String, usize>,
    location_index: HashMap<(usize, String), usize>,
    ward_index: HashMap<(usize, String), usize>,
    round_index: HashMap<(usize, String), usize>,
    triad_index: HashMap<(usize, String), usize>,
    conversation_index: HashMap<(usize, Perspective), u32>,
    theme_index: HashMap<String, u32>,
    last: Option<Last>,
}

fn intern(
    list: &mut Vec<Node>,
    index: &mut HashMap<(usize, String), usize>,
    parent: usize,
    name: &str,
) -> usize {
    let key = (parent, name.to_owned());
    if let Some(&i) = index.get(&key) {
        return i;
    }
    list.push(Node {
        parent,
        name: name.to_owned(),
    });
    index.insert(key, list.len() - 1);
    list.len() - 1
}

impl CodedFile {
    /// Number of fragments (rows) collected.
    pub fn rows(&self) -> usize {
        self.fragments.len()
    }

    /// Checks one record and, when it is good, adds it. A bad row adds nothing.
    pub fn add_row(&mut self, line: u64, fields: &[&str]) -> Result<(), LineError> {
        let fail = |problem| LineError { line, problem };
        let row = parse_row(fields).map_err(fail)?;
        let names = [
            row.organisation,
            row.location,
            row.ward,
            row.round,
            row.triad,
        ];
        let cached = self.last.as_ref().filter(|last| {
            last.role == Some(row.role) && last.names.iter().zip(names).all(|(a, b)| a == b)
        });
        let conversation = if let Some(last) = cached {
            last.conversation
        } else {
            let conversation = self.conversation_of(line, &row).map_err(fail)?;
            self.last = Some(Last {
                names: names.map(str::to_owned),
                role: Some(row.role),
                conversation,
            });
            conversation
        };
        let start = self.fragment_themes.len() as u32;
        for theme in &row.themes {
            let key = theme_match_key(theme);
            let index = if let Some(&i) = self.theme_index.get(&key) {
                i
            } else {
                self.themes.push((*theme).to_owned());
                let i = (self.themes.len() - 1) as u32;
                self.theme_index.insert(key, i);
                i
            };
            if !self.fragment_themes[start as usize..].contains(&index) {
                self.fragment_themes.push(index);
            }
        }
        self.fragments.push(Fragment {
            conversation,
            text: row.fragment.to_owned(),
            valence: row.valence,
            themes: start..self.fragment_themes.len() as u32,
        });
        Ok(())
    }

    fn conversation_of(&mut self, line: u64, row: &Row<'_>) -> Result<u32, RowProblem> {
        let organisation = if let Some(&i) = self.organisation_index.get(row.organisation) {
            i
        } else {
            self.organisations.push(row.organisation.to_owned());
            let i = self.organisations.len() - 1;
            self.organisation_index
                .insert(row.organisation.to_owned(), i);
            i
        };
        let location = intern(
            &mut self.locations,
            &mut self.location_index,
            organisation,
            row.location,
        );
        let ward = intern(&mut self.wards, &mut self.ward_index, location, row.ward);
        let round = intern(
            &mut self.rounds,
            &mut self.round_index,
            organisation,
            row.round,
        );
        let key = (round, row.triad.to_owned());
        let triad = if let Some(&i) = self.triad_index.get(&key) {
            let known = &self.triads[i];
            if known.ward != ward {
                let first = &self.wards[known.ward];
                return Err(RowProblem::TriadOnTwoWards {
                    conflict: Box::new(WardConflict {
                        triad: row.triad.to_owned(),
                        round: row.round.to_owned(),
                        ward: first.name.clone(),
                        location: self.locations[first.parent].name.clone(),
                        other_ward: row.ward.to_owned(),
                        other_location: row.location.to_owned(),
                    }),
                    first_line: known.line,
                });
            }
            i
        } else {
            self.triads.push(Triad {
                round,
                ward,
                code: row.triad.to_owned(),
                line,
            });
            self.triad_index.insert(key, self.triads.len() - 1);
            self.triads.len() - 1
        };
        Ok(*self
            .conversation_index
            .entry((triad, row.role))
            .or_insert_with(|| {
                self.conversations.push(Conversation {
                    triad,
                    role: row.role,
                });
                (self.conversations.len() - 1) as u32
            }))
    }
}

/// Every problem of a file, the first few in full; a file with any problem imports nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problems {
    /// The first [`Problems::SHOWN`] problems, in line order.
    pub shown: Vec<LineError>,
    /// All problems found, shown or not.
    pub total: usize,
}

impl Problems {
    /// How many problems are kept to show; the rest are only counted.
    pub const SHOWN: usize = 20;

    pub fn push(&mut self, error: LineError) {
        self.total += 1;
        if self.shown.len() < Self::SHOWN {
            self.shown.push(error);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for e in &self.shown {
            if !first {
                writeln!(f)?;
            }
            first = false;
            write!(f, "{e}")?;
        }
        let hidden = self.total - self.shown.len();
        if hidden > 0 {
            write!(f, "\n… and {hidden} more problem(s)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<&str> {
        line.split(',').collect()
    }

    #[test]
    fn header_accepts_bom_and_case_but_not_other_columns() {
        assert_eq!(check_header(HEADER), Ok(()));
        let mut with_bom = HEADER.to_vec();
        with_bom[0] = "\u{feff}organisation";
        assert_eq!(check_header(with_bom), Ok(()));
        assert_eq!(
            check_header([
                "Organisation",
                "location",
                "ward",
                "round",
                "triad",
                "role",
                "fragment",
                "valence",
                "themes"
            ]),
            Ok(())
        );
        assert!(matches!(
            check_header(["organisation", "ward"]),
            Err(RowProblem::Header { .. })
        ));
        let swapped = [
            "location",
            "organisation",
            "ward",
            "round",
            "triad",
            "role",
            "fragment",
            "valence",
            "themes",
        ];
        assert!(check_header(swapped).is_err());
    }

    #[test]
    fn delimiter_follows_the_header() {
        assert_eq!(detect_delimiter(HEADER.join(",").as_bytes()), b',');
        assert_eq!(detect_delimiter(HEADER.join(";").as_bytes()), b';');
        assert_eq!(detect_delimiter(b"organisation"), b',');
    }

    #[test]
    fn a_good_row_parses() {
        let row = parse_row(&fields(
            " Org ,Loc,Ward,R1,T1,Resident,Nice food, Positive ,food_drink| Safety |",
        ))
        .unwrap();
        assert_eq!(row.organisation, "Org");
        assert_eq!(row.role, Perspective::Resident);
        assert_eq!(row.valence, Valence::Positive);
        assert_eq!(row.fragment, "Nice food");
        assert_eq!(row.themes, ["food_drink", "Safety"]);
        let row = parse_row(&fields("O,L,W,R,T,staff,text,none,")).unwrap();
        assert!(row.themes.is_empty());
        assert_eq!(row.valence, Valence::None);
    }

    #[test]
    fn bad_rows_say_what_is_wrong() {
        let err = |line: &str| parse_row(&fields(line)).unwrap_err().to_string();
        assert_eq!(
            err("O,L,W,R,T,nurse,text,positive,"),
            "role \"nurse\" is not one of resident, family, staff"
        );
        assert_eq!(
            err("O,L,W,R,T,staff,text,good,"),
            "valence \"good\" is not one of positive, negative, none"
        );
        assert_eq!(err("O,,W,R,T,staff,text,none,"), "location is empty");
        assert_eq!(err("O,L,W,R,T,staff, ,none,"), "fragment is empty");
        assert!(err("O,L,W,R,T,staff,text,none").starts_with("expected 9 fields"));
        let long = "x".repeat(MAX_NAME + 1);
        assert_eq!(
            err(&format!("O,L,{long},R,T,staff,text,none,")),
            format!(
                "ward is {} characters long; at most {MAX_NAME} are allowed",
                MAX_NAME + 1
            )
        );
        let theme = "t".repeat(themes::MAX_LENGTH + 1);
        assert!(err(&format!("O,L,W,R,T,staff,text,none,{theme}")).starts_with("theme \"ttt"));
        assert_eq!(
            err("O,L,W,R,T,staff,a\u{0}b,none,"),
            "fragment contains control characters"
        );
        assert!(parse_row(&fields("O,L,W,R,T,staff,two\nlines,none,")).is_ok());
    }

    #[test]
    fn file_interns_names_and_keeps_order() {
        let mut file = CodedFile::default();
        let rows = [
            "O,L,W1,R,T1,resident,a,positive,Safety|food_drink",
            "O,L,W1,R,T1,resident,b,negative,safety|SAFETY",
            "O,L,W1,R,T1,family,c,none,",
            "O,L,W2,R,T2,staff,d,positive,Nieuw thema",
            "O,L,W1,R,T1,resident,e,positive,",
            "P,L,W1,R,T1,resident,f,positive,",
        ];
        for (i, r) in rows.iter().enumerate() {
            file.add_row(i as u64 + 2, &fields(r)).unwrap();
        }
        assert_eq!(file.organisations, ["O", "P"]);
        assert_eq!(file.locations.len(), 2);
        assert_eq!(file.wards.len(), 3);
        assert_eq!(file.rounds.len(), 2);
        assert_eq!(file.triads.len(), 3);
        assert_eq!(file.triads[1].line, 5);
        assert_eq!(file.conversations.len(), 4);
        assert_eq!(file.themes, ["Safety", "food_drink", "Nieuw thema"]);
        let convs: Vec<u32> = file.fragments.iter().map(|f| f.conversation).collect();
        assert_eq!(convs, [0, 0, 1, 2, 0, 3]);
        let themes_of = |i: usize| {
            let r = file.fragments[i].themes.clone();
            file.fragment_themes[r.start as usize..r.end as usize].to_vec()
        };
        assert_eq!(themes_of(0), [0, 1]);
        assert_eq!(themes_of(1), [0]);
        assert_eq!(themes_of(2), Vec::<u32>::new());
        assert_eq!(themes_of(3), [2]);
    }

    #[test]
    fn a_triad_on_two_wards_names_both_lines() {
        let mut file = CodedFile::default();
        file.add_row(2, &fields("O,L,W1,R,T1,resident,a,positive,"))
            .unwrap();
        let err = file
            .add_row(3, &fields("O,L,W2,R,T1,family,b,positive,"))
            .unwrap_err();
        assert_eq!(err.line, 3);
        assert!(
            err.to_string().starts_with(
                "line 3: triad \"T1\" of round \"R\" is on ward \"W1\" of location \"L\" on line 2"
            ),
            "{err}"
        );
        assert_eq!(file.rows(), 1);
        // The same code in another round is another triad.
        file.add_row(4, &fields("O,L,W2,R2,T1,family,b,positive,"))
            .unwrap();
        assert_eq!(file.triads.len(), 2);
    }

    #[test]
    fn problems_show_the_first_and_count_the_rest() {
        let mut p = Problems::default();
        for line in 0..25 {
            p.push(LineError {
                line,
                problem: RowProblem::Empty { column: "ward" },
            });
        }
        assert_eq!(p.total, 25);
        assert_eq!(p.shown.len(), Problems::SHOWN);
        let text = p.to_string();
        assert!(text.starts_with("line 0: ward is empty\nline 1: ward is empty"));
        assert!(text.ends_with("… and 5 more problem(s)"));
    }
}
