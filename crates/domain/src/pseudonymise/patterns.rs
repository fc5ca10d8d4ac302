//! Detectors for details with a fixed shape: e-mail, phone, postcode, date, room, street
//! address and long numbers. Each regex is scanned once over the whole text (no look-around,
//! so the regex crate's linear-time engines apply); word boundaries are checked in code on
//! Unicode characters, because `\b` would force the slower engines on non-ASCII text.

use std::sync::LazyLock;

use regex::Regex;

use super::tokens::is_letter;
use super::{Found, SpanKind};

/// Horizontal whitespace only: a detail never runs across a line break.
const H: &str = r"[ \t\u{A0}]";

const MONTHS: &str =
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december";
const MONTH_ABBREVIATIONS: &str = "jan|feb|febr|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec";
const WEEKDAYS: &str = "maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag";

/// Cardinals and ordinals 1–31 as words: spoken transcripts write "op twaalf maart".
const DAY_WORDS: [&str; 31] = [
    "een",
    "twee",
    "drie",
    "vier",
    "vijf",
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
    "dertien",
    "veertien",
    "vijftien",
    "zestien",
    "zeventien",
    "achttien",
    "negentien",
    "twintig",
    "eenentwintig",
    "tweeëntwintig",
    "drieëntwintig",
    "vierentwintig",
    "vijfentwintig",
    "zesentwintig",
    "zevenentwintig",
    "achtentwintig",
    "negenentwintig",
    "dertig",
    "eenendertig",
];

fn ordinal(cardinal: &str) -> String {
    match cardinal {
        "een" => "eerste".into(),
        "drie" => "derde".into(),
        "acht" => "achtste".into(),
        c if c.ends_with("tig") => format!("{c}ste"),
        c => format!("{c}de"),
    }
}

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("pseudonymise pattern compiles")
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"[\p{L}\p{N}_%+\-]+(?:\.[\p{L}\p{N}_%+\-]+)*@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}",
    )
});

static PHONE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?:(?:\+|00)31[ \-]?(?:\(0\)[ \-]?)?|\(?0)\d(?:\)?[ \-]{0,3}\d){8}"));

/// Belgian and German numbers: family across the border in Limburg.
static PHONE_NEIGHBOURS: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?:\+|00)(?:32|49)[ \-]?(?:\(0\)[ \-]?)?\d(?:[ \-/]{0,2}\d){7,10}"));

static POSTCODE: LazyLock<Regex> = LazyLock::new(|| regex(r"[1-9]\d{3}[ \u{A0}]?[A-Z]{2}"));

static DATE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    let ordinals: Vec<String> = DAY_WORDS.iter().map(|c| ordinal(c)).collect();
    let day = format!(
        r"(?:\d{{1,2}}(?:e|ste|de)?|{}|{})",
        DAY_WORDS.join("|"),
        ordinals.join("|")
    );
    let year = r"(?:'\d{2}|\d{4})";
    regex(&format!(
        r"(?i)(?:(?:{WEEKDAYS}),?{H}+)?{day}{H}+(?:(?:{MONTHS})(?:{H}+{year})?|(?:{MONTH_ABBREVIATIONS})(?:\.?{H}+{year})?)"
    ))
});

static DATE_NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\d{4}-\d{2}-\d{2}|\d{1,2}([-/.])\d{1,2}[-/.](?:\d{4}|\d{2})"));

static ROOM: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)(?:kamer(?:nummer)?|k\.|appartement(?:nummer)?|app\.|studio){H}*(?:(?:nr\.?|nummer|no\.?){H}*)?\d{{1,4}}(?:\.\d{{1,3}})?[a-z]?"
    ))
});

/// Street words: "Kerkstraat", or a street type of its own after other words ("Grote Gracht"),
/// optionally a compass part ("Rijksweg Noord"), then a house number ("12", "12a", "12-14").
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    let types =
        "straat|weg|laan|plein|singel|gracht|dijk|kade|hof|steeg|pad|dreef|park|markt|baan|wal";
    let capitalised_types =
        "Straat|Weg|Laan|Plein|Singel|Gracht|Dijk|Kade|Hof|Steeg|Pad|Dreef|Park|Markt|Baan|Wal";
    regex(&format!(
        r"(?:\p{{Lu}}[\p{{L}}\-']*(?:{types})|(?:{capitalised_types}))(?:{H}+(?:Noord|Zuid|Oost|West))?{H}+\d{{1,4}}(?:[a-zA-Z]|{H}?-{H}?\d{{1,4}}[a-zA-Z]?)?"
    ))
});

