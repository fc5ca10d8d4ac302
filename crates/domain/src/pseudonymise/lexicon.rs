//! Word lists embedded from `data/pseudonymise-lexicon.txt`, parsed once on first use.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

const SOURCE: &str = include_str!("../../data/pseudonymise-lexicon.txt");

/// How safe it is to read a capitalised word from the first-name list as a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ambiguity {
    /// Always a name when capitalised ("Truus", "Sjef").
    Plain,
    /// Also a common word at the start of a sentence ("Ben je ...", "Wil je ...").
    AtSentenceStart,
    /// Also a common capitalised word anywhere ("Frans" = French).
    Everywhere,
}

pub(super) struct Lexicon {
    pub first_names: HashMap<&'static str, Ambiguity>,
    /// Particle sequences, lowercase, split into words; longest first.
    pub particles: Vec<Vec<&'static str>>,
    /// First words of the particles, for a quick test before trying each sequence.
    pub particle_starts: HashSet<&'static str>,
    pub not_surnames: HashSet<&'static str>,
    /// Surnames by their capitalised core ("Jong"), with the particles written before it
    /// ("de", or "" for none) and their ambiguity.
    pub surnames: HashMap<&'static str, Vec<(String, Ambiguity)>>,
}

pub(super) static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| parse(SOURCE));

fn parse(source: &'static str) -> Lexicon {
    let mut lex = Lexicon {
        first_names: HashMap::new(),
        particles: Vec::new(),
        particle_starts: HashSet::new(),
        not_surnames: HashSet::new(),
        surnames: HashMap::new(),
    };
    let mut section = "";
    for line in source.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name;
            continue;
        }
        match section {
            "first-names" => {
                let (name, ambiguity) = with_ambiguity(line);
                lex.first_names.insert(name, ambiguity);
            }
            "surnames" => {
                let (name, ambiguity) = with_ambiguity(line);
                let (particles, core) = name.rsplit_once(' ').unwrap_or(("", name));
                lex.surnames
                    .entry(core)
                    .or_default()
                    .push((particles.to_lowercase(), ambiguity));
            }
            "particles" => lex.particles.push(line.split_whitespace().collect()),
            "not-surnames" => {
                lex.not_surnames.insert(line);
            }
            other => panic!("pseudonymise lexicon: unknown section [{other}]"),
        }
    }
    lex.particles.sort_by_key(|p| std::cmp::Reverse(p.len()));
    lex.particle_starts = lex.particles.iter().map(|p| p[0]).collect();
    if lex.particle_starts.contains("'t") {
        lex.particle_starts.insert("’t");
    }
    lex
}

/// Splits the "^" / "!" marker off a list entry.
fn with_ambiguity(line: &'static str) -> (&'static str, Ambiguity) {
    if let Some(n) = line.strip_suffix(" ^") {
        (n.trim(), Ambiguity::AtSentenceStart)
    } else if let Some(n) = line.strip_suffix(" !") {
        (n.trim(), Ambiguity::Everywhere)
    } else {
        (line, Ambiguity::Plain)
    }
}

/// Verbs that introduce a name: "ze heet Corrie", "wij noemen haar Mimi".
pub(super) fn is_naming_verb(lower: &str) -> bool {
    matches!(
        lower,
        "heet"
            | "heette"
            | "heten"
            | "genaamd"
            | "noem"
            | "noemt"
            | "noemen"
            | "noemde"
            | "noemden"
    )
}

/// Object pronouns between a naming verb and the name ("noemen haar Mimi").
pub(super) fn is_object_pronoun(lower: &str) -> bool {
    matches!(
        lower,
        "haar"
            | "hem"
            | "ze"
            | "mij"
            | "me"
            | "hen"
            | "hun"
            | "zich"
            | "u"
            | "jou"
            | "je"
            | "ik"
            | "hij"
            | "zij"
    )
}

/// Diminutive endings of first names: "Sjefke", "Jantje", "Keesje", "Truuske".
pub(super) const DIMINUTIVES: [&str; 3] = ["tje", "je", "ke"];

/// Forms of address after which a capitalised word is a name. `formal` ones may be followed by a
/// particle ("mevrouw van Dijk"); kinship ones only by a capitalised word ("opa Harrie"), since
/// "de oma van Heerlen" names a place, not a person.
pub(super) fn address_form(lower: &str) -> Option<AddressForm> {
    let formal = |abbreviation| {
        Some(AddressForm {
            formal: true,
            abbreviation,
        })
    };
    let informal = Some(AddressForm {
        formal: false,
        abbreviation: false,
    });
    match lower {
        "meneer" | "menier" | "mijnheer" | "heer" | "mevrouw" | "zuster" | "broeder" | "dokter"
        | "juffrouw" | "meester" | "pastoor" | "familie" | "professor" => formal(false),
        "mevr" | "mw" | "mvr" | "dhr" | "hr" | "dr" | "zr" | "fam" | "prof" | "mr" => formal(true),
        "opa" | "oma" | "opoe" | "tante" | "oom" | "ome" | "nonkel" | "juf" | "collega"
        | "buurman" | "buurvrouw" => informal,
        _ => None,
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct AddressForm {
    pub formal: bool,
    /// May be followed by a full stop ("mevr.", "dhr.").
    pub abbreviation: bool,
}

/// "mijn", "onze", … : a possessive before a kinship word ("mijn man Sjef").
pub(super) fn is_possessive(lower: &str) -> bool {
    matches!(
        lower,
        "mijn"
            | "m'n"
            | "m’n"
            | "onze"
            | "ons"
            | "haar"
            | "zijn"
            | "z'n"
            | "z’n"
            | "uw"
            | "je"
            | "jouw"
            | "hun"
    )
}

pub(super) fn is_kin(lower: &str) -> bool {
    matches!(
        lower,
        "man"
            | "vrouw"
            | "zoon"
            | "dochter"
            | "broer"
            | "zus"
            | "zuster"
            | "kleinzoon"
            | "kleindochter"
            | "schoonzoon"
            | "schoondochter"
            | "schoonzus"
            | "zwager"
            | "neef"
            | "nicht"
            | "moeder"
            | "vader"
            | "echtgenoot"
            | "echtgenote"
            | "partner"
            | "vriend"
            | "vriendin"
            | "kleinkind"
            | "jongen"
            | "meid"
            | "oudste"
            | "jongste"
    )
}

/// Words before a first name that make it a saint, a church or a feast ("Sint Jan",
/// "Sint Maarten"), not a person in the conversation.
pub(super) fn is_saint(word: &str) -> bool {
    matches!(word, "Sint" | "St" | "Sinte" | "sint")
}
