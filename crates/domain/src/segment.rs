//! Segmentation (method.md §2 step 7): a checked, pseudonymised transcript is split into proposed
//! fragments that the coder then merges or splits.
//!
//! Rules:
//! - a line that starts with a speaker label (`I:`, `B:`, `Interviewer:`, `Bewoner:`, `Naaste:`,
//!   `Medewerker:` and a few variants, any case) starts a new turn; other lines continue the turn;
//! - an interviewer turn stays one fragment (questions are context, rarely coded);
//! - a participant turn longer than [`LONG_TURN`] characters is split into sentences; a sentence
//!   shorter than [`SHORT_SENTENCE`] characters ("Ja.", "Nou.") stays with its neighbour, and
//!   common Dutch abbreviations (`bijv.`, `o.a.`, `mevr.`, …) do not end a sentence;
//! - text before the first label belongs to the participant.
//!
//! Every fragment's text is a substring of the transcript, so nothing is reworded.

use serde::Serialize;

/// Participant turns longer than this many characters are split into sentences.
pub const LONG_TURN: usize = 240;
/// Sentences shorter than this many characters are kept with a neighbour.
pub const SHORT_SENTENCE: usize = 40;

/// Who speaks in a fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    Interviewer,
    Participant,
}

impl Speaker {
    /// The key stored with a fragment.
    pub fn key(self) -> &'static str {
        match self {
            Speaker::Interviewer => "interviewer",
            Speaker::Participant => "participant",
        }
    }

    pub fn parse(s: &str) -> Option<Speaker> {
        match s {
            "interviewer" => Some(Speaker::Interviewer),
            "participant" => Some(Speaker::Participant),
            _ => None,
        }
    }
}

/// A fragment as segmentation proposes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposedFragment {
    pub speaker: Speaker,
    pub text: String,
}

const INTERVIEWER_LABELS: &[&str] = &["i", "interviewer", "int", "vraag", "v"];
const PARTICIPANT_LABELS: &[&str] = &[
    "b",
    "bewoner",
    "bewoonster",
    "n",
    "naaste",
    "mantelzorger",
    "familie",
    "m",
    "medewerker",
    "zorgmedewerker",
    "r",
    "resident",
    "family",
    "staff",
    "p",
    "participant",
    "deelnemer",
];

/// The speaker label at the start of a line and the rest of the line.
fn label(line: &str) -> Option<(Speaker, &str)> {
    let (head, rest) = line.split_once(':')?;
    let head = head.trim().to_lowercase();
    if head.is_empty() || head.len() > 16 {
        return None;
    }
    let speaker = if INTERVIEWER_LABELS.contains(&head.as_str()) {
        Speaker::Interviewer
    } else if PARTICIPANT_LABELS.contains(&head.as_str()) {
        Speaker::Participant
    } else {
        return None;
    };
    Some((speaker, rest.trim()))
}

/// Splits a transcript into turns: (speaker, text with whitespace collapsed).
fn turns(transcript: &str) -> Vec<(Speaker, String)> {
    let mut out: Vec<(Speaker, String)> = Vec::new();
    for line in transcript.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (speaker, text, new_turn) = match label(line) {
            Some((s, rest)) => (s, rest, true),
            None => (
                out.last().map_or(Speaker::Participant, |t| t.0),
                line,
                out.is_empty(),
            ),
        };
        if new_turn {
            out.push((speaker, String::new()));
        }
        if let Some(last) = out.last_mut() {
            for word in text.split_whitespace() {
                if !last.1.is_empty() {
                    last.1.push(' ');
                }
                last.1.push_str(word);
            }
        }
    }
    out.retain(|t| !t.1.is_empty());
    out
}

const ABBREVIATIONS: &[&str] = &[
    "bijv.", "bv.", "o.a.", "d.w.z.", "enz.", "etc.", "mevr.", "mw.", "dhr.", "dr.", "ca.", "nr.",
    "m.n.", "z.g.a.n.", "vnl.", "evt.", "incl.", "i.p.v.", "t.o.v.", "e.d.", "a.u.b.", "e.g.",
    "i.e.", "mr.", "mrs.",
];

