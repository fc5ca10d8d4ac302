use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::*;

const ANNOTATED: &str = include_str!("../../data/pseudonymise-annotated.txt");

/// Gold span in code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Gold {
    start: usize,
    end: usize,
    kind: SpanKind,
}

/// Parses one annotated line ("Mevrouw [[name:Jansen]] woont …") into plain text and gold spans.
fn parse_line(line: &str) -> (String, Vec<Gold>) {
    let mut text = String::new();
    let mut gold = Vec::new();
    let mut chars = 0;
    let mut rest = line;
    while let Some(open) = rest.find("[[") {
        let before = &rest[..open];
        text.push_str(before);
        chars += before.chars().count();
        let inner_end = rest[open..].find("]]").expect("unclosed [[") + open;
        let (key, original) = rest[open + 2..inner_end]
            .split_once(':')
            .expect("[[kind:text]]");
        let kind = SpanKind::from_key(key).unwrap_or_else(|| panic!("unknown kind {key}"));
        let len = original.chars().count();
        gold.push(Gold {
            start: chars,
            end: chars + len,
            kind,
        });
        text.push_str(original);
        chars += len;
        rest = &rest[inner_end + 2..];
    }
    text.push_str(rest);
    (text, gold)
}

fn annotated_set() -> Vec<(String, Vec<Gold>)> {
    ANNOTATED
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(parse_line)
        .collect()
}

