//! The yearly kwaliteitsbeeld of a location or an organisation (method.md §2 step 12): built once
//! here as plain data, rendered twice by the web layer (HTML page and PDF).
//!
//! The picture is built per location ([`location_part`]) so that a large organisation's page can
//! show each location as soon as it is ready. Every figure passes the small-group rule: plots of
//! fewer scored triads than the network's minimum are left out, and so are theme lines behind
//! fewer triads.
//!
//! Tenancy: a location's or organisation's picture is visible to those who read results there
//! with a role on the node or above it ([`Tenant::reads_results`]); NotFound otherwise.

use crate::audit::{self, Entry};
use crate::db::{Db, StoreError, new_id, now};
use crate::reports::{self, ThemeInfo};
use crate::rounds::{self, Round};
use crate::structure::{self, Location};
use crate::{read, write};
use driehoek_domain::access::{NodePath, Role, Tenant};
use driehoek_domain::report::{ThemeCode, tally};
use driehoek_domain::suppress::may_show;
use driehoek_domain::{Perspective, Valence};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a kwaliteitsbeeld is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NodeKind {
    Location,
    Organisation,
}

impl NodeKind {
    pub fn key(self) -> &'static str {
        match self {
            NodeKind::Location => "location",
            NodeKind::Organisation => "organisation",
        }
    }
}

/// The frame of a picture: the node, the year, the reflection and the sign-off, and the locations
/// whose parts follow.
#[derive(Debug, Clone, Serialize)]
pub struct Picture {
    pub kind: NodeKind,
    pub node_id: String,
    pub node_name: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub network_id: String,
    pub path: NodePathView,
    pub year: i64,
    pub min_group_size: i64,
    pub reflection: String,
    pub council_signed_on: Option<String>,
    pub council_signed_by: Option<String>,
    pub updated_at: Option<String>,
    pub locations: Vec<Location>,
    /// Years that have rounds, newest first (for the year choice).
    pub years: Vec<i64>,
}

/// The node's path as plain ids (for audit entries and checks by the caller).
#[derive(Debug, Clone, Serialize, Default)]
pub struct NodePathView {
    pub network: String,
    pub organisation: String,
    pub location: Option<String>,
}

impl NodePathView {
    fn node_path(&self) -> NodePath {
        NodePath {
            network: self.network.clone(),
            organisation: Some(self.organisation.clone()),
            location: self.location.clone(),
            ward: None,
        }
    }
}

/// One location's part of the picture.
#[derive(Debug, Clone, Serialize)]
pub struct LocationPart {
    pub id: String,
    pub name: String,
    pub rounds: Vec<RoundPart>,
    /// Theme lines shown (enough triads), by theme order.
    pub themes: Vec<ThemeLine>,
    /// Theme lines left out because fewer triads than the minimum were behind them.
    pub themes_suppressed: usize,
    pub meetings: Vec<MeetingLine>,
    pub actions: Vec<ActionLine>,
}

/// A round held in the year on a ward of the location.
#[derive(Debug, Clone, Serialize)]
pub struct RoundPart {
    pub ward_name: String,
    pub round_name: String,
    pub period_start: String,
    pub period_end: String,
    pub status: String,
    pub triads: usize,
    /// Conversations with a transcript, per perspective (resident, family, staff).
    pub conversations: [i64; 3],
    pub scored: usize,
    /// The plot's points (agreement, valence), or `None` when too few triads are scored.
    pub plot: Option<Vec<(u32, u32)>>,
}

/// Positive and negative fragments on one theme over the location's rounds of the year.
#[derive(Debug, Clone, Serialize)]
pub struct ThemeLine {
    pub key: String,
    pub name_nl: String,
    pub name_en: String,
    pub positive: u32,
    pub negative: u32,
    pub triads: usize,
}

impl ThemeLine {
    pub fn name(&self, english: bool) -> &str {
        if english {
            &self.name_en
        } else {
            &self.name_nl
        }
    }
    /// Positive share in whole percent.
    pub fn positive_percent(&self) -> u32 {
        let all = self.positive + self.negative;
        (self.positive * 100 + all / 2)
            .checked_div(all)
            .unwrap_or(0)
    }
}

