//! Cohen's kappa: agreement between two coders beyond chance (method.md §2 step 7).
//!
//! A second coder codes part of the material independently; kappa tells whether the valences and
//! themes are coded reliably enough for the scores built on them to be trusted.

use std::collections::HashMap;
use std::hash::Hash;

/// Cohen's kappa for two coders who each put the same items into one category:
/// `(p_o − p_e) / (1 − p_e)` with `p_o` the observed and `p_e` the chance agreement.
///
/// Each pair is `(coder A's category, coder B's category)` for one item.
/// - `None` for no items: there is nothing to agree on.
/// - When `p_e` = 1 the formula is 0/0. That happens only when both coders put every item in one
///   and the same category, so they agree perfectly; this returns `Some(1.0)` rather than an
///   undefined value, because reporting "no agreement" for total agreement would mislead.
///
/// Computed from integer counts (`(n·agree − Σ aₖbₖ) / (n² − Σ aₖbₖ)`) so one division is the only
/// rounding.
pub fn cohens_kappa<T: Eq + Hash>(pairs: &[(T, T)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as u128;
    let mut marginals: HashMap<&T, (u128, u128)> = HashMap::new();
    let mut agreed: u128 = 0;
    for (a, b) in pairs {
        marginals.entry(a).or_default().0 += 1;
        marginals.entry(b).or_default().1 += 1;
        if a == b {
            agreed += 1;
        }
    }
    let chance: u128 = marginals.values().map(|(a, b)| a * b).sum();
    let denominator = n * n - chance;
    if denominator == 0 {
        return Some(1.0);
    }
    let numerator = (n * agreed) as i128 - chance as i128;
    Some(numerator as f64 / denominator as f64)
}

/// Kappa for one theme, coded as present (`true`) or absent per fragment by each coder. Themes are
/// multi-label, so agreement is measured theme by theme.
pub fn theme_kappa(pairs: &[(bool, bool)]) -> Option<f64> {
    cohens_kappa(pairs)
}

/// Turns the theme codings of two coders into present/absent pairs for one theme, ready for
/// [`theme_kappa`]. Each item is `(coder A's themes, coder B's themes)` for one fragment.
pub fn theme_presence<'a, K, I>(codings: I, theme: &K) -> Vec<(bool, bool)>
where
    K: PartialEq + 'a,
    I: IntoIterator<Item = (&'a [K], &'a [K])>,
{
    codings
        .into_iter()
        .map(|(a, b)| (a.contains(theme), b.contains(theme)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: Option<f64>, expected: f64) -> bool {
        actual.is_some_and(|k| (k - expected).abs() < 1e-12)
    }

    fn repeat<T: Clone>(pair: (T, T), times: usize) -> Vec<(T, T)> {
        vec![pair; times]
    }

    #[test]
    fn textbook_two_by_two() {
        // 50 items: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no.
        // p_o = 35/50 = 0.7; A says yes 25×, B 30×; p_e = (25·30 + 25·20)/2500 = 0.5;
        // kappa = 0.2 / 0.5 = 0.4.
        let mut pairs = repeat((true, true), 20);
        pairs.extend(repeat((true, false), 5));
        pairs.extend(repeat((false, true), 10));
        pairs.extend(repeat((false, false), 15));
        assert!(close(theme_kappa(&pairs), 0.4), "{:?}", theme_kappa(&pairs));
    }

    #[test]
    fn three_categories_by_hand() {
        // Rows coder A, columns coder B, n = 20:
        //        a  b  c | A
        //   a    5  1  0 | 6
        //   b    2  4  1 | 7
        //   c    0  1  6 | 7
        //   B    7  6  7
        // p_o = 15/20 = 0.75; p_e = (6·7 + 7·6 + 7·7)/400 = 133/400 = 0.3325;
        // kappa = (0.75 − 0.3325)/(1 − 0.3325) = 167/267 ≈ 0.62547.
        let mut pairs = repeat(('a', 'a'), 5);
        pairs.extend(repeat(('a', 'b'), 1));
        pairs.extend(repeat(('b', 'a'), 2));
        pairs.extend(repeat(('b', 'b'), 4));
        pairs.extend(repeat(('b', 'c'), 1));
        pairs.extend(repeat(('c', 'b'), 1));
        pairs.extend(repeat(('c', 'c'), 6));
        assert!(close(cohens_kappa(&pairs), 167.0 / 267.0));
    }

    #[test]
    fn perfect_and_inverse_agreement() {
        let perfect = [("pos", "pos"), ("neg", "neg"), ("pos", "pos")];
        assert!(close(cohens_kappa(&perfect), 1.0));
        // Always opposite with balanced marginals: p_o = 0, p_e = 0.5 → −1.
        let opposite = [(true, false), (false, true)];
        assert!(close(theme_kappa(&opposite), -1.0));
    }

    #[test]
    fn agreement_at_chance_level_is_zero() {
        // A says yes half the time, B always yes: p_o = 0.5 = p_e.
        let pairs = [(true, true), (false, true), (true, true), (false, true)];
        assert!(close(theme_kappa(&pairs), 0.0));
    }

    #[test]
    fn empty_and_single_category() {
        assert_eq!(cohens_kappa::<u8>(&[]), None);
        assert_eq!(theme_kappa(&[(false, false), (false, false)]), Some(1.0));
        assert_eq!(cohens_kappa(&[("x", "x")]), Some(1.0));
    }

    #[test]
    fn theme_presence_per_fragment() {
        let a1 = ["food_drink", "safety"];
        let b1 = ["food_drink"];
        let a2: [&str; 0] = [];
        let b2 = ["safety"];
        let codings: Vec<(&[&str], &[&str])> = vec![(&a1, &b1), (&a2, &b2)];
        assert_eq!(
            theme_presence(codings.clone(), &"food_drink"),
            vec![(true, true), (false, false)]
        );
        assert_eq!(
            theme_presence(codings, &"safety"),
            vec![(true, false), (false, true)]
        );
    }
}
