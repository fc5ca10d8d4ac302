//! Valence and agreement scores of a triad: the *look* and *link* steps (method.md §3).
//!
//! Percentages are exact rationals, not floats. The method reports whole numbers rounded half-up
//! and keeps full precision in storage and exports; float arithmetic would put values such as
//! 62.5 or a pairwise difference of exactly 25.5 on the wrong side of a rounding or label boundary.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::Valence;

/// A conversation needs at least this many fragments coded positive or negative to get a
/// %-positive; below it the share is too unstable to mean anything (method.md §3).
pub const MIN_CODED_FRAGMENTS: u64 = 5;

/// The largest denominator a [`Percent`] accepts. It keeps every intermediate product of the
/// exact arithmetic inside `u128`; real tallies (a few hundred fragments) are far below it.
pub const MAX_DENOMINATOR: u64 = 1 << 40;

/// Counts of fragments coded positive and negative in one conversation. Fragments coded
/// [`Valence::None`] are not about experienced quality and are not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConversationTally {
    pub positive: u32,
    pub negative: u32,
}

impl ConversationTally {
    /// Fragments coded positive or negative: the base of the %-positive.
    pub fn coded(self) -> u64 {
        u64::from(self.positive) + u64::from(self.negative)
    }

    /// Counts the valences of a conversation's fragments (saturating, so absurd input cannot
    /// wrap around into a different score).
    pub fn from_valences<I: IntoIterator<Item = Valence>>(valences: I) -> Self {
        valences
            .into_iter()
            .fold(Self::default(), |tally, valence| match valence {
                Valence::Positive => Self {
                    positive: tally.positive.saturating_add(1),
                    ..tally
                },
                Valence::Negative => Self {
                    negative: tally.negative.saturating_add(1),
                    ..tally
                },
                Valence::None => tally,
            })
    }
}

/// Why a stored or received fraction is not a valid [`Percent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PercentError {
    #[error("the denominator of a percentage must be at least 1")]
    ZeroDenominator,
    #[error("the numerator ({numerator}) of a percentage exceeds its denominator ({denominator})")]
    AboveHundred { numerator: u64, denominator: u64 },
    #[error("the denominator of a percentage must be at most {MAX_DENOMINATOR}")]
    DenominatorTooLarge,
}

/// An exact percentage between 0 and 100: `100 × numerator / denominator` percentage points.
///
/// Stored as a reduced fraction, so 3/4 and 6/8 are the same value (equal, same hash) and the
/// scores depend only on the percentages, never on how large the tallies were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawPercent", into = "RawPercent")]
pub struct Percent {
    numerator: u64,
    denominator: u64,
}

/// The serialised form: the fraction itself, so exports keep full precision.
#[derive(Serialize, Deserialize)]
struct RawPercent {
    numerator: u64,
    denominator: u64,
}

impl TryFrom<RawPercent> for Percent {
    type Error = PercentError;

    fn try_from(raw: RawPercent) -> Result<Self, Self::Error> {
        Percent::try_of(raw.numerator, raw.denominator)
    }
}

