//! Person names. Works on the words of one line at a time (a name never runs across a line
//! break) and recognises a name by evidence, never by capitalisation alone:
//! - a name known for the triad, anywhere (whole or by its parts);
//! - a word after a form of address ("mevrouw Jansen", "dhr. J. de Vries", "opa Harrie");
//! - a capitalised word after "mijn man/vrouw/zoon/…" ("mijn dochter Femke");
//! - a capitalised word from the first-name list.
//!
//! From there it extends over a surname: capitalised words and particles ("Jan de Vries",
//! "Maria van den Heuvel", "Anne-Marie Vossen-Coenen").

use std::collections::HashMap;

use super::lexicon::{self, Ambiguity, LEXICON, Lexicon};
use super::tokens::{self, Kind, Token};
use super::{Found, KnownNames, Role, SpanKind};

const RESIDENT: u8 = 1;
const FAMILY: u8 = 2;
const STAFF: u8 = 4;

fn role_bit(role: Role) -> u8 {
    match role {
        Role::Resident => RESIDENT,
        Role::Family => FAMILY,
        Role::Staff => STAFF,
    }
}

fn single_role(mask: u8) -> Option<Role> {
    match mask {
        RESIDENT => Some(Role::Resident),
        FAMILY => Some(Role::Family),
        STAFF => Some(Role::Staff),
        _ => None,
    }
}

/// The triad's known names, indexed for lookup by word.
pub(super) struct KnownIndex {
    /// Whole known names by their first token: the token texts and the role, longest first.
    full: HashMap<String, Vec<(Vec<String>, Role)>>,
    /// Each capitalised part of a known name ("Maria", "Jansen") with the roles it belongs to.
    parts: HashMap<String, u8>,
}

impl KnownIndex {
    pub(super) fn new(known: &KnownNames) -> Self {
        let mut index = KnownIndex {
            full: HashMap::new(),
            parts: HashMap::new(),
        };
        let lex = &*LEXICON;
        let mut toks = Vec::new();
        let groups = [
            (&known.resident, Role::Resident),
            (&known.family, Role::Family),
            (&known.staff, Role::Staff),
        ];
        for (names, role) in groups {
            for name in names {
                tokens::tokenize(name, 0, &mut toks);
                let words: Vec<String> = toks
                    .iter()
                    .map(|t| name[t.start..t.end].to_owned())
                    .collect();
                let Some(first) = words.first() else {
                    continue;
                };
                index
                    .full
                    .entry(first.clone())
                    .or_default()
                    .push((words.clone(), role));
                for t in toks.iter().filter(|t| t.kind == Kind::Word) {
                    let word = &name[t.start..t.end];
                    for part in std::iter::once(word).chain(word.split('-')) {
                        if part.chars().count() >= 2
                            && starts_upper(part)
                            && !is_particle_word(lex, part)
                        {
                            *index.parts.entry(part.to_owned()).or_default() |= role_bit(role);
                        }
                    }
                }
            }
        }
        for candidates in index.full.values_mut() {
            candidates.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
        }
        index
    }

    fn part_roles(&self, word: &str) -> Option<u8> {
        if self.parts.is_empty() {
            return None;
        }
        self.parts.get(word).copied().or_else(|| {
            // "Jansen-Smeets" is known when "Jansen" is.
            word.contains('-')
                .then(|| {
                    word.split('-')
                        .filter_map(|p| self.parts.get(p))
                        .fold(0, |a, b| a | b)
                })
                .filter(|&m| m != 0)
        })
    }
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Case-insensitive, and a typographic apostrophe counts as a straight one ("van ’t Hof").
fn particle_eq(word: &str, particle: &str) -> bool {
    word.eq_ignore_ascii_case(particle) || (particle == "'t" && word == "’t")
}

fn is_particle_word(lex: &Lexicon, word: &str) -> bool {
    lex.particles
        .iter()
        .any(|p| p.len() == 1 && p[0].eq_ignore_ascii_case(word))
}

/// Appends a candidate for every name found in `text`.
pub(super) fn find_names(text: &str, known: &KnownIndex, out: &mut Vec<Found>) {
    let mut toks = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        tokens::tokenize(line, offset, &mut toks);
        let scanner = Scanner {
            text,
            toks: &toks,
            lex: &LEXICON,
            known,
        };
        scanner.scan(out);
        offset += line.len() + 1;
    }
}

