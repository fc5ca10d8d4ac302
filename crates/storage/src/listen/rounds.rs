//! Rounds: planned by a quality officer for one or more wards of their organisation, with a
//! conversation guide version and a theme set, moving through planning → collecting → coding →
//! reporting → closed one step at a time.

use crate::audit::{self, Entry};
use crate::db::{Db, StoreError, new_id, now};
use crate::structure::{self, check_manages};
use crate::{in_tx, read};
use driehoek_domain::access::{NodePath, Tenant};
use driehoek_domain::listen::RoundStatus;
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RoundInfo {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub network_id: String,
    pub name: String,
    pub period_start: String,
    pub period_end: String,
    pub status: String,
    pub theme_set_id: String,
    pub guide_id: Option<String>,
    pub created_at: String,
}

impl RoundInfo {
    pub fn path(&self) -> NodePath {
        NodePath {
            network: self.network_id.clone(),
            organisation: Some(self.organisation_id.clone()),
            ..NodePath::default()
        }
    }
    pub fn status(&self) -> RoundStatus {
        RoundStatus::parse(&self.status).unwrap_or(RoundStatus::Planning)
    }
}

const ROUND_SQL: &str =
    "SELECT r.id, r.organisation_id, o.name AS organisation_name, o.network_id, r.name,
        r.period_start, r.period_end, r.status, r.theme_set_id, r.guide_id, r.created_at
    FROM rounds r JOIN organisations o ON o.id = r.organisation_id";

/// A round the tenant reads (its organisation's results); NotFound otherwise.
pub async fn round(db: &Db, tenant: &Tenant, id: &str) -> Result<RoundInfo, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{ROUND_SQL} WHERE r.id = $1"));
    let r: Option<RoundInfo> = read!(db, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?;
    r.filter(|r| tenant.reads_results(&r.path()))
        .ok_or(StoreError::NotFound)
}

/// Every round the tenant reads, newest period first.
pub async fn rounds(db: &Db, tenant: &Tenant) -> Result<Vec<RoundInfo>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{ROUND_SQL} ORDER BY r.period_start DESC, o.name, r.name"
    ));
    let all: Vec<RoundInfo> = read!(db, |c| sqlx::query_as(sql).fetch_all(c).await)?;
    Ok(all
        .into_iter()
        .filter(|r| tenant.reads_results(&r.path()))
        .collect())
}

/// What a quality officer fills in to plan a round.
#[derive(Debug, Clone)]
pub struct NewRound {
    pub organisation_id: String,
    pub name: String,
    pub period_start: String,
    pub period_end: String,
    pub guide_id: String,
    pub theme_set_id: String,
    pub ward_ids: Vec<String>,
}

pub async fn create(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    r: &NewRound,
) -> Result<String, StoreError> {
    let org = structure::organisation(db, tenant, &r.organisation_id).await?;
    check_manages(tenant, &org.path())?;
    if r.ward_ids.is_empty() {
        return Err(StoreError::Conflict("error-round-no-wards"));
    }
    for w in &r.ward_ids {
        let ward = structure::ward(db, tenant, w).await?;
        if ward.organisation_id != org.id {
            return Err(StoreError::NotFound);
        }
    }
    let guide = super::guides::guide(db, tenant, &r.guide_id).await?;
    if guide
        .network_id
        .as_ref()
        .is_some_and(|n| *n != org.network_id)
    {
        return Err(StoreError::NotFound);
    }
    let theme_network: Option<Option<String>> = read!(db, |c| sqlx::query_scalar(
        "SELECT network_id FROM theme_sets WHERE id = $1"
    )
    .bind(&r.theme_set_id)
    .fetch_optional(c)
    .await)?;
    match theme_network {
        Some(None) => {}
        Some(Some(n)) if n == org.network_id => {}
        _ => return Err(StoreError::NotFound),
    }
    let id = new_id();
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query(
        "INSERT INTO rounds (id, organisation_id, name, period_start, period_end, status, theme_set_id, guide_id, created_at)
         VALUES ($1, $2, $3, $4, $5, 'planning', $6, $7, $8)"
    )
    .bind(&id)
    .bind(&org.id)
    .bind(&r.name)
    .bind(&r.period_start)
    .bind(&r.period_end)
    .bind(&r.theme_set_id)
    .bind(&r.guide_id)
    .bind(now())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| StoreError::from(e).unique_as("conflict-round-name"))?;
    for w in &r.ward_ids {
        in_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO round_wards (round_id, ward_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        )
        .bind(&id)
        .bind(w)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "round-created")
            .at_path(&org.path())
            .subject(&r.name),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Moves the round one step (the domain says which steps are allowed).
pub async fn set_status(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    id: &str,
    to: RoundStatus,
) -> Result<(), StoreError> {
    let r = round(db, tenant, id).await?;
    check_manages(tenant, &r.path())?;
    r.status().check_move(to)?;
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query(
        "UPDATE rounds SET status = $1 WHERE id = $2 AND status = $3"
    )
    .bind(to.key())
    .bind(id)
    .bind(&r.status)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "round-status-changed")
            .at_path(&r.path())
            .subject(&r.name)
            .detail(&format!("{} → {}", r.status, to.key())),
    )
    .await?;
    tx.commit().await
}

/// One conversation slot in the round overview.
#[derive(Debug, Clone, Serialize)]
pub struct Slot {
    pub conversation_id: String,
    pub perspective: String,
    pub status: String,
    pub interviewer_name: Option<String>,
}

