//! The agenda the meeting page proposes from the ward report (method.md §2 step 10): the themes
//! with the most negative fragments, the themes where the perspectives differ most, and the plot.
//! The proposal is only a start: the ward edits the text before the meeting.

use crate::Perspective;
use crate::report::Cell;
use crate::suppress::Gated;

/// The figures of one theme in the report: its cells per perspective.
#[derive(Debug, Clone)]
pub struct ThemeFigures<'a> {
    pub theme: &'a str,
    pub cells: Vec<(Perspective, Cell)>,
}

/// What the agenda proposal points at. Themes are named by what the caller passed as `theme`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgendaProposal<'a> {
    /// Themes with negative fragments, most first, with their count (at most [`TOP`]).
    pub most_negative: Vec<(&'a str, u32)>,
    /// Themes where the positive shares of the perspectives lie furthest apart, with the spread in
    /// percentage points (at most [`TOP`], spread at least [`MIN_SPREAD`]).
    pub most_divided: Vec<(&'a str, u32)>,
}

/// How many themes each agenda item names.
pub const TOP: usize = 3;
/// A difference between perspectives smaller than this is not worth an agenda item.
pub const MIN_SPREAD: u32 = 20;

/// Proposes the agenda. Only cells the small-group rule lets the report show count, so the agenda
/// never reveals what the report hides.
pub fn propose<'a>(themes: &[ThemeFigures<'a>], min_group_size: i64) -> AgendaProposal<'a> {
    let shown = |t: &ThemeFigures<'a>| -> Vec<(Perspective, Cell)> {
        t.cells
            .iter()
            .filter_map(|(p, c)| match c.gated(min_group_size) {
                Gated::Shown(c) => Some((*p, c)),
                Gated::TooFew { .. } => None,
            })
            .collect()
    };
    let mut negative: Vec<(usize, &'a str, u32)> = Vec::new();
    let mut divided: Vec<(usize, &'a str, u32)> = Vec::new();
    for (i, t) in themes.iter().enumerate() {
        let cells = shown(t);
        let n: u32 = cells.iter().map(|(_, c)| c.negative).sum();
        if n > 0 {
            negative.push((i, t.theme, n));
        }
        let shares: Vec<u32> = cells
            .iter()
            .filter_map(|(_, c)| c.positive_share().map(crate::scores::Percent::rounded))
            .collect();
        if shares.len() >= 2 {
            let spread = shares.iter().max().unwrap_or(&0) - shares.iter().min().unwrap_or(&0);
            if spread >= MIN_SPREAD {
                divided.push((i, t.theme, spread));
            }
        }
    }
    negative.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    divided.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    AgendaProposal {
        most_negative: negative
            .into_iter()
            .take(TOP)
            .map(|(_, t, n)| (t, n))
            .collect(),
        most_divided: divided
            .into_iter()
            .take(TOP)
            .map(|(_, t, n)| (t, n))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(positive: u32, negative: u32, triads: usize) -> Cell {
        Cell {
            positive,
            negative,
            triads,
        }
    }

    #[test]
    fn names_the_most_negative_and_the_most_divided_themes() {
        use Perspective::{Family, Resident, Staff};
        let themes = vec![
            ThemeFigures {
                theme: "food",
                cells: vec![(Resident, cell(2, 8, 5)), (Staff, cell(8, 2, 5))],
            },
            ThemeFigures {
                theme: "safety",
                cells: vec![(Family, cell(9, 1, 6))],
            },
            ThemeFigures {
                theme: "activities",
                cells: vec![(Family, cell(1, 12, 5)), (Staff, cell(2, 11, 5))],
            },
        ];
        let a = propose(&themes, 5);
        assert_eq!(
            a.most_negative,
            vec![("activities", 23), ("food", 10), ("safety", 1)]
        );
        // food: resident 20 %, staff 80 % → 60 points apart; activities only 8 apart.
        assert_eq!(a.most_divided, vec![("food", 60)]);
    }

    #[test]
    fn cells_from_too_few_triads_do_not_count() {
        let themes = vec![ThemeFigures {
            theme: "food",
            cells: vec![
                (Perspective::Resident, cell(0, 9, 2)),
                (Perspective::Staff, cell(9, 0, 5)),
            ],
        }];
        let a = propose(&themes, 5);
        assert!(a.most_negative.is_empty());
        assert!(a.most_divided.is_empty());
    }
}
