//! A round's coded fragments and triad scores on one ward as rows for CSV and XLSX exports, and
//! the audit record every export leaves (method.md §5). Scores keep full precision here; reports
//! round them.

use crate::audit::{self, Entry};
use crate::db::{Db, StoreError};
use crate::read;
use crate::rounds;
use crate::structure::Ward;
use driehoek_domain::access::Tenant;
use driehoek_domain::scores::Percent;

pub const FRAGMENT_HEADER: [&str; 8] = [
    "triad",
    "perspective",
    "position",
    "speaker",
    "valence",
    "coded",
    "themes",
    "text",
];

pub const SCORE_HEADER: [&str; 8] = [
    "triad",
    "resident",
    "family",
    "staff",
    "valence",
    "valence_label",
    "agreement",
    "agreement_level",
];

/// Every fragment of the round on the ward with its code. The caller checked the ward with
/// [`crate::coding::coding_ward`].
pub async fn fragment_rows(
    db: &Db,
    ward_id: &str,
    round_id: &str,
) -> Result<Vec<Vec<String>>, StoreError> {
    type Row = (
        String,
        String,
        i64,
        String,
        Option<String>,
        bool,
        Option<String>,
        String,
        String,
    );
    let rows: Vec<Row> = read!(db, |c| sqlx::query_as(
        "SELECT t.code, c.perspective, f.position, f.speaker, f.valence,
                (f.coded_at IS NOT NULL OR c.status = 'coded') AS coded, th.key, f.text, f.id
         FROM triads t JOIN conversations c ON c.triad_id = t.id
         JOIN fragments f ON f.conversation_id = c.id
         LEFT JOIN fragment_themes ft ON ft.fragment_id = f.id
         LEFT JOIN themes th ON th.id = ft.theme_id
         WHERE t.ward_id = $1 AND t.round_id = $2
         ORDER BY t.code, c.perspective, f.position, th.position"
    )
    .bind(ward_id)
    .bind(round_id)
    .fetch_all(c)
    .await)?;
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (code, perspective, position, speaker, valence, coded, theme, text, id) in rows {
        if out.last().is_none_or(|(last, _)| *last != id) {
            out.push((
                id,
                vec![
                    code,
                    perspective,
                    position.to_string(),
                    speaker,
                    valence.unwrap_or_else(|| "none".into()),
                    if coded { "yes" } else { "no" }.into(),
                    String::new(),
                    text,
                ],
            ));
        }
        if let (Some(theme), Some((_, row))) = (theme, out.last_mut()) {
            if !row[6].is_empty() {
                row[6].push('|');
            }
            row[6].push_str(&theme);
        }
    }
    Ok(out.into_iter().map(|(_, r)| r).collect())
}

/// A percentage in full precision; with a decimal comma for Dutch spreadsheets.
fn exact(p: Option<Percent>, decimal_comma: bool) -> String {
    p.map_or_else(String::new, |p| {
        let s = p.as_f64().to_string();
        if decimal_comma {
            s.replace('.', ",")
        } else {
            s
        }
    })
}

/// The triads of the round on the ward with their scores in full precision.
pub async fn score_rows(
    db: &Db,
    tenant: &Tenant,
    ward_id: &str,
    round_id: &str,
    decimal_comma: bool,
) -> Result<Vec<Vec<String>>, StoreError> {
    Ok(rounds::scored_triads(db, tenant, ward_id, round_id)
        .await?
        .into_iter()
        .map(|t| {
            let s = t.scores;
            vec![
                t.code,
                exact(s.resident, decimal_comma),
                exact(s.family, decimal_comma),
                exact(s.staff, decimal_comma),
                exact(s.valence, decimal_comma),
                s.valence_label
                    .map_or_else(String::new, |l| l.key().to_string()),
                s.agreement
                    .map_or_else(String::new, |a| a.score.to_string()),
                s.agreement
                    .map_or_else(String::new, |a| a.level.key().to_string()),
            ]
        })
        .collect())
}

/// Writes the export to the audit log: who exported what of which ward and round.
pub async fn record(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    ward: &Ward,
    round_name: &str,
    what: &str,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "export")
            .at_path(&ward.path())
            .subject(&format!("{} · {round_name}", ward.name))
            .detail(what),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
