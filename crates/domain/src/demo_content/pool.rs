//! The hand-written fragment and question templates, embedded from `data/demo/` and parsed
//! once per process.
//!
//! Both files are tab-separated; `#` starts a comment line and blank lines are skipped. The
//! header comments of the files describe their columns. A template text may contain slots in
//! braces (`{tijd}`, `{Hij}`, ...) that are filled per triad or per fragment; a capital first
//! letter of the slot name capitalises the value (for the start of a sentence).

use std::sync::OnceLock;

use thiserror::Error;

pub(super) const FRAGMENTS_FILE: &str = "data/demo/fragments.tsv";
pub(super) const QUESTIONS_FILE: &str = "data/demo/questions.tsv";
const FRAGMENTS: &str = include_str!("../../data/demo/fragments.tsv");
const QUESTIONS: &str = include_str!("../../data/demo/questions.tsv");

/// The theme keys of the Driehoek default theme set, in its order.
pub const THEME_KEYS: [&str; THEME_COUNT] = [
    "knowing_the_person",
    "attention_respect",
    "own_choices",
    "meaningful_activities",
    "social_contact",
    "care_health",
    "food_drink",
    "living_environment",
    "communication_family",
    "familiar_staff",
    "safety",
    "rules_organisation",
];
pub(super) const THEME_COUNT: usize = 12;

/// The pseudonymisation tokens a text may contain.
pub(super) const TOKENS: [&str; 6] = [
    "[bewoner]",
    "[naaste]",
    "[medewerker]",
    "[naam]",
    "[kamer]",
    "[datum]",
];

/// A variation slot in a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// Time of day ("'s avonds").
    Tijd,
    /// An activity with its article ("de bingo").
    Activiteit,
    /// Any dish with its article ("de rijstevlaai").
    Eten,
    /// A warm dish with its article ("de stamppot").
    WarmEten,
    /// The resident's favourite music (fixed per triad).
    Muziek,
    /// What the resident's working life was about ("de bakkerij"; fixed per triad).
    Vroeger,
    /// Third-person pronoun for the resident: hij / ze.
    Hij,
    /// Possessive for the resident: zijn / haar.
    Zijn,
    /// Object pronoun for the resident: hem / haar.
    Hem,
    /// How the family member calls the resident ("mijn moeder", "pa").
    Rel,
    /// How the resident calls the family member ("mijn dochter").
    Familie,
    /// How the care worker calls the family member ("de zoon", "haar man").
    Naasterol,
    /// How long the resident has lived here ("anderhalf jaar").
    Duur,
    /// How long the care worker has worked here.
    Werkduur,
    /// How often the family member visits.
    Bezoek,
}

impl Slot {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "tijd" => Slot::Tijd,
            "activiteit" => Slot::Activiteit,
            "eten" => Slot::Eten,
            "warmeten" => Slot::WarmEten,
            "muziek" => Slot::Muziek,
            "vroeger" => Slot::Vroeger,
            "hij" => Slot::Hij,
            "zijn" => Slot::Zijn,
            "hem" => Slot::Hem,
            "rel" => Slot::Rel,
            "familie" => Slot::Familie,
            "naasterol" => Slot::Naasterol,
            "duur" => Slot::Duur,
            "werkduur" => Slot::Werkduur,
            "bezoek" => Slot::Bezoek,
            _ => return None,
        })
    }

    /// Whether a participant of this perspective (or the interviewer talking to them) may use
    /// the slot: a resident talks about themself as "ik", never "hij"; only family says "pa".
    fn allowed(self, perspective: usize, question: bool) -> bool {
        match self {
            Slot::Hij | Slot::Zijn | Slot::Hem => perspective != RESIDENT,
            Slot::Rel => perspective == FAMILY && !question,
            Slot::Familie => perspective == RESIDENT && !question,
            Slot::Naasterol | Slot::Werkduur => perspective == STAFF,
            Slot::Bezoek => perspective == FAMILY,
            Slot::Tijd
            | Slot::Activiteit
            | Slot::Eten
            | Slot::WarmEten
            | Slot::Muziek
            | Slot::Vroeger
            | Slot::Duur => true,
        }
    }
}

/// A piece of a parsed template.
#[derive(Debug, Clone, Copy)]
pub(super) enum Seg {
    Lit(&'static str),
    Slot { slot: Slot, capital: bool },
}

#[derive(Debug)]
pub(super) struct Template {
    pub(super) segs: Box<[Seg]>,
    /// Theme indices into [`THEME_KEYS`]; empty for neutral fragments and questions.
    pub(super) themes: Box<[u8]>,
    /// Total length of the literal parts, to size the output string.
    pub(super) literal_len: usize,
}

pub(super) const RESIDENT: usize = 0;
pub(super) const FAMILY: usize = 1;
pub(super) const STAFF: usize = 2;
pub(super) const POSITIVE: usize = 0;
pub(super) const NEGATIVE: usize = 1;

/// The role of a neutral (uncoded) participant fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// The answer to the opening question.
    Intro = 0,
    /// Small talk and memories that drift away from the topic.
    Chat = 1,
    /// The last words.
    Close = 2,
}

