//! Pseudonymisation of conversation transcripts (method §2 step 6, §5): coders only ever see a
//! transcript in which names, room numbers, exact dates, phone numbers, e-mail and street
//! addresses, postcodes and long numbers (client numbers, BSN) are replaced by role tokens.
//!
//! [`detect`] proposes spans; a person reviews them; [`apply`] replaces the accepted ones.
//! Offsets are Unicode code points (what a browser or Python counts), but the scan works on
//! bytes: regexes and a tokenizer run in linear time, and byte offsets are turned into code-point
//! offsets in one final pass over the text.

mod lexicon;
mod names;
mod patterns;
mod tokens;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What kind of identifying detail a span holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    Name,
    Room,
    Date,
    Phone,
    Email,
    Postcode,
    Address,
    Id,
}

impl SpanKind {
    pub const ALL: [SpanKind; 8] = [
        SpanKind::Name,
        SpanKind::Room,
        SpanKind::Date,
        SpanKind::Phone,
        SpanKind::Email,
        SpanKind::Postcode,
        SpanKind::Address,
        SpanKind::Id,
    ];

    /// The key used in JSON output ("name", "room", …).
    pub fn key(self) -> &'static str {
        match self {
            SpanKind::Name => "name",
            SpanKind::Room => "room",
            SpanKind::Date => "date",
            SpanKind::Phone => "phone",
            SpanKind::Email => "email",
            SpanKind::Postcode => "postcode",
            SpanKind::Address => "address",
            SpanKind::Id => "id",
        }
    }

    /// Inverse of [`SpanKind::key`].
    pub fn from_key(key: &str) -> Option<SpanKind> {
        SpanKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The replacement token when no role is known.
    pub fn placeholder(self) -> &'static str {
        match self {
            SpanKind::Name => "[naam]",
            SpanKind::Room => "[kamer]",
            SpanKind::Date => "[datum]",
            SpanKind::Phone => "[telefoon]",
            SpanKind::Email => "[e-mail]",
            SpanKind::Postcode => "[postcode]",
            SpanKind::Address => "[adres]",
            SpanKind::Id => "[nummer]",
        }
    }

    /// Which kind wins when two candidates cover exactly the same text: the more specific
    /// pattern (an e-mail address beats the name inside it, a phone number beats a bare id).
    fn priority(self) -> u8 {
        match self {
            SpanKind::Email => 7,
            SpanKind::Phone => 6,
            SpanKind::Date => 5,
            SpanKind::Postcode => 4,
            SpanKind::Address => 3,
            SpanKind::Room => 2,
            SpanKind::Id => 1,
            SpanKind::Name => 0,
        }
    }
}

/// One detected identifying detail. `start`/`end` count Unicode code points, end exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: SpanKind,
    /// The original text of the span.
    pub text: String,
    /// The role token that replaces it: `[bewoner]`, `[naaste]`, `[medewerker]`, `[naam]`,
    /// `[kamer]`, `[datum]`, `[telefoon]`, `[e-mail]`, `[postcode]`, `[adres]` or `[nummer]`.
    pub replacement: String,
}

/// Names known for the triad of this conversation (resident, family member, care worker).
/// They are found anywhere in the text (case-sensitive, whole words), as a whole and by their
/// parts ("Maria Jansen" also finds "mevrouw Jansen"), and are replaced by their role token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownNames {
    pub resident: Vec<String>,
    pub family: Vec<String>,
    pub staff: Vec<String>,
}

/// Whose name a name span is, when the triad's known names tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Resident,
    Family,
    Staff,
}

impl Role {
    fn token(self) -> &'static str {
        match self {
            Role::Resident => "[bewoner]",
            Role::Family => "[naaste]",
            Role::Staff => "[medewerker]",
        }
    }
}

/// A candidate span in byte offsets, before overlaps are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Found {
    start: usize,
    end: usize,
    kind: SpanKind,
    role: Option<Role>,
}

/// Finds identifying details in `text`. The result is sorted by `start` and non-overlapping.
pub fn detect(text: &str, known: &KnownNames) -> Vec<Span> {
    let mut found = Vec::new();
    patterns::find_all(text, &mut found);
    let index = names::KnownIndex::new(known);
    names::find_names(text, &index, &mut found);
    let kept = resolve_overlaps(found);
    to_spans(text, &kept)
}