/// Splits text into sentences after `.`, `!`, `?` or `…` (and closing quotes or brackets) when
/// followed by a space, except after a known abbreviation.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(_, ch)) in chars.iter().enumerate() {
        if !matches!(ch, '.' | '!' | '?' | '…') {
            continue;
        }
        // Include closing quotes and brackets.
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j].1, '"' | '\'' | ')' | '”' | '’' | ']') {
            j += 1;
        }
        if j >= chars.len() || !chars[j].1.is_whitespace() {
            continue;
        }
        let end = chars[j].0;
        let candidate = &text[start..end];
        let last_word = candidate.rsplit(' ').next().unwrap_or("").to_lowercase();
        if ch == '.' && ABBREVIATIONS.contains(&last_word.trim_start_matches('(')) {
            continue;
        }
        out.push(candidate.trim());
        start = end;
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// Joins sentences into fragments so that none is shorter than [`SHORT_SENTENCE`] (unless the
/// whole turn is).
fn join_short(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in sentences(text) {
        match out.last_mut() {
            Some(last) if last.chars().count() < SHORT_SENTENCE => {
                last.push(' ');
                last.push_str(s);
            }
            _ => out.push(s.to_string()),
        }
    }
    // A short last sentence joins the one before it.
    if out.len() > 1
        && out
            .last()
            .is_some_and(|l| l.chars().count() < SHORT_SENTENCE)
    {
        let last = out.pop().unwrap_or_default();
        if let Some(prev) = out.last_mut() {
            prev.push(' ');
            prev.push_str(&last);
        }
    }
    out
}

/// Proposes fragments for a transcript (see the module documentation for the rules).
pub fn segment(transcript: &str) -> Vec<ProposedFragment> {
    let mut out = Vec::new();
    for (speaker, text) in turns(transcript) {
        if speaker == Speaker::Participant && text.chars().count() > LONG_TURN {
            for piece in join_short(&text) {
                out.push(ProposedFragment {
                    speaker,
                    text: piece,
                });
            }
        } else {
            out.push(ProposedFragment { speaker, text });
        }
    }
    out
}

/// Splits a fragment's text at a character position (from the coder's split form), trimming
/// both halves. `None` when either half would be empty.
pub fn split_at(text: &str, at_char: usize) -> Option<(String, String)> {
    let byte = text.char_indices().nth(at_char).map(|(b, _)| b)?;
    let (a, b) = text.split_at(byte);
    let (a, b) = (a.trim(), b.trim());
    (!a.is_empty() && !b.is_empty()).then(|| (a.to_string(), b.to_string()))
}

/// Where a coder may split a fragment: after each sentence end, comma or semicolon followed by a
/// space. Returns (character position of the split, a short label "…end | start…").
pub fn split_points(text: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for i in 0..chars.len().saturating_sub(1) {
        if matches!(chars[i], '.' | '!' | '?' | ',' | ';' | ':') && chars[i + 1] == ' ' {
            let at = i + 1;
            if split_at(text, at).is_none() {
                continue;
            }
            let before: String = chars[at.saturating_sub(24)..at].iter().collect();
            let after: String = chars[at + 1..(at + 25).min(chars.len())].iter().collect();
            out.push((at, format!("…{} | {}…", before.trim(), after.trim())));
        }
    }
    out
}