/// The interviewer's questions for one perspective, by role.
#[derive(Debug, Default)]
pub(super) struct Questions {
    pub(super) open: Vec<u32>,
    pub(super) theme: [Vec<u32>; THEME_COUNT],
    pub(super) follow: Vec<u32>,
    pub(super) wish: Vec<u32>,
    pub(super) close: Vec<u32>,
    pub(super) thanks: Vec<u32>,
}

/// All templates, indexed for the generator.
#[derive(Debug, Default)]
pub(super) struct Pool {
    pub(super) templates: Vec<Template>,
    /// `coded[perspective][valence][theme]`: templates carrying that theme.
    pub(super) coded: [[[Vec<u32>; THEME_COUNT]; 2]; 3],
    /// Like `coded`, but only templates whose main (first) theme it is.
    pub(super) main: [[[Vec<u32>; THEME_COUNT]; 2]; 3],
    /// `neutral[perspective][role]`.
    pub(super) neutral: [[Vec<u32>; 3]; 3],
    pub(super) questions: [Questions; 3],
}

/// A malformed line in one of the data files.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{file}, line {line}: {reason}")]
pub(super) struct ParseError {
    pub(super) file: &'static str,
    pub(super) line: usize,
    pub(super) reason: String,
}

/// The parsed embedded data. Parsed on first use; the data is covered by tests, so a panic here
/// is a build defect, not a runtime condition.
pub(super) fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| match Pool::parse(FRAGMENTS, QUESTIONS) {
        Ok(pool) => pool,
        Err(error) => panic!("the embedded demo data is malformed: {error}"),
    })
}

/// Parses the embedded files without caching (for tests).
#[cfg(test)]
pub(super) fn parse_embedded() -> Result<Pool, ParseError> {
    Pool::parse(FRAGMENTS, QUESTIONS)
}

fn perspective_index(s: &str) -> Option<usize> {
    match s {
        "resident" => Some(RESIDENT),
        "family" => Some(FAMILY),
        "staff" => Some(STAFF),
        _ => None,
    }
}

pub(super) fn theme_index(key: &str) -> Option<u8> {
    THEME_KEYS.iter().position(|k| *k == key).map(|i| i as u8)
}

impl Pool {
    pub(super) fn parse(
        fragments: &'static str,
        questions: &'static str,
    ) -> Result<Self, ParseError> {
        let mut pool = Pool::default();
        for (line, fields) in rows(fragments, FRAGMENTS_FILE)? {
            pool.add_fragment(fields).map_err(|reason| ParseError {
                file: FRAGMENTS_FILE,
                line,
                reason,
            })?;
        }
        for (line, fields) in rows(questions, QUESTIONS_FILE)? {
            pool.add_question(fields).map_err(|reason| ParseError {
                file: QUESTIONS_FILE,
                line,
                reason,
            })?;
        }
        Ok(pool)
    }

