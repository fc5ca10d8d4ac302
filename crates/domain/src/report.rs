//! The ward report's figures per theme (method.md §2 step 9): how many fragments on a theme are
//! positive and negative, per perspective, and from how many distinct triads they come — the
//! group size the small-group rule ([`crate::suppress`]) looks at.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::scores::Percent;
use crate::suppress::{Gated, gate};
use crate::{Perspective, Valence};

/// One coded fragment's contribution to a theme: a fragment with two themes gives two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThemeCode<'a> {
    pub theme: &'a str,
    pub perspective: Perspective,
    pub triad: &'a str,
    pub valence: Valence,
}

/// Positive and negative fragments on one theme from one perspective.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub positive: u32,
    pub negative: u32,
    /// Distinct triads with at least one positive or negative fragment in this cell.
    pub triads: usize,
}

impl Cell {
    /// The share of positive fragments (exact), `None` when nothing positive or negative.
    pub fn positive_share(&self) -> Option<Percent> {
        Percent::of(
            u64::from(self.positive),
            u64::from(self.positive) + u64::from(self.negative),
        )
    }

    /// The cell as the report may show it: suppressed when fewer than `min_group_size` triads
    /// are behind it.
    pub fn gated(&self, min_group_size: i64) -> Gated<Cell> {
        gate(self.triads, min_group_size, || self.clone())
    }
}

/// Tallies coded fragments into cells per (theme, perspective). Fragments valued
/// [`Valence::None`] are not about experienced quality and do not count.
pub fn tally<'a, I>(codes: I) -> BTreeMap<(&'a str, Perspective), Cell>
where
    I: IntoIterator<Item = ThemeCode<'a>>,
{
    let mut cells: BTreeMap<(&str, Perspective), (Cell, Vec<&str>)> = BTreeMap::new();
    for c in codes {
        if c.valence == Valence::None {
            continue;
        }
        let (cell, triads) = cells.entry((c.theme, c.perspective)).or_default();
        match c.valence {
            Valence::Positive => cell.positive = cell.positive.saturating_add(1),
            Valence::Negative => cell.negative = cell.negative.saturating_add(1),
            Valence::None => {}
        }
        triads.push(c.triad);
    }
    cells
        .into_iter()
        .map(|(k, (mut cell, triads))| {
            cell.triads = crate::suppress::distinct(triads);
            (k, cell)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(
        theme: &'static str,
        p: Perspective,
        triad: &'static str,
        v: Valence,
    ) -> ThemeCode<'static> {
        ThemeCode {
            theme,
            perspective: p,
            triad,
            valence: v,
        }
    }

    #[test]
    fn counts_per_theme_and_perspective_with_distinct_triads() {
        use Perspective::{Family, Staff};
        use Valence::{Negative, None, Positive};
        let cells = tally([
            code("food", Family, "t1", Positive),
            code("food", Family, "t1", Negative),
            code("food", Family, "t2", Positive),
            code("food", Staff, "t3", Negative),
            code("food", Family, "t4", None),
            code("safety", Family, "t1", Positive),
        ]);
        let food = &cells[&("food", Family)];
        assert_eq!((food.positive, food.negative, food.triads), (2, 1, 2));
        assert_eq!(food.positive_share().map(Percent::rounded), Some(67));
        assert_eq!(cells[&("food", Staff)].triads, 1);
        assert_eq!(
            cells.len(),
            3,
            "a cell of only 'none' fragments does not exist"
        );
    }

    #[test]
    fn a_cell_from_too_few_triads_is_suppressed() {
        let cell = Cell {
            positive: 30,
            negative: 2,
            triads: 4,
        };
        assert_eq!(cell.gated(5), Gated::TooFew { size: 4 });
        assert!(cell.gated(4).is_shown());
    }

    #[test]
    fn an_empty_cell_has_no_share() {
        assert_eq!(Cell::default().positive_share(), None);
    }
}
