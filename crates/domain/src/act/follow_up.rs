//! Follow-up in the next round (method.md §2 step 11): for every theme of an action, the positive
//! share per perspective in the round the action came from and in the later round, so the ward
//! sees whether the stories on that theme changed. Cells from too few triads stay hidden.

use crate::Perspective;
use crate::report::Cell;
use crate::suppress::Gated;
use serde::Serialize;

/// One figure of the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "percent", rename_all = "snake_case")]
pub enum Share {
    /// No positive or negative fragment on the theme from this perspective.
    NoFragments,
    /// Fragments from fewer triads than the minimum group size: not shown.
    TooFew,
    /// The positive share, rounded.
    Percent(u32),
}

/// The figure of one cell as the report may show it.
pub fn share(cell: Option<&Cell>, min_group_size: i64) -> Share {
    match cell {
        None => Share::NoFragments,
        Some(c) => match c.gated(min_group_size) {
            Gated::Shown(c) => c
                .positive_share()
                .map_or(Share::NoFragments, |p| Share::Percent(p.rounded())),
            Gated::TooFew { .. } => Share::TooFew,
        },
    }
}

/// Before and after for one perspective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FollowUpRow {
    pub perspective: Perspective,
    pub before: Share,
    pub after: Share,
    /// After minus before in percentage points, when both are shown.
    pub change: Option<i64>,
}

/// The rows of one theme: `before` and `after` give the cell of a perspective in each round.
pub fn compare<'c>(
    before: impl Fn(Perspective) -> Option<&'c Cell>,
    after: impl Fn(Perspective) -> Option<&'c Cell>,
    min_group_size: i64,
) -> Vec<FollowUpRow> {
    Perspective::ALL
        .into_iter()
        .map(|p| {
            let b = share(before(p), min_group_size);
            let a = share(after(p), min_group_size);
            let change = match (b, a) {
                (Share::Percent(b), Share::Percent(a)) => Some(i64::from(a) - i64::from(b)),
                _ => None,
            };
            FollowUpRow {
                perspective: p,
                before: b,
                after: a,
                change,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_per_perspective_and_hides_small_groups() {
        let before_family = Cell {
            positive: 2,
            negative: 8,
            triads: 5,
        };
        let after_family = Cell {
            positive: 7,
            negative: 3,
            triads: 6,
        };
        let after_staff = Cell {
            positive: 4,
            negative: 0,
            triads: 2,
        };
        let rows = compare(
            |p| (p == Perspective::Family).then_some(&before_family),
            |p| match p {
                Perspective::Family => Some(&after_family),
                Perspective::Staff => Some(&after_staff),
                Perspective::Resident => None,
            },
            5,
        );
        assert_eq!(rows[0].before, Share::NoFragments);
        assert_eq!(rows[1].before, Share::Percent(20));
        assert_eq!(rows[1].after, Share::Percent(70));
        assert_eq!(rows[1].change, Some(50));
        assert_eq!(rows[2].after, Share::TooFew);
        assert_eq!(rows[2].change, None);
    }
}
