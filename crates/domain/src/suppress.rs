//! Small-group suppression (method.md §5): no report cell, chart or quote is shown for a group
//! smaller than the network's minimum group size, because a handful of stories can identify the
//! care worker or family member behind them.
//!
//! The rule is one function, [`gate`], so every report applies it the same way: a figure or quote
//! is computed from a group of distinct people (here: distinct triads, each one resident, one
//! family member, one care worker); below the minimum the figure is replaced by [`Gated::TooFew`].

use serde::Serialize;

/// The default minimum group size of a network (method.md §5: "default 5 persons").
pub const DEFAULT_MIN_GROUP_SIZE: u32 = 5;

/// A value that may be shown, or the reason it is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "shown", content = "value")]
pub enum Gated<T> {
    /// The group is large enough: show the value.
    Shown(T),
    /// The group has `size` members, fewer than the minimum: show "too few" with an explanation.
    TooFew { size: usize },
}

impl<T> Gated<T> {
    pub fn shown(&self) -> Option<&T> {
        match self {
            Gated::Shown(v) => Some(v),
            Gated::TooFew { .. } => None,
        }
    }

    pub fn is_shown(&self) -> bool {
        matches!(self, Gated::Shown(_))
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Gated<U> {
        match self {
            Gated::Shown(v) => Gated::Shown(f(v)),
            Gated::TooFew { size } => Gated::TooFew { size },
        }
    }
}

/// A minimum below 1 would show groups of nobody; treat it as 1.
fn effective(min_group_size: i64) -> usize {
    usize::try_from(min_group_size.max(1)).unwrap_or(usize::MAX)
}

/// True when a group of `group_size` distinct people may be reported on.
pub fn may_show(group_size: usize, min_group_size: i64) -> bool {
    group_size >= effective(min_group_size)
}

/// The value for a group of `group_size` distinct people, or [`Gated::TooFew`] below the minimum.
/// The value is only computed when it may be shown.
pub fn gate<T>(group_size: usize, min_group_size: i64, value: impl FnOnce() -> T) -> Gated<T> {
    if may_show(group_size, min_group_size) {
        Gated::Shown(value())
    } else {
        Gated::TooFew { size: group_size }
    }
}

/// Counts distinct members of a group (e.g. the triad ids behind a cell).
pub fn distinct<'a, I: IntoIterator<Item = &'a str>>(members: I) -> usize {
    let mut v: Vec<&str> = members.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    v.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_at_the_minimum_is_shown_below_it_is_not() {
        assert_eq!(gate(5, 5, || "x"), Gated::Shown("x"));
        assert_eq!(gate(4, 5, || "x"), Gated::TooFew { size: 4 });
        assert_eq!(gate(0, 5, || "x"), Gated::TooFew { size: 0 });
        assert!(may_show(12, 5));
        assert!(!may_show(2, 3));
        assert!(may_show(3, 3));
    }

    #[test]
    fn the_value_is_not_computed_for_a_suppressed_group() {
        let mut called = false;
        let g = gate(1, 5, || {
            called = true;
            7
        });
        assert!(!called);
        assert!(!g.is_shown());
        assert_eq!(g.shown(), None);
    }

    #[test]
    fn a_nonsensical_minimum_still_hides_empty_groups() {
        assert!(!may_show(0, 0));
        assert!(!may_show(0, -3));
        assert!(may_show(1, 0));
    }

    #[test]
    fn distinct_counts_each_member_once() {
        assert_eq!(distinct(["a", "b", "a", "c", "b"]), 3);
        assert_eq!(distinct(Vec::<&str>::new()), 0);
    }

    #[test]
    fn map_keeps_the_size_of_a_suppressed_group() {
        assert_eq!(gate(2, 5, || 1).map(|v| v + 1), Gated::TooFew { size: 2 });
        assert_eq!(gate(6, 5, || 1).map(|v| v + 1), Gated::Shown(2));
    }
}
