//! Rounds, triads, conversations and coded fragments — the simple first version that the demo and
//! the ward page use. The Listen and coding issues grow this module.

use crate::db::{Db, StoreError};
use crate::read;
use crate::structure;
use driehoek_domain::Perspective;
use driehoek_domain::access::{NodePath, Tenant};
use driehoek_domain::scores::{
    AgreementLevel, ConversationTally, Percent, TriadScores, ValenceLabel, score_triad,
};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Round {
    pub id: String,
    pub organisation_id: String,
    pub name: String,
    pub period_start: String,
    pub period_end: String,
    pub status: String,
    pub theme_set_id: String,
    pub created_at: String,
}

/// A round as seen from one ward: how many triads the ward has in it.
#[derive(Debug, Clone, Serialize)]
pub struct WardRound {
    pub round: Round,
    pub triads: i64,
}

/// The rounds that have triads on this ward, newest first.
pub async fn rounds_of_ward(
    db: &Db,
    tenant: &Tenant,
    ward_id: &str,
) -> Result<Vec<WardRound>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        round: Round,
        triads: i64,
    }
    structure::ward(db, tenant, ward_id).await?;
    let rows: Vec<Row> = read!(db, |c| {
        sqlx::query_as(
        "SELECT r.id, r.organisation_id, r.name, r.period_start, r.period_end, r.status, r.theme_set_id, r.created_at,
                COUNT(t.id) AS triads
         FROM rounds r JOIN triads t ON t.round_id = r.id
         WHERE t.ward_id = $1
         GROUP BY r.id, r.organisation_id, r.name, r.period_start, r.period_end, r.status, r.theme_set_id, r.created_at
         ORDER BY r.period_start DESC"
    )
    .bind(ward_id)
    .fetch_all(c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| WardRound {
            round: r.round,
            triads: r.triads,
        })
        .collect())
}

/// One triad with its scores computed by the method's rules from the coded fragments.
#[derive(Debug, Clone, Serialize)]
pub struct ScoredTriad {
    pub id: String,
    pub code: String,
    pub resident_takes_part: bool,
    /// Coded (positive + negative) fragments per perspective, `None` when there is no conversation.
    pub coded: [Option<u64>; 3],
    #[serde(skip)]
    pub scores: TriadScores,
}

/// The triads of one round on one ward, in code order, scored.
pub async fn scored_triads(
    db: &Db,
    tenant: &Tenant,
    ward_id: &str,
    round_id: &str,
) -> Result<Vec<ScoredTriad>, StoreError> {
    structure::ward(db, tenant, ward_id).await?;
    let triads = tallied_triads(db, TriadFilter::WardRound { ward_id, round_id }).await?;
    Ok(triads
        .into_iter()
        .map(|t| ScoredTriad {
            coded: t.tallies.map(|c| c.map(ConversationTally::coded)),
            scores: t.scores(),
            id: t.id,
            code: t.code,
            resident_takes_part: t.resident_takes_part,
        })
        .collect())
}

/// Which triads [`tallied_triads`] reads.
#[derive(Debug, Clone, Copy)]
enum TriadFilter<'a> {
    /// One round on one ward.
    WardRound { ward_id: &'a str, round_id: &'a str },
    /// One round, every ward.
    Round { round_id: &'a str },
    /// Every round with this name, in any organisation of any network (admin command line).
    RoundName { name: &'a str },
}

impl<'a> TriadFilter<'a> {
    /// The WHERE clause (constant text) and the values it binds.
    fn clause(self) -> (&'static str, Vec<&'a str>) {
        match self {
            TriadFilter::WardRound { ward_id, round_id } => (
                "t.ward_id = $1 AND t.round_id = $2",
                vec![ward_id, round_id],
            ),
            TriadFilter::Round { round_id } => ("t.round_id = $1", vec![round_id]),
            TriadFilter::RoundName { name } => ("r.name = $1", vec![name]),
        }
    }
}

/// A triad with the tallies of its conversations and where it lies.
#[derive(Debug, Clone)]
struct TalliedTriad {
    id: String,
    code: String,
    resident_takes_part: bool,
    ward_name: String,
    ward: NodePath,
    /// Per perspective (resident, family, staff); `None` when there is no such conversation.
    tallies: [Option<ConversationTally>; 3],
}

impl TalliedTriad {
    fn scores(&self) -> TriadScores {
        let [resident, family, staff] = self.tallies;
        score_triad(resident, family, staff)
    }
}

/// Positive and negative fragment counts per conversation of the selected triads (from the
/// tallies the database keeps, so a whole network round reads no fragments), sorted by
/// ward name, then triad code (byte order, the same on both databases).
async fn tallied_triads(db: &Db, filter: TriadFilter<'_>) -> Result<Vec<TalliedTriad>, StoreError> {
    type Row = (
        String,
        String,
        bool,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        i64,
        i64,
    );
    let (clause, binds) = filter.clause();
    let sql = format!(
        "SELECT t.id, t.code, t.resident_takes_part, w.name, w.id, l.id, o.id, o.network_id, c.perspective,
                COALESCE(ct.positive, 0), COALESCE(ct.negative, 0)
         FROM triads t
         JOIN rounds r ON r.id = t.round_id
         JOIN wards w ON w.id = t.ward_id
         JOIN locations l ON l.id = w.location_id
         JOIN organisations o ON o.id = l.organisation_id
         LEFT JOIN conversations c ON c.triad_id = t.id
         LEFT JOIN conversation_tallies ct ON ct.conversation_id = c.id
         WHERE {clause}"
    );
    let rows: Vec<Row> = read!(db, |c| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(*b);
        }
        q.fetch_all(c).await
    })?;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<TalliedTriad> = Vec::new();
    for (
        id,
        code,
        resident_takes_part,
        ward_name,
        ward,
        location,
        organisation,
        network,
        perspective,
        pos,
        neg,
    ) in rows
    {
        let i = *index.entry(id.clone()).or_insert_with(|| {
            out.push(TalliedTriad {
                id,
                code,
                resident_takes_part,
                ward_name,
                ward: NodePath {
                    network,
                    organisation: Some(organisation),
                    location: Some(location),
                    ward: Some(ward),
                },
                tallies: [None; 3],
            });
            out.len() - 1
        });
        if let Some(p) = perspective.as_deref().and_then(Perspective::parse) {
            out[i].tallies[p as usize] = Some(ConversationTally {
                positive: u32::try_from(pos).unwrap_or(u32::MAX),
                negative: u32::try_from(neg).unwrap_or(u32::MAX),
            });
        }
    }
    out.sort_by(|a, b| (&a.ward_name, &a.code, &a.id).cmp(&(&b.ward_name, &b.code, &b.id)));
    Ok(out)
}