/// One triad in the overview: its code and its (two or three) slots.
#[derive(Debug, Clone, Serialize)]
pub struct TriadRow {
    pub id: String,
    pub code: String,
    pub resident_takes_part: bool,
    pub slots: Vec<Slot>,
}

impl TriadRow {
    /// Complete: every conversation is checked (or already coded).
    pub fn complete(&self) -> bool {
        !self.slots.is_empty()
            && self
                .slots
                .iter()
                .all(|s| s.status == "checked" || s.status == "coded")
    }
    pub fn slot(&self, perspective: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.perspective == perspective)
    }
}

/// One ward of a round: its triads and the counts the quality officer watches.
#[derive(Debug, Clone, Serialize)]
pub struct WardOverview {
    pub ward_id: String,
    pub ward_name: String,
    pub location_name: String,
    pub manages: bool,
    pub triads: Vec<TriadRow>,
    pub complete: usize,
    /// Conversations per status: unscheduled, planned, held, transcribed, checked (incl. coded).
    pub counts: [usize; 5],
}

/// (ward, triad, code, resident takes part, conversation, perspective, status, interviewer).
type SlotRow = (
    String,
    String,
    String,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub const COUNTED: [&str; 5] = ["unscheduled", "planned", "held", "transcribed", "checked"];

/// The round per ward the tenant reads.
pub async fn overview(
    db: &Db,
    tenant: &Tenant,
    round_id: &str,
) -> Result<Vec<WardOverview>, StoreError> {
    let r = round(db, tenant, round_id).await?;
    let wards: Vec<(String, String, String, String)> = read!(db, |c| sqlx::query_as(
        "SELECT w.id, w.name, l.id, l.name FROM round_wards rw
         JOIN wards w ON w.id = rw.ward_id JOIN locations l ON l.id = w.location_id
         WHERE rw.round_id = $1 ORDER BY l.name, w.name"
    )
    .bind(round_id)
    .fetch_all(c)
    .await)?;
    let rows: Vec<SlotRow> = read!(db, |c| {
        sqlx::query_as(
            "SELECT t.ward_id, t.id, t.code, t.resident_takes_part, c.id, c.perspective, c.status, u.display_name
             FROM triads t LEFT JOIN conversations c ON c.triad_id = t.id
             LEFT JOIN users u ON u.id = c.interviewer_id
             WHERE t.round_id = $1 ORDER BY t.code, c.perspective"
        )
        .bind(round_id)
        .fetch_all(c)
        .await
    })?;
    let mut out = Vec::new();
    for (ward_id, ward_name, location_id, location_name) in wards {
        let path = NodePath {
            location: Some(location_id),
            ward: Some(ward_id.clone()),
            ..r.path()
        };
        if !tenant.reads_results(&path) {
            continue;
        }
        let mut triads: Vec<TriadRow> = Vec::new();
        for (w, tid, code, takes_part, cid, perspective, status, interviewer) in &rows {
            if *w != ward_id {
                continue;
            }
            if triads.last().is_none_or(|t| t.id != *tid) {
                triads.push(TriadRow {
                    id: tid.clone(),
                    code: code.clone(),
                    resident_takes_part: *takes_part,
                    slots: Vec::new(),
                });
            }
            if let (Some(cid), Some(p), Some(s), Some(t)) =
                (cid, perspective, status, triads.last_mut())
            {
                t.slots.push(Slot {
                    conversation_id: cid.clone(),
                    perspective: p.clone(),
                    status: s.clone(),
                    interviewer_name: interviewer.clone(),
                });
            }
        }
        for t in &mut triads {
            t.slots.sort_by_key(|s| {
                driehoek_domain::Perspective::parse(&s.perspective).map_or(9, |p| p as usize)
            });
        }
        let mut counts = [0usize; 5];
        for s in triads.iter().flat_map(|t| &t.slots) {
            let key = if s.status == "coded" {
                "checked"
            } else {
                s.status.as_str()
            };
            if let Some(i) = COUNTED.iter().position(|k| *k == key) {
                counts[i] += 1;
            }
        }
        out.push(WardOverview {
            ward_id,
            ward_name,
            location_name,
            manages: tenant.manages(&path),
            complete: triads.iter().filter(|t| t.complete()).count(),
            triads,
            counts,
        });
    }
    Ok(out)
}

/// The wards of the round (for the add-triad form), those the tenant manages.
pub async fn managed_wards(
    db: &Db,
    tenant: &Tenant,
    round_id: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(overview(db, tenant, round_id)
        .await?
        .into_iter()
        .filter(|w| w.manages)
        .map(|w| (w.ward_id, format!("{} · {}", w.location_name, w.ward_name)))
        .collect())
}

/// (id, label) of the theme sets a network may use (built-in and its own).
pub async fn theme_sets(
    db: &Db,
    tenant: &Tenant,
    network_id: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    structure::network(db, tenant, network_id).await?;
    let rows: Vec<(String, String, i64)> = read!(db, |c| {
        sqlx::query_as(
        "SELECT id, name_nl, version FROM theme_sets WHERE network_id IS NULL OR network_id = $1 ORDER BY name_nl, version DESC"
    )
    .bind(network_id)
    .fetch_all(c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, name, v)| (id, format!("{name} (v{v})")))
        .collect())
}