impl From<Percent> for RawPercent {
    fn from(p: Percent) -> Self {
        RawPercent {
            numerator: p.numerator,
            denominator: p.denominator,
        }
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `numerator / denominator` rounded half-up to a whole number, in exact integer arithmetic.
fn div_round_half_up(numerator: u128, denominator: u128) -> u128 {
    (2 * numerator + denominator) / (2 * denominator)
}

impl Percent {
    /// The share `part / whole` as a percentage, with a reason when it is not one.
    pub fn try_of(part: u64, whole: u64) -> Result<Self, PercentError> {
        if whole == 0 {
            return Err(PercentError::ZeroDenominator);
        }
        if part > whole {
            return Err(PercentError::AboveHundred {
                numerator: part,
                denominator: whole,
            });
        }
        if whole > MAX_DENOMINATOR {
            return Err(PercentError::DenominatorTooLarge);
        }
        let divisor = gcd(part, whole);
        Ok(Percent {
            numerator: part / divisor,
            denominator: whole / divisor,
        })
    }

    /// The share `part / whole` as a percentage; `None` when `whole` is 0, `part > whole`, or
    /// `whole` exceeds [`MAX_DENOMINATOR`].
    pub fn of(part: u64, whole: u64) -> Option<Self> {
        Self::try_of(part, whole).ok()
    }

    /// A whole number of percentage points (0–100), e.g. to enter the paper's worked example.
    pub fn from_points(points: u32) -> Option<Self> {
        Self::of(u64::from(points), 100)
    }

    /// Numerator of the reduced fraction; the value is `100 × numerator / denominator`.
    pub fn numerator(self) -> u64 {
        self.numerator
    }

    /// Denominator of the reduced fraction (at least 1).
    pub fn denominator(self) -> u64 {
        self.denominator
    }

    /// The value in percentage points, for plotting. Never use it to decide a label or a score.
    pub fn as_f64(self) -> f64 {
        (100 * self.numerator) as f64 / self.denominator as f64
    }

    /// The value rounded half-up to a whole number of points (62.5 → 63), as the method reports it.
    pub fn rounded(self) -> u32 {
        div_round_half_up(
            100 * u128::from(self.numerator),
            u128::from(self.denominator),
        ) as u32
    }

    /// Whether the exact value is strictly above `points` percentage points.
    pub fn is_above(self, points: u32) -> bool {
        100 * u128::from(self.numerator) > u128::from(points) * u128::from(self.denominator)
    }

    /// |self − other| computed exactly, then rounded half-up to whole points (method.md §3 step 1).
    /// Rounding the difference, not the two values, matters: 75.4 − 50.5 = 24.9 → 25, while the
    /// rounded values would give 75 − 51 = 24.
    pub fn rounded_abs_diff(self, other: Percent) -> u32 {
        let left = u128::from(self.numerator) * u128::from(other.denominator);
        let right = u128::from(other.numerator) * u128::from(self.denominator);
        let common = u128::from(self.denominator) * u128::from(other.denominator);
        div_round_half_up(100 * left.abs_diff(right), common) as u32
    }
}

impl Ord for Percent {
    fn cmp(&self, other: &Self) -> Ordering {
        (u128::from(self.numerator) * u128::from(other.denominator))
            .cmp(&(u128::from(other.numerator) * u128::from(self.denominator)))
    }
}

impl PartialOrd for Percent {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Percent {
    /// Shows the reported (rounded) value; full precision is in the fraction.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.rounded())
    }
}

/// %-positive of one conversation: positive / (positive + negative) × 100, or `None` (n/a) when
/// fewer than [`MIN_CODED_FRAGMENTS`] fragments are coded positive or negative.
pub fn percent_positive(tally: ConversationTally) -> Option<Percent> {
    if tally.coded() < MIN_CODED_FRAGMENTS {
        return None;
    }
    Percent::of(u64::from(tally.positive), tally.coded())
}

/// The pooled share of positive fragments over the conversations that have a %-positive
/// (n/a conversations are skipped). Pooled, not the mean of the percentages: a long conversation
/// weighs more than a short one. `None` when no conversation has a %-positive.
pub fn pooled_valence<I: IntoIterator<Item = ConversationTally>>(tallies: I) -> Option<Percent> {
    let (positive, coded) = tallies
        .into_iter()
        .filter(|tally| percent_positive(*tally).is_some())
        .fold((0_u64, 0_u64), |(positive, coded), tally| {
            (positive + u64::from(tally.positive), coded + tally.coded())
        });
    Percent::of(positive, coded)
}

/// The label of a valence score (method.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ValenceLabel {
    /// Above 75.
    #[serde(rename = "very positive")]
    VeryPositive,
    /// Above 50 up to and including 75.
    #[serde(rename = "quite positive")]
    QuitePositive,
    /// Above 25 up to and including 50.
    #[serde(rename = "quite negative")]
    QuiteNegative,
    /// 25 or below.
    #[serde(rename = "very negative")]
    VeryNegative,
}

impl ValenceLabel {
    pub const ALL: [ValenceLabel; 4] = [
        ValenceLabel::VeryPositive,
        ValenceLabel::QuitePositive,
        ValenceLabel::QuiteNegative,
        ValenceLabel::VeryNegative,
    ];

    /// Labels the EXACT valence, because the method defines the labels on the score ("above 75")
    /// and the rounded figure is only how it is reported. Consequence: an exact 75.2 is reported
    /// as 75 yet labelled very positive, and an exact 50 is quite negative.
    pub fn of(valence: Percent) -> Self {
        if valence.is_above(75) {
            ValenceLabel::VeryPositive
        } else if valence.is_above(50) {
            ValenceLabel::QuitePositive
        } else if valence.is_above(25) {
            ValenceLabel::QuiteNegative
        } else {
            ValenceLabel::VeryNegative
        }
    }

    /// The stable key used in storage, CSV and the API.
    pub fn key(self) -> &'static str {
        match self {
            ValenceLabel::VeryPositive => "very positive",
            ValenceLabel::QuitePositive => "quite positive",
            ValenceLabel::QuiteNegative => "quite negative",
            ValenceLabel::VeryNegative => "very negative",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|label| label.key() == s)
    }

