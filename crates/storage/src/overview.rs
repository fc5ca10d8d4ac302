//! The network overview: per organisation and round, how many triads and how positive the coded
//! stories are, read from the conversation tallies the database keeps (never the fragments), so
//! it stays fast across years of rounds.

use crate::db::{Db, StoreError};
use crate::{read, structure};
use driehoek_domain::Perspective;
use driehoek_domain::access::{NodePath, Tenant};
use driehoek_domain::scores::Percent;

#[derive(Debug, Clone)]
pub struct OverviewRow {
    pub organisation_id: String,
    pub organisation: String,
    pub round: String,
    pub period_start: String,
    pub triads: i64,
    pub positive: i64,
    pub negative: i64,
}

impl OverviewRow {
    /// The pooled share of positive fragments, when anything is coded.
    pub fn share_positive(&self) -> Option<Percent> {
        Percent::of(self.positive as u64, (self.positive + self.negative) as u64)
    }
}

/// Rows for every organisation of the network whose results the tenant may read, newest round
/// first within each organisation.
pub async fn network_overview(
    db: &Db,
    tenant: &Tenant,
    network_id: &str,
) -> Result<Vec<OverviewRow>, StoreError> {
    structure::network(db, tenant, network_id).await?;
    let rows: Vec<(String, String, String, String, i64, i64, i64)> = read!(db, |c| {
        sqlx::query_as(
            // Triads and tallies are summed per round first and joined to the rounds after: one pass
            // over the network's conversations instead of a DISTINCT over every joined row (on
            // PostgreSQL 520 → 15 ms in psql for 5 years of the benchmark network; SQLite about even).
            "WITH net_rounds AS (
             SELECT r.id FROM rounds r JOIN organisations o ON o.id = r.organisation_id
             WHERE o.network_id = $1),
         triad_counts AS (
             SELECT t.round_id, CAST(COUNT(*) AS BIGINT) AS triads FROM triads t
             WHERE t.round_id IN (SELECT id FROM net_rounds) GROUP BY t.round_id),
         valence_counts AS (
             SELECT t.round_id, CAST(SUM(ct.positive) AS BIGINT) AS positive,
                    CAST(SUM(ct.negative) AS BIGINT) AS negative
             FROM triads t JOIN conversations c ON c.triad_id = t.id
             JOIN conversation_tallies ct ON ct.conversation_id = c.id
             WHERE t.round_id IN (SELECT id FROM net_rounds) GROUP BY t.round_id)
         SELECT o.id, o.name, r.name, r.period_start, tc.triads,
                CAST(COALESCE(vc.positive, 0) AS BIGINT), CAST(COALESCE(vc.negative, 0) AS BIGINT)
         FROM organisations o
         JOIN rounds r ON r.organisation_id = o.id
         JOIN triad_counts tc ON tc.round_id = r.id
         LEFT JOIN valence_counts vc ON vc.round_id = r.id
         WHERE o.network_id = $1
         ORDER BY o.name, r.period_start DESC",
        )
        .bind(network_id)
        .fetch_all(c)
        .await
    })?;
    Ok(rows
        .into_iter()
        .filter(|r| {
            tenant.reads_results(&NodePath {
                network: network_id.to_string(),
                organisation: Some(r.0.clone()),
                ..NodePath::default()
            })
        })
        .map(
            |(organisation_id, organisation, round, period_start, triads, positive, negative)| {
                OverviewRow {
                    organisation_id,
                    organisation,
                    round,
                    period_start,
                    triads,
                    positive,
                    negative,
                }
            },
        )
        .collect())
}

/// One ward's figures in one round, for the location overview: totals per perspective only.
#[derive(Debug, Clone)]
pub struct WardOverviewRow {
    pub ward_id: String,
    pub ward: String,
    pub round: String,
    pub period_start: String,
    pub triads: i64,
    /// (positive, negative) coded fragments of the resident, family and staff conversations.
    pub by_perspective: [(i64, i64); 3],
}

impl WardOverviewRow {
    /// The pooled share of positive fragments of one perspective, when anything is coded.
    pub fn share_positive(&self, p: Perspective) -> Option<Percent> {
        let (pos, neg) = self.by_perspective[p as usize];
        Percent::of(pos as u64, (pos + neg) as u64)
    }
}

/// The location overview: per ward and round of the location, the number of triads and the
/// share of positive fragments per perspective, read from the tallies. Only wards whose results
/// the tenant may read; NotFound for a location outside the tenant's reach. The caller applies
/// the small-group rule.
pub async fn location_overview(
    db: &Db,
    tenant: &Tenant,
    location_id: &str,
) -> Result<Vec<WardOverviewRow>, StoreError> {
    let location = structure::location(db, tenant, location_id).await?;
    let triads: Vec<(String, String, String, String, String, i64)> = read!(db, |c| {
        sqlx::query_as(
            "SELECT w.id, w.name, r.id, r.name, r.period_start, CAST(COUNT(*) AS BIGINT)
             FROM wards w JOIN triads t ON t.ward_id = w.id JOIN rounds r ON r.id = t.round_id
             WHERE w.location_id = $1
             GROUP BY w.id, w.name, r.id, r.name, r.period_start
             ORDER BY w.name, r.period_start DESC",
        )
        .bind(location_id)
        .fetch_all(c)
        .await
    })?;
    let tallies: Vec<(String, String, String, i64, i64)> = read!(db, |c| {
        sqlx::query_as(
            "SELECT t.ward_id, t.round_id, c.perspective,
                    CAST(COALESCE(SUM(ct.positive), 0) AS BIGINT), CAST(COALESCE(SUM(ct.negative), 0) AS BIGINT)
             FROM wards w JOIN triads t ON t.ward_id = w.id
             JOIN conversations c ON c.triad_id = t.id
             JOIN conversation_tallies ct ON ct.conversation_id = c.id
             WHERE w.location_id = $1
             GROUP BY t.ward_id, t.round_id, c.perspective",
        )
        .bind(location_id)
        .fetch_all(c)
        .await
    })?;
    let path = location.path();
    Ok(triads
        .into_iter()
        .filter(|(ward_id, ..)| {
            tenant.reads_results(&NodePath {
                ward: Some(ward_id.clone()),
                ..path.clone()
            })
        })
        .map(|(ward_id, ward, round_id, round, period_start, triads)| {
            let mut by_perspective = [(0, 0); 3];
            for (w, r, perspective, pos, neg) in &tallies {
                if *w == ward_id
                    && *r == round_id
                    && let Some(p) = Perspective::parse(perspective)
                {
                    by_perspective[p as usize] = (*pos, *neg);
                }
            }
            WardOverviewRow {
                ward_id,
                ward,
                round,
                period_start,
                triads,
                by_perspective,
            }
        })
        .collect())
}