#[derive(Default, Clone, Copy)]
struct Counts {
    gold: usize,
    predicted: usize,
    exact: usize,
    gold_overlapped: usize,
    predicted_overlapping: usize,
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Scores the detector on the annotated set: exact (start, end, kind) matches and a lenient
/// score where a span counts when it overlaps one of the same kind.
fn measure() -> (BTreeMap<SpanKind, Counts>, Vec<String>) {
    let mut counts: BTreeMap<SpanKind, Counts> = BTreeMap::new();
    let mut mistakes = Vec::new();
    for (text, gold) in annotated_set() {
        let predicted = detect(&text, &KnownNames::default());
        for g in &gold {
            let c = counts.entry(g.kind).or_default();
            c.gold += 1;
            let same_kind = predicted.iter().filter(|p| p.kind == g.kind);
            if same_kind
                .clone()
                .any(|p| p.start == g.start && p.end == g.end)
            {
                c.exact += 1;
            } else {
                let original: String = text.chars().skip(g.start).take(g.end - g.start).collect();
                mistakes.push(format!("missed {} {original:?} in {text:?}", g.kind.key()));
            }
            if same_kind
                .clone()
                .any(|p| overlaps((p.start, p.end), (g.start, g.end)))
            {
                c.gold_overlapped += 1;
            }
        }
        for p in &predicted {
            let c = counts.entry(p.kind).or_default();
            c.predicted += 1;
            let same_kind = gold.iter().filter(|g| g.kind == p.kind);
            if same_kind
                .clone()
                .any(|g| overlaps((p.start, p.end), (g.start, g.end)))
            {
                c.predicted_overlapping += 1;
            }
            if !same_kind
                .clone()
                .any(|g| g.start == p.start && g.end == p.end)
            {
                mistakes.push(format!("extra {} {:?} in {text:?}", p.kind.key(), p.text));
            }
        }
    }
    (counts, mistakes)
}

fn report(counts: &BTreeMap<SpanKind, Counts>) -> String {
    let mut out = String::from("kind      gold  pred  exact-P exact-R  lenient-P lenient-R\n");
    let mut total = Counts::default();
    let mut line = |name: &str, c: &Counts| {
        let _ = writeln!(
            out,
            "{name:<9} {:>4}  {:>4}  {:>7.3} {:>7.3}  {:>9.3} {:>9.3}",
            c.gold,
            c.predicted,
            ratio(c.exact, c.predicted),
            ratio(c.exact, c.gold),
            ratio(c.predicted_overlapping, c.predicted),
            ratio(c.gold_overlapped, c.gold),
        );
    };
    for (kind, c) in counts {
        line(kind.key(), c);
        total.gold += c.gold;
        total.predicted += c.predicted;
        total.exact += c.exact;
        total.gold_overlapped += c.gold_overlapped;
        total.predicted_overlapping += c.predicted_overlapping;
    }
    line("overall", &total);
    out
}

#[test]
fn pseudonymise_measured() {
    let (counts, mistakes) = measure();
    let table = report(&counts);
    let details = mistakes.join("\n");
    println!("{table}\n{details}");
    eprintln!("{table}\n{details}");
    for kind in SpanKind::ALL {
        assert!(
            counts.get(&kind).is_some_and(|c| c.gold >= 3),
            "the annotated set needs at least 3 {} spans",
            kind.key()
        );
    }
    let names = counts[&SpanKind::Name];
    assert!(names.gold >= 80, "too few annotated names: {}", names.gold);
    let name_recall = ratio(names.exact, names.gold);
    assert!(name_recall >= 0.95, "name recall {name_recall:.3} < 0.95");
    let all: Counts = counts.values().fold(Counts::default(), |mut t, c| {
        t.exact += c.exact;
        t.predicted += c.predicted;
        t
    });
    let precision = ratio(all.exact, all.predicted);
    assert!(
        precision >= 0.90,
        "overall exact precision {precision:.3} < 0.90"
    );
}

#[test]
fn annotation_parser_counts_code_points() {
    let (text, gold) = parse_line("Café [[name:Zoë]] 😊 [[room:kamer 3]]");
    assert_eq!(text, "Café Zoë 😊 kamer 3");
    assert_eq!(
        gold[0],
        Gold {
            start: 5,
            end: 8,
            kind: SpanKind::Name
        }
    );
    assert_eq!(
        gold[1],
        Gold {
            start: 11,
            end: 18,
            kind: SpanKind::Room
        }
    );
}

/// (text, kind) of every detected span.
fn found(text: &str) -> Vec<(String, SpanKind)> {
    detect(text, &KnownNames::default())
        .into_iter()
        .map(|s| (s.text, s.kind))
        .collect()
}

fn has(text: &str, original: &str, kind: SpanKind) -> bool {
    found(text).iter().any(|(t, k)| t == original && *k == kind)
}

#[test]
fn names_from_list_titles_and_kinship() {
    use SpanKind::Name;
    assert!(has("Toen kwam Truus binnen.", "Truus", Name));
    assert!(has("Gisteren was mevrouw Jansen er.", "Jansen", Name));
    assert!(has("Meneer Van der Berg roept.", "Van der Berg", Name));
    assert!(has("Ik sprak mevr. van den Broek.", "van den Broek", Name));
    assert!(has("Dhr. J. de Vries belde.", "J. de Vries", Name));
    assert!(has("mw. A.M. Kessels-Dohmen", "A.M. Kessels-Dohmen", Name));
    assert!(has("Opa Sjraar zei niks.", "Sjraar", Name));
    assert!(has("Mijn dochter Wendelien komt.", "Wendelien", Name));
    assert!(has(
        "Ik zag Maria van den Heuvel.",
        "Maria van den Heuvel",
        Name
    ));
    assert!(has(
        "Ik zag Jan Willem de Boer.",
        "Jan Willem de Boer",
        Name
    ));
    assert!(has("Dat is Anne-Marie.", "Anne-Marie", Name));
    assert!(has("Dat is Jan's fiets.", "Jan", Name));
    assert!(has("Meneer van 't Hof is er.", "van 't Hof", Name));
}

#[test]
fn no_names_in_sentence_starts_and_common_words() {
    for text in [
        "Ze zegt dat het goed gaat.",
        "Toen ging ik naar Maastricht.",
        "Mijn man is er niet.",
        "Het is Frans, dat eten.",
        "Wil je nog koffie?",
        "B: Ben je moe?",
        "Met Sint Maarten lopen de kinderen.",
        "Oma zei altijd ja.",
        "De dokter. Die kwam niet.",
        "In maart, op maandag, om 10 uur.",
        "Ze is 80 jaar en krijgt twee keer per week bezoek.",
    ] {
        let spans = found(text);
        assert!(spans.is_empty(), "{text:?} gave {spans:?}");
    }
}

#[test]
fn rooms() {
    use SpanKind::Room;
    assert!(has("Ze woont op kamer 12.", "kamer 12", Room));
    assert!(has("Kamer 3b is leeg.", "Kamer 3b", Room));
    assert!(has("Mw. X van k. 14 belt.", "k. 14", Room));
    assert!(has("Op appartement 4 woont hij.", "appartement 4", Room));
    assert!(found("De kamer 2 keer per week schoonmaken.").is_empty());
    assert!(found("Haar kamer is klein.").is_empty());
}

#[test]
fn dates_but_not_vague_ones() {
    use SpanKind::Date;
    assert!(has("Op 12 maart kwam ze.", "12 maart", Date));
    assert!(has("Op 12 maart 2024 kwam ze.", "12 maart 2024", Date));
    assert!(has("Gevallen op 3-4-2023.", "3-4-2023", Date));
    assert!(has("Gevallen op 03/04/2023.", "03/04/2023", Date));
    assert!(has("Aangepast 2023-04-03.", "2023-04-03", Date));
    assert!(has("Op maandag 3 april is het.", "maandag 3 april", Date));
    assert!(has("Op twaalf mei was het feest.", "twaalf mei", Date));
    assert!(has("Op de 5e juni.", "5e juni", Date));
    for vague in [
        "Op maandag is het bingo.",
        "In maart gaan we.",
        "Het is 10.30 uur.",
        "In 1962.",
    ] {
        assert!(found(vague).is_empty(), "{vague:?} gave {:?}", found(vague));
    }
    assert!(found("Op 32 maart.").is_empty());
    assert!(found("Op 13-13-2023.").is_empty());
    assert!(found("Drie meisjes kwamen.").is_empty());
}

#[test]
fn phones() {
    use SpanKind::Phone;
    for number in [
        "06-12345678",
        "06 1234 5678",
        "0612345678",
        "043-1234567",
        "043 123 45 67",
        "+31 6 12345678",
        "+31 (0)43 1234567",
        "(045) 5712345",
        "06-12-34-56-78",
    ] {
        let text = format!("Bel {number} maar.");
        assert!(has(&text, number, Phone), "{number}: {:?}", found(&text));
    }
    // A date followed by a time is not a phone number.
    let spans = found("Op 03-04-2023 12 uur.");
    assert_eq!(spans, vec![("03-04-2023".to_owned(), SpanKind::Date)]);
    assert!(found("Bel 12345 maar.").is_empty());
}

#[test]
fn email_postcode_address_id() {
    assert!(has(
        "Mail petra.smeets@ziggo.nl graag.",
        "petra.smeets@ziggo.nl",
        SpanKind::Email
    ));
    assert!(has(
        "Mail Truus.Jansen@zorg.nl graag.",
        "Truus.Jansen@zorg.nl",
        SpanKind::Email
    ));
    assert!(has(
        "Post naar 6211 AB Maastricht.",
        "6211 AB",
        SpanKind::Postcode
    ));
    assert!(has("Post naar 6211AB.", "6211AB", SpanKind::Postcode));
    assert!(found("Post naar 6211 SS.").is_empty());
    assert!(has(
        "Ze woonde Kerkstraat 12a.",
        "Kerkstraat 12a",
        SpanKind::Address
    ));
    assert!(has(
        "Aan de Tongerseweg 135.",
        "Tongerseweg 135",
        SpanKind::Address
    ));
    assert!(has(
        "Op de Jan van Goyenstraat 3.",
        "Jan van Goyenstraat 3",
        SpanKind::Address
    ));
    assert!(has(
        "Bij Oude Markt 5-7.",
        "Oude Markt 5-7",
        SpanKind::Address
    ));
    assert!(
        found("Ze heeft 40 jaar in de Kerkstraat 40 jaar gewoond.")
            .iter()
            .all(|(_, k)| *k != SpanKind::Address)
    );
    assert!(has("BSN 123456782.", "123456782", SpanKind::Id));
    assert!(has("Zijn cliëntnummer is 4471.", "4471", SpanKind::Id));
    assert!(found("Dat kost 2500 euro.").is_empty());
}

#[test]
fn known_names_get_role_tokens() {
    let known = KnownNames {
        resident: vec!["Maria Jansen".into()],
        family: vec!["Kees Jansen".into(), "Ellen".into()],
        staff: vec!["Roos".into()],
    };
    let text = "Maria Jansen zei dat Roos kwam. Ellen ook. Mevrouw Jansen sliep. Kees Jansen niet.";
    let spans = detect(text, &known);
    let got: Vec<(&str, &str)> = spans
        .iter()
        .map(|s| (s.text.as_str(), s.replacement.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Maria Jansen", "[bewoner]"),
            ("Roos", "[medewerker]"),
            ("Ellen", "[naaste]"),
            // "Jansen" is both the resident's and the son's surname: no role can be told.
            ("Jansen", "[naam]"),
            ("Kees Jansen", "[naaste]"),
        ]
    );
    assert_eq!(
        apply(text, &spans),
        "[bewoner] zei dat [medewerker] kwam. [naaste] ook. Mevrouw [naam] sliep. [naaste] niet."
    );
    // Known names are matched case-sensitively on whole words only.
    let none = detect("roos en Roosendaal", &known);
    assert!(none.is_empty(), "{none:?}");
}

#[test]
fn offsets_are_code_points_and_apply_replaces_them() {
    let text = "Café 😊: mevrouw Zoë Hendriks-Bosch (ë) op kamer 3, tel. 06-12345678 — dàg!";
    let spans = detect(text, &KnownNames::default());
    let chars: Vec<char> = text.chars().collect();
    for s in &spans {
        let slice: String = chars[s.start..s.end].iter().collect();
        assert_eq!(slice, s.text, "{s:?}");
    }
    let kinds: Vec<SpanKind> = spans.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, vec![SpanKind::Name, SpanKind::Room, SpanKind::Phone]);
    assert_eq!(spans[0].start, 16, "code points, not bytes");
    assert_eq!(
        apply(text, &spans),
        "Café 😊: mevrouw [naam] (ë) op [kamer], tel. [telefoon] — dàg!"
    );
    let value = to_json(text, &spans);
    assert_eq!(value["spans"][0]["start"], 16);
    assert_eq!(value["spans"][0]["kind"], "name");
    assert_eq!(value["spans"][0]["text"], "Zoë Hendriks-Bosch");
    assert!(value["spans"][0].get("replacement").is_none());
    assert_eq!(value["text"], apply(text, &spans));
}