    /// Whether the label lies on the positive side (above 50).
    pub fn is_positive(self) -> bool {
        matches!(
            self,
            ValenceLabel::VeryPositive | ValenceLabel::QuitePositive
        )
    }
}

/// The level of an agreement score (method.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgreementLevel {
    /// No pair differs by more than 25 points.
    #[serde(rename = "very high")]
    VeryHigh,
    /// Family and care worker disagree most.
    #[serde(rename = "quite high")]
    QuiteHigh,
    /// Resident and family disagree most.
    #[serde(rename = "quite low")]
    QuiteLow,
    /// Resident and care worker disagree most.
    #[serde(rename = "very low")]
    VeryLow,
}

impl AgreementLevel {
    pub const ALL: [AgreementLevel; 4] = [
        AgreementLevel::VeryHigh,
        AgreementLevel::QuiteHigh,
        AgreementLevel::QuiteLow,
        AgreementLevel::VeryLow,
    ];

    /// The stable key used in storage, CSV and the API.
    pub fn key(self) -> &'static str {
        match self {
            AgreementLevel::VeryHigh => "very high",
            AgreementLevel::QuiteHigh => "quite high",
            AgreementLevel::QuiteLow => "quite low",
            AgreementLevel::VeryLow => "very low",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.key() == s)
    }

    /// The score range `(floor, top)` of the level, both inclusive.
    pub fn range(self) -> (u32, u32) {
        match self {
            AgreementLevel::VeryHigh => (75, 100),
            AgreementLevel::QuiteHigh => (50, 75),
            AgreementLevel::QuiteLow => (25, 50),
            AgreementLevel::VeryLow => (0, 25),
        }
    }

    /// Whether the level lies on the agreeing side of the plot (scores 50 and up).
    pub fn is_high(self) -> bool {
        matches!(self, AgreementLevel::VeryHigh | AgreementLevel::QuiteHigh)
    }
}

/// The agreement score of a triad and its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Agreement {
    pub score: u32,
    pub level: AgreementLevel,
}

/// The three pairwise differences, each rounded half-up to whole points (method.md §3 step 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PairwiseDifferences {
    pub resident_family: u32,
    pub resident_staff: u32,
    pub family_staff: u32,
}

impl PairwiseDifferences {
    pub fn new(resident: Percent, family: Percent, staff: Percent) -> Self {
        PairwiseDifferences {
            resident_family: resident.rounded_abs_diff(family),
            resident_staff: resident.rounded_abs_diff(staff),
            family_staff: family.rounded_abs_diff(staff),
        }
    }

    pub fn largest(self) -> u32 {
        self.resident_family
            .max(self.resident_staff)
            .max(self.family_staff)
    }

    pub fn smallest(self) -> u32 {
        self.resident_family
            .min(self.resident_staff)
            .min(self.family_staff)
    }
}

/// `top − smallest`, never below `floor`. Without the clamp a triad whose three differences all
/// exceed 25 (e.g. R=0, F=30, C=60) would get a score outside its level's range.
fn score_within_level(top: u32, smallest: u32, floor: u32) -> u32 {
    top.saturating_sub(smallest).max(floor)
}

/// The agreement score from the three %-positive values (method.md §3, steps 1–3).
///
/// When pairs tie for the largest difference, resident–care worker wins over resident–family,
/// which wins over family–care worker.
pub fn agreement(resident: Percent, family: Percent, staff: Percent) -> Agreement {
    let differences = PairwiseDifferences::new(resident, family, staff);
    let largest = differences.largest();
    if largest <= 25 {
        return Agreement {
            score: 100 - largest,
            level: AgreementLevel::VeryHigh,
        };
    }
    let level = if differences.resident_staff == largest {
        AgreementLevel::VeryLow
    } else if differences.resident_family == largest {
        AgreementLevel::QuiteLow
    } else {
        AgreementLevel::QuiteHigh
    };
    let (floor, top) = level.range();
    Agreement {
        score: score_within_level(top, differences.smallest(), floor),
        level,
    }
}

/// The quadrant of the triad plot: a reading aid, not a verdict (method.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// High agreement, positive valence.
    AgreeGoesWell,
    /// High agreement, negative valence.
    AgreeDoesNotGoWell,
    /// Low agreement, positive valence.
    DisagreeMostlyPositive,
    /// Low agreement, negative valence.
    DisagreeMostlyNegative,
}

