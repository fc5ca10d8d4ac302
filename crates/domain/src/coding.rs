//! Who may code, and what a code is (method.md §2 step 7, §5).
//!
//! Coders (granted on a network or an organisation) and quality officers code the pseudonymised
//! fragments of the wards their grant reaches from above. Nobody else reads conversation text for
//! coding: team leaders read coded fragments through the (suppressed) reports instead.

use crate::Valence;
use crate::access::{NodePath, Role, Tenant};

/// Does the grant's node lie on or above `node` (same network, and the organisation agrees when
/// the grant names one)? Coders and quality officers are granted on a network or an organisation.
fn reaches_from_above(grant: &NodePath, node: &NodePath) -> bool {
    grant.network == node.network
        && grant.location.is_none()
        && grant.ward.is_none()
        && match (&grant.organisation, &node.organisation) {
            (None, _) => true,
            (Some(g), Some(n)) => g == n,
            (Some(_), None) => false,
        }
}

/// May this user code the conversations of the ward at `ward`?
pub fn may_code(tenant: &Tenant, ward: &NodePath) -> bool {
    tenant.grants.iter().any(|g| {
        matches!(g.role, Role::Coder | Role::QualityOfficer) && reaches_from_above(&g.path, ward)
    })
}

/// The most themes one fragment may carry; more means the fragment should be split.
pub const MAX_THEMES_PER_FRAGMENT: usize = 6;

/// A fragment's code: its valence and the keys of its themes (in the round's theme set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub valence: Valence,
    pub themes: Vec<String>,
}

/// Checks a code against the round's theme keys: a known valence, known themes, no more than
/// [`MAX_THEMES_PER_FRAGMENT`]. Duplicates are dropped; the order follows the theme set.
pub fn validate_code(
    valence: &str,
    themes: &[&str],
    theme_keys: &[&str],
) -> Result<Code, Vec<crate::validate::Problem>> {
    use crate::validate::Problem;
    let mut problems = Vec::new();
    let valence = match valence.trim() {
        "" | "none" | "0" => Some(Valence::None),
        v => Valence::parse(v),
    };
    if valence.is_none() {
        problems.push(Problem::new("valence", "coding-bad-valence"));
    }
    if themes.iter().any(|t| !theme_keys.contains(t)) {
        problems.push(Problem::new("themes", "coding-unknown-theme"));
    }
    let picked: Vec<String> = theme_keys
        .iter()
        .filter(|k| themes.contains(k))
        .map(|k| (*k).to_string())
        .collect();
    if picked.len() > MAX_THEMES_PER_FRAGMENT {
        problems.push(Problem::with_limit(
            "themes",
            "coding-too-many-themes",
            MAX_THEMES_PER_FRAGMENT,
        ));
    }
    match (valence, problems.is_empty()) {
        (Some(valence), true) => Ok(Code {
            valence,
            themes: picked,
        }),
        _ => Err(problems),
    }
}

/// Is a conversation among the `percent` % picked for double coding? Deterministic (a hash of
/// its id), so the pick does not change between page views and needs no stored state; spread
/// evenly over ids, so about `percent` % of a round's conversations are picked.
pub fn picked_for_double_coding(conversation_id: &str, percent: i64) -> bool {
    if percent <= 0 {
        return false;
    }
    let hash = conversation_id
        .bytes()
        .fold(0xCBF2_9CE4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
        });
    i64::try_from(hash % 100).unwrap_or(0) < percent
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Grant;

    fn path(o: Option<&str>, l: Option<&str>, w: Option<&str>) -> NodePath {
        NodePath {
            network: "n".into(),
            organisation: o.map(Into::into),
            location: l.map(Into::into),
            ward: w.map(Into::into),
        }
    }

    fn tenant(role: Role, p: NodePath) -> Tenant {
        Tenant {
            user_id: "u".into(),
            grants: vec![Grant { role, path: p }],
        }
    }

    #[test]
    fn coders_and_quality_officers_code_below_their_grant_only() {
        let ward = path(Some("a"), Some("l"), Some("w"));
        assert!(may_code(
            &tenant(Role::Coder, path(None, None, None)),
            &ward
        ));
        assert!(may_code(
            &tenant(Role::Coder, path(Some("a"), None, None)),
            &ward
        ));
        assert!(!may_code(
            &tenant(Role::Coder, path(Some("b"), None, None)),
            &ward
        ));
        assert!(may_code(
            &tenant(Role::QualityOfficer, path(Some("a"), None, None)),
            &ward
        ));
        let mut other_net = path(None, None, None);
        other_net.network = "m".into();
        assert!(!may_code(&tenant(Role::Coder, other_net), &ward));
        for role in [
            Role::TeamLeader,
            Role::Interviewer,
            Role::CareWorker,
            Role::Student,
        ] {
            assert!(!may_code(&tenant(role, ward.clone()), &ward), "{role:?}");
        }
        assert!(!may_code(
            &tenant(Role::NetworkCoordinator, path(None, None, None)),
            &ward
        ));
    }

    #[test]
    fn double_coding_picks_about_the_share_asked_and_always_the_same() {
        let ids: Vec<String> = (0..2000).map(|i| format!("0190-conv-{i}")).collect();
        let picked = ids
            .iter()
            .filter(|id| picked_for_double_coding(id, 20))
            .count();
        assert!((300..=500).contains(&picked), "{picked} of 2000 at 20%");
        assert!(ids.iter().all(|id| picked_for_double_coding(id, 100)));
        assert!(!ids.iter().any(|id| picked_for_double_coding(id, 0)));
        assert_eq!(
            picked_for_double_coding("abc", 37),
            picked_for_double_coding("abc", 37)
        );
    }

    #[test]
    fn codes_are_checked_against_the_theme_set() {
        let keys = ["food", "care", "safety"];
        let c = validate_code("positive", &["safety", "food", "food"], &keys).unwrap();
        assert_eq!(c.valence, Valence::Positive);
        assert_eq!(c.themes, vec!["food", "safety"]);
        assert_eq!(
            validate_code("", &[], &keys).unwrap().valence,
            Valence::None
        );
        let e = validate_code("great", &["unknown"], &keys).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["valence", "themes"]);
        let many: Vec<String> = (0..8).map(|i| format!("t{i}")).collect();
        let many_keys: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            validate_code("negative", &many_keys, &many_keys).unwrap_err()[0].key,
            "coding-too-many-themes"
        );
    }
}