/// Detects and applies in one go: the pseudonymised text and the spans that were replaced.
pub fn pseudonymise(text: &str, known: &KnownNames) -> (String, Vec<Span>) {
    let spans = detect(text, known);
    (apply(text, &spans), spans)
}

/// Replaces each span by its `replacement`. Spans must be sorted by `start`; a span that
/// overlaps an earlier one or lies outside the text is skipped rather than corrupting the text.
pub fn apply(text: &str, spans: &[Span]) -> String {
    let mut out = String::with_capacity(text.len());
    // Byte offset of each code point, plus the end of the text; walked once, forwards only.
    let mut offsets = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()));
    let mut next_index = 0usize;
    let mut last: Option<(usize, usize)> = None;
    let mut byte_at = |index: usize| -> Option<usize> {
        if let Some((i, b)) = last
            && i == index
        {
            return Some(b);
        }
        if index < next_index {
            return None;
        }
        let b = offsets.nth(index - next_index)?;
        next_index = index + 1;
        last = Some((index, b));
        Some(b)
    };
    let (mut copied, mut done) = (0usize, 0usize);
    for span in spans {
        if span.start < done || span.end < span.start {
            continue;
        }
        let (Some(start), Some(end)) = (byte_at(span.start), byte_at(span.end)) else {
            break;
        };
        out.push_str(&text[copied..start]);
        out.push_str(&span.replacement);
        copied = end;
        done = span.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// The JSON object of the `driehoek pseudonymise --format json` contract:
/// `{"text": <pseudonymised>, "spans": [{"start", "end", "kind", "text"}…]}`.
pub fn to_json(text: &str, spans: &[Span]) -> Value {
    // Built by hand: the json! macro goes through the serializer per field, which made this the
    // slowest step of a 10 MB run.
    let list: Vec<Value> = spans
        .iter()
        .map(|s| {
            let mut m = Map::new();
            m.insert("start".to_owned(), Value::from(s.start));
            m.insert("end".to_owned(), Value::from(s.end));
            m.insert("kind".to_owned(), Value::from(s.kind.key()));
            m.insert("text".to_owned(), Value::String(s.text.clone()));
            Value::Object(m)
        })
        .collect();
    let mut root = Map::new();
    root.insert("text".to_owned(), Value::String(apply(text, spans)));
    root.insert("spans".to_owned(), Value::Array(list));
    Value::Object(root)
}

/// Keeps a non-overlapping subset, left to right: of two overlapping candidates the longer one
/// wins (an address "Jan van Goyenstraat 12" over the name "Jan van Goyenstraat"), on equal
/// length the more specific kind.
fn resolve_overlaps(mut found: Vec<Found>) -> Vec<Found> {
    found.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(b.kind.priority().cmp(&a.kind.priority()))
    });
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    for f in found {
        if f.end <= f.start {
            continue;
        }
        match kept.last_mut() {
            Some(last) if f.start < last.end => {
                let (fl, ll) = (f.end - f.start, last.end - last.start);
                if fl > ll || (fl == ll && f.kind.priority() > last.kind.priority()) {
                    *last = f;
                }
            }
            _ => kept.push(f),
        }
    }
    kept
}

/// Turns sorted, non-overlapping byte spans into code-point spans in one pass over the text.
fn to_spans(text: &str, found: &[Found]) -> Vec<Span> {
    let mut spans = Vec::with_capacity(found.len());
    let (mut byte, mut chars) = (0usize, 0usize);
    for f in found {
        chars += text[byte..f.start].chars().count();
        let start = chars;
        let original = &text[f.start..f.end];
        chars += original.chars().count();
        byte = f.end;
        let replacement = match (f.kind, f.role) {
            (SpanKind::Name, Some(role)) => role.token(),
            (kind, _) => kind.placeholder(),
        };
        spans.push(Span {
            start,
            end: chars,
            kind: f.kind,
            text: original.to_owned(),
            replacement: replacement.to_owned(),
        });
    }
    spans
}