static STREET_TYPE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:Straat|Weg|Laan|Plein|Singel|Gracht|Dijk|Kade|Hof|Steeg|Pad|Dreef|Park|Markt|Baan|Wal)[^\p{L}]",
    )
});

static LONG_NUMBER: LazyLock<Regex> = LazyLock::new(|| regex(r"\d{6,}|\d{4}\.\d{2}\.\d{3}"));

/// A number shortly after a word that says it identifies someone ("het cliëntnummer van
/// moeder is 4471"), even when it is short.
static LABELLED_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?:bsn|burgerservicenummer|cli[eë]nt(?:en)?(?:nummer|nr)|dossier(?:nummer|nr)|pati[eë]nt(?:nummer|nr)|zorgverzekeringsnummer|polisnummer|registratienummer|relatienummer|personeelsnummer|verzekeringsnummer)[^\d\n]{0,30}?(\d[\d .\-]{1,14}\d)",
    )
});

/// Runs every shape detector over `text` and appends byte-offset candidates to `out`.
pub(super) fn find_all(text: &str, out: &mut Vec<Found>) {
    let mut push = |start: usize, end: usize, kind: SpanKind| {
        out.push(Found {
            start,
            end,
            kind,
            role: None,
        });
    };
    for m in EMAIL.find_iter(text) {
        push(m.start(), m.end(), SpanKind::Email);
    }
    for m in PHONE.find_iter(text) {
        if standalone(text, m.start(), m.end()) && plausible_phone(m.as_str()) {
            push(m.start(), m.end(), SpanKind::Phone);
        }
    }
    for m in PHONE_NEIGHBOURS.find_iter(text) {
        if standalone(text, m.start(), m.end()) {
            push(m.start(), m.end(), SpanKind::Phone);
        }
    }
    for m in POSTCODE.find_iter(text) {
        let letters = &m.as_str()[m.len() - 2..];
        if standalone(text, m.start(), m.end()) && !matches!(letters, "SA" | "SD" | "SS") {
            push(m.start(), m.end(), SpanKind::Postcode);
        }
    }
    for m in DATE_WORDS.find_iter(text) {
        if standalone(text, m.start(), m.end()) && day_in_range(m.as_str()) {
            push(m.start(), m.end(), SpanKind::Date);
        }
    }
    for m in DATE_NUMERIC.find_iter(text) {
        if standalone(text, m.start(), m.end())
            && !touches_number(text, m.start(), m.end())
            && numeric_date(m.as_str())
        {
            push(m.start(), m.end(), SpanKind::Date);
        }
    }
    for m in ROOM.find_iter(text) {
        if standalone(text, m.start(), m.end()) && !followed_by_unit(text, m.end()) {
            push(m.start(), m.end(), SpanKind::Room);
        }
    }
    for m in ADDRESS.find_iter(text) {
        if standalone(text, m.start(), m.end()) && !followed_by_unit(text, m.end()) {
            let start = street_prefix_start(text, m.start());
            // A bare street type ("Markt 5", "Hof 3") only counts with a name before it.
            let bare_type = m.as_str().starts_with(|c: char| c.is_uppercase())
                && STREET_TYPE_WORD.is_match(m.as_str());
            if start < m.start() || !bare_type {
                push(start, m.end(), SpanKind::Address);
            }
        }
    }
    for m in LONG_NUMBER.find_iter(text) {
        if standalone(text, m.start(), m.end()) && !touches_number(text, m.start(), m.end()) {
            push(m.start(), m.end(), SpanKind::Id);
        }
    }
    for c in LABELLED_NUMBER.captures_iter(text) {
        let m = c.get(1).expect("group 1 always takes part");
        if standalone(text, m.start(), m.end()) {
            push(m.start(), m.end(), SpanKind::Id);
        }
    }
}

fn is_word_char(c: char) -> bool {
    is_letter(c) || c.is_numeric() || c == '_'
}

/// No letter or digit directly before `start` or after `end`.
fn standalone(text: &str, start: usize, end: usize) -> bool {
    !text[..start].chars().next_back().is_some_and(is_word_char)
        && !text[end..].chars().next().is_some_and(is_word_char)
}

/// Part of a longer dotted or dashed number ("1.234.567-8"): not a date or id of its own.
fn touches_number(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().rev().take(2).collect::<Vec<_>>();
    let after = text[end..].chars().take(2).collect::<Vec<_>>();
    let joined = |pair: &[char]| {
        pair.len() == 2 && matches!(pair[0], '.' | '-' | '/' | ',') && pair[1].is_ascii_digit()
    };
    joined(&before) || joined(&after)
}

