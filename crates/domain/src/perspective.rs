//! The three perspectives of the care triangle and the valence of a coded fragment.

use serde::{Deserialize, Serialize};

/// Who speaks in a conversation of a triad (method.md §2 step 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Perspective {
    /// The resident (bewoner).
    Resident,
    /// The family member or informal carer (naaste / mantelzorger).
    Family,
    /// The care worker (zorgmedewerker).
    Staff,
}

impl Perspective {
    pub const ALL: [Perspective; 3] = [
        Perspective::Resident,
        Perspective::Family,
        Perspective::Staff,
    ];

    /// The stable key used in storage, CSV and the API.
    pub fn key(self) -> &'static str {
        match self {
            Perspective::Resident => "resident",
            Perspective::Family => "family",
            Perspective::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "resident" => Some(Perspective::Resident),
            "family" => Some(Perspective::Family),
            "staff" => Some(Perspective::Staff),
            _ => None,
        }
    }
}

/// The valence a coder gives a fragment (method.md §2 step 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Valence {
    Positive,
    Negative,
    /// Neither: the fragment is not about experienced quality and stays out of the scores.
    None,
}

impl Valence {
    pub fn key(self) -> &'static str {
        match self {
            Valence::Positive => "positive",
            Valence::Negative => "negative",
            Valence::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "positive" => Some(Valence::Positive),
            "negative" => Some(Valence::Negative),
            "none" => Some(Valence::None),
            _ => None,
        }
    }
}
