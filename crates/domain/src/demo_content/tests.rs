use std::collections::BTreeSet;

use regex::Regex;

use super::generate::Ward;
use super::pool::{self, FAMILY, NEGATIVE, POSITIVE, Pool, RESIDENT, STAFF};
use super::*;
use crate::scores::{ConversationTally, Quadrant, score_triad};

const WARD_SEEDS: [u64; 8] = [0, 1, 2, 42, 1234, 0xDEAD_BEEF, u64::MAX, 7_777_777];

fn coded_count(conv: &DemoConversation) -> usize {
    conv.fragments
        .iter()
        .filter(|f| f.valence != Valence::None)
        .count()
}

fn participant_count(conv: &DemoConversation) -> usize {
    conv.fragments
        .iter()
        .filter(|f| f.speaker == Speaker::Participant)
        .count()
}

fn tally(conv: &DemoConversation) -> ConversationTally {
    ConversationTally::from_valences(conv.fragments.iter().map(|f| f.valence))
}

fn conversation_of(triad: &DemoTriad, perspective: Perspective) -> Option<&DemoConversation> {
    triad
        .conversations
        .iter()
        .find(|c| c.perspective == perspective)
}

fn quadrant(triad: &DemoTriad) -> Option<Quadrant> {
    let get = |p| conversation_of(triad, p).map(tally);
    score_triad(
        get(Perspective::Resident),
        get(Perspective::Family),
        get(Perspective::Staff),
    )
    .quadrant()
}

fn all_texts(triads: &[DemoTriad]) -> impl Iterator<Item = &str> {
    triads
        .iter()
        .flat_map(|t| &t.conversations)
        .flat_map(|c| &c.fragments)
        .map(|f| f.text.as_str())
}

#[test]
fn same_seeds_give_identical_output_and_different_seeds_differ() {
    let a = triads(42, 7, 12);
    let b = triads(42, 7, 12);
    assert_eq!(a, b);
    let transcripts = |ts: &[DemoTriad]| -> Vec<String> {
        ts.iter()
            .flat_map(|t| &t.conversations)
            .map(transcript_text)
            .collect()
    };
    assert_eq!(transcripts(&a), transcripts(&b));
    assert_ne!(a, triads(42, 8, 12), "another round must give other triads");
    assert_ne!(a, triads(43, 7, 12), "another ward must give other triads");
    // A prefix of the same call is not the same as a shorter call in general, but the codes
    // of one call never repeat.
    assert_eq!(triads(42, 7, 0), Vec::new());
    assert_eq!(triads(42, 7, 1).len(), 1);
}

#[test]
fn ward_character_and_code_letters_depend_on_the_ward_only() {
    for seed in WARD_SEEDS {
        assert_eq!(Ward::new(seed), Ward::new(seed));
        let letters = |round| triads(seed, round, 3)[0].code[2..4].to_owned();
        assert_eq!(letters(1), letters(2));
    }
    let characters: BTreeSet<_> = (0..200u64)
        .map(|s| {
            let w = Ward::new(s);
            (w.weak, w.strong)
        })
        .collect();
    assert!(characters.len() > 10, "wards must differ in character");
}

#[test]
fn network_has_enough_uniquely_named_organisations_locations_and_wards() {
    let net = network();
    assert!(!net.name.is_empty() && !net.description.is_empty());
    assert!(net.organisations.len() >= 3);
    let mut org_names = BTreeSet::new();
    let mut short_names = BTreeSet::new();
    let mut location_names = BTreeSet::new();
    let mut ward_names = BTreeSet::new();
    for org in &net.organisations {
        assert!(org_names.insert(org.name.clone()), "duplicate {}", org.name);
        assert!(short_names.insert(org.short_name.clone()));
        assert_eq!(org.short_name.len(), 2);
        assert!(org.short_name.chars().all(|c| c.is_ascii_uppercase()));
        assert!(org.locations.len() >= 2);
        for location in &org.locations {
            assert!(location_names.insert(location.name.clone()));
            assert!(!location.city.is_empty());
            assert!(location.wards.len() >= 2);
            for ward in &location.wards {
                assert!(
                    ward_names.insert(ward.name.clone()),
                    "duplicate {}",
                    ward.name
                );
            }
        }
    }
    assert!(ward_names.len() >= 12);
}

#[test]
fn theme_keys_match_the_default_theme_set() {
    let set = crate::themes::builtin_theme_set("driehoek_default").expect("default set");
    let keys: Vec<&str> = set.themes.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys, THEME_KEYS.to_vec());
}