/// Joins two adjacent fragments' texts.
pub fn merge(first: &str, second: &str) -> String {
    format!("{} {}", first.trim(), second.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_content;

    #[test]
    fn speaker_turns_with_short_and_long_labels() {
        let t = "I: Hoe gaat het met u?\nB: Goed hoor.\nInterviewer: En het eten?\nBewoner: Lekker.\n\
                 Naaste: Mijn moeder eet goed.\nMedewerker: Ze eet graag.\n";
        let f = segment(t);
        let got: Vec<(Speaker, &str)> = f.iter().map(|f| (f.speaker, f.text.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (Speaker::Interviewer, "Hoe gaat het met u?"),
                (Speaker::Participant, "Goed hoor."),
                (Speaker::Interviewer, "En het eten?"),
                (Speaker::Participant, "Lekker."),
                (Speaker::Participant, "Mijn moeder eet goed."),
                (Speaker::Participant, "Ze eet graag."),
            ]
        );
    }

    #[test]
    fn labels_are_case_insensitive_and_lines_without_label_continue_the_turn() {
        let f = segment("interviewer:   Vertel eens.\nb: Nou,\nhet gaat wel.\n\n  \nI: Dank u.");
        assert_eq!(f.len(), 3);
        assert_eq!(f[1].text, "Nou, het gaat wel.");
        assert_eq!(f[2].speaker, Speaker::Interviewer);
    }

    #[test]
    fn text_before_any_label_is_the_participant_and_times_are_not_labels() {
        let f = segment("Het was om 10:30 druk.\nI: Echt?");
        assert_eq!(f[0].speaker, Speaker::Participant);
        assert_eq!(f[0].text, "Het was om 10:30 druk.");
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn long_participant_turns_are_split_into_sentences_short_ones_kept_together() {
        let long = "B: De verzorgenden nemen echt de tijd voor mijn moeder als ze haar wassen. \
                    Ja. Dat is fijn. \
                    Het eten is vaak koud als het op de kamer komt, bijv. de soep en de aardappelen. \
                    Mevr. de Vries van de keuken heeft beloofd ernaar te kijken, maar er is niets veranderd! \
                    Wat vindt u daarvan? Nou.";
        assert!(long.len() > LONG_TURN);
        let f = segment(long);
        let texts: Vec<&str> = f.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "De verzorgenden nemen echt de tijd voor mijn moeder als ze haar wassen.",
                "Ja. Dat is fijn. Het eten is vaak koud als het op de kamer komt, bijv. de soep en de aardappelen.",
                "Mevr. de Vries van de keuken heeft beloofd ernaar te kijken, maar er is niets veranderd! Wat vindt u daarvan? Nou.",
            ]
        );
        assert!(f.iter().all(|f| f.speaker == Speaker::Participant));
    }

    #[test]
    fn interviewer_turns_are_never_split() {
        let q = format!("I: {}", "Kunt u daar iets meer over vertellen? ".repeat(10));
        assert_eq!(segment(&q).len(), 1);
    }

    #[test]
    fn demo_transcripts_segment_into_substrings_in_order() {
        for t in demo_content::triads(7, 2025, 4) {
            for conv in &t.conversations {
                let transcript = demo_content::transcript_text(conv);
                let f = segment(&transcript);
                assert!(!f.is_empty());
                let mut from = 0;
                for frag in &f {
                    let at = transcript[from..].find(&frag.text).unwrap_or_else(|| {
                        panic!("{:?} not in order in the transcript", frag.text)
                    });
                    from += at + frag.text.len();
                }
                // Interviewer turns come out as interviewer fragments.
                let questions = conv
                    .fragments
                    .iter()
                    .filter(|f| f.speaker == demo_content::Speaker::Interviewer)
                    .count();
                let proposed = f
                    .iter()
                    .filter(|f| f.speaker == Speaker::Interviewer)
                    .count();
                assert!(proposed <= questions && proposed > 0);
            }
        }
    }

    #[test]
    fn split_and_merge() {
        assert_eq!(
            split_at("Het eten is goed. De zorg ook.", 17),
            Some(("Het eten is goed.".into(), "De zorg ook.".into()))
        );
        assert_eq!(split_at("abc", 0), None);
        assert_eq!(split_at("abc", 3), None);
        assert_eq!(split_at("één twee", 4), Some(("één".into(), "twee".into())));
        assert_eq!(merge(" a ", "b"), "a b");
    }

    #[test]
    fn split_points_are_after_punctuation() {
        let p = split_points("Het eten is goed, de zorg ook. Klaar.");
        let at: Vec<usize> = p.iter().map(|(a, _)| *a).collect();
        assert_eq!(at, vec![17, 30]);
        assert_eq!(
            split_at("Het eten is goed, de zorg ook. Klaar.", 17)
                .unwrap()
                .1,
            "de zorg ook. Klaar."
        );
        assert!(p[0].1.contains("goed, | de zorg"));
        assert!(split_points("Geen leestekens hier").is_empty());
    }

    #[test]
    fn sentences_respect_abbreviations_and_quotes() {
        assert_eq!(
            sentences("Hij zei \"Goed zo.\" Daarna o.a. koffie. Klaar"),
            vec!["Hij zei \"Goed zo.\"", "Daarna o.a. koffie.", "Klaar"]
        );
    }
}