impl Quadrant {
    pub const ALL: [Quadrant; 4] = [
        Quadrant::AgreeGoesWell,
        Quadrant::AgreeDoesNotGoWell,
        Quadrant::DisagreeMostlyPositive,
        Quadrant::DisagreeMostlyNegative,
    ];

    /// Places a triad. Exactly at 50 the quadrant follows the labels so plot and labels never
    /// contradict each other: agreement 50 counts as agreeing when its level is quite high
    /// (a clamped floor) and as disagreeing when it is quite low (a top); a valence of exactly 50
    /// is quite negative, so it lies on the "does not go well" side. Valence is judged on its
    /// exact value, like its label.
    pub fn of(agreement: Agreement, valence: Percent) -> Self {
        match (
            agreement.level.is_high(),
            ValenceLabel::of(valence).is_positive(),
        ) {
            (true, true) => Quadrant::AgreeGoesWell,
            (true, false) => Quadrant::AgreeDoesNotGoWell,
            (false, true) => Quadrant::DisagreeMostlyPositive,
            (false, false) => Quadrant::DisagreeMostlyNegative,
        }
    }

    /// The stable key used in storage, CSV and the API.
    pub fn key(self) -> &'static str {
        match self {
            Quadrant::AgreeGoesWell => "agree_goes_well",
            Quadrant::AgreeDoesNotGoWell => "agree_does_not_go_well",
            Quadrant::DisagreeMostlyPositive => "disagree_mostly_positive",
            Quadrant::DisagreeMostlyNegative => "disagree_mostly_negative",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|quadrant| quadrant.key() == s)
    }

    /// The reading-aid name from method.md §3.
    pub fn name(self) -> &'static str {
        match self {
            Quadrant::AgreeGoesWell => "agree it goes well",
            Quadrant::AgreeDoesNotGoWell => "agree it does not go well",
            Quadrant::DisagreeMostlyPositive => "disagree, mostly positive",
            Quadrant::DisagreeMostlyNegative => "disagree, mostly negative",
        }
    }
}

/// All scores of one triad. Every field is `None` when the method gives no value; the triad is
/// still listed with its stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct TriadScores {
    pub resident: Option<Percent>,
    pub family: Option<Percent>,
    pub staff: Option<Percent>,
    pub valence: Option<Percent>,
    pub valence_label: Option<ValenceLabel>,
    pub agreement: Option<Agreement>,
}

impl TriadScores {
    /// The plot quadrant; needs both a valence and an agreement score.
    pub fn quadrant(&self) -> Option<Quadrant> {
        Some(Quadrant::of(self.agreement?, self.valence?))
    }
}