#[test]
fn codings_follow_the_rules() {
    for seed in WARD_SEEDS {
        for triad in triads(seed, 3, 12) {
            for conv in &triad.conversations {
                for f in &conv.fragments {
                    for theme in &f.themes {
                        assert!(THEME_KEYS.contains(theme), "unknown theme {theme}");
                    }
                    match (f.speaker, f.valence) {
                        (Speaker::Interviewer, v) => {
                            assert_eq!(v, Valence::None, "{}", f.text);
                            assert!(f.themes.is_empty(), "{}", f.text);
                        }
                        (Speaker::Participant, Valence::None) => {
                            assert!(f.themes.is_empty(), "{}", f.text);
                        }
                        (Speaker::Participant, _) => {
                            assert!(!f.themes.is_empty(), "{}", f.text);
                            let unique: BTreeSet<_> = f.themes.iter().collect();
                            assert_eq!(unique.len(), f.themes.len());
                        }
                    }
                    assert!(!f.text.contains(['{', '}', '\t', '\n']), "{}", f.text);
                }
                assert_eq!(conv.fragments[0].speaker, Speaker::Interviewer);
            }
        }
    }
}

#[test]
fn conversations_have_the_right_shape() {
    for seed in WARD_SEEDS {
        for round in 0..3 {
            for triad in triads(seed, round, 12) {
                let perspectives: Vec<_> =
                    triad.conversations.iter().map(|c| c.perspective).collect();
                let expected: &[Perspective] = if triad.resident_takes_part {
                    &Perspective::ALL
                } else {
                    &[Perspective::Family, Perspective::Staff]
                };
                assert_eq!(perspectives, expected, "{}", triad.code);
                for conv in &triad.conversations {
                    let participants = participant_count(conv);
                    assert!(
                        (8..=20).contains(&participants),
                        "{participants} in {}",
                        triad.code
                    );
                    let coded = coded_count(conv);
                    assert!(
                        (3..=4).contains(&coded) || (6..=16).contains(&coded),
                        "{coded} coded in {}",
                        triad.code
                    );
                    assert!(2 * coded >= participants || coded < 5, "most are coded");
                }
            }
        }
    }
}

#[test]
fn every_ward_shows_absent_residents_not_available_conversations_and_a_spread_plot() {
    for seed in WARD_SEEDS.into_iter().chain(100..140) {
        for round in [1, 2] {
            let ts = triads(seed, round, 12);
            let absent = ts.iter().filter(|t| !t.resident_takes_part).count();
            assert_eq!(absent, 2, "about one in six (ward {seed})");
            assert!(
                ts.iter()
                    .flat_map(|t| &t.conversations)
                    .any(|c| coded_count(c) < 5),
                "a conversation must be n/a (ward {seed})"
            );
            let quadrants: BTreeSet<_> =
                ts.iter().filter_map(quadrant).map(Quadrant::key).collect();
            assert!(
                quadrants.len() >= 3,
                "ward {seed} round {round} spans only {quadrants:?}"
            );
        }
    }
}

#[test]
fn shares_follow_the_stories_over_many_triads() {
    // Over a large sample every quadrant occurs and positives dominate, as in real networks.
    let ts: Vec<DemoTriad> = (0..20u64).flat_map(|s| triads(s, 9, 12)).collect();
    let mut counts = std::collections::BTreeMap::new();
    for q in ts.iter().filter_map(quadrant) {
        *counts.entry(q.key()).or_insert(0) += 1;
    }
    assert_eq!(counts.len(), 4, "{counts:?}");
    assert!(counts["agree_goes_well"] > counts["agree_does_not_go_well"]);
    let (pos, neg) = ts
        .iter()
        .flat_map(|t| &t.conversations)
        .map(tally)
        .fold((0, 0), |(p, n), t| (p + t.positive, n + t.negative));
    assert!(pos > neg && neg > pos / 4, "{pos} positive, {neg} negative");
}

#[test]
fn a_weak_ward_theme_draws_more_criticism_than_a_strong_one() {
    let food = pool::theme_index("food_drink").unwrap();
    let weak = (0..1000u64).find(|&s| Ward::new(s).weak == food).unwrap();
    let strong = (0..1000u64).find(|&s| Ward::new(s).strong == food).unwrap();
    let negative_share = |seed| {
        let (mut n, mut all) = (0usize, 0usize);
        for round in 0..6 {
            for t in triads(seed, round, 12) {
                for f in t.conversations.iter().flat_map(|c| &c.fragments) {
                    if f.themes.first() == Some(&"food_drink") {
                        all += 1;
                        n += usize::from(f.valence == Valence::Negative);
                    }
                }
            }
        }
        n as f64 / all as f64
    };
    let (w, s) = (negative_share(weak), negative_share(strong));
    assert!(w > s + 0.3, "weak ward {w:.2}, strong ward {s:.2}");
}