struct Scanner<'a> {
    text: &'a str,
    toks: &'a [Token],
    lex: &'a Lexicon,
    known: &'a KnownIndex,
}

/// A first-name hit: how ambiguous it is and whether the whole token is the name ("Jan's"
/// is only "Jan" and takes no surname).
struct FirstName {
    ambiguity: Ambiguity,
    end: usize,
    whole: bool,
}

impl Scanner<'_> {
    fn word(&self, i: usize) -> Option<&str> {
        let t = self.toks.get(i)?;
        (t.kind == Kind::Word).then(|| &self.text[t.start..t.end])
    }

    /// Word `i` exists and is separated from the previous token by whitespace.
    fn spaced_word(&self, i: usize) -> Option<&str> {
        self.toks.get(i).filter(|t| t.space_before)?;
        self.word(i)
    }

    fn is_punct(&self, i: usize, c: char) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Kind::Punct(c))
    }

    fn scan(&self, out: &mut Vec<Found>) {
        let mut i = 0;
        while i < self.toks.len() {
            match self.name_at(i) {
                Some((first, end, end_byte, full_role)) => {
                    let role = full_role.or_else(|| self.role_of(first, end));
                    out.push(Found {
                        start: self.toks[first].start,
                        end: end_byte,
                        kind: SpanKind::Name,
                        role,
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
    }

    /// A name starting at or right after token `i`: (first token, token after the name,
    /// end byte, role from a whole known name).
    fn name_at(&self, i: usize) -> Option<(usize, usize, usize, Option<Role>)> {
        let w = self.word(i)?;
        let span = |first: usize, end: usize| self.toks[end - 1].end.max(self.toks[first].end);

        if !self.known.full.is_empty()
            && let Some((end, role)) = self.known_full(i)
        {
            let end = self.surname(end);
            return Some((i, end, span(i, end), Some(role)));
        }
        // Forms of address, possessives, naming verbs and particles are short words; lowercase
        // those on the stack, since this runs for every word of the text.
        let mut buf = [0u8; 16];
        let owned;
        let lower: &str = if w.len() > buf.len() {
            ""
        } else if w.is_ascii() {
            buf[..w.len()].copy_from_slice(w.as_bytes());
            buf[..w.len()].make_ascii_lowercase();
            std::str::from_utf8(&buf[..w.len()]).unwrap_or("")
        } else {
            owned = w.to_lowercase();
            &owned
        };
        if let Some(form) = lexicon::address_form(lower)
            && let Some((first, end)) = self.after_address(i, form)
        {
            let end = self.surname(end);
            return Some((first, end, span(first, end), None));
        }
        if lexicon::is_possessive(lower)
            && self
                .spaced_word(i + 1)
                .is_some_and(|k| lexicon::is_kin(&k.to_lowercase()))
            && self
                .spaced_word(i + 2)
                .is_some_and(|n| self.surname_word(n))
        {
            let end = self.surname(i + 3);
            return Some((i + 2, end, span(i + 2, end), None));
        }
        if lexicon::is_naming_verb(lower) {
            let mut k = i + 1;
            if self
                .spaced_word(k)
                .is_some_and(|p| lexicon::is_object_pronoun(&p.to_lowercase()))
            {
                k += 1;
            }
            if self.spaced_word(k).is_some_and(|n| self.surname_word(n)) {
                let end = self.surname(k + 1);
                return Some((k, end, span(k, end), None));
            }
        }
        if self.lex.particle_starts.contains(lower)
            && let Some(end) = self.surname_with_particles(i)
        {
            return Some((i, end, span(i, end), None));
        }
        if !starts_upper(w) || self.after_saint(i) {
            return None;
        }
        if self.known.part_roles(w).is_some() {
            let end = self.surname(i + 1);
            return Some((i, end, span(i, end), None));
        }
        let Some(hit) = self.first_name(w, self.toks[i].start) else {
            let ambiguity = self.surname_alone(w)?;
            let accept = match ambiguity {
                Ambiguity::Plain => true,
                Ambiguity::AtSentenceStart => !self.at_sentence_start(i),
                Ambiguity::Everywhere => false,
            };
            return accept.then(|| (i, i + 1, self.toks[i].end, None));
        };
        if !hit.whole {
            return Some((i, i + 1, hit.end, None));
        }
        let end = self.surname(i + 1);
        let with_surname = end > i + 1;
        let accept = match hit.ambiguity {
            Ambiguity::Plain => true,
            Ambiguity::AtSentenceStart => with_surname || !self.at_sentence_start(i),
            Ambiguity::Everywhere => with_surname,
        };
        accept.then(|| (i, end, span(i, end), None))
    }

    /// A whole known name starting at token `i`; returns the token after it and its role.
    fn known_full(&self, i: usize) -> Option<(usize, Role)> {
        let first = &self.text[self.toks[i].start..self.toks[i].end];
        let candidates = self.known.full.get(first)?;
        candidates.iter().find_map(|(words, role)| {
            let end = i + words.len();
            // Tokens are whole words, so "Jan" never matches inside "Jan-Willem".
            let matches = end <= self.toks.len()
                && words.iter().enumerate().all(|(k, word)| {
                    let t = self.toks[i + k];
                    self.text[t.start..t.end] == *word
                });
            matches.then_some((end, *role))
        })
    }

    /// The name after a form of address at token `i`: (first token, token after it).
    fn after_address(&self, i: usize, form: lexicon::AddressForm) -> Option<(usize, usize)> {
        let mut k = i + 1;
        if form.abbreviation && self.is_punct(k, '.') && !self.toks[k].space_before {
            k += 1;
        }
        self.toks.get(k).filter(|t| t.space_before)?;
        let first = k;
        if form.formal {
            // Initials: "dhr. J. de Vries", "mevrouw A.M. Jansen" (at most four, so that a long
            // run of "A.B.C." cannot make the scan quadratic).
            let mut m = k;
            while m < k + 8
                && self
                    .word(m)
                    .is_some_and(|w| w.chars().count() == 1 && starts_upper(w))
                && self.is_punct(m + 1, '.')
                && !self.toks[m + 1].space_before
            {
                m += 2;
            }
            if m > k {
                return self.surname_at(m).map(|end| (first, end));
            }
            if let Some(end) = self.particles_then_surname(k) {
                return Some((first, end));
            }
        }
        let w = self.word(k)?;
        (self.surname_word(w) || self.known.part_roles(w).is_some()).then_some((first, k + 1))
    }

    /// Extends a name ending before token `end` over up to three surname words.
    fn surname(&self, mut end: usize) -> usize {
        for _ in 0..3 {
            match self.surname_at(end) {
                Some(next) => end = next,
                None => break,
            }
        }
        end
    }

    /// One surname unit at token `i` (after whitespace): "Jansen" or "van der Berg".
    fn surname_at(&self, i: usize) -> Option<usize> {
        self.toks.get(i).filter(|t| t.space_before)?;
        if let Some(end) = self.particles_then_surname(i) {
            return Some(end);
        }
        self.word(i).filter(|w| self.surname_word(w)).map(|_| i + 1)
    }

    /// Particles then a capitalised word, all separated by whitespace: "van der Berg".
    fn particles_then_surname(&self, i: usize) -> Option<usize> {
        self.lex.particles.iter().find_map(|particle| {
            let fits = particle
                .iter()
                .enumerate()
                .all(|(k, p)| self.spaced_word(i + k).is_some_and(|w| particle_eq(w, p)));
            let after = i + particle.len();
            (fits
                && self
                    .spaced_word(after)
                    .is_some_and(|w| self.surname_word(w)))
            .then_some(after + 1)
        })
    }

    /// A capitalised word that can be (part of) a name: not a sentence word, month or title.
    fn surname_word(&self, w: &str) -> bool {
        starts_upper(w) && w.chars().nth(1).is_some() && !self.lex.not_surnames.contains(w)
    }

    /// Looks `w` up in the first-name list, also as "Jan's" and "Anne-Marie".
    fn first_name(&self, w: &str, start: usize) -> Option<FirstName> {
        let names = &self.lex.first_names;
        if let Some(&ambiguity) = names.get(w) {
            return Some(FirstName {
                ambiguity,
                end: start + w.len(),
                whole: true,
            });
        }
        if let Some(pos) = w.find(['\'', '’']) {
            let base = &w[..pos];
            return names.get(base).map(|&ambiguity| FirstName {
                ambiguity,
                end: start + pos,
                whole: false,
            });
        }
        for suffix in lexicon::DIMINUTIVES {
            let stem = w.strip_suffix(suffix).filter(|s| s.chars().count() >= 2);
            if let Some(&ambiguity) = stem.and_then(|s| names.get(s)) {
                return Some(FirstName {
                    ambiguity,
                    end: start + w.len(),
                    whole: true,
                });
            }
        }
        let mut parts = w.split('-');
        let first = parts.next()?;
        (w.contains('-') && names.get(first) == Some(&Ambiguity::Plain) && parts.all(starts_upper))
            .then_some(FirstName {
                ambiguity: Ambiguity::Plain,
                end: start + w.len(),
                whole: true,
            })
    }

    /// A listed surname written with its particles: "de Jong", "van den Berg" (mid-sentence or
    /// capitalised). Ambiguous ones ("de Maas") need other evidence.
    fn surname_with_particles(&self, i: usize) -> Option<usize> {
        self.lex.particles.iter().find_map(|particle| {
            let fits = particle.iter().enumerate().all(|(k, p)| {
                let word = if k == 0 {
                    self.word(i)
                } else {
                    self.spaced_word(i + k)
                };
                word.is_some_and(|w| particle_eq(w, p))
            });
            let after = i + particle.len();
            let core = self.spaced_word(after).filter(|_| fits)?;
            let joined = particle.join(" ");
            self.lex
                .surnames
                .get(core)?
                .iter()
                .any(|(ps, ambiguity)| *ps == joined && *ambiguity != Ambiguity::Everywhere)
                .then_some(after + 1)
        })
    }

    /// A listed surname without particles ("Jansen", "Jansen-Smeets").
    fn surname_alone(&self, w: &str) -> Option<Ambiguity> {
        let lookup = |core: &str| {
            self.lex
                .surnames
                .get(core)?
                .iter()
                .find(|(ps, _)| ps.is_empty())
                .map(|(_, a)| *a)
        };
        lookup(w).or_else(|| {
            let (first, rest) = w.split_once('-')?;
            lookup(first).filter(|_| rest.split('-').all(starts_upper))
        })
    }

    /// "Sint Jan", "St. Maarten": a saint, church or feast.
    fn after_saint(&self, i: usize) -> bool {
        if !self.toks[i].space_before {
            return false;
        }
        let prev = i.checked_sub(1).and_then(|p| self.word(p));
        let prev_dotted = i
            .checked_sub(2)
            .filter(|&p| self.is_punct(p + 1, '.'))
            .and_then(|p| self.word(p));
        prev.is_some_and(lexicon::is_saint) || prev_dotted.is_some_and(lexicon::is_saint)
    }

    /// First word of the line, or after sentence punctuation, a quote, a dash or "B:".
    fn at_sentence_start(&self, i: usize) -> bool {
        match i.checked_sub(1).map(|p| self.toks[p].kind) {
            None => true,
            Some(Kind::Punct(c)) => matches!(
                c,
                '.' | '!'
                    | '?'
                    | ':'
                    | ';'
                    | '…'
                    | '"'
                    | '“'
                    | '”'
                    | '„'
                    | '\''
                    | '‘'
                    | '’'
                    | '('
                    | '['
                    | '-'
                    | '–'
                    | '—'
                    | '«'
                    | '»'
            ),
            Some(_) => false,
        }
    }

    /// The role when the known parts inside the name agree on exactly one person's role.
    fn role_of(&self, first: usize, end: usize) -> Option<Role> {
        let mut mask = RESIDENT | FAMILY | STAFF;
        let mut any = false;
        for t in &self.toks[first..end] {
            if t.kind != Kind::Word {
                continue;
            }
            let word = &self.text[t.start..t.end];
            let base = word.split(['\'', '’']).next().unwrap_or(word);
            if let Some(roles) = self.known.part_roles(base) {
                mask &= roles;
                any = true;
            }
        }
        if any { single_role(mask) } else { None }
    }
}