/// Dutch numbers have ten digits (nine after +31), an area code of two ("06"), three or four
/// digits, and are not a date followed by a time ("03-04-2023 12").
fn plausible_phone(candidate: &str) -> bool {
    let (national, international) = match candidate
        .strip_prefix("+31")
        .or_else(|| candidate.strip_prefix("0031"))
    {
        Some(rest) => (rest.replacen("(0)", "", 1), true),
        None => (candidate.to_owned(), false),
    };
    let groups: Vec<&str> = national
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let digits: usize = groups.iter().map(|g| g.len()).sum();
    if groups.is_empty() || digits != if international { 9 } else { 10 } {
        return false;
    }
    let area_len = groups[0].len() + usize::from(international);
    let mobile = if international {
        groups[0].starts_with('6')
    } else {
        groups[0].starts_with("06")
    };
    let area_ok = match area_len {
        2 => mobile,
        _ => true,
    };
    let dashes = national.matches('-').count();
    area_ok && (dashes < 2 || groups[1..].iter().all(|g| g.len() == 2))
}

/// "12 maart": the day must exist. Spelled-out days are checked by the pattern itself.
fn day_in_range(date: &str) -> bool {
    let digits: String = date
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.is_empty() || digits.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

/// "3-4-2023", "03/04/2023", "2023-04-03": both separators alike, day and month in range.
fn numeric_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    let separators: Vec<char> = date.chars().filter(|c| !c.is_ascii_digit()).collect();
    if parts.len() != 3 || separators.len() != 2 || separators[0] != separators[1] {
        return false;
    }
    let num = |s: &str| s.parse::<u32>().unwrap_or(0);
    let (day, month) = if parts[0].len() == 4 {
        (num(parts[2]), num(parts[1]))
    } else {
        (num(parts[0]), num(parts[1]))
    };
    (1..=31).contains(&day) && (1..=12).contains(&month)
}

/// "de kamer 2 keer per week", "in de Kerkstraat 40 jaar gewoond": a count, not a number.
fn followed_by_unit(text: &str, end: usize) -> bool {
    let rest = text[end..].trim_start_matches([' ', '\t', '\u{A0}']);
    let word: String = rest
        .chars()
        .take_while(|c| is_letter(*c))
        .take(12)
        .collect::<String>()
        .to_lowercase();
    matches!(
        word.as_str(),
        "keer"
            | "x"
            | "maal"
            | "jaar"
            | "jaren"
            | "dag"
            | "dagen"
            | "week"
            | "weken"
            | "maand"
            | "maanden"
            | "uur"
            | "minuten"
            | "min"
            | "procent"
            | "euro"
            | "kilo"
            | "kg"
            | "personen"
            | "mensen"
            | "bewoners"
            | "stuks"
            | "cm"
            | "meter"
            | "graden"
    )
}

/// Street names of several words ("Burgemeester Cortenstraat", "Jan van Goyenstraat"): walks
/// back over capitalised words and particles before the word that ends in "straat" and returns
/// the start of the earliest capitalised word. Sentence words ("Bij", "Naar") stop the walk.
fn street_prefix_start(text: &str, start: usize) -> usize {
    let lex = &*super::lexicon::LEXICON;
    let mut best = start;
    let mut cursor = start;
    for _ in 0..4 {
        let before = &text[..cursor];
        let trimmed = before.trim_end_matches([' ', '\t', '\u{A0}']);
        if trimmed.len() == before.len() || before.len() - trimmed.len() > 2 {
            break;
        }
        let word_start = trimmed
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_letter(c) || c == '-' || c == '\'' || c == '.')
            .last()
            .map_or(trimmed.len(), |(i, _)| i);
        let word = &trimmed[word_start..];
        // A full stop ends a sentence unless it abbreviates a street-name title ("St.").
        if word.is_empty()
            || (word.ends_with('.') && !matches!(word, "St." | "Burg." | "Mgr." | "Dr." | "Kon."))
        {
            break;
        }
        let lower = word.to_lowercase();
        let particle = lex.particles.iter().any(|p| p.len() == 1 && p[0] == lower);
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        if capitalised && !lex.not_surnames.contains(word) {
            best = word_start;
        } else if !particle {
            break;
        }
        cursor = word_start;
    }
    best
}