#[test]
fn triad_codes_are_well_formed_and_unique() {
    let code = Regex::new(r"^T-[A-Z]{2}-\d{3,}$").unwrap();
    for seed in WARD_SEEDS {
        let ts = triads(seed, 5, 12);
        let codes: BTreeSet<_> = ts.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(codes.len(), 12);
        for c in &codes {
            assert!(code.is_match(c), "{c}");
            assert_eq!(c.len(), 8, "three digits for a normal ward: {c}");
        }
    }
    let many = triads(3, 4, 500);
    let codes: BTreeSet<_> = many.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(codes.len(), 500);
    assert!(codes.iter().all(|c| code.is_match(c)));
}

#[test]
fn stories_do_not_repeat_visibly_within_a_ward() {
    for seed in WARD_SEEDS {
        let ts = triads(seed, 1, 12);
        for conv in ts.iter().flat_map(|t| &t.conversations) {
            let texts: Vec<_> = conv
                .fragments
                .iter()
                .filter(|f| f.speaker == Speaker::Participant)
                .map(|f| f.text.as_str())
                .collect();
            let unique: BTreeSet<_> = texts.iter().collect();
            assert_eq!(unique.len(), texts.len(), "repeat within a conversation");
        }
        let coded: Vec<_> = ts
            .iter()
            .flat_map(|t| &t.conversations)
            .flat_map(|c| &c.fragments)
            .filter(|f| f.valence != Valence::None)
            .map(|f| f.text.as_str())
            .collect();
        let unique: BTreeSet<_> = coded.iter().collect();
        assert!(
            unique.len() * 100 >= coded.len() * 85,
            "ward {seed}: {} distinct of {}",
            unique.len(),
            coded.len()
        );
    }
}

const COMMON_FIRST_NAMES: [&str; 40] = [
    "Jan", "Piet", "Kees", "Henk", "Wim", "Gerard", "Sjef", "Harrie", "Jos", "Sjaak", "Johan",
    "Peter", "Hans", "Frans", "Karel", "Ton", "Theo", "Wiel", "Huub", "Math", "Maria", "Anna",
    "Mia", "Truus", "Riet", "Annie", "Mieke", "Els", "Joke", "Ria", "Ingrid", "Sandra", "Linda",
    "Marie", "Lies", "Thea", "Bep", "Fien", "Toos", "Tiny",
];

fn privacy_problems(text: &str, digits: &Regex, names: &Regex) -> Option<String> {
    if let Some(m) = digits.find(text) {
        return Some(format!("digits {:?} in {text:?}", m.as_str()));
    }
    names
        .find(text)
        .map(|m| format!("first name {:?} in {text:?}", m.as_str()))
}

#[test]
fn privacy_smoke_test_no_numbers_or_first_names() {
    let digits = Regex::new(r"\d{3,}").unwrap();
    let names = Regex::new(&format!(r"\b(?:{})\b", COMMON_FIRST_NAMES.join("|"))).unwrap();
    // The test must be able to fail.
    assert!(privacy_problems("Ze woont op kamer 112.", &digits, &names).is_some());
    assert!(privacy_problems("Mijn dochter Mieke komt.", &digits, &names).is_some());
    assert!(privacy_problems("Mijn dochter [naaste] komt.", &digits, &names).is_none());

    for seed in WARD_SEEDS {
        let ts = triads(seed, 2, 12);
        for text in all_texts(&ts) {
            assert_eq!(privacy_problems(text, &digits, &names), None);
        }
        for conv in ts.iter().flat_map(|t| &t.conversations) {
            assert_eq!(
                privacy_problems(&transcript_text(conv), &digits, &names),
                None
            );
        }
    }
    for src in [
        include_str!("../../data/demo/fragments.tsv"),
        include_str!("../../data/demo/questions.tsv"),
    ] {
        for line in src.lines().filter(|l| !l.starts_with('#')) {
            assert_eq!(privacy_problems(line, &digits, &names), None);
        }
    }
}

#[test]
fn transcript_has_one_line_per_turn() {
    let ts = triads(11, 12, 4);
    for conv in ts.iter().flat_map(|t| &t.conversations) {
        let text = transcript_text(conv);
        assert!(text.ends_with('\n'));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("I: "));
        for pair in lines.windows(2) {
            assert_ne!(&pair[0][..3], &pair[1][..3], "turns alternate");
        }
        assert!(
            lines
                .iter()
                .all(|l| l.starts_with("I: ") || l.starts_with("B: "))
        );
        for f in &conv.fragments {
            assert!(text.contains(&f.text));
        }
    }
    let empty = DemoConversation {
        perspective: Perspective::Staff,
        fragments: Vec::new(),
    };
    assert_eq!(transcript_text(&empty), "");
    let conv = DemoConversation {
        perspective: Perspective::Resident,
        fragments: vec![
            fragment(Speaker::Interviewer, "Hoe gaat het?"),
            fragment(Speaker::Participant, "Goed."),
            fragment(Speaker::Participant, "Het eten is lekker."),
        ],
    };
    assert_eq!(
        transcript_text(&conv),
        "I: Hoe gaat het?\nB: Goed. Het eten is lekker.\n"
    );
}