    fn add_fragment(
        &mut self,
        [persp, valence, tags, text]: [&'static str; 4],
    ) -> Result<(), String> {
        let p = perspective_index(persp).ok_or_else(|| {
            format!("unknown perspective {persp:?} (use resident, family or staff)")
        })?;
        let id = self.templates.len() as u32;
        match valence {
            "positive" | "negative" => {
                let v = if valence == "positive" {
                    POSITIVE
                } else {
                    NEGATIVE
                };
                let mut themes = Vec::with_capacity(2);
                for key in tags.split(',') {
                    let t = theme_index(key).ok_or_else(|| {
                        format!(
                            "unknown theme {key:?} (use one of: {})",
                            THEME_KEYS.join(", ")
                        )
                    })?;
                    if themes.contains(&t) {
                        return Err(format!("theme {key:?} is listed twice"));
                    }
                    themes.push(t);
                }
                let template = parse_text(text, p, false, themes)?;
                for &t in &template.themes {
                    self.coded[p][v][usize::from(t)].push(id);
                }
                self.main[p][v][usize::from(template.themes[0])].push(id);
                self.templates.push(template);
            }
            "none" => {
                let role = match tags {
                    "@intro" => Role::Intro,
                    "@chat" => Role::Chat,
                    "@close" => Role::Close,
                    _ => {
                        return Err(format!(
                            "a fragment with valence none needs the role @intro, @chat or @close in \
                             the third column, not {tags:?}"
                        ));
                    }
                };
                self.templates.push(parse_text(text, p, false, Vec::new())?);
                self.neutral[p][role as usize].push(id);
            }
            _ => {
                return Err(format!(
                    "unknown valence {valence:?} (use positive, negative or none)"
                ));
            }
        }
        Ok(())
    }

    fn add_question(
        &mut self,
        [persp, role, theme, text]: [&'static str; 4],
    ) -> Result<(), String> {
        let p = perspective_index(persp).ok_or_else(|| {
            format!("unknown perspective {persp:?} (use resident, family or staff)")
        })?;
        let id = self.templates.len() as u32;
        let questions = &mut self.questions[p];
        let list = match role {
            "theme" => {
                let t = theme_index(theme).ok_or_else(|| {
                    format!(
                        "unknown theme {theme:?} (use one of: {})",
                        THEME_KEYS.join(", ")
                    )
                })?;
                &mut questions.theme[usize::from(t)]
            }
            other => {
                if theme != "-" {
                    return Err(format!(
                        "only a question with role theme names a theme; use - instead of {theme:?}"
                    ));
                }
                match other {
                    "open" => &mut questions.open,
                    "follow" => &mut questions.follow,
                    "wish" => &mut questions.wish,
                    "close" => &mut questions.close,
                    "thanks" => &mut questions.thanks,
                    _ => {
                        return Err(format!(
                            "unknown role {other:?} (use open, theme, follow, wish, close or thanks)"
                        ));
                    }
                }
            }
        };
        list.push(id);
        self.templates.push(parse_text(text, p, true, Vec::new())?);
        Ok(())
    }
}

/// The non-comment rows of a file with exactly four tab-separated fields, with line numbers.
fn rows(
    src: &'static str,
    file: &'static str,
) -> Result<Vec<(usize, [&'static str; 4])>, ParseError> {
    let mut out = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = [""; 4];
        let mut parts = line.split('\t');
        let mut n = 0;
        for part in parts.by_ref().take(4) {
            fields[n] = part;
            n += 1;
        }
        let extra = parts.count();
        if n != 4 || extra != 0 {
            return Err(ParseError {
                file,
                line: i + 1,
                reason: format!("expected 4 tab-separated columns, found {}", n + extra),
            });
        }
        out.push((i + 1, fields));
    }
    Ok(out)
}

/// Parses and checks a template text: slots known and allowed for the perspective, tokens
/// known, no digits (no room numbers, dates or ages in demo text), a finished sentence.
fn parse_text(
    text: &'static str,
    perspective: usize,
    question: bool,
    themes: Vec<u8>,
) -> Result<Template, String> {
    if text.is_empty() {
        return Err("the text is empty".into());
    }
    if text.trim() != text || text.contains("  ") {
        return Err("the text has leading, trailing or double spaces".into());
    }
    if text.chars().any(|c| c.is_ascii_digit()) {
        return Err("the text contains a digit; write numbers out in words".into());
    }
    if !text.ends_with(['.', '?', '!', '…']) {
        return Err("the text must end with . ? ! or …".into());
    }
    check_tokens(text)?;
    let mut segs = Vec::new();
    let mut literal_len = 0;
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        if rest[..open].contains('}') {
            return Err("a } without its {".into());
        }
        if open > 0 {
            segs.push(Seg::Lit(&rest[..open]));
            literal_len += open;
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| "a { without its }".to_string())?;
        let name = &after[..close];
        let capital = name.starts_with(|c: char| c.is_ascii_uppercase());
        let slot = Slot::parse(&name.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown slot {{{name}}}"))?;
        if !slot.allowed(perspective, question) {
            return Err(format!(
                "the slot {{{name}}} does not fit this perspective{}",
                if question { " in a question" } else { "" }
            ));
        }
        segs.push(Seg::Slot { slot, capital });
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err("a } without its {".into());
    }
    if !rest.is_empty() {
        segs.push(Seg::Lit(rest));
        literal_len += rest.len();
    }
    Ok(Template {
        segs: segs.into_boxed_slice(),
        themes: themes.into_boxed_slice(),
        literal_len,
    })
}

fn check_tokens(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        if rest[..open].contains(']') {
            return Err("a ] without its [".into());
        }
        let close = rest[open..]
            .find(']')
            .ok_or_else(|| "a [ without its ]".to_string())?;
        let token = &rest[open..=open + close];
        if !TOKENS.contains(&token) {
            return Err(format!(
                "unknown pseudonymisation token {token} (use one of: {})",
                TOKENS.join(" ")
            ));
        }
        rest = &rest[open + close + 1..];
    }
    if rest.contains(']') {
        return Err("a ] without its [".into());
    }
    Ok(())
}
