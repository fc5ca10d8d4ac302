//! The network overview: per organisation and round, how many triads and how positive the coded
//! stories are, read from the conversation tallies the database keeps (never the fragments), so
//! it stays fast across years of rounds.

use crate::db::{Db, StoreError};
use crate::{read, structure};
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
        "SELECT o.id, o.name, r.name, r.period_start, CAST(COUNT(DISTINCT t.id) AS BIGINT),
                CAST(COALESCE(SUM(ct.positive), 0) AS BIGINT), CAST(COALESCE(SUM(ct.negative), 0) AS BIGINT)
         FROM organisations o
         JOIN rounds r ON r.organisation_id = o.id
         JOIN triads t ON t.round_id = r.id
         LEFT JOIN conversations c ON c.triad_id = t.id
         LEFT JOIN conversation_tallies ct ON ct.conversation_id = c.id
         WHERE o.network_id = $1
         GROUP BY o.id, o.name, r.name, r.period_start
         ORDER BY o.name, r.period_start DESC"
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