fn fragment(speaker: Speaker, text: &str) -> DemoFragment {
    DemoFragment {
        speaker,
        text: text.to_owned(),
        valence: Valence::None,
        themes: Vec::new(),
    }
}

#[test]
fn the_data_files_parse_without_malformed_lines() {
    if let Err(error) = pool::parse_embedded() {
        panic!("{error}");
    }
}

#[test]
fn a_malformed_line_is_reported_with_its_line_number() {
    const Q: &str = "resident\topen\t-\tHoe gaat het?\n";
    let cases: [(&'static str, usize, &str); 12] = [
        (
            "# c\nresident\tpositive\tfood_drink\n",
            2,
            "4 tab-separated columns",
        ),
        (
            "\nresident\tpositive\tfood\tHet eten is goed.\n",
            2,
            "unknown theme",
        ),
        (
            "resident\tpositive\tfood_drink\tGoed.\nbewoner\tpositive\tfood_drink\tGoed.\n",
            2,
            "unknown perspective",
        ),
        ("resident\tgood\tfood_drink\tGoed.\n", 1, "unknown valence"),
        ("resident\tnone\tfood_drink\tGoed.\n", 1, "@intro"),
        (
            "resident\tpositive\tfood_drink\tIk woon op kamer twaalf, nummer 12.\n",
            1,
            "digit",
        ),
        (
            "resident\tpositive\tfood_drink\tHet eten {is goed.\n",
            1,
            "without its }",
        ),
        (
            "resident\tpositive\tfood_drink\tHet {feest} is goed.\n",
            1,
            "unknown slot",
        ),
        (
            "resident\tpositive\tfood_drink\t{Hij} eet goed.\n",
            1,
            "does not fit",
        ),
        (
            "resident\tpositive\tfood_drink\t[Mieke] kookt goed.\n",
            1,
            "unknown pseudonymisation token",
        ),
        (
            "resident\tpositive\tfood_drink,food_drink\tGoed.\n",
            1,
            "twice",
        ),
        ("resident\tpositive\tfood_drink\tGoed\n", 1, "must end"),
    ];
    for (src, line, reason) in cases {
        let error = Pool::parse(src, Q).expect_err(src);
        assert_eq!(error.file, pool::FRAGMENTS_FILE);
        assert_eq!(error.line, line, "{error}");
        assert!(error.reason.contains(reason), "{error}");
        assert!(error.to_string().contains(&format!("line {line}")));
    }
    let ok = "resident\tpositive\tfood_drink\tGoed.\n";
    let error = Pool::parse(ok, "resident\topen\t-\tHoe?\nresident\ttheme\t-\tEn?\n").unwrap_err();
    assert_eq!((error.file, error.line), (pool::QUESTIONS_FILE, 2));
    let error = Pool::parse(ok, "family\tthanks\t-\tDank u, {rel}.\n").unwrap_err();
    assert!(error.reason.contains("does not fit"), "{error}");
    assert!(Pool::parse(ok, Q).is_ok());
}

#[test]
fn the_pool_is_large_and_covers_every_cell() {
    let pool = pool::parse_embedded().expect("valid data");
    let mut coded_templates = BTreeSet::new();
    let mut cells_with_eight = 0;
    for p in [RESIDENT, FAMILY, STAFF] {
        for v in [POSITIVE, NEGATIVE] {
            for (cell, key) in pool.coded[p][v].iter().zip(THEME_KEYS) {
                let n = cell.len();
                assert!(n >= 6, "only {n} fragments for {p}/{v}/{key}");
                cells_with_eight += usize::from(n >= 8);
                coded_templates.extend(cell.iter().copied());
            }
        }
        for role in 0..3 {
            assert!(pool.neutral[p][role].len() >= 4, "neutral {p}/{role}");
        }
        assert!(pool.neutral[p][1].len() >= 10, "chat {p}");
        let q = &pool.questions[p];
        for (t, list) in q.theme.iter().enumerate() {
            assert!(!list.is_empty(), "no question for {p}/{}", THEME_KEYS[t]);
        }
        for list in [&q.open, &q.follow, &q.wish, &q.close, &q.thanks] {
            assert!(!list.is_empty());
        }
        assert!(q.follow.len() >= 5);
    }
    assert!(
        cells_with_eight >= 60,
        "{cells_with_eight} of 72 cells have eight or more"
    );
    let neutral: usize = pool.neutral.iter().flatten().map(Vec::len).sum();
    assert!(coded_templates.len() >= 400, "{}", coded_templates.len());
    assert!(coded_templates.len() + neutral >= 450);
}
