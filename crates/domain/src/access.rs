//! Roles and what they reach: the tenancy rules of Driehoek.
//!
//! A role is granted on one node of the tree network → organisation → location → ward. It reaches
//! that node, everything below it, and the nodes above it (so a team leader can find their ward),
//! but never a sibling: a ward role in organisation A never reaches organisation B.

use serde::Serialize;

/// The roles of product.md. Residents and families have no account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    NetworkCoordinator,
    QualityOfficer,
    TeamLeader,
    Interviewer,
    Coder,
    CareWorker,
    SupportService,
    ClientCouncil,
    Student,
}

/// The level of the tree a role is granted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Network,
    Organisation,
    Location,
    Ward,
}

impl Level {
    pub fn key(self) -> &'static str {
        match self {
            Level::Network => "network",
            Level::Organisation => "organisation",
            Level::Location => "location",
            Level::Ward => "ward",
        }
    }
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::NetworkCoordinator,
        Role::QualityOfficer,
        Role::TeamLeader,
        Role::Interviewer,
        Role::Coder,
        Role::CareWorker,
        Role::SupportService,
        Role::ClientCouncil,
        Role::Student,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Role::NetworkCoordinator => "network_coordinator",
            Role::QualityOfficer => "quality_officer",
            Role::TeamLeader => "team_leader",
            Role::Interviewer => "interviewer",
            Role::Coder => "coder",
            Role::CareWorker => "care_worker",
            Role::SupportService => "support_service",
            Role::ClientCouncil => "client_council",
            Role::Student => "student",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == s)
    }

    /// The levels a role may be granted on: a coordinator works for a whole network, a care worker
    /// on one ward.
    pub fn levels(self) -> &'static [Level] {
        match self {
            Role::NetworkCoordinator => &[Level::Network],
            Role::QualityOfficer | Role::Interviewer => &[Level::Organisation],
            Role::Coder => &[Level::Network, Level::Organisation],
            Role::TeamLeader | Role::Student => &[Level::Location, Level::Ward],
            Role::CareWorker => &[Level::Ward],
            Role::SupportService | Role::ClientCouncil => &[Level::Organisation, Level::Location],
        }
    }
}

/// Where a node sits in the tree: the ids of the node and its ancestors.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodePath {
    pub network: String,
    pub organisation: Option<String>,
    pub location: Option<String>,
    pub ward: Option<String>,
}

impl NodePath {
    pub fn level(&self) -> Level {
        if self.ward.is_some() {
            Level::Ward
        } else if self.location.is_some() {
            Level::Location
        } else if self.organisation.is_some() {
            Level::Organisation
        } else {
            Level::Network
        }
    }

    /// True when one path lies on the other's line (ancestor, descendant or the same node).
    fn on_line_with(&self, other: &NodePath) -> bool {
        fn agree(a: Option<&String>, b: Option<&String>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
        }
        self.network == other.network
            && agree(self.organisation.as_ref(), other.organisation.as_ref())
            && agree(self.location.as_ref(), other.location.as_ref())
            && agree(self.ward.as_ref(), other.ward.as_ref())
    }

    /// True when `self` is `node` or lies above it.
    fn covers(&self, node: &NodePath) -> bool {
        self.on_line_with(node) && self.level() <= node.level()
    }
}

/// One role of a user on one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub path: NodePath,
}

/// Everything a signed-in user may see and do, derived from their grants alone.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    pub user_id: String,
    pub grants: Vec<Grant>,
}

impl Tenant {
    /// May this user see the node? Every read of structure goes through here.
    pub fn sees(&self, node: &NodePath) -> bool {
        self.grants.iter().any(|g| g.path.on_line_with(node))
    }

    /// May this user change the node and what lies below it (rename, add children, manage users)?
    /// Coordinators manage their network, quality officers their organisation.
    pub fn manages(&self, node: &NodePath) -> bool {
        self.grants.iter().any(|g| {
            matches!(g.role, Role::NetworkCoordinator | Role::QualityOfficer) && g.path.covers(node)
        })
    }

    /// Does this user lead the node as team leader (granted on it or on its location)?
    pub fn leads(&self, node: &NodePath) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == Role::TeamLeader && g.path.covers(node))
    }

    /// May this user plan the ward's evaluation meeting and change its improvement actions?
    /// Quality officers (and coordinators) of the organisation and the ward's team leader.
    pub fn acts_on(&self, node: &NodePath) -> bool {
        self.manages(node) || self.leads(node)
    }

    /// May this user read the audit log of the node (coordinators and quality officers)?
    pub fn reads_audit(&self, node: &NodePath) -> bool {
        self.manages(node)
    }

    /// May this user read the results (scores, reports) of the node? Interviewers and students
    /// may not: they see only their own conversations and training material.
    pub fn reads_results(&self, node: &NodePath) -> bool {
        self.grants.iter().any(|g| {
            !matches!(
                g.role,
                Role::Interviewer | Role::Student | Role::SupportService
            ) && g.path.on_line_with(node)
        })
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The networks this user belongs to.
    pub fn networks(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .grants
            .iter()
            .map(|g| g.path.network.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(n: &str, o: Option<&str>, l: Option<&str>, w: Option<&str>) -> NodePath {
        NodePath {
            network: n.into(),
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
    fn a_ward_role_sees_its_ancestors_but_no_siblings() {
        let t = tenant(
            Role::TeamLeader,
            path("n", Some("a"), Some("a1"), Some("w1")),
        );
        assert!(t.sees(&path("n", None, None, None)));
        assert!(t.sees(&path("n", Some("a"), None, None)));
        assert!(t.sees(&path("n", Some("a"), Some("a1"), Some("w1"))));
        assert!(!t.sees(&path("n", Some("a"), Some("a1"), Some("w2"))));
        assert!(!t.sees(&path("n", Some("a"), Some("a2"), None)));
        assert!(!t.sees(&path("n", Some("b"), None, None)));
        assert!(!t.sees(&path("m", None, None, None)));
        assert!(!t.manages(&path("n", Some("a"), Some("a1"), Some("w1"))));
    }

    #[test]
    fn a_quality_officer_manages_only_their_organisation() {
        let t = tenant(Role::QualityOfficer, path("n", Some("a"), None, None));
        assert!(t.manages(&path("n", Some("a"), Some("a1"), Some("w1"))));
        assert!(t.manages(&path("n", Some("a"), None, None)));
        assert!(!t.manages(&path("n", None, None, None)));
        assert!(!t.manages(&path("n", Some("b"), None, None)));
        assert!(!t.sees(&path("n", Some("b"), Some("b1"), None)));
    }

    #[test]
    fn a_coordinator_manages_the_whole_network_and_nothing_else() {
        let t = tenant(Role::NetworkCoordinator, path("n", None, None, None));
        assert!(t.manages(&path("n", Some("b"), Some("b1"), Some("w9"))));
        assert!(!t.sees(&path("m", Some("x"), None, None)));
    }

    #[test]
    fn every_role_has_a_level_and_round_trips() {
        for r in Role::ALL {
            assert!(!r.levels().is_empty());
            assert_eq!(Role::parse(r.key()), Some(r));
        }
    }
}