/// The reported scores of one triad (method.md §3): whole numbers rounded half-up, `None` when
/// not available. The keys are those of `driehoek scores` and `GET /api/v1/rounds/{round}/scores`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriadScoreRow {
    /// The triad's pseudonymous code.
    pub triad: String,
    /// The ward's name.
    pub ward: String,
    /// %-positive of the resident's conversation.
    pub resident: Option<u32>,
    pub family: Option<u32>,
    pub staff: Option<u32>,
    pub valence: Option<u32>,
    pub valence_label: Option<ValenceLabel>,
    pub agreement: Option<u32>,
    pub agreement_level: Option<AgreementLevel>,
}

impl TriadScoreRow {
    /// The column names, in order (for CSV).
    pub const KEYS: [&'static str; 9] = [
        "triad",
        "ward",
        "resident",
        "family",
        "staff",
        "valence",
        "valence_label",
        "agreement",
        "agreement_level",
    ];

    fn of(t: &TalliedTriad) -> TriadScoreRow {
        let s = t.scores();
        TriadScoreRow {
            triad: t.code.clone(),
            ward: t.ward_name.clone(),
            resident: s.resident.map(Percent::rounded),
            family: s.family.map(Percent::rounded),
            staff: s.staff.map(Percent::rounded),
            valence: s.valence.map(Percent::rounded),
            valence_label: s.valence_label,
            agreement: s.agreement.map(|a| a.score),
            agreement_level: s.agreement.map(|a| a.level),
        }
    }
}

/// Scores of every triad of every round named `name`, in all organisations of all networks,
/// sorted by ward, then triad code. For the admin command line: no tenant.
/// [`StoreError::NotFound`] when no round has this name.
pub async fn scores_by_round_name(db: &Db, name: &str) -> Result<Vec<TriadScoreRow>, StoreError> {
    let rounds: i64 = read!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM rounds WHERE name = $1"
    )
    .bind(name)
    .fetch_one(c)
    .await)?;
    if rounds == 0 {
        return Err(StoreError::NotFound);
    }
    let triads = tallied_triads(db, TriadFilter::RoundName { name }).await?;
    Ok(triads.iter().map(TriadScoreRow::of).collect())
}

/// Scores of the triads of one round that the tenant may read results of, sorted by ward, then
/// triad code. [`StoreError::NotFound`] unless the tenant sees the round's organisation and may
/// read its results; a user with a role on one ward gets that ward's triads only.
pub async fn round_scores(
    db: &Db,
    tenant: &Tenant,
    round_id: &str,
) -> Result<Vec<TriadScoreRow>, StoreError> {
    let organisation: Option<(String, String)> = read!(db, |c| {
        sqlx::query_as(
        "SELECT o.network_id, o.id FROM rounds r JOIN organisations o ON o.id = r.organisation_id WHERE r.id = $1"
    )
    .bind(round_id)
    .fetch_optional(c)
    .await
    })?;
    let (network, organisation) = organisation.ok_or(StoreError::NotFound)?;
    let path = NodePath {
        network,
        organisation: Some(organisation),
        ..NodePath::default()
    };
    if !tenant.sees(&path) || !tenant.reads_results(&path) {
        return Err(StoreError::NotFound);
    }
    let triads = tallied_triads(db, TriadFilter::Round { round_id }).await?;
    Ok(triads
        .iter()
        .filter(|t| tenant.sees(&t.ward) && tenant.reads_results(&t.ward))
        .map(TriadScoreRow::of)
        .collect())
}