/// An evaluation meeting of the year with its attendance per role (counts, never names).
#[derive(Debug, Clone, Serialize)]
pub struct MeetingLine {
    pub ward_name: String,
    pub held_on: String,
    pub status: String,
    pub attendance: Vec<(String, i64)>,
    pub invited: Vec<(String, i64)>,
}

/// An improvement action of the year.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ActionLine {
    pub ward_name: String,
    pub title: String,
    pub status: String,
    pub due_on: Option<String>,
}

/// The roles attendance is counted for, in the order reports show them.
pub const MEETING_ROLES: [&str; 6] = [
    "resident",
    "family",
    "care_staff",
    "team_leader",
    "support_service",
    "client_council",
];

/// The picture is about the whole node: only those who read results on all of it see it — a role
/// granted on the node or above it, not one on a single ward below it (that would be a partial
/// picture under the node's name), and not the roles that never read results.
fn check_reads(tenant: &Tenant, path: &NodePath) -> Result<(), StoreError> {
    if reads_picture(tenant, path) {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Whether the tenant may see the quality picture of the location or organisation at `path`
/// (pages show the link only then).
pub fn reads_picture(tenant: &Tenant, path: &NodePath) -> bool {
    let covers = |g: &driehoek_domain::access::Grant| {
        g.path.network == path.network
            && g.path.ward.is_none()
            && match (&g.path.organisation, &g.path.location) {
                (None, _) => true,
                (Some(o), None) => path.organisation.as_ref() == Some(o),
                (Some(o), Some(l)) => {
                    path.organisation.as_ref() == Some(o) && path.location.as_ref() == Some(l)
                }
            }
    };
    let reads = tenant.grants.iter().any(|g| {
        !matches!(
            g.role,
            Role::Interviewer | Role::Student | Role::SupportService
        ) && covers(g)
    });
    reads && tenant.reads_results(path)
}

/// May this user write the reflection (quality officers and coordinators above the node)?
pub fn may_reflect(tenant: &Tenant, picture: &Picture) -> bool {
    tenant.manages(&picture.path.node_path())
}

/// May this user record the client council's sign-off (a client council member of the
/// organisation or location, or a quality officer recording it for the council)?
pub fn may_sign(tenant: &Tenant, picture: &Picture) -> bool {
    let p = picture.path.node_path();
    tenant.manages(&p)
        || tenant.grants.iter().any(|g| {
            g.role == Role::ClientCouncil
                && g.path.organisation.as_deref() == Some(picture.organisation_id.as_str())
                && (g.path.location.is_none() || g.path.location == p.location)
        })
}

#[derive(sqlx::FromRow)]
struct Saved {
    reflection: String,
    council_signed_on: Option<String>,
    council_signed_by: Option<String>,
    updated_at: String,
}

/// The frame of the picture of a location (`kind` Location) or organisation in `year`
/// (`None`: the latest year with a reported round, else the latest year with a round).
pub async fn picture(
    db: &Db,
    tenant: &Tenant,
    kind: NodeKind,
    node_id: &str,
    year: Option<i64>,
) -> Result<Picture, StoreError> {
    let (node_name, org_id, network_id, location, locations) = match kind {
        NodeKind::Location => {
            let l = structure::location(db, tenant, node_id).await?;
            check_reads(tenant, &l.path())?;
            (
                l.name.clone(),
                l.organisation_id.clone(),
                l.network_id.clone(),
                Some(l.id.clone()),
                vec![l],
            )
        }
        NodeKind::Organisation => {
            let o = structure::organisation(db, tenant, node_id).await?;
            check_reads(tenant, &o.path())?;
            let locs = structure::locations(db, tenant, &o.id).await?;
            (o.name, o.id, o.network_id, None, locs)
        }
    };
    let organisation_name = match kind {
        NodeKind::Organisation => node_name.clone(),
        NodeKind::Location => structure::organisation(db, tenant, &org_id).await?.name,
    };
    let years_rows: Vec<(String, String)> = read!(db, |c| {
        sqlx::query_as(
        "SELECT DISTINCT SUBSTR(period_start, 1, 4), status FROM rounds WHERE organisation_id = $1"
    )
    .bind(&org_id)
    .fetch_all(c)
    .await
    })?;
    let mut years: Vec<i64> = years_rows
        .iter()
        .filter_map(|(y, _)| y.parse().ok())
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let reported = years_rows
        .iter()
        .filter(|(_, s)| s == "reporting" || s == "closed")
        .filter_map(|(y, _)| y.parse::<i64>().ok())
        .max();
    let year = year
        .or(reported)
        .or_else(|| years.first().copied())
        .unwrap_or_else(|| now().get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026));
    let saved: Option<Saved> = read!(db, |c| {
        sqlx::query_as(
        "SELECT reflection, council_signed_on, council_signed_by, updated_at FROM quality_pictures WHERE node_id = $1 AND year = $2"
    )
    .bind(node_id)
    .bind(year)
    .fetch_optional(c)
    .await
    })?;
    let min_group_size = reports::min_group_size(db, &network_id).await?;
    Ok(Picture {
        kind,
        node_id: node_id.to_string(),
        node_name,
        organisation_id: org_id.clone(),
        organisation_name,
        network_id: network_id.clone(),
        path: NodePathView {
            network: network_id,
            organisation: org_id,
            location,
        },
        year,
        min_group_size,
        reflection: saved
            .as_ref()
            .map(|s| s.reflection.clone())
            .unwrap_or_default(),
        council_signed_on: saved.as_ref().and_then(|s| s.council_signed_on.clone()),
        council_signed_by: saved.as_ref().and_then(|s| s.council_signed_by.clone()),
        updated_at: saved.map(|s| s.updated_at),
        locations,
        years,
    })
}

/// One location's part of the picture's year. The caller got the location from [`picture`].
pub async fn location_part(
    db: &Db,
    tenant: &Tenant,
    picture: &Picture,
    location: &Location,
) -> Result<LocationPart, StoreError> {
    let year = format!("{:04}", picture.year);
    let min = picture.min_group_size;
    let wards = structure::wards(db, tenant, &location.id).await?;
    let mut rounds_out = Vec::new();
    let mut theme_names: BTreeMap<String, ThemeInfo> = BTreeMap::new();
    let mut theme_order: Vec<String> = Vec::new();
    let mut all_rows = Vec::new();
    let mut sets_seen: Vec<String> = Vec::new();
    for ward in &wards {
        let ward_rounds: Vec<Round> = read!(db, |c| {
            sqlx::query_as(
            "SELECT r.id, r.organisation_id, r.name, r.period_start, r.period_end, r.status, r.theme_set_id, r.created_at
             FROM rounds r
             WHERE SUBSTR(r.period_start, 1, 4) = $1
               AND EXISTS (SELECT 1 FROM triads t WHERE t.round_id = r.id AND t.ward_id = $2)
             ORDER BY r.period_start"
        )
        .bind(&year)
        .bind(&ward.id)
        .fetch_all(c)
        .await
        })?;
        for round in ward_rounds {
            let triads = rounds::scored_triads(db, tenant, &ward.id, &round.id).await?;
            let points: Vec<(u32, u32)> = triads
                .iter()
                .filter_map(|t| Some((t.scores.agreement?.score, t.scores.valence?.rounded())))
                .collect();
            let counts: Vec<(String, i64)> = read!(db, |c| {
                sqlx::query_as(
                "SELECT c.perspective, CAST(COUNT(DISTINCT c.id) AS BIGINT) FROM conversations c
                 JOIN triads t ON t.id = c.triad_id
                 WHERE t.ward_id = $1 AND t.round_id = $2
                   AND EXISTS (SELECT 1 FROM fragments f WHERE f.conversation_id = c.id)
                 GROUP BY c.perspective"
            )
            .bind(&ward.id)
            .bind(&round.id)
            .fetch_all(c)
            .await
            })?;
            let mut conversations = [0i64; 3];
            for (p, n) in counts {
                if let Some(i) = Perspective::ALL.iter().position(|x| x.key() == p) {
                    conversations[i] = n;
                }
            }
            if !sets_seen.contains(&round.theme_set_id) {
                for t in reports::themes_of_set(db, &round.theme_set_id).await? {
                    if !theme_order.contains(&t.key) {
                        theme_order.push(t.key.clone());
                    }
                    theme_names.insert(t.id.clone(), t);
                }
                sets_seen.push(round.theme_set_id.clone());
            }
            all_rows.extend(reports::themed_fragments(db, &ward.id, &round.id).await?);
            rounds_out.push(RoundPart {
                ward_name: ward.name.clone(),
                round_name: round.name.clone(),
                period_start: round.period_start.clone(),
                period_end: round.period_end.clone(),
                status: round.status.clone(),
                triads: triads.len(),
                conversations,
                scored: points.len(),
                plot: may_show(points.len(), min).then_some(points),
            });
        }
    }
    // Themes over the whole year of the location, merged by key (sets may have versions).
    let codes: Vec<ThemeCode<'_>> = all_rows
        .iter()
        .filter_map(|r| {
            Some(ThemeCode {
                theme: theme_names.get(&r.theme_id)?.key.as_str(),
                perspective: Perspective::parse(&r.perspective)?,
                // Triad ids are unique over rounds: a person is counted once per round.
                triad: r.triad_id.as_str(),
                valence: Valence::parse(&r.valence)?,
            })
        })
        .collect();
    let cells = tally(codes.iter().copied());
    let mut themes = Vec::new();
    let mut themes_suppressed = 0;
    for key in &theme_order {
        let mut positive = 0;
        let mut negative = 0;
        let mut triad_ids: Vec<&str> = Vec::new();
        for c in codes.iter().filter(|c| c.theme == key) {
            triad_ids.push(c.triad);
        }
        for p in Perspective::ALL {
            if let Some(cell) = cells.get(&(key.as_str(), p)) {
                positive += cell.positive;
                negative += cell.negative;
            }
        }
        if positive + negative == 0 {
            continue;
        }
        let triads = driehoek_domain::suppress::distinct(triad_ids);
        if !may_show(triads, min) {
            themes_suppressed += 1;
            continue;
        }
        let info = theme_names.values().find(|t| &t.key == key);
        themes.push(ThemeLine {
            key: key.clone(),
            name_nl: info.map(|t| t.name_nl.clone()).unwrap_or_default(),
            name_en: info.map(|t| t.name_en.clone()).unwrap_or_default(),
            positive,
            negative,
            triads,
        });
    }

    // Meetings held in the year on the location's wards, with attendance per role.
    let meetings_rows: Vec<(String, String, String, String)> = read!(db, |c| {
        sqlx::query_as(
        "SELECT m.id, w.name, m.held_on, m.status FROM meetings m JOIN wards w ON w.id = m.ward_id
         WHERE w.location_id = $1 AND SUBSTR(m.held_on, 1, 4) = $2
         ORDER BY m.held_on, w.name"
    )
    .bind(&location.id)
    .bind(&year)
    .fetch_all(c)
    .await
    })?;
    let mut meetings = Vec::new();
    for (id, ward_name, held_on, status) in meetings_rows {
        let attendance: Vec<(String, i64)> = read!(db, |c| sqlx::query_as(
            "SELECT role, attended FROM meeting_attendance WHERE meeting_id = $1"
        )
        .bind(&id)
        .fetch_all(c)
        .await)?;
        let invited: Vec<(String, i64)> = read!(db, |c| sqlx::query_as(
            "SELECT role, invited FROM meeting_invitees WHERE meeting_id = $1"
        )
        .bind(&id)
        .fetch_all(c)
        .await)?;
        let order = |v: Vec<(String, i64)>| -> Vec<(String, i64)> {
            MEETING_ROLES
                .iter()
                .map(|r| {
                    let n = v.iter().find(|(k, _)| k == r).map_or(0, |(_, n)| *n);
                    ((*r).to_string(), n)
                })
                .collect()
        };
        meetings.push(MeetingLine {
            ward_name,
            held_on,
            status,
            attendance: order(attendance),
            invited: order(invited),
        });
    }

    // Actions of the location's wards that belong to the year: from one of its rounds, or made,
    // changed or due in it.
    let actions: Vec<ActionLine> = read!(db, |c| sqlx::query_as(
        "SELECT w.name AS ward_name, a.title, a.status, a.due_on FROM actions a
         JOIN wards w ON w.id = a.ward_id
         LEFT JOIN rounds r ON r.id = a.round_id
         WHERE w.location_id = $1
           AND (SUBSTR(COALESCE(r.period_start, ''), 1, 4) = $2 OR SUBSTR(a.created_at, 1, 4) = $2
                OR SUBSTR(a.updated_at, 1, 4) = $2 OR SUBSTR(COALESCE(a.due_on, ''), 1, 4) = $2)
         ORDER BY w.name, a.created_at"
    )
    .bind(&location.id)
    .bind(&year)
    .fetch_all(c)
    .await)?;

    Ok(LocationPart {
        id: location.id.clone(),
        name: location.name.clone(),
        rounds: rounds_out,
        themes,
        themes_suppressed,
        meetings,
        actions,
    })
}

/// Every location's part, calling `progress(done, total)` after each.
pub async fn all_parts(
    db: &Db,
    tenant: &Tenant,
    picture: &Picture,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<LocationPart>, StoreError> {
    let mut out = Vec::new();
    for (i, l) in picture.locations.iter().enumerate() {
        out.push(location_part(db, tenant, picture, l).await?);
        progress(i + 1, picture.locations.len());
    }
    Ok(out)
}

/// Makes the picture's row for the year when it does not exist yet.
async fn ensure_row(db: &Db, tenant: &Tenant, picture: &Picture) -> Result<(), StoreError> {
    let exists: Option<String> = read!(db, |c| sqlx::query_scalar(
        "SELECT id FROM quality_pictures WHERE node_id = $1 AND year = $2"
    )
    .bind(&picture.node_id)
    .bind(picture.year)
    .fetch_optional(c)
    .await)?;
    if exists.is_none() {
        write!(db, |c| {
            sqlx::query(
            "INSERT INTO quality_pictures (id, organisation_id, node_kind, node_id, year, reflection, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, '', $6, $7)"
        )
        .bind(new_id())
        .bind(&picture.organisation_id)
        .bind(picture.kind.key())
        .bind(&picture.node_id)
        .bind(picture.year)
        .bind(now())
        .bind(&tenant.user_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Saves the quality officer's reflection (audited). Forbidden for others who may read it.
pub async fn save_reflection(
    db: &Db,
    tenant: &Tenant,
    actor_email: &str,
    picture: &Picture,
    text: &str,
) -> Result<(), StoreError> {
    if !may_reflect(tenant, picture) {
        return Err(StoreError::Forbidden);
    }
    ensure_row(db, tenant, picture).await?;
    write!(db, |c| {
        sqlx::query(
        "UPDATE quality_pictures SET reflection = $1, updated_at = $2, updated_by = $3 WHERE node_id = $4 AND year = $5"
    )
    .bind(text)
    .bind(now())
    .bind(&tenant.user_id)
    .bind(&picture.node_id)
    .bind(picture.year)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    audit::record(
        db,
        Entry::by(tenant, actor_email, "quality-picture-reflection-saved")
            .at_path(&picture.path.node_path())
            .subject(&format!("{} {}", picture.node_name, picture.year)),
    )
    .await
}

/// Records the client council's sign-off on `date` by `by` (audited).
pub async fn record_sign_off(
    db: &Db,
    tenant: &Tenant,
    actor_email: &str,
    picture: &Picture,
    date: &str,
    by: &str,
) -> Result<(), StoreError> {
    if !may_sign(tenant, picture) {
        return Err(StoreError::Forbidden);
    }
    ensure_row(db, tenant, picture).await?;
    write!(db, |c| {
        sqlx::query(
        "UPDATE quality_pictures SET council_signed_on = $1, council_signed_by = $2, updated_at = $3, updated_by = $4 WHERE node_id = $5 AND year = $6"
    )
    .bind(date)
    .bind(by)
    .bind(now())
    .bind(&tenant.user_id)
    .bind(&picture.node_id)
    .bind(picture.year)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    audit::record(
        db,
        Entry::by(tenant, actor_email, "quality-picture-signed-off")
            .at_path(&picture.path.node_path())
            .subject(&format!("{} {}", picture.node_name, picture.year))
            .detail(&format!("{date}; {by}")),
    )
    .await
}

/// Records the export of the picture's PDF (method.md §5: every export is logged).
pub async fn record_export(
    db: &Db,
    tenant: &Tenant,
    actor_email: &str,
    picture: &Picture,
) -> Result<(), StoreError> {
    audit::record(
        db,
        Entry::by(tenant, actor_email, "export")
            .at_path(&picture.path.node_path())
            .subject(&format!(
                "kwaliteitsbeeld {} {}",
                picture.node_name, picture.year
            ))
            .detail("pdf"),
    )
    .await
}