/// Scores a triad. `None` for a conversation means it does not exist (e.g. a resident with
/// advanced dementia who cannot take part); `Some(tally)` means it was held and coded.
///
/// Interpretation of method.md §3 and §2 step 3:
/// - every existing conversation gets its %-positive, or n/a below 5 coded fragments;
/// - if any existing conversation is n/a, the triad has no valence and no agreement
///   ("a triad with any conversation n/a has no valence or agreement score");
/// - a conversation that does not exist is not n/a: the valence is pooled over the existing
///   conversations (at least one is needed), but the agreement needs all three perspectives and
///   is `None` ("the triad then has no resident score");
/// - with no conversations at all, everything is `None`.
pub fn score_triad(
    resident: Option<ConversationTally>,
    family: Option<ConversationTally>,
    staff: Option<ConversationTally>,
) -> TriadScores {
    let existing: Vec<ConversationTally> =
        [resident, family, staff].into_iter().flatten().collect();
    let mut scores = TriadScores {
        resident: resident.and_then(percent_positive),
        family: family.and_then(percent_positive),
        staff: staff.and_then(percent_positive),
        ..TriadScores::default()
    };
    let any_not_available = existing
        .iter()
        .any(|tally| percent_positive(*tally).is_none());
    if existing.is_empty() || any_not_available {
        return scores;
    }
    scores.valence = pooled_valence(existing);
    scores.valence_label = scores.valence.map(ValenceLabel::of);
    if let (Some(r), Some(f), Some(c)) = (scores.resident, scores.family, scores.staff) {
        scores.agreement = Some(agreement(r, f, c));
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn points(p: u32) -> Percent {
        Percent::from_points(p).expect("0..=100")
    }

    fn frac(part: u64, whole: u64) -> Percent {
        Percent::of(part, whole).expect("valid fraction")
    }

    fn tally(positive: u32, negative: u32) -> ConversationTally {
        ConversationTally { positive, negative }
    }

    fn agree(r: u32, f: u32, c: u32) -> Agreement {
        agreement(points(r), points(f), points(c))
    }

    fn level(score: u32, level: AgreementLevel) -> Agreement {
        Agreement { score, level }
    }

    #[test]
    fn worked_example_from_the_paper() {
        let d = PairwiseDifferences::new(points(54), points(69), points(80));
        assert_eq!(
            (d.resident_family, d.resident_staff, d.family_staff),
            (15, 26, 11)
        );
        assert_eq!(agree(54, 69, 80), level(14, AgreementLevel::VeryLow));
    }

    #[test]
    fn very_high_when_largest_difference_is_at_most_25() {
        assert_eq!(agree(60, 70, 80), level(80, AgreementLevel::VeryHigh));
        assert_eq!(agree(50, 50, 50), level(100, AgreementLevel::VeryHigh));
        assert_eq!(agree(50, 75, 60), level(75, AgreementLevel::VeryHigh));
        // 26 is no longer very high: resident–family disagree most.
        assert_eq!(agree(50, 76, 60), level(40, AgreementLevel::QuiteLow));
    }

    #[test]
    fn quite_high_when_family_and_staff_disagree_most() {
        // R–F 20, R–C 20, F–C 40.
        assert_eq!(agree(50, 30, 70), level(55, AgreementLevel::QuiteHigh));
    }

    #[test]
    fn quite_low_when_resident_and_family_disagree_most() {
        // R–F 40, R–C 20, F–C 20.
        assert_eq!(agree(40, 80, 60), level(30, AgreementLevel::QuiteLow));
    }

    #[test]
    fn very_low_when_resident_and_staff_disagree_most() {
        // R–F 10, R–C 40, F–C 30.
        assert_eq!(agree(40, 50, 80), level(15, AgreementLevel::VeryLow));
    }

    #[test]
    fn tie_resident_staff_beats_resident_family() {
        // R–F 30, R–C 30, F–C 0.
        assert_eq!(agree(50, 80, 80), level(25, AgreementLevel::VeryLow));
    }

    #[test]
    fn tie_resident_family_beats_family_staff() {
        // R–F 30, R–C 0, F–C 30.
        assert_eq!(agree(80, 50, 80), level(50, AgreementLevel::QuiteLow));
    }

    #[test]
    fn tie_resident_staff_beats_family_staff() {
        // R–F 0, R–C 30, F–C 30.
        assert_eq!(agree(50, 50, 80), level(25, AgreementLevel::VeryLow));
    }

    #[test]
    fn score_is_clamped_to_the_level_floor() {
        // All three differences exceed 25, so top − smallest would fall below the floor.
        // R–F 30, R–C 60, F–C 30: 25 − 30 < 0.
        assert_eq!(agree(0, 30, 60), level(0, AgreementLevel::VeryLow));
        // R–F 30, R–C 30, F–C 60: 75 − 30 = 45 < 50.
        assert_eq!(agree(30, 0, 60), level(50, AgreementLevel::QuiteHigh));
        // R–F 60, R–C 30, F–C 30: 50 − 30 = 20 < 25.
        assert_eq!(agree(0, 60, 30), level(25, AgreementLevel::QuiteLow));
        assert_eq!(score_within_level(25, 40, 0), 0);
        assert_eq!(score_within_level(75, 26, 50), 50);
        assert_eq!(score_within_level(75, 20, 50), 55);
    }

    #[test]
    fn percent_positive_needs_five_coded_fragments() {
        assert_eq!(percent_positive(tally(4, 0)), None);
        assert_eq!(percent_positive(tally(2, 2)), None);
        assert_eq!(percent_positive(tally(0, 0)), None);
        assert_eq!(percent_positive(tally(4, 1)), Some(points(80)));
        assert_eq!(percent_positive(tally(0, 5)), Some(points(0)));
    }

    #[test]
    fn tally_counts_valences() {
        let t = ConversationTally::from_valences([
            Valence::Positive,
            Valence::None,
            Valence::Negative,
            Valence::Positive,
        ]);
        assert_eq!(t, tally(2, 1));
        assert_eq!(t.coded(), 3);
    }

    #[test]
    fn rounding_is_half_up_and_exact() {
        assert_eq!(frac(5, 8).rounded(), 63); // 62.5
        assert_eq!(frac(1, 8).rounded(), 13); // 12.5
        assert_eq!(frac(1, 200).rounded(), 1); // 0.5
        assert_eq!(frac(1, 3).rounded(), 33);
        assert_eq!(frac(2, 3).rounded(), 67);
        assert_eq!(frac(249, 1000).rounded(), 25); // 24.9
        assert_eq!(frac(1249, 5000).rounded(), 25); // 24.98
        assert_eq!(frac(1, 1).rounded(), 100);
        assert_eq!(frac(0, 7).rounded(), 0);
    }

    #[test]
    fn differences_are_rounded_after_exact_subtraction() {
        // 62.5 − 50 = 12.5 → 13.
        assert_eq!(frac(5, 8).rounded_abs_diff(points(50)), 13);
        // 75.4 − 50.5 = 24.9 → 25, though the rounded values differ by 75 − 51 = 24.
        let r = frac(101, 200);
        let f = frac(377, 500);
        assert_eq!(r.rounded_abs_diff(f), 25);
        assert_eq!(f.rounded_abs_diff(r), 25);
        assert_eq!(
            agreement(r, f, points(60)),
            level(75, AgreementLevel::VeryHigh)
        );
    }

    #[test]
    fn equal_percentages_from_different_tallies_are_equal() {
        assert_eq!(frac(3, 4), frac(6, 8));
        assert_eq!(frac(6, 8).numerator(), 3);
        assert_eq!(frac(6, 8).denominator(), 4);
        assert_eq!(
            agreement(frac(3, 4), frac(1, 5), frac(1, 2)),
            agreement(frac(6, 8), frac(2, 10), frac(5, 10))
        );
        assert!(frac(1, 3) < frac(34, 100));
        assert!(frac(2, 3) > frac(66, 100));
    }

    #[test]
    fn invalid_fractions_are_rejected() {
        assert_eq!(Percent::of(1, 0), None);
        assert_eq!(Percent::of(3, 2), None);
        assert_eq!(Percent::of(1, MAX_DENOMINATOR + 1), None);
        assert!(Percent::of(1, MAX_DENOMINATOR).is_some());
        assert_eq!(Percent::from_points(101), None);
        assert_eq!(
            Percent::try_of(3, 2),
            Err(PercentError::AboveHundred {
                numerator: 3,
                denominator: 2
            })
        );
    }

    #[test]
    fn percent_serialises_as_exact_fraction() {
        let json = serde_json::to_string(&frac(5, 8)).unwrap();
        assert_eq!(json, r#"{"numerator":5,"denominator":8}"#);
        let back: Percent = serde_json::from_str(r#"{"numerator":10,"denominator":16}"#).unwrap();
        assert_eq!(back, frac(5, 8));
        assert!(serde_json::from_str::<Percent>(r#"{"numerator":9,"denominator":8}"#).is_err());
        assert!(serde_json::from_str::<Percent>(r#"{"numerator":0,"denominator":0}"#).is_err());
    }

    #[test]
    fn valence_labels_follow_the_exact_value() {
        assert_eq!(ValenceLabel::of(points(100)), ValenceLabel::VeryPositive);
        assert_eq!(ValenceLabel::of(points(76)), ValenceLabel::VeryPositive);
        // 75.2 is reported as 75 but lies above 75.
        assert_eq!(frac(376, 500).rounded(), 75);
        assert_eq!(ValenceLabel::of(frac(376, 500)), ValenceLabel::VeryPositive);
        assert_eq!(ValenceLabel::of(points(75)), ValenceLabel::QuitePositive);
        assert_eq!(
            ValenceLabel::of(frac(251, 500)),
            ValenceLabel::QuitePositive
        );
        assert_eq!(ValenceLabel::of(points(50)), ValenceLabel::QuiteNegative);
        assert_eq!(
            ValenceLabel::of(frac(126, 500)),
            ValenceLabel::QuiteNegative
        );
        assert_eq!(ValenceLabel::of(points(25)), ValenceLabel::VeryNegative);
        assert_eq!(ValenceLabel::of(points(0)), ValenceLabel::VeryNegative);
    }

    #[test]
    fn keys_round_trip() {
        let keys: Vec<&str> = ValenceLabel::ALL.iter().map(|l| l.key()).collect();
        assert_eq!(
            keys,
            [
                "very positive",
                "quite positive",
                "quite negative",
                "very negative"
            ]
        );
        let keys: Vec<&str> = AgreementLevel::ALL.iter().map(|l| l.key()).collect();
        assert_eq!(keys, ["very high", "quite high", "quite low", "very low"]);
        for label in ValenceLabel::ALL {
            assert_eq!(ValenceLabel::parse(label.key()), Some(label));
            let json = serde_json::to_string(&label).unwrap();
            assert_eq!(json, format!("\"{}\"", label.key()));
        }
        for level in AgreementLevel::ALL {
            assert_eq!(AgreementLevel::parse(level.key()), Some(level));
            let json = serde_json::to_string(&level).unwrap();
            assert_eq!(json, format!("\"{}\"", level.key()));
        }
        for quadrant in Quadrant::ALL {
            assert_eq!(Quadrant::parse(quadrant.key()), Some(quadrant));
            let json = serde_json::to_string(&quadrant).unwrap();
            assert_eq!(json, format!("\"{}\"", quadrant.key()));
        }
        assert_eq!(ValenceLabel::parse("positive"), None);
    }

    #[test]
    fn valence_is_pooled_not_the_mean() {
        // 90%, 20% and 33.3%: the mean is 47.8 (quite negative), the pooled share
        // 48/61 = 78.7 (very positive).
        let scores = score_triad(Some(tally(45, 5)), Some(tally(1, 4)), Some(tally(2, 4)));
        assert_eq!(scores.valence, Some(frac(48, 61)));
        assert_eq!(scores.valence.unwrap().rounded(), 79);
        assert_eq!(scores.valence_label, Some(ValenceLabel::VeryPositive));
        assert_eq!(scores.resident, Some(points(90)));
        assert_eq!(scores.family, Some(points(20)));
        assert_eq!(scores.staff, Some(frac(1, 3)));
        // R–F 70 is the largest; smallest F–C 13.3 → 13; 50 − 13 = 37.
        assert_eq!(scores.agreement, Some(level(37, AgreementLevel::QuiteLow)));
        assert_eq!(scores.quadrant(), Some(Quadrant::DisagreeMostlyPositive));
    }

    #[test]
    fn any_conversation_not_available_removes_valence_and_agreement() {
        let scores = score_triad(Some(tally(2, 2)), Some(tally(8, 2)), Some(tally(5, 5)));
        assert_eq!(scores.resident, None);
        assert_eq!(scores.family, Some(points(80)));
        assert_eq!(scores.staff, Some(points(50)));
        assert_eq!(scores.valence, None);
        assert_eq!(scores.valence_label, None);
        assert_eq!(scores.agreement, None);
        assert_eq!(scores.quadrant(), None);
        // Same when the resident is missing and family is n/a.
        let scores = score_triad(None, Some(tally(1, 0)), Some(tally(5, 5)));
        assert_eq!(scores.valence, None);
    }

    #[test]
    fn missing_resident_pools_the_others_without_agreement() {
        let scores = score_triad(None, Some(tally(8, 2)), Some(tally(3, 7)));
        assert_eq!(scores.resident, None);
        assert_eq!(scores.valence, Some(points(55)));
        assert_eq!(scores.valence_label, Some(ValenceLabel::QuitePositive));
        assert_eq!(scores.agreement, None);
        assert_eq!(scores.quadrant(), None);
        let only_staff = score_triad(None, None, Some(tally(1, 4)));
        assert_eq!(only_staff.valence, Some(points(20)));
        assert_eq!(only_staff.valence_label, Some(ValenceLabel::VeryNegative));
    }

    #[test]
    fn no_conversations_no_scores() {
        assert_eq!(score_triad(None, None, None), TriadScores::default());
    }

    #[test]
    fn full_triad_matches_worked_example() {
        // 54%, 69% and 80% from tallies of 50, 100 and 5 fragments.
        let scores = score_triad(Some(tally(27, 23)), Some(tally(69, 31)), Some(tally(4, 1)));
        assert_eq!(scores.agreement, Some(level(14, AgreementLevel::VeryLow)));
        assert_eq!(scores.valence, Some(frac(100, 155)));
        assert_eq!(scores.quadrant(), Some(Quadrant::DisagreeMostlyPositive));
    }

    #[test]
    fn pooled_valence_skips_conversations_without_percent() {
        assert_eq!(pooled_valence([tally(2, 0), tally(5, 5)]), Some(points(50)));
        assert_eq!(pooled_valence([tally(2, 0)]), None);
        assert_eq!(pooled_valence([]), None);
    }

    #[test]
    fn quadrants_at_and_around_fifty() {
        let high50 = level(50, AgreementLevel::QuiteHigh);
        let low50 = level(50, AgreementLevel::QuiteLow);
        assert_eq!(Quadrant::of(high50, points(51)), Quadrant::AgreeGoesWell);
        assert_eq!(
            Quadrant::of(low50, points(51)),
            Quadrant::DisagreeMostlyPositive
        );
        assert_eq!(
            Quadrant::of(high50, points(50)),
            Quadrant::AgreeDoesNotGoWell
        );
        assert_eq!(
            Quadrant::of(low50, points(50)),
            Quadrant::DisagreeMostlyNegative
        );
        // 50.2 is reported as 50 but lies above it.
        assert_eq!(
            Quadrant::of(high50, frac(251, 500)),
            Quadrant::AgreeGoesWell
        );
        assert_eq!(
            Quadrant::of(level(90, AgreementLevel::VeryHigh), points(10)),
            Quadrant::AgreeDoesNotGoWell
        );
        assert_eq!(
            Quadrant::of(level(3, AgreementLevel::VeryLow), points(10)),
            Quadrant::DisagreeMostlyNegative
        );
        assert_eq!(Quadrant::AgreeGoesWell.name(), "agree it goes well");
        assert_eq!(
            Quadrant::AgreeDoesNotGoWell.name(),
            "agree it does not go well"
        );
        assert_eq!(
            Quadrant::DisagreeMostlyPositive.name(),
            "disagree, mostly positive"
        );
        assert_eq!(
            Quadrant::DisagreeMostlyNegative.name(),
            "disagree, mostly negative"
        );
    }

    fn any_percent() -> impl Strategy<Value = Percent> {
        (1_u64..=400)
            .prop_flat_map(|whole| (0..=whole, Just(whole)))
            .prop_map(|(part, whole)| frac(part, whole))
    }

    fn any_tally() -> impl Strategy<Value = ConversationTally> {
        (0_u32..200, 0_u32..200).prop_map(|(positive, negative)| tally(positive, negative))
    }

    proptest! {
        #[test]
        fn agreement_score_lies_in_its_level_range(
            r in any_percent(), f in any_percent(), c in any_percent()
        ) {
            let a = agreement(r, f, c);
            let (floor, top) = a.level.range();
            prop_assert!(floor <= a.score && a.score <= top, "{a:?}");
            let expected = match a.level {
                AgreementLevel::VeryHigh => (75, 100),
                AgreementLevel::QuiteHigh => (50, 75),
                AgreementLevel::QuiteLow => (25, 50),
                AgreementLevel::VeryLow => (0, 25),
            };
            prop_assert_eq!((floor, top), expected);
        }

        #[test]
        fn agreement_depends_only_on_the_percentages(
            r in any_percent(), f in any_percent(), c in any_percent(),
            kr in 1_u64..50, kf in 1_u64..50, kc in 1_u64..50
        ) {
            let scaled = |p: Percent, k: u64| frac(p.numerator() * k, p.denominator() * k);
            prop_assert_eq!(
                agreement(r, f, c),
                agreement(scaled(r, kr), scaled(f, kf), scaled(c, kc))
            );
        }

        #[test]
        fn agreement_is_symmetric_in_the_value_order(
            r in any_percent(), f in any_percent(), c in any_percent()
        ) {
            // Mirroring every value (p → 100 − p) keeps all differences, so the score.
            let mirror = |p: Percent| frac(p.denominator() - p.numerator(), p.denominator());
            prop_assert_eq!(agreement(r, f, c), agreement(mirror(r), mirror(f), mirror(c)));
        }

        #[test]
        fn valence_lies_between_0_and_100_and_matches_its_label(
            r in proptest::option::of(any_tally()),
            f in proptest::option::of(any_tally()),
            c in proptest::option::of(any_tally())
        ) {
            let scores = score_triad(r, f, c);
            prop_assert_eq!(scores.valence.is_some(), scores.valence_label.is_some());
            if let (Some(v), Some(label)) = (scores.valence, scores.valence_label) {
                let x = v.as_f64();
                prop_assert!((0.0..=100.0).contains(&x));
                prop_assert!(v.rounded() <= 100);
                let in_range = match label {
                    ValenceLabel::VeryPositive => x > 75.0,
                    ValenceLabel::QuitePositive => x > 50.0 && x <= 75.0,
                    ValenceLabel::QuiteNegative => x > 25.0 && x <= 50.0,
                    ValenceLabel::VeryNegative => x <= 25.0,
                };
                prop_assert!(in_range, "{x} labelled {label:?}");
            }
            let complete = [r, f, c].iter().all(|t| t.is_some_and(|t| t.coded() >= 5));
            prop_assert_eq!(scores.agreement.is_some(), complete);
        }

        #[test]
        fn rounded_matches_float_half_up(part in 0_u64..=1000, extra in 0_u64..1000) {
            let whole = (part + extra).max(1);
            let p = frac(part.min(whole), whole);
            let expected = (100.0 * part.min(whole) as f64 / whole as f64 + 0.5).floor() as u32;
            prop_assert_eq!(p.rounded(), expected);
        }
    }
}