#[test]
fn apply_skips_overlapping_and_out_of_range_spans() {
    let span = |start, end| Span {
        start,
        end,
        kind: SpanKind::Name,
        text: String::new(),
        replacement: "[naam]".into(),
    };
    assert_eq!(
        apply("ab😊cd", &[span(1, 3), span(2, 4), span(4, 5)]),
        "a[naam]c[naam]"
    );
    assert_eq!(apply("abc", &[span(1, 9)]), "abc");
    assert_eq!(apply("abc", &[span(3, 3), span(3, 3)]), "abc[naam][naam]");
    assert_eq!(apply("", &[]), "");
}

#[test]
fn large_input_runs_in_linear_time() {
    // ~2 MB of transcript lines, a long line without breaks and a run of digits: a quadratic
    // step anywhere would take minutes here rather than well under a second.
    let lines: Vec<String> = annotated_set().into_iter().map(|(t, _)| t).collect();
    let block = lines.join("\n");
    let mut text = String::with_capacity(2_200_000);
    while text.len() < 1_500_000 {
        text.push_str(&block);
        text.push('\n');
    }
    text.push_str(&"Jan de Vries zag mevrouw Jansen op kamer 12. ".repeat(5_000));
    text.push_str(&"1".repeat(200_000));
    let spans = detect(&text, &KnownNames::default());
    assert!(spans.len() > 10_000);
    assert!(
        spans.windows(2).all(|w| w[0].end <= w[1].start),
        "sorted, non-overlapping"
    );
    let out = apply(&text, &spans);
    assert!(!out.contains("Jan de Vries"));
}
