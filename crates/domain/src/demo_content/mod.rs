//! Demo content: a fictional learning network in Limburg and believable, pseudonymised
//! conversations for its triads, generated deterministically.
//!
//! The words come from hand-written templates in `data/demo/fragments.tsv` (participants) and
//! `data/demo/questions.tsv` (interviewer), embedded in the binary and parsed once. The
//! generator is pure: the same seeds give byte-identical output on every machine and every run
//! (its own SplitMix64, integer arithmetic only, no hash-map iteration).
//!
//! What the generated material looks like:
//! - every triad has a latent story (an archetype of positive shares for resident, family and
//!   care worker), so a ward's triad plot spreads over the quadrants;
//! - about one in six residents cannot take part (no resident conversation) and about one in
//!   twelve conversations has fewer than five coded fragments (its %-positive is n/a);
//! - a ward has a character derived from its seed (a weak and a strong theme, a slightly better
//!   or worse overall tone) that stays the same across rounds, while every round seed gives
//!   different triads;
//! - all text is pseudonymised: names are tokens such as `[bewoner]`, `[naaste]`,
//!   `[medewerker]`, `[naam]`, `[kamer]`, `[datum]`, and the data files contain no digits.

mod generate;
mod network;
mod pool;
mod rng;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::perspective::{Perspective, Valence};

pub use pool::THEME_KEYS;

/// A learning network with its organisations, locations and wards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoNetwork {
    pub name: String,
    pub description: String,
    pub organisations: Vec<DemoOrganisation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoOrganisation {
    pub name: String,
    /// Two capital letters, e.g. "HL".
    pub short_name: String,
    pub locations: Vec<DemoLocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoLocation {
    pub name: String,
    /// A real town in Limburg.
    pub city: String,
    pub wards: Vec<DemoWard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoWard {
    /// Includes the kind of ward: "Afdeling Zonnebloem (psychogeriatrie)".
    pub name: String,
}

/// One triad: resident, family member and care worker, each with a separate conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoTriad {
    /// Pseudonymous code `T-XY-nnn`: two letters derived from the ward seed and a number that
    /// is unique within the call (so within a ward and round). Three digits, more only after
    /// some hundreds of triads in one call.
    pub code: String,
    /// False for a resident who cannot take part (e.g. advanced dementia); the triad then has
    /// no resident conversation.
    pub resident_takes_part: bool,
    /// In perspective order: resident (if taking part), family, staff.
    pub conversations: Vec<DemoConversation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoConversation {
    pub perspective: Perspective,
    /// The whole conversation in order, segmented into fragments as a coder would.
    pub fragments: Vec<DemoFragment>,
}

/// Who speaks a fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    Interviewer,
    Participant,
}

impl Speaker {
    /// The stable key used in storage and exports.
    pub fn key(self) -> &'static str {
        match self {
            Speaker::Interviewer => "interviewer",
            Speaker::Participant => "participant",
        }
    }

    /// The label in a transcript: `I` for the interviewer, `B` for the participant
    /// (betrokkene).
    pub fn transcript_label(self) -> &'static str {
        match self {
            Speaker::Interviewer => "I",
            Speaker::Participant => "B",
        }
    }
}

/// One fragment with its reference coding. Interviewer fragments and small talk have
/// [`Valence::None`] and no themes; coded participant fragments have one or more themes from
/// [`THEME_KEYS`], main theme first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoFragment {
    pub speaker: Speaker,
    pub text: String,
    pub valence: Valence,
    pub themes: Vec<&'static str>,
}

/// The small demo network: three fictional care organisations in Limburg, each with two
/// locations of two wards (one psychogeriatric, one somatic).
pub fn network() -> DemoNetwork {
    network::network()
}

/// `count` triads for one ward in one round. The ward's character comes from `ward_seed`
/// alone; `round_seed` varies the triads. Same seeds, same output, byte for byte.
pub fn triads(ward_seed: u64, round_seed: u64, count: usize) -> Vec<DemoTriad> {
    generate::triads(ward_seed, round_seed, count)
}

/// A stable seed from a name (64-bit FNV-1a), e.g. for `triads(seed_from_name(ward_name), ..)`.
pub fn seed_from_name(name: &str) -> u64 {
    name.bytes().fold(0xCBF2_9CE4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// The whole pseudonymised transcript: one line per turn, `I: ` for the interviewer and `B: `
/// for the participant. Consecutive fragments of one speaker form one turn, joined by a space,
/// so every fragment text is a substring of its transcript.
pub fn transcript_text(conv: &DemoConversation) -> String {
    let len: usize = conv.fragments.iter().map(|f| f.text.len() + 4).sum();
    let mut out = String::with_capacity(len);
    let mut previous: Option<Speaker> = None;
    for fragment in &conv.fragments {
        if previous == Some(fragment.speaker) {
            out.push(' ');
        } else {
            if previous.is_some() {
                out.push('\n');
            }
            out.push_str(fragment.speaker.transcript_label());
            out.push_str(": ");
        }
        out.push_str(&fragment.text);
        previous = Some(fragment.speaker);
    }
    if previous.is_some() {
        out.push('\n');
    }
    out
}
